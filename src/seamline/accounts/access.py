"""The guard views and API handlers call before a write: does the caller's role allow it?"""

from django.http import HttpRequest

from seamline.core.errors import ForbiddenError

from .permissions import Permission, can


def require(request: HttpRequest, permission: Permission) -> None:
    """Raise ForbiddenError (403) unless the role the request acts with allows `permission`."""
    role = getattr(request, "role", None)
    if not can(role, permission):
        what = permission.value.replace("_", " ")
        raise ForbiddenError(
            f"Your role ({role or 'none'}) may not {what}.", fields={"role": f"Cannot {what}."}
        )
