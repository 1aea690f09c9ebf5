"""The EPCIS 2.0 query language (SimpleEventQuery): parameters in, a typed query out. Pure: no Django.

``parse_query`` reads GS1's query parameters (OpenAPI ``GET /events``, EPCIS 2.0 §8.2.7.1) and answers
the query, or errors naming each bad parameter (GS1's QueryParameterException: unknown names, empty
values, values outside an enumeration, numbers and times that do not parse). ``Condition.test`` decides
a filter on an event's body; the ledger's selectors answer the indexed ones in SQL instead.

EPC values match the same identifier however it is spelled: an EPC URN, a GS1 Digital Link URI (any
host, short names) and the canonical ``https://id.gs1.org/…`` URI are one key (eventhash.gs1_key_uri).
``urn:epc:idpat:…`` patterns match every EPC they cover.

``expand_curies`` turns CURIE values (``ex:stitching`` with ``ex`` in the @context) of the standard
identifier fields into full URIs: the ledger stores events that way, so they are found by their URI.

    >>> query, errors = parse_query({"EQ_bizStep": ["shipping"], "EQ_action": ["SHIPPED"]})
    >>> query, errors
    (None, {'EQ_action': "'SHIPPED' is not one of ADD, OBSERVE, DELETE"})
    >>> query, _ = parse_query({"EQ_bizStep": ["shipping"]})
    >>> query.conditions[0].values
    ('https://ref.gs1.org/cbv/BizStep-shipping',)
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from .eventhash import DEFAULT_NAMESPACES, gs1_key_uri, namespaces_from_context
from .records import parse_time, vocabulary_uri

__all__ = [
    "MAX_PER_PAGE",
    "Condition",
    "EpcMatch",
    "EventQuery",
    "epc_match",
    "expand_curies",
    "page_token",
    "parse_query",
]

MAX_PER_PAGE = 1000
ACTIONS = ("ADD", "OBSERVE", "DELETE")

# Filters the ledger answers from indexed columns: parameter -> (kind, vocabulary of the values).
_COLUMNS: dict[str, tuple[str, str | None]] = {
    "eventType": ("eventType", None),
    "EQ_eventType": ("eventType", None),  # Seamline's older name for GS1's eventType
    "EQ_action": ("action", None),
    "EQ_bizStep": ("bizStep", "bizStep"),
    "EQ_disposition": ("disposition", "disp"),
    "EQ_readPoint": ("readPoint", None),
    "WD_readPoint": ("readPoint", None),  # no master-data hierarchy: a location is its only descendant
    "EQ_bizLocation": ("bizLocation", None),
    "WD_bizLocation": ("bizLocation", None),
    "EQ_eventID": ("eventID", None),
}
EPC_ROLES: dict[str, tuple[str, ...]] = {
    "MATCH_epc": ("epc", "child"),
    "MATCH_parentID": ("parent",),
    "MATCH_inputEPC": ("input",),
    "MATCH_outputEPC": ("output",),
    "MATCH_anyEPC": ("epc", "child", "parent", "input", "output"),
    "MATCH_epcClass": ("class",),
    "MATCH_inputEPCClass": ("in_class",),
    "MATCH_outputEPCClass": ("out_class",),
    "MATCH_anyEPCClass": ("class", "in_class", "out_class"),
}
INDEXED_KINDS = frozenset(
    {"eventType", "action", "bizStep", "disposition", "readPoint", "bizLocation", "eventID"}
    | {"eventTime", "recordTime", "epc", "quantity"}
)
_TIMES = {  # parameter suffix -> kind
    "eventTime": "eventTime",
    "recordTime": "recordTime",
    "errorDeclarationTime": "errorDeclarationTime",
    "startTime": "startTime",
    "endTime": "endTime",
    "time": "sensorTime",
}
# Filters read from the body: parameter -> (kind, vocabulary of the values).
_BODY_TEXT: dict[str, tuple[str, str | None]] = {
    "EQ_persistentDisposition_set": ("persistentDisposition.set", "disp"),
    "EQ_persistentDisposition_unset": ("persistentDisposition.unset", "disp"),
    "EQ_transformationID": ("transformationID", None),
    "EQ_errorReason": ("errorReason", "er"),
    "EQ_correctiveEventID": ("correctiveEventID", None),
    "EQ_type": ("sensor.type", "gs1"),
    "EQ_deviceID": ("sensor.deviceID", None),
    "EQ_dataProcessingMethod": ("sensor.dataProcessingMethod", None),
    "EQ_microorganism": ("sensor.microorganism", None),
    "EQ_chemicalSubstance": ("sensor.chemicalSubstance", None),
    "EQ_bizRules": ("sensor.bizRules", None),
    "EQ_stringValue": ("sensor.stringValue", None),
    "EQ_hexBinaryValue": ("sensor.hexBinaryValue", None),
    "EQ_uriValue": ("sensor.uriValue", None),
}
_OPS = ("EQ", "GT", "GE", "LT", "LE")
_SENSOR_NUMBER = re.compile(
    r"(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue|percRank)(?:_([A-Za-z0-9]{1,3}))?"
)
_LISTS = re.compile(r"EQ_(bizTransaction|source|destination)_(.+)")
_FIELD = re.compile(r"(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?(ILMD_)?(.+)")
_PAGING = ("perPage", "nextPageToken", "orderBy", "orderDirection", "eventCountLimit", "maxEventCount")
_LIST_VOCAB = {"bizTransaction": "btt", "source": "sdt", "destination": "sdt"}
# Keys of an event that are not extension fields (EPCIS 2.0 JSON schema).
_STANDARD = (
    "type eventID eventTime eventTimeZoneOffset recordTime certificationInfo errorDeclaration epcList "
    "parentID inputEPCList childEPCs quantityList childQuantityList inputQuantityList outputEPCList "
    "outputQuantityList action transformationID bizStep disposition persistentDisposition readPoint "
    "bizLocation bizTransactionList sourceList destinationList sensorElementList ilmd"
)
STANDARD_KEYS = frozenset(_STANDARD.split())


@dataclass(frozen=True)
class EpcMatch:
    """What one MATCH_ value matches: exact spellings, and prefixes (patterns)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def __call__(self, epc: str) -> bool:
        return epc in self.exact or epc.startswith(self.prefixes)


@dataclass(frozen=True)
class Condition:
    """One filter: ``kind`` says what it reads, ``op`` how it compares.

    ``values`` (EQ, MATCH): text, vocabulary as full URIs; ``bound``: the number, time or boolean
    of GT/GE/LT/LE/EXISTS; ``key``: the family member (a bizTransaction or source type URI, an extension
    field's IRI, a uom); ``inner``: an extension field nested below the top level.
    """

    param: str
    kind: str
    op: str = "EQ"
    values: tuple[str, ...] = ()
    bound: Decimal | datetime | bool | None = None
    key: str = ""
    inner: bool = False
    matches: tuple[EpcMatch, ...] = ()

    @property
    def indexed(self) -> bool:
        """Answered from indexed columns or the EPC index (else from the body)."""
        return self.kind in INDEXED_KINDS

    def test(self, event: Mapping[str, Any]) -> bool:
        """Whether the event (its stored body) passes this filter."""
        return any(self._accepts(value) for value in _read(self, event))

    def _accepts(self, value: Any) -> bool:
        if self.op == "EXISTS":
            return True
        if self.op == "MATCH":
            return isinstance(value, str) and any(m(value) for m in self.matches)
        if self.op == "EQ" and self.values:
            return _text(value) in self.values or _number(value) in {_number(v) for v in self.values} - {None}
        other = _comparable(value, self.bound)
        if other is None:
            return False
        bound: Any = self.bound
        return {
            "EQ": other == bound,
            "GT": other > bound,
            "GE": other >= bound,
            "LT": other < bound,
            "LE": other <= bound,
        }[self.op]

    def needles(self) -> tuple[str, ...]:
        """Text one of which the canonical JSON body must hold to pass (a cheap SQL pre-filter)."""
        name = {
            "persistentDisposition.set": "persistentDisposition",
            "persistentDisposition.unset": "persistentDisposition",
            "transformationID": "transformationID",
            "errorReason": "errorDeclaration",
            "correctiveEventID": "errorDeclaration",
            "errorDeclaration": "errorDeclaration",
            "errorDeclarationTime": "errorDeclaration",
            "bizTransaction": "bizTransactionList",
            "source": "sourceList",
            "destination": "destinationList",
        }.get(self.kind)
        if self.kind.startswith("sensor") or self.kind in ("startTime", "endTime"):
            name = "sensorElementList"
        if self.kind in ("field", "ilmd"):
            name = re.split(r"[/#:]", self.key)[-1]
            return (_json(name)[1:] + ":",) if name else ()
        return (f'"{name}":',) if name else ()


@dataclass(frozen=True)
class EventQuery:
    """A parsed SimpleEventQuery: its conditions, order, limits, page size and where the page starts.

    ``filters`` keeps the parameters as sent (values split on "|"); ``returned`` counts the events
    earlier pages gave (for eventCountLimit).
    """

    filters: Mapping[str, tuple[str, ...]]
    per_page: int
    after: tuple[datetime, int] | None
    conditions: tuple[Condition, ...] = ()
    order_by: str = "eventTime"
    descending: bool = False
    event_count_limit: int | None = None
    max_event_count: int | None = None
    returned: int = 0


def parse_query(params: Mapping[str, Sequence[str]]) -> tuple[EventQuery | None, dict[str, str]]:
    """The query, or errors naming each bad parameter (every one a GS1 QueryParameterException)."""
    errors: dict[str, str] = {}
    filters: dict[str, tuple[str, ...]] = {}
    conditions: list[Condition] = []
    for name, values in params.items():
        if any("\x00" in value for value in values):  # PostgreSQL refuses NUL in text
            errors[name] = "contains a NUL character"
            continue
        split = tuple(v.strip() for value in values for v in value.split("|") if v.strip())
        filters[name] = split
        try:
            if name in _PAGING:
                if not split:
                    raise ValueError("has no value")
                continue
            condition = _condition(name, split)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if condition is None:
            errors[name] = "unknown query parameter (see GS1's EPCIS 2.0 OpenAPI, GET /events)"
        elif condition.op != "EXISTS" or condition.bound is not False:
            conditions.append(condition)
    options = _options(filters, errors)
    if errors:
        return None, errors
    return EventQuery(filters=filters, conditions=tuple(conditions), **options), {}


def _options(filters: Mapping[str, tuple[str, ...]], errors: dict[str, str]) -> dict[str, Any]:
    """Page size, page start, order and limits (errors added to ``errors``)."""
    options: dict[str, Any] = {"per_page": 100, "after": None}
    for name, low, high in (
        ("perPage", 1, MAX_PER_PAGE),
        ("eventCountLimit", 1, 10**9),
        ("maxEventCount", 0, 10**9),
    ):
        if filters.get(name):
            text = filters[name][0]
            whole = text.isascii() and text.isdigit() and len(text) < 11
            if len(filters[name]) > 1 or not whole or not low <= int(text) <= high:
                errors[name] = f"must be a whole number from {low} to {high}"
            else:
                key = {"perPage": "per_page", "eventCountLimit": "event_count_limit"}.get(
                    name, "max_event_count"
                )
                options[key] = int(text)
    order_by = filters.get("orderBy", ("",))
    if "orderBy" in filters:
        if order_by not in (("eventTime",), ("recordTime",)):
            errors["orderBy"] = f"{'|'.join(order_by)!r} is not one of eventTime, recordTime"
        options["order_by"] = order_by[0]
        options["descending"] = True  # GS1: orderDirection defaults to DESC when orderBy is given
    if "orderDirection" in filters:
        direction = filters["orderDirection"]
        if direction not in (("ASC",), ("DESC",)):
            errors["orderDirection"] = f"{'|'.join(direction)!r} is not one of ASC, DESC"
        elif "orderBy" in filters:
            options["descending"] = direction == ("DESC",)
    if "eventCountLimit" in filters and "maxEventCount" in filters:
        errors["maxEventCount"] = "eventCountLimit and maxEventCount cannot be used together"
    elif "eventCountLimit" in filters and "orderBy" not in filters:
        errors["eventCountLimit"] = "needs orderBy (the limit keeps the first events in that order)"
    if filters.get("nextPageToken"):
        try:
            options["after"], options["returned"] = _read_token(filters["nextPageToken"][0])
        except (ValueError, IndexError, TypeError, RecursionError):
            errors["nextPageToken"] = "not a page token this server gave"
    return options


def page_token(when: datetime, pk: int, returned: int) -> str:
    """The token of the page after the event at (``when``, ``pk``), ``returned`` events given so far."""
    return base64.urlsafe_b64encode(orjson.dumps([when.isoformat(), pk, returned])).decode()


def _read_token(token: str) -> tuple[tuple[datetime, int], int]:
    when, pk, *rest = orjson.loads(base64.urlsafe_b64decode(token.encode()))
    returned = rest[0] if rest else 0
    if len(rest) > 1 or not isinstance(when, str) or not all(type(n) is int for n in (pk, returned)):
        raise ValueError(token)
    if not 0 < pk < 2**63 or not 0 <= returned < 2**63:
        raise ValueError(token)
    return (parse_time(when), pk), returned


def _condition(name: str, values: tuple[str, ...]) -> Condition | None:
    """The condition of one parameter; None when no parameter has that name; ValueError when bad."""
    op, _, rest = name.partition("_")
    if name.startswith("EXISTS_"):
        if len(values) > 1 or values[:1] not in ((), ("true",), ("false",)):
            raise ValueError(f"{'|'.join(values)!r} is not true or false")
        exists = values != ("false",)
        if name == "EXISTS_errorDeclaration":
            return Condition(name, "errorDeclaration", "EXISTS", bound=exists)
        found = _field_condition(name, ())
        return found and Condition(
            found.param, found.kind, "EXISTS", bound=exists, key=found.key, inner=found.inner
        )
    if not values:
        raise ValueError("has no value")
    if name in _COLUMNS or name in _BODY_TEXT:
        kind, vocab = _COLUMNS.get(name) or _BODY_TEXT[name]
        if kind == "action" and any(v not in ACTIONS for v in values):
            bad = next(v for v in values if v not in ACTIONS)
            raise ValueError(f"{bad!r} is not one of {', '.join(ACTIONS)}")
        return Condition(name, kind, values=tuple(term(vocab, v) for v in values) if vocab else values)
    if name in EPC_ROLES:
        classes = name.endswith("Class")
        return Condition(
            name, "epc", "MATCH", values=values, matches=tuple(epc_match(v, classes=classes) for v in values)
        )
    if name == "EQ_booleanValue":
        if values not in (("true",), ("false",)):
            raise ValueError(f"{'|'.join(values)!r} is not true or false")
        return Condition(name, "sensor.booleanValue", bound=values == ("true",))
    if op in ("GE", "LT") and rest in _TIMES:  # GS1 compares times with GE_ and LT_ only
        return Condition(name, _TIMES[rest], op, bound=_one_time(values))
    if rest == "quantity" and op in _OPS:
        return Condition(name, "quantity", op, bound=_one_number(values))
    if m := _SENSOR_NUMBER.fullmatch(name):
        return Condition(name, f"sensor.{m[2]}", m[1], bound=_one_number(values), key=m[3] or "")
    if m := _LISTS.fullmatch(name):
        return Condition(name, m[1], values=values, key=term(_LIST_VOCAB[m[1]], m[2]))
    return _field_condition(name, values)


def _field_condition(name: str, values: tuple[str, ...]) -> Condition | None:
    """EQ_/GT_/…/EXISTS_ [INNER_] [ILMD_] <field IRI>: an extension or ILMD field, by its full IRI."""
    m = _FIELD.fullmatch(name)
    if m is None or ":" not in m[4]:  # a field is named by its namespace IRI and local name
        return None
    op, inner, ilmd, iri = m.groups()
    kind = "ilmd" if ilmd else "field"
    if op == "EXISTS" or op == "EQ":
        return Condition(name, kind, op, values=values, key=iri, inner=bool(inner))
    bound = _one_time(values) if _looks_like_time(values) else _one_number(values)
    return Condition(name, kind, op, bound=bound, key=iri, inner=bool(inner))


def _one_number(values: tuple[str, ...]) -> Decimal:
    number = _number(values[0]) if len(values) == 1 and len(values[0]) <= 40 else None
    if number is None:
        raise ValueError(f"{'|'.join(values)[:50]!r} is not a number (of at most 40 characters)")
    return number


def _one_time(values: tuple[str, ...]) -> datetime:
    try:
        if len(values) != 1:
            raise ValueError(values)
        return parse_time(values[0])
    except ValueError:
        raise ValueError(
            f"{'|'.join(values)!r} is not a date-time with a time zone in UTC years 1-9999"
            " (e.g. 2026-11-27T09:00:00Z)"
        ) from None


def _looks_like_time(values: tuple[str, ...]) -> bool:
    return len(values) == 1 and bool(re.match(r"\d{4}-\d\d-\d\d[Tt]", values[0]))


# Values ----------------------------------------------------------------------------------------------


def term(vocab: str | None, value: str) -> str:
    """A vocabulary value as its full URI: bare CBV/GS1 words, GS1 prefixes and CBV 1.x URNs expanded.

    >>> term("gs1", "Temperature"), term("sdt", "cbv:SDT-owning_party")
    ('https://gs1.org/voc/Temperature', 'https://ref.gs1.org/cbv/SDT-owning_party')
    """
    if vocab is None:
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in ("cbv", "gs1") and not local.startswith("//"):
        return DEFAULT_NAMESPACES[prefix] + local
    return vocabulary_uri(vocab, value)


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _comparable(value: Any, bound: Any) -> Any:
    if isinstance(bound, bool):
        return value if isinstance(value, bool) else None
    if isinstance(bound, datetime):
        try:
            return parse_time(value) if isinstance(value, str) else None
        except ValueError:
            return None
    return _number(value)


def _json(text: str) -> str:
    return orjson.dumps(text).decode()


# EPC matching ----------------------------------------------------------------------------------------

_IDPAT = re.compile(r"urn:epc:idpat:([a-z]+):(.+)")


def epc_match(value: str, *, classes: bool = False) -> EpcMatch:
    """Every spelling of the identifier ``value`` (or the EPCs a pattern covers), for MATCH_ parameters.

    ``classes``: match EPC classes (quantity lists): an sgtin pattern then also covers its lots.

    >>> m = epc_match("urn:epc:idpat:sgtin:9520001.012346.*")
    >>> m("urn:epc:id:sgtin:9520001.012346.77"), m("https://id.gs1.org/01/09520001123467/21/77")
    (True, True)
    >>> epc_match("https://id.gs1.org/01/09520001123467/21/77")("urn:epc:id:sgtin:9520001.012346.77")
    True
    """
    if m := _IDPAT.fullmatch(value):
        return _pattern(value, m[1], m[2].split("."), classes=classes)
    if value.endswith("*"):  # Seamline's own prefix match of any identifier
        return EpcMatch(frozenset(), (value[:-1],))
    canonical = gs1_key_uri(value) if value.startswith(("urn:epc:", "http://", "https://")) else None
    if canonical is None:
        return EpcMatch(frozenset({value}))
    return EpcMatch(frozenset({value, canonical, *_urns(canonical)}))


def _pattern(value: str, scheme: str, parts: list[str], *, classes: bool) -> EpcMatch:
    fixed = parts[: parts.index("*")] if "*" in parts else parts
    if any(p != "*" for p in parts[len(fixed) :]):
        raise ValueError(f"{value!r} is not an EPC pattern (a '*' may only replace the last fields)")
    if "*" not in parts:
        return EpcMatch(frozenset({value}))
    stem = ".".join(fixed) + "." if fixed else ""
    prefixes = [f"urn:epc:id:{scheme}:{stem}"]
    exact = {value}
    class_level = gs1_key_uri(value) if len(fixed) == len(parts) - 1 else None
    if classes and scheme == "sgtin":
        prefixes.append(f"urn:epc:class:lgtin:{stem}")
        if class_level:
            prefixes.append(class_level + "/10/")
            exact.add(class_level)
    elif class_level and scheme in ("sgtin", "upui"):
        prefixes.append(class_level + ("/21/" if scheme == "sgtin" else "/235/"))
    elif class_level:
        prefixes.append(class_level)
    return EpcMatch(frozenset(exact), tuple(prefixes))


def _urns(canonical: str) -> Iterator[str]:
    """EPC URNs whose canonical Digital Link URI is ``canonical`` (each GS1 company prefix length)."""
    parts = canonical.removeprefix("https://id.gs1.org/").split("/")
    ai, key, extra = parts[0], parts[1], parts[2:]
    for size in range(6, 13):
        if ai == "01" and extra[:1] in (["21"], ["10"]) and len(extra) == 2:
            scheme = "urn:epc:id:sgtin:" if extra[0] == "21" else "urn:epc:class:lgtin:"
            urn = f"{scheme}{key[1 : 1 + size]}.{key[0]}{key[1 + size : 13]}.{extra[1]}"
        elif ai == "01" and not extra:
            urn = f"urn:epc:idpat:sgtin:{key[1 : 1 + size]}.{key[0]}{key[1 + size : 13]}.*"
        elif ai == "00" and not extra:
            urn = f"urn:epc:id:sscc:{key[1 : 1 + size]}.{key[0]}{key[1 + size : 17]}"
        elif ai == "414":
            ext = extra[1] if extra[:1] == ["254"] else "0"
            urn = f"urn:epc:id:sgln:{key[:size]}.{key[size:12]}.{ext}"
        else:
            return
        if gs1_key_uri(urn) == canonical:
            yield urn


# Reading the body ------------------------------------------------------------------------------------


def _read(condition: Condition, event: Mapping[str, Any]) -> Iterator[Any]:
    """The values of the event the condition looks at (none: the event does not have the field)."""
    kind = condition.kind
    if kind in ("field", "ilmd"):
        yield from _fields(condition, event)
        return
    if kind in ("bizTransaction", "source", "destination"):
        items = event.get({"bizTransaction": "bizTransactionList"}.get(kind, kind + "List")) or ()
        for item in items:
            if isinstance(item, Mapping) and term(_LIST_VOCAB[kind], item.get("type", "")) == condition.key:
                yield item.get(kind)
        return
    if kind.startswith("persistentDisposition."):
        for value in (event.get("persistentDisposition") or {}).get(kind.split(".")[1]) or ():
            yield term("disp", value)
        return
    if kind in ("errorDeclaration", "errorReason", "errorDeclarationTime", "correctiveEventID"):
        declaration = event.get("errorDeclaration")
        if isinstance(declaration, Mapping):
            if kind == "errorDeclaration":
                yield declaration
            elif kind == "errorReason" and "reason" in declaration:
                yield term("er", declaration["reason"])
            elif kind == "errorDeclarationTime":
                yield declaration.get("declarationTime")
            elif kind == "correctiveEventID":
                yield from declaration.get("correctiveEventIDs") or ()
        return
    if kind == "transformationID":
        yield event.get("transformationID")
        return
    yield from _sensor(kind, condition.key, event)


# kind -> (key in sensorMetadata, key in sensorReport)
_SENSOR_KEYS = {
    "sensorTime": ("time", "time"),
    "startTime": ("startTime", None),
    "endTime": ("endTime", None),
    "sensor.deviceID": ("deviceID", "deviceID"),
    "sensor.dataProcessingMethod": ("dataProcessingMethod", "dataProcessingMethod"),
    "sensor.bizRules": ("bizRules", None),
}


def _sensor(kind: str, uom: str, event: Mapping[str, Any]) -> Iterator[Any]:
    in_metadata, in_report = _SENSOR_KEYS.get(kind, (None, kind.removeprefix("sensor.")))
    for element in event.get("sensorElementList") or ():
        if in_metadata:
            yield (element.get("sensorMetadata") or {}).get(in_metadata)
        if in_report is None:
            continue
        for report in element.get("sensorReport") or ():
            if uom and report.get("uom") != uom:
                continue
            value = report.get(in_report)
            yield term("gs1", value) if in_report == "type" and isinstance(value, str) else value


def _fields(condition: Condition, event: Mapping[str, Any]) -> Iterator[Any]:
    """Values of the extension (or ILMD) field the condition names, at the top level or nested."""
    namespaces = namespaces_from_context(event.get("@context"))
    if condition.kind == "ilmd":
        top = event.get("ilmd") if isinstance(event.get("ilmd"), Mapping) else {}
    else:
        top = {k: v for k, v in event.items() if k not in STANDARD_KEYS and not k.startswith("@")}
    for key, value in top.items():
        if condition.inner:
            yield from _nested(condition.key, value, namespaces)
        elif _is_field(key, condition.key, namespaces):
            yield from value if isinstance(value, list) else (value,)


def _nested(iri: str, value: Any, namespaces: Mapping[str, str]) -> Iterator[Any]:
    items = value if isinstance(value, list) else (value,)
    for item in items:
        if isinstance(item, Mapping):
            for key, inner in item.items():
                if _is_field(key, iri, namespaces):
                    yield from inner if isinstance(inner, list) else (inner,)
                yield from _nested(iri, inner, namespaces)


def _is_field(key: str, iri: str, namespaces: Mapping[str, str]) -> bool:
    """Whether the JSON key names the field ``iri`` ("namespace#local" is the EPCIS 1.x spelling)."""
    prefix, sep, local = key.partition(":")
    if sep and prefix in namespaces and not local.startswith("//"):
        namespace = namespaces[prefix]
    elif key in namespaces:
        return namespaces[key] == iri
    else:
        return key == iri
    return iri in (namespace + local, namespace + "#" + local, namespace.rstrip("/#") + "#" + local)


# CURIEs ----------------------------------------------------------------------------------------------

_IRI_FIELDS = ("bizStep", "disposition")
_IRI_OBJECTS = (("readPoint", "id"), ("bizLocation", "id"), ("errorDeclaration", "reason"))
_IRI_LISTS = (("bizTransactionList", "type"), ("sourceList", "type"), ("destinationList", "type"))


def expand_curies(event: Mapping[str, Any], context: Any = None) -> Mapping[str, Any]:
    """The event with CURIE values of its identifier fields as full URIs (the event itself if none).

    Prefixes come from ``context`` (the document's @context), the event's own @context and GS1's
    context (cbv:, gs1:, …). Fields: bizStep,
    disposition, persistentDisposition set/unset, readPoint/bizLocation id, errorDeclaration reason,
    the type of bizTransaction, source and destination entries.

    >>> expand_curies({"bizStep": "ex:stitching"}, [{"ex": "https://ex.example/"}])
    {'bizStep': 'https://ex.example/stitching'}
    """
    namespaces = namespaces_from_context(event.get("@context"), namespaces_from_context(context))

    def full(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        prefix, sep, local = value.partition(":")
        return (
            namespaces[prefix] + local
            if sep and prefix in namespaces and not local.startswith("//")
            else value
        )

    out = dict(event)
    for name in _IRI_FIELDS:
        if name in out:
            out[name] = full(out[name])
    for name, key in _IRI_OBJECTS:
        if isinstance(out.get(name), Mapping) and key in out[name]:
            out[name] = {**out[name], key: full(out[name][key])}
    for name, key in _IRI_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [
                {**i, key: full(i[key])} if isinstance(i, Mapping) and key in i else i for i in out[name]
            ]
    if isinstance(out.get("persistentDisposition"), Mapping):
        pd = out["persistentDisposition"]
        out["persistentDisposition"] = {
            k: [full(v) for v in vs] if isinstance(vs, list) else vs for k, vs in pd.items()
        }
    return out if out != event else event
