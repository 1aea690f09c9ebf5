"""The EPCIS 2.0 query language (SimpleEventQuery): parameters in, a typed query out. Pure: no Django.

``parse_query`` reads GS1's query parameters (OpenAPI ``GET /events``, EPCIS 2.0 §8.2.7.1, and the
parameter families of GS1's query schema: extension fields at the top, in ILMD, the error declaration,
readPoint/bizLocation and the sensor element, its metadata and its reports; HASATTR_/EQATTR_ on master
data) and answers the query, or errors naming each bad parameter (GS1's QueryParameterException: unknown
names, empty values, values outside an enumeration, numbers and times that do not parse, subscription
controls sent as filters). ``Condition.test`` decides a filter on an event's body; the ledger's selectors
answer the indexed ones in SQL instead.

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
    "SUBSCRIPTION_PARAMS",
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
    | {"masterData"}  # HASATTR_/EQATTR_: no master data, so SQL answers "none" without reading bodies
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
_FIELD = re.compile(
    r"(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?"
    r"(?:(ILMD|ERROR_DECLARATION|SENSORELEMENT|SENSORMETADATA|SENSORREPORT|readPoint|bizLocation)_)?(.+)"
)
# A field is named by its IRI: a scheme first, so "SENSORMETADATA_https://…" of an unknown family is
# refused rather than read as a top-level field of that name (which no event has).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ALL_OPS = frozenset(("EQ", "GT", "GE", "LT", "LE", "EXISTS"))
# Where each family's fields live: kind, operators plain, operators with INNER_ (GS1's query schema).
_FAMILIES: dict[str | None, tuple[str, frozenset[str], frozenset[str]]] = {
    None: ("field", _ALL_OPS, _ALL_OPS),
    "ILMD": ("ilmd", _ALL_OPS, _ALL_OPS),
    "ERROR_DECLARATION": ("errorDeclaration.field", _ALL_OPS, _ALL_OPS),
    "SENSORELEMENT": ("sensorElement.field", _ALL_OPS, _ALL_OPS - {"EXISTS"}),
    "SENSORMETADATA": ("sensorMetadata.field", _ALL_OPS, _ALL_OPS - {"EXISTS"}),
    "SENSORREPORT": ("sensorReport.field", _ALL_OPS, _ALL_OPS - {"EXISTS"}),
    "readPoint": ("readPoint.field", frozenset({"EQ"}), frozenset({"EQ"})),
    "bizLocation": ("bizLocation.field", frozenset({"EQ"}), frozenset({"EQ"})),
}
_FIELD_KINDS = frozenset(kind for kind, _, _ in _FAMILIES.values())
_ATTR = re.compile(r"(HASATTR|EQATTR)_(.+)")
_PAGING = ("perPage", "nextPageToken", "orderBy", "orderDirection", "eventCountLimit", "maxEventCount")
# Subscription controls (GS1: the query string of a WebSocket subscription, the members of a webhook one):
# they say when to report, not which events, so a query refuses them by name.
SUBSCRIPTION_PARAMS = (
    "stream", "reportIfEmpty", "initialRecordTime", "second", "minute", "hour", "dayOfMonth", "month",
    "dayOfWeek", "dest", "signatureToken",
)  # fmt: skip
_LIST_VOCAB = {"bizTransaction": "btt", "source": "sdt", "destination": "sdt"}
# Keys of an event that are not extension fields (EPCIS 2.0 JSON schema).
_STANDARD = (
    "type eventID eventTime eventTimeZoneOffset recordTime certificationInfo errorDeclaration epcList "
    "parentID inputEPCList childEPCs quantityList childQuantityList inputQuantityList outputEPCList "
    "outputQuantityList action transformationID bizStep disposition persistentDisposition readPoint "
    "bizLocation bizTransactionList sourceList destinationList sensorElementList ilmd"
)
STANDARD_KEYS = frozenset(_STANDARD.split())
_SENSOR_METADATA = "time deviceID deviceMetadata rawData startTime endTime dataProcessingMethod bizRules"
_SENSOR_REPORT = (
    "type exception deviceID deviceMetadata rawData dataProcessingMethod bizRules time microorganism "
    "chemicalSubstance coordinateReferenceSystem value component stringValue booleanValue hexBinaryValue "
    "uriValue minValue maxValue meanValue sDev percRank percValue uom"
)
# Standard members of the objects whose extension fields the families above read (EPCIS 2.0 JSON schema).
_MEMBERS: dict[str, frozenset[str]] = {
    "field": STANDARD_KEYS,
    "ilmd": frozenset(),
    "errorDeclaration.field": frozenset(("declarationTime", "reason", "correctiveEventIDs")),
    "readPoint.field": frozenset(("id",)),
    "bizLocation.field": frozenset(("id",)),
    "sensorElement.field": frozenset(("sensorMetadata", "sensorReport")),
    "sensorMetadata.field": frozenset(_SENSOR_METADATA.split()),
    "sensorReport.field": frozenset(_SENSOR_REPORT.split()),
}
# Field names HASATTR_/EQATTR_ accept besides extension IRIs: the event's fields and those of its lists.
_EVENT_FIELDS = STANDARD_KEYS | {"epcClass", "bizTransaction", "source", "destination"}


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
    of GT/GE/LT/LE/EXISTS (and the time of an EQ on a field, compared as an instant); ``key``: the family
    member (a bizTransaction or source type URI, an extension field's IRI, a uom, the field of
    HASATTR_/EQATTR_); ``attr``: EQATTR_'s attribute; ``inner``: an extension field nested below the top
    level of its object.
    """

    param: str
    kind: str
    op: str = "EQ"
    values: tuple[str, ...] = ()
    bound: Decimal | datetime | bool | None = None
    key: str = ""
    inner: bool = False
    matches: tuple[EpcMatch, ...] = ()
    attr: str = ""

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
            if _text(value) in self.values or _number(value) in {_number(v) for v in self.values} - {None}:
                return True
            return isinstance(self.bound, datetime) and _comparable(value, self.bound) == self.bound
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
        if self.kind in _FIELD_KINDS:  # the field's key ends with its local name, however it is prefixed
            name = re.split(r"[/#:]", self.key)[-1]
            return (_json(name)[1:] + ":",) if name else ()
        if self.kind.startswith("sensor") or self.kind in ("startTime", "endTime"):
            name = "sensorElementList"
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
    """The query, or errors naming each bad parameter (every one a GS1 QueryParameterException).

    Extension fields are named by their full IRI (``EQ_https://ex.example/voc/colour``; EPCIS 1.x's
    ``namespace#name`` too); a CURIE in a stored event (``ex:colour``) is read through the event's
    @context. The families and their operators are those of GS1's query schema (EPCIS 2.0.1):
    EQ_/GT_/GE_/LT_/LE_/EXISTS_ with INNER_ (nested anywhere below the object's own fields) for the top
    level, ILMD_ and ERROR_DECLARATION_; for SENSORELEMENT_, SENSORMETADATA_ and SENSORREPORT_ the same
    but no EXISTS_INNER_; readPoint_ and bizLocation_ only EQ_ and EQ_INNER_. A field of another type
    than the value (text against a number, a number against a time) does not match.

    HASATTR_fieldname and EQATTR_fieldname_attrname select events by the master data of a field's value
    (EPCIS 2.0 §8.2.7.1: events "where the value of that field is a vocabulary element for which master
    data is available" and that master data has the attribute). Seamline serves no master data, so no
    vocabulary element has any: such a query is valid and matches no events (an empty result, not an
    error). Still refused, naming the parameter: a fieldname that is neither an event field (bizLocation,
    readPoint, bizStep, …) nor an IRI, no value, and an EQATTR_ whose split into fieldname and attrname is
    ambiguous because one of them holds an underscore (the standard lets an implementation refuse those).

    Subscription controls (``stream``, ``reportIfEmpty``, ``initialRecordTime`` and the schedule's
    ``second`` … ``dayOfWeek``) are refused as filters: they belong to a subscription of a named query.
    """
    errors: dict[str, str] = {}
    filters: dict[str, tuple[str, ...]] = {}
    conditions: list[Condition] = []
    for name, values in params.items():
        if any("\x00" in value for value in values):  # PostgreSQL refuses NUL in text
            errors[name] = "contains a NUL character"
            continue
        split = tuple(v.strip() for value in values for v in value.split("|") if v.strip())
        filters[name] = split
        if name in SUBSCRIPTION_PARAMS:
            errors[name] = (
                "controls a subscription, not a query: save the query (POST /epcis/queries) and subscribe"
                " a webhook to it (POST /epcis/queries/{name}/subscriptions)"
            )
            continue
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
    if m := _ATTR.fullmatch(name):
        return _master_data_condition(name, m[1], m[2], values)
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
    """EQ_/GT_/…/EXISTS_ [INNER_] [family_] <field IRI>: an extension field by its full IRI, at the top
    level or in the family's object (ILMD, errorDeclaration, a sensor element, its metadata or reports,
    readPoint, bizLocation). ValueError when the family does not define the operator."""
    m = _FIELD.fullmatch(name)
    if m is None or not _IRI.match(m[4]):
        return None
    op, inner, family, iri = m.groups()
    kind, plain_ops, inner_ops = _FAMILIES[family]
    if op not in (inner_ops if inner else plain_ops):
        family_ = f"{family}_" if family else ""
        order = (*_OPS, "EXISTS")
        defined = [f"{o}_{family_}" for o in order if o in plain_ops]
        defined += [f"{o}_INNER_{family_}" for o in order if o in inner_ops]
        raise ValueError(
            f"GS1's query schema has no {op}_{inner or ''}{family_}<field>; it has {', '.join(defined)}"
        )
    if op == "EXISTS":
        return Condition(name, kind, op, key=iri, inner=bool(inner))
    if op == "EQ":
        when = None
        if _looks_like_time(values):  # a time also equals the same instant written another way
            try:
                when = _one_time(values)
            except ValueError:
                when = None
        return Condition(name, kind, op, values=values, bound=when, key=iri, inner=bool(inner))
    bound = _one_time(values) if _looks_like_time(values) else _one_number(values)
    return Condition(name, kind, op, bound=bound, key=iri, inner=bool(inner))


def _master_data_condition(name: str, op: str, rest: str, values: tuple[str, ...]) -> Condition:
    """HASATTR_fieldname / EQATTR_fieldname_attrname: valid ones match nothing (no master data here)."""
    field, attr = rest, ""
    if op == "EQATTR":
        head, _, tail = rest.partition("_")
        # a standard fieldname holds no underscore, so the split after it is certain; else only one "_" is
        if head not in _EVENT_FIELDS and rest.count("_") > 1:
            raise ValueError(
                "cannot tell the fieldname from the attrname: one of them holds an underscore"
                " (EPCIS 2.0 lets a server refuse EQATTR_fieldname_attrname then)"
            )
        field, attr = head, tail
        if not field or not attr:
            raise ValueError("is not EQATTR_fieldname_attrname (e.g. EQATTR_bizLocation_<attribute IRI>)")
    if field not in _EVENT_FIELDS and not _IRI.match(field):
        raise ValueError(
            f"{field[:80]!r} is not a field of an event (a standard one such as bizLocation, or an"
            " extension field's IRI)"
        )
    return Condition(name, "masterData", op, values=values, key=field, attr=attr)


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
    if kind in _FIELD_KINDS:
        yield from _fields(condition, event)
        return
    if kind == "masterData":  # no vocabulary element has master data here: no event has a value to test
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
    """Values of the extension field the condition names, in each object of its family (the event, its
    ILMD, …, each sensor report): among the object's own fields, or (INNER_) nested below them."""
    namespaces = namespaces_from_context(event.get("@context"))
    standard = _MEMBERS[condition.kind]
    for owner in _owners(condition.kind, event):
        for key, value in owner.items():
            if key in standard or key.startswith("@"):
                continue
            if condition.inner:
                yield from _nested(condition.key, value, namespaces)
            elif _is_field(key, condition.key, namespaces):
                yield from value if isinstance(value, list) else (value,)


def _owners(kind: str, event: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The objects whose extension fields a family reads."""
    if kind == "field":
        yield event
        return
    if kind in ("ilmd", "errorDeclaration.field", "readPoint.field", "bizLocation.field"):
        owner = event.get(kind.removesuffix(".field"))
        if isinstance(owner, Mapping):
            yield owner
        return
    elements = event.get("sensorElementList")
    for element in elements if isinstance(elements, list) else ():
        if not isinstance(element, Mapping):
            continue
        if kind == "sensorElement.field":
            yield element
        elif kind == "sensorMetadata.field" and isinstance(element.get("sensorMetadata"), Mapping):
            yield element["sensorMetadata"]
        elif kind == "sensorReport.field" and isinstance(element.get("sensorReport"), list):
            yield from (r for r in element["sensorReport"] if isinstance(r, Mapping))


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
