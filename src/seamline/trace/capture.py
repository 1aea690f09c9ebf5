"""What the capture interface checks beyond the EPCIS schema, against Seamline's own identifiers.

An organization records events only about goods it is a party to (each kind's namespace says who is:
trace.namespaces); an identifier it is not a party to reads exactly like one that does not exist, so a
capture cannot tell whether another tenant's goods are there. Only the organization holding goods takes
quantities from them, and a token bound to a facility records events there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ValidationError

from .models import Event, EventEpc
from .namespaces import PREFIX, Parties, Stock, namespace, split
from .records import identifiers, parse_time, vocabulary_uri

__all__ = ["Checked", "check_events", "take"]

_CLOCK_SKEW = timedelta(minutes=5)
# What a captured quantity may be: EventEpc keeps 14 digits, 4 after the point (a billion meters is
# far beyond any roll, and leaves room for the rounding to 4 places).
_QUANTITY_MAX = Decimal(10) ** 9
_PLACES = ("readPoint", "bizLocation")


def _max_length(model: Any, name: str) -> int:
    return model._meta.get_field(name).max_length


# The ledger's columns, so a value too long answers 422 instead of PostgreSQL's error.
_LENGTHS = {
    "eventID": _max_length(Event, "event_id"),
    "bizStep": _max_length(Event, "biz_step"),
    "disposition": _max_length(Event, "disposition"),
    "readPoint": _max_length(Event, "read_point"),
    "bizLocation": _max_length(Event, "biz_location"),
}
_EPC_LENGTH = _max_length(EventEpc, "epc")


@dataclass(frozen=True)
class Checked:
    """What a capture that passed its checks does: the quantities it takes from Seamline's goods, and
    the brand whose goods it is about (its events are stamped with it), when there is exactly one."""

    takes: dict[str, Decimal]
    brand: Organization | None


def check_events(
    events: Sequence[Mapping[str, Any]],
    *,
    organization: Organization,
    facility_uri: str | None,
    paths: Sequence[str] | None = None,
) -> Checked:
    """Every error of the events the schema cannot know, named by path, as one ValidationError.

    ``paths`` says where each event is in its document (default ``epcisBody.eventList[i]``). Every kind
    of event of a facility-bound token names that facility, and no other place."""
    errors: dict[str, str] = {}
    goods: dict[str, set[str]] = {}  # a Seamline EPC or class -> the paths of the events naming it
    places: dict[str, set[str]] = {}  # a Seamline readPoint or bizLocation -> the paths naming it
    takes: dict[str, Decimal] = {}
    latest = timezone.now() + _CLOCK_SKEW
    for index, event in enumerate(events):
        path = paths[index] if paths is not None else f"epcisBody.eventList[{index}]"
        _check_time(event, path, latest, errors)
        _check_lengths(event, path, errors)
        _check_places(event, path, facility_uri, errors, places)
        for epc, role, quantity, uom in identifiers(event):
            if len(epc) > _EPC_LENGTH:
                errors.setdefault(path, f"{epc[:40]}… is longer than {_EPC_LENGTH} characters")
                continue
            if quantity is not None and not (quantity.is_finite() and abs(quantity) < _QUANTITY_MAX):
                errors.setdefault(path, f"the quantity of {epc} must be below {_QUANTITY_MAX:,}")
                continue
            named = split(epc)
            if named is None:
                continue
            goods.setdefault(epc, set()).add(path)
            space = namespace(named[0])
            if role == "in_class" and quantity is not None and space is not None and space.take is not None:
                if uom != space.uom:
                    errors[f"{path}.inputQuantityList"] = (
                        f"quantities of {epc} must be in {space.uom}, not {uom}"
                    )
                if quantity < 0:
                    errors[f"{path}.inputQuantityList"] = f"takes a negative quantity of {epc}"
                takes[epc] = takes.get(epc, Decimal(0)) + quantity
    known = _parties([*goods, *places])
    ours = {epc for epc, who in known.items() if who.include(organization.pk)}
    for noun, named in (("EPC", goods), ("location", places)):
        for epc, paths in named.items():
            if epc not in ours:  # not there, or another organization's: the same answer
                for path in sorted(paths):
                    errors.setdefault(path, f"unknown {noun} {epc}")
    _check_stocks({epc: n for epc, n in takes.items() if epc in ours}, organization, facility_uri, errors)
    if errors:
        raise ValidationError("The EPCIS document is not valid", fields=errors)
    brand_ids = {known[epc].brand for epc in goods} - {None}
    brands = list(Organization.objects.filter(pk__in=brand_ids))
    return Checked(takes, brands[0] if len(brands) == 1 else None)


def _check_time(event: Mapping[str, Any], path: str, latest: datetime, errors: dict[str, str]) -> None:
    try:
        when = parse_time(event["eventTime"])
    except ValueError as exc:
        errors[f"{path}.eventTime"] = str(exc)
        return
    if when > latest:
        errors[f"{path}.eventTime"] = f"{event['eventTime']} is in the future"


def _check_lengths(event: Mapping[str, Any], path: str, errors: dict[str, str]) -> None:
    values = {
        "eventID": event.get("eventID") or "",
        "bizStep": vocabulary_uri("bizStep", event.get("bizStep", "")),
        "disposition": vocabulary_uri("disp", event.get("disposition", "")),
        **{key: (event.get(key) or {}).get("id", "") for key in _PLACES},
    }
    for key, value in values.items():
        if len(value) > _LENGTHS[key]:
            field = f"{path}.{key}.id" if key in _PLACES else f"{path}.{key}"
            errors[field] = f"is longer than {_LENGTHS[key]} characters"


def _check_places(
    event: Mapping[str, Any],
    path: str,
    facility_uri: str | None,
    errors: dict[str, str],
    places: dict[str, set[str]],
) -> None:
    """A facility-bound token names its facility on every event, and no other place; a Seamline place
    must be one the organization is a party to (its own facility)."""
    named = {key: (event.get(key) or {}).get("id") for key in _PLACES}
    named = {key: place for key, place in named.items() if place is not None}
    if facility_uri is not None:
        if not named:
            errors[f"{path}.readPoint"] = (
                f"your token records events at {facility_uri} only: name it as readPoint or bizLocation"
            )
        for key, place in named.items():
            if place != facility_uri:
                errors[f"{path}.{key}.id"] = f"your token records events at {facility_uri} only, not {place}"
    for key, place in named.items():
        if place.startswith(PREFIX):
            places.setdefault(place, set()).add(f"{path}.{key}.id")


def _check_stocks(
    takes: Mapping[str, Decimal],
    organization: Organization,
    facility_uri: str | None,
    errors: dict[str, str],
) -> None:
    """Only the organization holding goods takes from them (its token bound to a facility: only there),
    and no more than they have left."""
    for epc, stock in _stocks(takes).items():
        field = f"inputQuantityList.{epc}"
        if stock.holder != organization.pk:
            errors[field] = f"only the organization holding {stock.label} may take from it"
        elif facility_uri is not None and stock.place != facility_uri:
            errors[field] = f"your token takes only from goods at {facility_uri}; {stock.label} is elsewhere"
        elif takes[epc] > stock.left:
            unit, left = stock.unit, stock.left
            errors[field] = f"takes {takes[epc]} {unit} from {stock.label}, which has {left} {unit} left"


def _by_kind(epcs: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for epc in epcs:
        named = split(epc)
        if named is not None:
            grouped.setdefault(named[0], []).append(named[1])
    return grouped


def _parties(epcs: Iterable[str]) -> dict[str, Parties]:
    """The Seamline identifiers that exist, each with who it concerns (each kind's namespace looks its
    keys up; a kind nobody registered has none)."""
    found: dict[str, Parties] = {}
    for kind, keys in _by_kind(epcs).items():
        space = namespace(kind)
        if space is not None:
            found.update({f"{PREFIX}{kind}:{key}": who for key, who in space.resolve(keys).items()})
    return found


def _stocks(takes: Mapping[str, Decimal]) -> dict[str, Stock]:
    stocks: dict[str, Stock] = {}
    for kind, keys in _by_kind(takes).items():
        space = namespace(kind)
        if space is not None and space.stock is not None:
            stocks.update({f"{PREFIX}{kind}:{k}": v for k, v in space.stock(keys).items()})
    return stocks


def take(takes: Mapping[str, Decimal], *, holder: Organization) -> None:
    """Quantities captured as taken from Seamline's goods come off them (each kind in a fixed order)."""
    for kind, keys in sorted(_by_kind(takes).items()):
        space = namespace(kind)
        if space is not None and space.take is not None:
            space.take({key: takes[f"{PREFIX}{kind}:{key}"] for key in sorted(keys)}, holder=holder.pk)
