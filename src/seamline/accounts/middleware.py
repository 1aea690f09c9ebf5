"""Sets request.organization (the tenant every view and selector scopes by) and request.role; answers a
refused sign-in with 429."""

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


class SignInRefusedMiddleware:
    """A sign-in page whose try was refused for too many failures (forms.ThrottledSignIn) answers 429 with
    Retry-After. The form cannot set the status itself, and the admin's login view is Django's own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST":
            form = (getattr(response, "context_data", None) or {}).get("form")
            retry_after = getattr(form, "retry_after", 0)
            if retry_after:
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
        return response
