"""GS1 EPCIS event hash (CBV 2.0 "event hash ID"): a syntax-independent fingerprint of one EPCIS event.

The pre-hash string is the event's data in the canonical CBV property order, each value normalised
(UTC timestamps at millisecond precision, CBV short names as web URIs, EPC URNs and GS1 Digital Link
URIs as canonical https://id.gs1.org URIs, numbers without superfluous zeros), repeated elements sorted,
and everything not in the canonical order (ILMD, user extensions) appended sorted, with namespaced keys
expanded to ``{namespace}localName``. The hash is ``ni:///sha-256;<hex>?ver=CBV2.0`` (RFC 6920).

Matches the reference implementation (RalphTro/epcis-event-hash-generator) on its published vectors;
see tests/trace/test_eventhash.py for the vectors and the points where we chose the documented rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson

HASH_PREFIX = "ni:///sha-256;"
HASH_SUFFIX = "?ver=CBV2.0"

# Prefixes of the EPCIS 2.0 JSON-LD context (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld).
DEFAULT_NAMESPACES: dict[str, str] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

# Never part of the hash: the hash must not change when a server stamps recordTime/eventID, nor when
# the event is later declared erroneous (EPCIS 2.0 corrects by re-capturing it with errorDeclaration).
EXCLUDED_EVENT_KEYS = frozenset({"type", "eventID", "recordTime", "errorDeclaration", "@context"})
# Human comments are annotations, not event data (the reference ignores them at every level).
COMMENT_KEYS = frozenset({"comment", "rdfs:comment", "{http://www.w3.org/2000/01/rdf-schema#}comment"})

CBV = "https://ref.gs1.org/cbv/"
VOCAB_BASES = {
    "bizStep": CBV + "BizStep-",
    "disp": CBV + "Disp-",
    "btt": CBV + "BTT-",
    "sdt": CBV + "SDT-",
    "er": CBV + "ER-",
    "comp": CBV + "Comp-",
    "gs1": DEFAULT_NAMESPACES["gs1"],
}
# Old CBV 1.x URNs and their CBV 2.0 web-URI equivalents.
URN_VOCAB = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)
_URN_VOCAB_ROOT = "urn:epcglobal:cbv:"  # what every one of them starts with


@dataclass(frozen=True)
class Field:
    """One element of the canonical order.

    kind: "value" (scalar, or a list of scalars emitted as repeated name=value), "time" (a timestamp),
    "list" (list of scalars: name + sorted item=value), "object" (name + ordered children),
    "objects" (list of objects: name + sorted item + ordered children).
    """

    name: str
    kind: str = "value"
    vocab: str | None = None  # key of VOCAB_BASES for CBV/GS1 short names
    item: str = ""  # element name of list items (epc, quantityElement, sensorElement, ...)
    children: tuple[Field, ...] = ()


_QUANTITY = (Field("epcClass"), Field("quantity"), Field("uom"))
_SENSOR_METADATA = (
    Field("time", "time"),
    Field("startTime", "time"),
    Field("endTime", "time"),
    Field("deviceID"),
    Field("deviceMetadata"),
    Field("rawData"),
    Field("dataProcessingMethod"),
    Field("bizRules"),
)
_SENSOR_REPORT = (
    Field("type", vocab="gs1"),
    Field("exception", vocab="gs1"),
    Field("deviceID"),
    Field("deviceMetadata"),
    Field("rawData"),
    Field("dataProcessingMethod"),
    Field("time", "time"),
    Field("microorganism"),
    Field("chemicalSubstance"),
    Field("value"),
    Field("component", vocab="comp"),
    Field("stringValue"),
    Field("booleanValue"),
    Field("hexBinaryValue"),
    Field("uriValue"),
    Field("minValue"),
    Field("maxValue"),
    Field("meanValue"),
    Field("sDev"),
    Field("percRank"),
    Field("percValue"),
    Field("uom"),
    Field("coordinateReferenceSystem"),
)

EVENT_ORDER: tuple[Field, ...] = (
    Field("eventTime", "time"),
    Field("eventTimeZoneOffset"),
    Field("certificationInfo"),
    Field("epcList", "list", item="epc"),
    Field("parentID"),
    Field("inputEPCList", "list", item="epc"),
    Field("childEPCs", "list", item="epc"),
    Field("quantityList", "objects", item="quantityElement", children=_QUANTITY),
    Field("childQuantityList", "objects", item="quantityElement", children=_QUANTITY),
    Field("inputQuantityList", "objects", item="quantityElement", children=_QUANTITY),
    Field("outputEPCList", "list", item="epc"),
    Field("outputQuantityList", "objects", item="quantityElement", children=_QUANTITY),
    Field("action"),
    Field("transformationID"),
    Field("bizStep", vocab="bizStep"),
    Field("disposition", vocab="disp"),
    Field(
        "persistentDisposition",
        "object",
        children=(Field("set", vocab="disp"), Field("unset", vocab="disp")),
    ),
    Field("readPoint", "object", children=(Field("id"),)),
    Field("bizLocation", "object", children=(Field("id"),)),
    Field("bizTransactionList", "objects", children=(Field("type", vocab="btt"), Field("bizTransaction"))),
    # destinationList before sourceList: what the published vectors require (upstream's current code
    # has them the other way round; no vector puts either next to sensorElementList or ILMD).
    Field("destinationList", "objects", children=(Field("type", vocab="sdt"), Field("destination"))),
    Field("sourceList", "objects", children=(Field("type", vocab="sdt"), Field("source"))),
    Field(
        "sensorElementList",
        "objects",
        item="sensorElement",
        children=(
            Field("sensorMetadata", "object", children=_SENSOR_METADATA),
            # sensorReport is a list inside a sensorElement: each report is its own sorted element.
            Field("", "objects", item="sensorReport", children=_SENSOR_REPORT),
        ),
    ),
)
# The nameless sensorReport field above reads its list from the "sensorReport" key.
_LIST_KEY = {"": "sensorReport"}


# ---------------------------------------------------------------------------------------------------
# Public API


def namespaces_from_context(context: Any, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Prefix -> namespace IRI from a JSON-LD @context (a URL string, a dict, or a list of them)."""
    namespaces = dict(DEFAULT_NAMESPACES if base is None else base)
    entries = context if isinstance(context, list) else [context]
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue  # remote contexts (the EPCIS one) only define the defaults above
        for prefix, value in entry.items():
            if prefix.startswith("@"):
                continue
            iri = value.get("@id") if isinstance(value, Mapping) else value
            if isinstance(iri, str) and ":" in iri:
                namespaces[prefix] = iri
    return namespaces


def prehash_string(event: Mapping[str, Any], context: Any = None) -> str:
    """The canonical pre-hash string of one EPCIS 2.0 JSON(-LD) event.

    ``context`` is the enclosing document's @context (URL, dict or list) or an already built
    prefix -> namespace mapping; the event's own @context, if any, is applied on top of it.
    """
    if not _is_mapping(event) or not isinstance(event.get("type"), str):
        raise ValueError("an EPCIS event is a JSON object with a string 'type'")
    namespaces = _event_namespaces(event, context)
    texts = namespaces.texts if isinstance(namespaces, _Shared) else None
    return "eventType=" + event["type"] + _ordered(event, EVENT_ORDER, namespaces, EXCLUDED_EVENT_KEYS, texts)


def _event_namespaces(event: Mapping[str, Any], context: Any) -> Mapping[str, str]:
    """The namespaces of one event: the context's with the event's own @context on top. Without a context
    they depend on the event's @context only, so each distinct one is built once (events repeat theirs)."""
    if context is None:
        key = _context_key(event["@context"]) if "@context" in event else b""
        if key is not None:
            known = _CONTEXT_NAMESPACES.get(key)
            if known is None:
                if len(_CONTEXT_NAMESPACES) >= 64:  # bounded: a stream of one-off contexts
                    _CONTEXT_NAMESPACES.clear()
                known = _CONTEXT_NAMESPACES[key] = _Shared(namespaces_from_context(event.get("@context")))
            return known
    namespaces = hash_namespaces(context)
    if "@context" in event:
        namespaces = namespaces_from_context(event["@context"], namespaces)
    return namespaces


class _Shared(dict[str, str]):
    """Namespaces shared by the events with the same @context (read only), and the text each top-level
    field value gave under them: events repeat their places, steps and dispositions, and the same value
    under the same namespaces gives the same text."""

    __slots__ = ("texts",)

    def __init__(self, namespaces: Mapping[str, str]) -> None:
        super().__init__(namespaces)
        self.texts: dict[tuple[str, str], str] = {}


# The namespaces of an event's own @context (no document context), by _context_key (b"": none).
_CONTEXT_NAMESPACES: dict[bytes, _Shared] = {}


def _context_key(context: Any) -> bytes | None:
    """The @context as JSON text (the same text gives the same namespaces), else None (not shared)."""
    try:
        return orjson.dumps(context)
    except orjson.JSONEncodeError:
        return None


def _is_mapping(value: Any) -> bool:
    # a dict (what JSON gives) without the slower abstract Mapping check
    return isinstance(value, dict) or (
        not isinstance(value, (str, list, int, float)) and isinstance(value, Mapping)
    )


def hash_namespaces(context: Any = None) -> dict[str, str]:
    """The prefix -> namespace mapping ``prehash_string`` makes of ``context``: built once, it can be passed
    for a whole document's events instead of the context (the same hashes)."""
    if isinstance(context, Mapping) and all(isinstance(v, str) for v in context.values()):
        return {**DEFAULT_NAMESPACES, **context}
    return namespaces_from_context(context)


def hash_prehash(prehash: str) -> str:
    return HASH_PREFIX + hashlib.sha256(prehash.encode("utf-8")).hexdigest() + HASH_SUFFIX


def event_hash(event: Mapping[str, Any], context: Any = None) -> str:
    """The CBV 2.0 event hash ID of one event: ``ni:///sha-256;<hex>?ver=CBV2.0``."""
    return hash_prehash(prehash_string(event, context))


def document_events(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The events of an EPCISDocument, an EPCISQueryDocument, or a bare event, in document order."""
    body = document.get("epcisBody")
    if body is None:
        return [document]  # a single event on its own
    if "eventList" in body:
        return list(body["eventList"])
    if "queryResults" in body:
        return list(body["queryResults"]["resultsBody"]["eventList"])
    if "event" in body:
        return [body["event"]]
    return []


def document_prehashes(document: Mapping[str, Any]) -> list[str]:
    namespaces = namespaces_from_context(document.get("@context"))
    return [prehash_string(event, namespaces) for event in document_events(document)]


def document_event_hashes(document: Mapping[str, Any]) -> list[str]:
    """One event hash per event, in document order."""
    return [hash_prehash(p) for p in document_prehashes(document)]


# ---------------------------------------------------------------------------------------------------
# Pre-hash construction


def _ordered(
    obj: Mapping[str, Any],
    order: tuple[Field, ...],
    ns: Mapping[str, str],
    skip: frozenset[str] = frozenset(),
    texts: dict[tuple[str, str], str] | None = None,
) -> str:
    """Children in canonical order, then everything else (extensions, ILMD) sorted, ``skip``ped keys out.
    ``texts``: what a field's value gave before under ``ns``, by key and value (``_memo_key``)."""
    positions = _POSITIONS.get(id(order))
    if positions is None:
        positions = _POSITIONS[id(order)] = {
            _LIST_KEY.get(field.name, field.name): (i, field) for i, field in enumerate(order)
        }
    parts: list[tuple[int, str]] = []
    rest: list[str] = []
    for key, value in obj.items():
        known = positions.get(key)
        if known is not None:
            position, field = known
            memo = None if texts is None else _memo_key(key, field.kind, value)
            if memo is None:
                text = _field(field, value, ns)
            elif (text := texts.get(memo)) is None:
                if len(texts) >= 4096:  # bounded: values that never repeat (a parentID)
                    texts.clear()
                text = texts[memo] = _field(field, value, ns)
            if text:  # positions are distinct: sorting by them alone is the canonical order
                parts.append((position, text))
        elif key[:1] != "@" and key not in skip:
            rest.extend(_generic(_expand_key(key, ns), value, ns))
    if len(parts) > 1:
        parts.sort()
    if len(rest) > 1:
        rest.sort()
    return "".join([text for _, text in parts] + rest)


def _memo_key(key: str, kind: str, value: Any) -> tuple[str, str] | None:
    """A field's value as a key for ``texts``: a string (times never repeat), or a place {"id": string},
    which gives what its bare id string gives; None for anything else (not remembered: lists rarely repeat,
    and numbers are no keys: True == 1)."""
    if type(value) is str:
        return None if kind == "time" else (key, value)
    if kind == "object" and type(value) is dict and len(value) == 1 and type(place := value.get("id")) is str:
        return (key, place)
    return None


# Each canonical order (a tuple of fields, by its id: they are module constants, never freed) as
# {key: (its position, its field)}, made on first use.
_POSITIONS: dict[int, dict[str, tuple[int, Field]]] = {}


def _field(field: Field, value: Any, ns: Mapping[str, str]) -> str:
    if value is None:
        return ""
    kind = field.kind
    if kind in ("value", "time"):
        canon = _canon_time if kind == "time" else _canon_value
        if not isinstance(value, list):  # one value: no list to sort
            text = canon(value, ns, field.vocab)
            return f"{field.name}={text}" if text else ""
        entries = sorted(f"{field.name}={v}" for v in (canon(x, ns, field.vocab) for x in value) if v)
        return "".join(entries)
    if kind == "list":
        values = value if isinstance(value, list) else [value]
        if len(values) == 1:  # one item: no list to sort
            text = _canon_value(values[0], ns)
            return f"{field.name}{field.item}={text}" if text else ""
        entries = sorted(f"{field.item}={v}" for v in (_canon_value(x, ns) for x in values) if v)
        return field.name + "".join(entries) if entries else ""
    if kind == "object":
        if not _is_mapping(value):
            # readPoint/bizLocation given as a bare id: same data as {"id": ...}
            value = {"id": value}
        inner = _ordered(value, field.children, ns)
        return field.name + inner if inner else ""
    if kind == "objects":
        items = value if isinstance(value, list) else [value]
        entries = []
        for item in items:
            inner = _ordered(item, field.children, ns) if _is_mapping(item) else ""
            if inner:
                entries.append(field.item + inner)
        entries.sort()
        return field.name + "".join(entries) if entries else ""
    raise ValueError(f"unknown field kind {kind!r}")


def _generic(key: str, value: Any, ns: Mapping[str, str]) -> list[str]:
    """Entries for an element outside the canonical order; a list gives one entry per item."""
    if key in COMMENT_KEYS:
        return []
    if isinstance(value, str):
        text = _canon_value(value, ns)
        return [f"{key}={text}" if text else key]
    if isinstance(value, list):
        return [entry for item in value for entry in _generic(key, item, ns)]
    if _is_mapping(value):
        children = sorted(
            entry
            for k, v in value.items()
            if not k.startswith("@")
            for entry in _generic(_expand_key(k, ns), v, ns)
        )
        return [key + "".join(children)]
    text = _canon_value(value, ns)
    return [f"{key}={text}" if text else key]


def _expand_key(key: str, ns: Mapping[str, str]) -> str:
    prefix, sep, local = key.partition(":")
    if sep and prefix in ns and not local.startswith("//"):
        return "{" + ns[prefix] + "}" + local
    return key


# ---------------------------------------------------------------------------------------------------
# Value normalisation

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BARE_WORD = re.compile(r"[A-Za-z0-9_]+")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})")


def _canon_value(value: Any, ns: Mapping[str, str], vocab: str | None = None) -> str:
    if type(value) is not str:  # strings first: nearly every value is one
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _format_number(value)
        if not isinstance(value, str):
            raise ValueError(f"unexpected value {value!r} in an EPCIS event")
    text = value.strip()
    if not text:
        return ""
    if vocab is not None and _BARE_WORD.fullmatch(text):
        return VOCAB_BASES[vocab] + text
    if text.startswith(_URN_VOCAB_ROOT):
        for urn, web in URN_VOCAB:
            if text.startswith(urn):
                return web + text[len(urn) :]
    prefix, sep, rest = text.partition(":")
    if sep and prefix in ns and not rest.startswith("//"):
        namespace = ns[prefix]
        # Only GS1's own vocabularies are expanded in values; user CURIEs stay as written.
        if namespace.startswith(("https://ref.gs1.org/", "https://gs1.org/")):
            return namespace + rest
        return text
    if not sep and (text[0] in "+-." or text[0].isdigit()) and _NUMBER.fullmatch(text):  # no ":" in a number
        return _format_number(float(text))
    if text.startswith(("urn:epc:", "http://", "https://")):
        return gs1_key_uri(text) or text
    return text


def _format_number(number: float) -> str:
    if number.is_integer():
        return str(int(number))  # 26.0 -> "26", 1.2e3 -> "1200"
    return repr(number)


def _canon_time(value: Any, ns: Mapping[str, str], vocab: str | None = None) -> str:
    """UTC at millisecond precision, the 4th decimal rounding half up (CBV 2.0 / TimeStampRoundOff)."""
    text = str(value).strip()
    m = _TIMESTAMP.fullmatch(text)
    if m is None:
        return text  # not a timestamp: hashed as written (the schema rejects it anyway)
    date, clock, fraction, offset = m.groups()
    offset = "+00:00" if offset in ("Z", "z") else offset
    fraction = fraction or ""
    if len(fraction) == 3 and offset == "+00:00" and date[0] != "0" and text.isascii():
        # already UTC at milliseconds, a 4-digit year: the instant as written, once it is checked to exist
        try:
            datetime.fromisoformat(f"{date}T{clock}{offset}")
        except ValueError:
            return text
        return f"{date}T{clock}.{fraction}Z"
    ms = int(fraction[:3].ljust(3, "0"))
    if len(fraction) > 3 and fraction[3] >= "5":
        ms += 1
    try:
        moment = datetime.fromisoformat(f"{date}T{clock}{offset}").astimezone(UTC)
        moment += timedelta(milliseconds=ms)
    except (ValueError, OverflowError):
        # No such instant in UTC years 1-9999 (0001-01-01T00:00:00+14:00, a leap second): hashed as
        # written, like any other text, so hashing never fails on what the schema lets through.
        return text
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------------------------------------------
# GS1 keys: EPC URNs and GS1 Digital Link URIs -> canonical, constrained Digital Link URIs


def gs1_check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _with_check(digits: str) -> str:
    return digits + gs1_check_digit(digits)


def _dl_escape(text: str) -> str:
    # EPC URIs already escape most reserved characters; these remain reserved in Digital Link paths.
    for char, code in (("!", "%21"), ("(", "%28"), (")", "%29"), ("*", "%2A"), ("+", "%2B"), (",", "%2C")):
        text = text.replace(char, code)
    return text.replace(":", "%3A")


_EPC_URN = re.compile(r"urn:epc:(id|class|idpat):([a-z]+):(\d{6,12})\.(.*)")
_DIGITS = re.compile(r"\d*")


def _gtin(cp: str, item: str) -> str | None:
    if len(cp) + len(item) != 13 or not _DIGITS.fullmatch(item) or not item:
        return None
    return _with_check(item[0] + cp + item[1:])


def _epc_urn_to_dl(uri: str) -> str | None:
    m = _EPC_URN.fullmatch(uri)
    if m is None:
        return None
    kind, scheme, cp, rest = m.groups()
    parts = rest.split(".")
    base = "https://id.gs1.org/"

    def key12(ref: str) -> str | None:  # GLN/GDTI/GRAI/SGCN/PGLN: company prefix + reference = 12 digits
        return _with_check(cp + ref) if len(cp) + len(ref) == 12 and _DIGITS.fullmatch(ref) else None

    if kind == "id":
        if scheme in ("sgtin", "upui") and len(parts) >= 2:
            gtin, serial = _gtin(cp, parts[0]), ".".join(parts[1:])
            ai = "21" if scheme == "sgtin" else "235"
            return f"{base}01/{gtin}/{ai}/{_dl_escape(serial)}" if gtin and serial else None
        if scheme == "sscc" and len(parts) == 1:
            ref = parts[0]
            if len(cp) + len(ref) == 17 and ref.isdigit():
                return f"{base}00/{_with_check(ref[0] + cp + ref[1:])}"
            return None
        if scheme == "sgln" and len(parts) >= 2:
            gln, ext = key12(parts[0]), ".".join(parts[1:])
            if gln is None:
                return None
            return f"{base}414/{gln}" + ("" if ext == "0" else f"/254/{_dl_escape(ext)}")
        if scheme == "grai" and len(parts) >= 2:
            asset, serial = parts[0], ".".join(parts[1:])
            grai = key12(asset)
            return f"{base}8003/0{grai}{_dl_escape(serial)}" if grai and serial else None
        if scheme in ("giai", "ginc") and len(parts) >= 1:
            ai = "8004" if scheme == "giai" else "401"
            return f"{base}{ai}/{cp}{_dl_escape('.'.join(parts))}"
        if scheme in ("gsrn", "gsrnp") and len(parts) == 1:
            ref = parts[0]
            if len(cp) + len(ref) != 17 or not ref.isdigit():
                return None
            return f"{base}{'8018' if scheme == 'gsrn' else '8017'}/{_with_check(cp + ref)}"
        if scheme in ("gdti", "sgcn") and len(parts) >= 2:
            key, serial = key12(parts[0]), ".".join(parts[1:])
            ai = "253" if scheme == "gdti" else "255"
            return f"{base}{ai}/{key}{_dl_escape(serial)}" if key and serial else None
        if scheme == "cpi" and len(parts) == 2:
            return f"{base}8010/{_dl_escape(cp + parts[0])}/8011/{parts[1]}"
        if scheme == "gsin" and len(parts) == 1:
            ref = parts[0]
            if len(cp) + len(ref) != 16 or not ref.isdigit():
                return None
            return f"{base}402/{_with_check(cp + ref)}"
        if scheme == "itip" and len(parts) >= 4:
            gtin, piece, total, serial = _gtin(cp, parts[0]), parts[1], parts[2], ".".join(parts[3:])
            return f"{base}8006/{gtin}{piece}{total}/21/{_dl_escape(serial)}" if gtin and serial else None
        if scheme == "pgln" and len(parts) == 1:
            pgln = key12(parts[0])
            return f"{base}417/{pgln}" if pgln else None
        return None
    if kind == "class":
        if scheme == "lgtin" and len(parts) >= 2:
            gtin, lot = _gtin(cp, parts[0]), ".".join(parts[1:])
            return f"{base}01/{gtin}/10/{_dl_escape(lot)}" if gtin and lot else None
        return None
    # idpat: only the class level (serial "*") has a Digital Link equivalent
    if parts[-1] != "*":
        return None
    if scheme in ("sgtin", "upui") and len(parts) == 2:
        gtin = _gtin(cp, parts[0])
        return f"{base}01/{gtin}" if gtin else None
    if scheme in ("grai", "gdti", "sgcn") and len(parts) == 2:
        key = key12(parts[0])
        ai = {"grai": "8003/0", "gdti": "253/", "sgcn": "255/"}[scheme]
        return f"{base}{ai}{key}" if key else None
    if scheme == "cpi" and len(parts) == 2:
        return f"{base}8010/{_dl_escape(cp + parts[0])}"
    if scheme == "itip" and len(parts) == 4:
        gtin = _gtin(cp, parts[0])
        return f"{base}8006/{gtin}{parts[1]}{parts[2]}" if gtin else None
    return None


_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017",
    "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402",
    "grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21",
}  # fmt: skip
_PRIMARY_KEYS = frozenset({"01", "8006", "8010", "414", "417", "8017", "8018", "255", "00", "253", "401",
                           "402", "8003", "8004"})  # fmt: skip
_DL_URI = re.compile(r"https?://[^/?#]+(/[^?#]*)(\?[^#]*)?")
_V = r"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]"  # Digital Link value characters
_CANONICAL_DL = re.compile(
    "https://id\\.gs1\\.org/(?:"
    + "|".join(
        (
            r"00/\d{18}",
            rf"01/\d{{14}}(?:/21/{_V}{{0,20}}|/10/{_V}{{0,20}}|/235/{_V}{{0,28}})?",
            rf"253/\d{{13}}{_V}{{0,17}}",
            r"255/\d{13}\d{0,12}",
            rf"401/{_V}{{0,30}}",
            r"402/\d{17}",
            rf"414/\d{{13}}(?:/254/{_V}{{0,20}})?",
            r"417/\d{13}",
            rf"8003/\d{{14}}{_V}{{0,16}}",
            rf"8004/{_V}{{0,30}}",
            rf"8006/\d{{18}}(?:/21/{_V}{{0,20}}|/10/{_V}{{0,20}})?",
            r"8010/[\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30}(?:/8011/\d{0,12})?",
            r"8017/\d{18}",
            r"8018/\d{18}",
        )
    )
    + ")"
)


def _dl_to_canonical(uri: str) -> str | None:
    m = _DL_URI.fullmatch(uri)
    if m is None:
        return None
    segments = m.group(1).split("/")
    for i, segment in enumerate(segments[:-1]):
        ai = _SHORT_NAMES.get(segment, segment)
        if ai in _PRIMARY_KEYS and re.match(r"\d{4}", segments[i + 1]):
            break
    else:
        return None
    path = segments[i:]
    if len(path) % 2:
        if path[-1] != "":  # a trailing slash is allowed, anything else unpaired is not a key path
            return None
        path = path[:-1]
    pairs = [(_SHORT_NAMES.get(path[j], path[j]), path[j + 1]) for j in range(0, len(path), 2)]
    key_ai, key = pairs[0]
    if key_ai == "01" and len(key) in (8, 12, 13):
        key = key.rjust(14, "0")  # GTIN-8/12/13 -> GTIN-14
    qualifiers = [(ai, v) for ai, v in pairs[1:] if ai != "22"]  # CPV is not part of the identity
    if key_ai in ("01", "8006") and any(ai == "21" for ai, _ in qualifiers):
        qualifiers = [(ai, v) for ai, v in qualifiers if ai != "10"]  # finest level only: serial wins
    canonical = f"https://id.gs1.org/{key_ai}/{key}" + "".join(f"/{ai}/{v}" for ai, v in qualifiers)
    return canonical if _CANONICAL_DL.fullmatch(canonical) else None


@lru_cache(maxsize=65536)  # pure, and a document names the same goods in several events
def gs1_key_uri(uri: str) -> str | None:
    """The canonical GS1 Digital Link URI of an EPC URN or Digital Link URI, None if it holds no GS1 key."""
    if uri.startswith("urn:epc:"):
        return _epc_urn_to_dl(uri)
    return _dl_to_canonical(uri)
