"""Reads of the ledger: EPCIS queries, and the lineage of a garment, a roll and an order.

`events_query` answers a parsed SimpleEventQuery (trace.query): the indexed columns and the EPC index
narrow the candidates in SQL; conditions only the body holds (sensor data, error declarations,
bizTransactions, ILMD and extension fields, …) are then tested on each candidate's body, in order,
before the page is cut, so pages and limits count matching events only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import orjson
from django.db import connection
from django.db.models import Q, QuerySet

from seamline.accounts.models import Organization
from seamline.core.errors import DomainError

from .models import Event, EventEpc
from .query import EPC_ROLES, MAX_PER_PAGE, Condition, EpcMatch, EventQuery, page_token, parse_query

__all__ = [
    "MAX_PER_PAGE",
    "EventQuery",
    "QueryTooLarge",
    "event_get",
    "events_about",
    "events_query",
    "parse_query",
    "visible_events",
]

_COLUMN = {
    "eventType": "event_type",
    "action": "action",
    "bizStep": "biz_step",
    "disposition": "disposition",
    "readPoint": "read_point",
    "bizLocation": "biz_location",
    "eventID": "event_id",
}
_GRID = Decimal("0.0001")  # EventEpc.quantity: 4 decimal places
_LOOKUP = {"EQ": "exact", "GT": "gt", "GE": "gte", "LT": "lt", "LE": "lte"}


class QueryTooLarge(DomainError):
    """More events match than the query's maxEventCount allows (GS1: QueryTooLargeException)."""

    status = 400
    code = "QueryTooLargeException"
    title = "Query result too large"


def visible_events(organization: Organization) -> QuerySet[Event]:
    """Events of the organization's own chain, and events about its goods (a brand's garments)."""
    return Event.objects.filter(Q(organization=organization) | Q(brand=organization))


def event_get(*, organization: Organization, event_id: str) -> Event | None:
    if "\x00" in event_id:  # no event has one (capture refuses them), and PostgreSQL refuses to compare it
        return None
    return visible_events(organization).filter(event_id=event_id).first()


def events_query(*, organization: Organization, query: EventQuery) -> tuple[list[Event], str | None]:
    """One page of matching events and the token of the next page, if any.

    Oldest first, or in the query's orderBy/orderDirection. QueryTooLarge when more events match than
    maxEventCount; eventCountLimit caps the events of all pages together.
    """
    qs = _candidates(visible_events(organization), query)
    body_conditions = [c for c in query.conditions if not c.indexed]
    if query.max_event_count is not None:
        found = sum(1 for _ in _matching(qs.order_by(), body_conditions, query.max_event_count + 1))
        if found > query.max_event_count:
            raise QueryTooLarge(
                f"More than {query.max_event_count} events match the query",
                fields={"maxEventCount": f"more than {query.max_event_count} events match"},
            )
    column = "record_time" if query.order_by == "recordTime" else "event_time"
    size = query.per_page
    if query.event_count_limit is not None:
        size = min(size, query.event_count_limit - query.returned)
    if query.after is not None:
        when, pk = query.after
        if query.descending:
            qs = qs.filter(Q(**{f"{column}__lt": when}) | Q(**{column: when}, pk__lt=pk))
        else:
            qs = qs.filter(Q(**{f"{column}__gt": when}) | Q(**{column: when}, pk__gt=pk))
    order = (f"-{column}", "-pk") if query.descending else (column, "pk")
    page = list(_matching(qs.order_by(*order), body_conditions, size + 1)) if size > 0 else []
    more, page = len(page) > size, page[:size]
    if query.event_count_limit is not None and query.returned + size >= query.event_count_limit:
        more = False
    if not more:
        return page, None
    last = page[-1]
    return page, page_token(getattr(last, column), last.pk, query.returned + size)


def _candidates(qs: QuerySet[Event], query: EventQuery) -> QuerySet[Event]:
    """The events passing the conditions SQL can answer (columns, EPC index, body text pre-filter)."""
    for condition in query.conditions:
        kind = condition.kind
        if kind in _COLUMN:
            qs = qs.filter(**{f"{_COLUMN[kind]}__in": condition.values})
        elif kind in ("eventTime", "recordTime"):
            column = "event_time" if kind == "eventTime" else "record_time"
            qs = qs.filter(**{f"{column}__{_LOOKUP[condition.op]}": condition.bound})
        elif kind == "epc":
            qs = qs.filter(pk__in=_naming(condition.matches, EPC_ROLES[condition.param]))
        elif kind == "quantity":
            qs = qs.filter(pk__in=_quantities(condition.op, Decimal(str(condition.bound))))
        elif kind == "masterData":  # HASATTR_/EQATTR_: no vocabulary element has master data here
            qs = qs.none()
        elif needles := condition.needles():
            text = Q()
            for needle in needles:
                text |= Q(body__contains=needle)
            qs = qs.filter(text)
    return qs


def _quantities(op: str, bound: Decimal) -> QuerySet:
    """Ids of events with a quantity ``op`` ``bound``, the bound moved onto the column's grid (4 decimal
    places, under 10^10) so that any number the query sends compares exactly and PostgreSQL can read it."""
    limit = Decimal(10**10)
    bound = max(-limit, min(limit, bound))
    down, up = (bound.quantize(_GRID, rounding=r) for r in (ROUND_FLOOR, ROUND_CEILING))
    if op == "EQ" and down != up:
        return EventEpc.objects.none().values("event_id")
    lookup = {
        "EQ": ("exact", up),
        "GT": ("gt", down),
        "GE": ("gte", up),
        "LT": ("lt", up),
        "LE": ("lte", down),
    }
    name, value = lookup[op]
    return EventEpc.objects.filter(**{f"quantity__{name}": value}).values("event_id")


def _matching(qs: QuerySet[Event], conditions: Sequence[Condition], limit: int) -> Iterator[Event]:
    """Up to ``limit`` events of ``qs``, in its order, whose bodies pass every condition."""
    if not conditions:
        yield from qs[:limit]
        return
    found = 0
    for event in qs.iterator(chunk_size=500):
        body = orjson.loads(event.body)
        if all(condition.test(body) for condition in conditions):
            yield event
            found += 1
            if found == limit:
                return


def _naming(matches: Sequence[EpcMatch], roles: Sequence[str]) -> QuerySet:
    """Ids of events naming an identifier one of ``matches`` covers, in one of ``roles``."""
    exact = sorted({epc for m in matches for epc in m.exact})
    match = Q(epc__in=exact) if exact else Q(pk__in=[])
    for prefix in sorted({p for m in matches for p in m.prefixes}):
        match |= _starts_with(prefix)
    return EventEpc.objects.filter(match, role__in=roles).values("event_id")


def _starts_with(prefix: str) -> Q:
    """EPCs starting with ``prefix``, case and all: SQLite's LIKE ignores ASCII case, its < and >= do not."""
    if connection.vendor == "sqlite":
        return Q(epc__gte=prefix, epc__lt=prefix + "\U0010ffff")
    return Q(epc__startswith=prefix)


def events_about(*, organization: Organization, epcs: Sequence[str]) -> list[Event]:
    """Every visible event naming any of ``epcs`` in any role, oldest first."""
    ids = EventEpc.objects.filter(epc__in=list(epcs)).values("event_id")
    return list(visible_events(organization).filter(pk__in=ids).order_by("event_time", "pk"))
