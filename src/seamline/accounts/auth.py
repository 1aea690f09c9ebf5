"""How an API request says who it is: a bearer token of an organization, or the signed-in session."""

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from .permissions import TOKEN_ROLE
from .selectors import token_authenticate

__all__ = ["SessionAuth", "TokenAuth"]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sl_…`: the token's organization becomes request.organization."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_authenticate(key=token)
        if api_token is None:
            return None
        request.organization = api_token.organization  # type: ignore[attr-defined]
        request.role = TOKEN_ROLE  # type: ignore[attr-defined]
        request.token_facility_id = api_token.facility_id  # type: ignore[attr-defined]
        return api_token


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (for the HTMX pages and the docs page); CSRF checked on writes."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # APIKeyCookie._get_key runs Django's CSRF check (403 on failure) on unsafe methods. Only a
        # signed-in session is checked, so an anonymous request still answers 401; a valid bearer
        # token is tried first and never gets here.
        if not request.user.is_authenticated:
            return None
        super()._get_key(request)
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not request.user.is_authenticated:
            return None
        # OrganizationMiddleware has set request.organization and request.role from the membership.
        return request.user if getattr(request, "organization", None) is not None else None
