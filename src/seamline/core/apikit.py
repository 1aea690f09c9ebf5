"""What every context's API handlers share: who is asking, the ownership check, and the paginator."""

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import LimitOffsetPagination

from seamline.accounts.models import ApiToken, Organization

from .errors import ForbiddenError

__all__ = ["Pagination", "organization_of", "owned", "user_of"]

T = TypeVar("T")


def organization_of(request: HttpRequest) -> Organization:
    """The tenant the request acts for (set by TokenAuth or SessionAuth)."""
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


class Pagination(LimitOffsetPagination):
    """ninja's `limit`/`offset` pagination, minus the COUNT query whenever the page itself tells the total.

    A page shorter than `limit` is the last one, so the total is `offset` plus its length; only a full page,
    or one past the end, needs the count (small lists, and the last page of any list, cost one query less).
    """

    def paginate_queryset(
        self, queryset: QuerySet, pagination: LimitOffsetPagination.Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        if len(items) < limit and (items or not offset):
            return {"items": items, "count": offset + len(items)}
        return {"items": items, "count": self._items_count(queryset)}
