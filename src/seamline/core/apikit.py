"""The paginator every context's API lists share (who is asking lives in accounts.access)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import LimitOffsetPagination

__all__ = ["Pagination"]


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
