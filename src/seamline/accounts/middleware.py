"""Sets request.organization (the tenant every view and selector scopes by) and request.role."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .permissions import permissions_of
from .selectors import membership_for_user, memberships_of

SESSION_KEY = "seamline_org_id"


class OrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        if request.user.is_authenticated:
            membership = membership_for_user(user=request.user, org_id=request.session.get(SESSION_KEY))
        request.organization = membership.organization if membership else None  # type: ignore[attr-defined]
        request.role = membership.role if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)


def organization_context(request: HttpRequest) -> dict:
    """`organization`, the user's `memberships` (for the switcher), and `can`: their role's permissions."""
    org = getattr(request, "organization", None)
    if org is None:
        return {}
    role = getattr(request, "role", None)
    return {
        "organization": org,
        "memberships": memberships_of(user=request.user),
        "role": role,
        "can": {p.value for p in permissions_of(role)} | {"_"},  # "_" keeps `in can` valid when empty
    }
