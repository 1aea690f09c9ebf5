"""Who is asking (/me), and the factory directory."""

from typing import TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from seamline.core.apikit import Pagination
from seamline.core.schemas import problems

from . import selectors
from .access import organization_of
from .models import ApiToken, Organization
from .schemas import FactoryOut, MeOut

__all__ = ["router"]

T = TypeVar("T")

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, **problems(401)}, summary="The organization the caller acts for")
def me(request: HttpRequest) -> dict:
    token = request.auth if isinstance(request.auth, ApiToken) else None  # type: ignore[attr-defined]
    return {
        "organization": organization_of(request),
        "auth": "token" if token else "session",
        "token_name": token.name if token else None,
    }


@router.get("/factories", response={200: list[FactoryOut], **problems(401)}, summary="The factory directory")
@paginate(Pagination)
def factory_list(request: HttpRequest) -> QuerySet[Organization]:
    return selectors.factory_list()
