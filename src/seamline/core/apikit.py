"""The paginator every context's API lists share (who is asking lives in accounts.access)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .schemas import MAX_INT

__all__ = ["Pagination"]


class Pagination(LimitOffsetPagination):
    """ninja's `limit`/`offset` pagination, minus the COUNT query whenever the page itself tells the total.

    A page shorter than `limit` is the last one, so the total is `offset` plus its length; only a full page,
    or one past the end, needs the count (small lists, and the last page of any list, cost one query less).
    """

    class Input(Schema):
        # ninja leaves `offset` unbounded: past a 64-bit integer PostgreSQL fails on it (a 500) and SQLite's
        # driver overflows; any offset up to MAX_INT is just past the end of every list here.
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_INT)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: LimitOffsetPagination.Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        if len(items) < limit and (items or not offset):
            return {"items": items, "count": offset + len(items)}
        return {"items": items, "count": self._items_count(queryset)}
