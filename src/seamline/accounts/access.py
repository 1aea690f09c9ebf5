"""Who is asking, and may they: the tenant and the person behind a request, the role check views and API
handlers call before a write, and the guards of the HTML views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seamline.core.errors import ForbiddenError

from .models import ApiToken, Organization
from .permissions import Permission, can

__all__ = ["org_view", "organization_of", "owned", "require", "requires", "user_of"]

T = TypeVar("T")
View = Callable[..., HttpResponse]


def require(request: HttpRequest, permission: Permission) -> None:
    """Raise ForbiddenError (403) unless the role the request acts with allows `permission`."""
    role = getattr(request, "role", None)
    if not can(role, permission):
        what = permission.value.replace("_", " ")
        raise ForbiddenError(
            f"Your role ({role or 'none'}) may not {what}.", fields={"role": f"Cannot {what}."}
        )


def organization_of(request: HttpRequest) -> Organization:
    """The tenant the request acts for (set by TokenAuth, SessionAuth or the organization middleware)."""
    return request.organization  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> AbstractBaseUser | None:
    """The person behind the request: the token's creator, or the signed-in user."""
    if isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        return request.auth.created_by  # type: ignore[attr-defined]
    return request.user if request.user.is_authenticated else None


def owned(request: HttpRequest, obj: T, owner_id: int, what: str) -> T:
    """`obj` if the caller's organization owns it; seeing a record is not the right to change it (403)."""
    if owner_id != organization_of(request).pk:
        raise ForbiddenError(f"This {what} belongs to another organization; you may only read it.")
    return obj


def org_view(view: View) -> View:
    """Sign-in required, and an organization to act for; a user without one gets a page that says so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "organization", None) is None:
            return render(request, "core/no_organization.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def requires(permission: Permission) -> Callable[[View], View]:
    """Under @org_view: answer 403 unless the user's role in the organization allows `permission`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
