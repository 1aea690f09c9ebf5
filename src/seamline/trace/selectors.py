"""Reads of the ledger: EPCIS queries, and the lineage of a garment, a roll and an order."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from seamline.accounts.models import Organization

from .models import Event, EventEpc
from .records import parse_time, vocabulary_uri

__all__ = ["EventQuery", "event_get", "events_about", "events_query", "visible_events"]

_EPC_ROLES = {
    "MATCH_epc": ("epc", "child"),
    "MATCH_anyEPC": ("epc", "child", "parent", "input", "output"),
    "MATCH_epcClass": ("class",),
    "MATCH_anyEPCClass": ("class", "in_class", "out_class"),
    "MATCH_inputEPCClass": ("in_class",),
    "MATCH_outputEPCClass": ("out_class",),
}
QUERY_PARAMETERS = (
    "EQ_bizStep",
    "EQ_bizLocation",
    "EQ_readPoint",
    "EQ_eventType",
    "EQ_action",
    "GE_eventTime",
    "LT_eventTime",
    "GE_recordTime",
    "LT_recordTime",
    *_EPC_ROLES,
    "perPage",
    "nextPageToken",
)
MAX_PER_PAGE = 1000


def visible_events(organization: Organization) -> QuerySet[Event]:
    """Events of the organization's own chain, and events about its goods (a brand's garments)."""
    return Event.objects.filter(Q(organization=organization) | Q(brand=organization))


def event_get(*, organization: Organization, event_id: str) -> Event | None:
    if "\x00" in event_id:  # no event has one (capture refuses them), and PostgreSQL refuses to compare it
        return None
    return visible_events(organization).filter(event_id=event_id).first()


@dataclass(frozen=True)
class EventQuery:
    """A parsed SimpleEventQuery: filters, page size and where the page starts."""

    filters: Mapping[str, tuple[str, ...]]
    per_page: int
    after: tuple[datetime, int] | None


def parse_query(params: Mapping[str, Sequence[str]]) -> tuple[EventQuery | None, dict[str, str]]:
    """The query, or field errors naming each bad parameter (unknown names, times, page sizes)."""
    errors: dict[str, str] = {}
    filters: dict[str, tuple[str, ...]] = {}
    for name, values in params.items():
        if name not in QUERY_PARAMETERS:
            errors[name] = f"unknown query parameter (supported: {', '.join(QUERY_PARAMETERS)})"
            continue
        if any("\x00" in value for value in values):  # PostgreSQL refuses NUL in text
            errors[name] = "contains a NUL character"
            continue
        split = tuple(v.strip() for value in values for v in value.split("|") if v.strip())
        filters[name] = split
        if name[:3] in ("GE_", "LT_"):
            try:
                parse_time(split[0])
            except (ValueError, IndexError):
                errors[name] = (
                    f"{values[0]!r} is not a date-time with a time zone in UTC years 1-9999"
                    " (e.g. 2026-11-27T09:00:00Z)"
                )
    per_page = 100
    if "perPage" in filters:
        text = filters.pop("perPage")[0] if filters["perPage"] else ""
        if not (text.isascii() and text.isdigit() and len(text) < 8) or not 1 <= int(text) <= MAX_PER_PAGE:
            errors["perPage"] = f"must be a whole number from 1 to {MAX_PER_PAGE}"
        else:
            per_page = int(text)
    after = None
    if "nextPageToken" in filters:
        token = filters.pop("nextPageToken")
        try:
            when, pk = json.loads(base64.urlsafe_b64decode(token[0].encode()))
            if not isinstance(when, str) or not isinstance(pk, int) or not 0 < pk < 2**63:
                raise ValueError(token[0])
            after = (parse_time(when), pk)
        except (ValueError, IndexError, TypeError, RecursionError):
            errors["nextPageToken"] = "not a page token this server gave"
    if errors:
        return None, errors
    return EventQuery(filters, per_page, after), {}


def events_query(*, organization: Organization, query: EventQuery) -> tuple[list[Event], str | None]:
    """One page of matching events (oldest first) and the token of the next page, if any."""
    qs = visible_events(organization)
    f = query.filters
    if "EQ_bizStep" in f:
        qs = qs.filter(biz_step__in=[vocabulary_uri("bizStep", v) for v in f["EQ_bizStep"]])
    for name, column in (("EQ_bizLocation", "biz_location"), ("EQ_readPoint", "read_point")):
        if name in f:
            qs = qs.filter(**{f"{column}__in": f[name]})
    if "EQ_eventType" in f:
        qs = qs.filter(event_type__in=f["EQ_eventType"])
    if "EQ_action" in f:
        qs = qs.filter(action__in=f["EQ_action"])
    for name, lookup in (
        ("GE_eventTime", "event_time__gte"),
        ("LT_eventTime", "event_time__lt"),
        ("GE_recordTime", "record_time__gte"),
        ("LT_recordTime", "record_time__lt"),
    ):
        if name in f:
            qs = qs.filter(**{lookup: parse_time(f[name][0])})
    for name, roles in _EPC_ROLES.items():
        if name in f:
            qs = qs.filter(pk__in=_naming(f[name], roles))
    if query.after is not None:
        when, pk = query.after
        qs = qs.filter(Q(event_time__gt=when) | Q(event_time=when, pk__gt=pk))
    page = list(qs.order_by("event_time", "pk")[: query.per_page + 1])
    if len(page) <= query.per_page:
        return page, None
    page = page[: query.per_page]
    last = page[-1]
    token = base64.urlsafe_b64encode(json.dumps([last.event_time.isoformat(), last.pk]).encode()).decode()
    return page, token


def _naming(values: Sequence[str], roles: Sequence[str]) -> QuerySet:
    """Ids of events naming any of ``values`` in one of ``roles`` (a trailing * matches a prefix)."""
    exact = [v for v in values if not v.endswith("*")]
    match = Q(epc__in=exact) if exact else Q(pk__in=[])
    for pattern in (v for v in values if v.endswith("*")):
        match |= Q(epc__startswith=pattern[:-1])
    return EventEpc.objects.filter(match, role__in=roles).values("event_id")


def events_about(*, organization: Organization, epcs: Sequence[str]) -> list[Event]:
    """Every visible event naming any of ``epcs`` in any role, oldest first."""
    ids = EventEpc.objects.filter(epc__in=list(epcs)).values("event_id")
    return list(visible_events(organization).filter(pk__in=ids).order_by("event_time", "pk"))
