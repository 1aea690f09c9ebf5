"""Who is asking (/me), the factory directory, and the request helpers every context's API uses."""

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.errors import AuthorizationError
from ninja.pagination import paginate

from seamline.core.errors import NotFoundError

from . import selectors
from .models import ApiToken, Organization
from .schemas import FactoryOut, MeOut, problems

__all__ = ["found", "organization_of", "owned", "router", "user_of"]

T = TypeVar("T")

router = Router(tags=["accounts"])


def organization_of(request: HttpRequest) -> Organization:
    """The tenant the request acts for (set by TokenAuth or SessionAuth)."""
    return request.organization  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> AbstractBaseUser | None:
    """The person behind the request: the token's creator, or the signed-in user."""
    if isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        return request.auth.created_by  # type: ignore[attr-defined]
    return request.user if request.user.is_authenticated else None


def found(obj: T | None, what: str) -> T:
    """`obj`, or a 404: a record of another organization looks exactly like a missing one."""
    if obj is None:
        raise NotFoundError(f"No such {what}.")
    return obj


def owned(request: HttpRequest, obj: T, owner_id: int, what: str) -> T:
    """`obj` if the caller's organization owns it; seeing a record is not the right to change it (403)."""
    if owner_id != organization_of(request).pk:
        raise AuthorizationError(
            message=f"This {what} belongs to another organization; you may only read it."
        )
    return obj


@router.get("/me", response={200: MeOut, **problems(401)}, summary="The organization the caller acts for")
def me(request: HttpRequest) -> dict:
    token = request.auth if isinstance(request.auth, ApiToken) else None  # type: ignore[attr-defined]
    return {
        "organization": organization_of(request),
        "auth": "token" if token else "session",
        "token_name": token.name if token else None,
    }


@router.get("/factories", response={200: list[FactoryOut], **problems(401)}, summary="The factory directory")
@paginate
def factory_list(request: HttpRequest) -> QuerySet[Organization]:
    return selectors.factory_list()
