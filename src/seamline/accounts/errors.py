from seamline.core.errors import DomainError, NotFoundError


class AuthenticationError(DomainError):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"


__all__ = ["AuthenticationError", "NotFoundError"]
