"""Sets request.organization: the tenant every view and selector scopes by."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .selectors import memberships_of, organization_for_user

SESSION_KEY = "seamline_org_id"


class OrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = (
            organization_for_user(  # type: ignore[attr-defined]
                user=request.user, org_id=request.session.get(SESSION_KEY)
            )
            if request.user.is_authenticated
            else None
        )
        return self.get_response(request)


def organization_context(request: HttpRequest) -> dict:
    org = getattr(request, "organization", None)
    if org is None:
        return {}
    return {"organization": org, "memberships": memberships_of(user=request.user)}
