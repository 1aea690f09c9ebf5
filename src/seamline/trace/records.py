"""How an EPCIS event becomes a ledger record, and how a chain of records is checked. Pure: no Django.

A record stores the event as canonical JSON (sorted keys, no spaces). Its hash covers the previous record's
hash, its position, the GS1 event hash and the SHA-256 of that JSON text:

    record_hash = sha256(prev_hash "\\n" seq "\\n" event_hash "\\n" sha256(body))

so editing a body, an event hash or a position, deleting a record or swapping two breaks the chain at the
first record touched.

    >>> body = canonical_json({"type": "ObjectEvent", "action": "ADD"})
    >>> body
    '{"action":"ADD","type":"ObjectEvent"}'
    >>> digest = record_hash(prev_hash="", seq=1, event_hash="ni:///sha-256;00", body_sha=body_sha(body))
    >>> len(digest)
    64
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson

from .eventhash import URN_VOCAB, VOCAB_BASES

__all__ = [
    "Break",
    "Record",
    "body_sha",
    "canonical_json",
    "event_columns",
    "first_break",
    "identifiers",
    "parse_time",
    "record_hash",
    "vocabulary_uri",
]


def canonical_json(event: Mapping[str, Any]) -> str:
    """The event as the ledger stores it: JSON with sorted keys and no spaces."""
    return orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode()


def body_sha(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def record_hash(*, prev_hash: str, seq: int, event_hash: str, body_sha: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{event_hash}\n{body_sha}".encode()).hexdigest()


def vocabulary_uri(kind: str, value: str) -> str:
    """A bizStep or disposition as its full URI: CBV short names expanded, CBV 1.x URNs mapped.

    >>> vocabulary_uri("bizStep", "receiving")
    'https://ref.gs1.org/cbv/BizStep-receiving'
    >>> vocabulary_uri("disp", "urn:epcglobal:cbv:disp:in_progress")
    'https://ref.gs1.org/cbv/Disp-in_progress'
    """
    if not value:
        return ""
    for urn, base in URN_VOCAB:
        if value.startswith(urn):
            return base + value[len(urn) :]
    if ":" in value:
        return value
    return VOCAB_BASES[kind] + value


def parse_time(text: str) -> datetime:
    """An RFC 3339 date-time as an aware datetime; ValueError when it has no offset or its instant has no
    UTC date from year 1 to 9999 (it could not be stored or compared).

    >>> parse_time("2026-11-27t09:00:00z").isoformat()
    '2026-11-27T09:00:00+00:00'
    >>> parse_time("0001-01-01T00:00:00+14:00")
    Traceback (most recent call last):
    ...
    ValueError: 0001-01-01T00:00:00+14:00 falls outside the years 1 to 9999 in UTC
    """
    # RFC 3339 allows a lower-case "t" and "z"; Python 3.11 reads neither "z" nor "+00:00" spelled "z".
    value = datetime.fromisoformat(text.upper())
    if value.tzinfo is None:
        raise ValueError(f"{text} has no time zone offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text} falls outside the years 1 to 9999 in UTC") from None


def event_columns(event: Mapping[str, Any]) -> dict[str, Any]:
    """The indexed columns of a record (times parsed; vocabulary as full URIs)."""
    return {
        "event_type": event.get("type", ""),
        "action": event.get("action", ""),
        "biz_step": vocabulary_uri("bizStep", event.get("bizStep", "")),
        "disposition": vocabulary_uri("disp", event.get("disposition", "")),
        "biz_location": (event.get("bizLocation") or {}).get("id", ""),
        "read_point": (event.get("readPoint") or {}).get("id", ""),
        "event_time": parse_time(event["eventTime"]),
    }


_EPC_LISTS = (
    ("epcList", "epc"),
    ("childEPCs", "child"),
    ("inputEPCList", "input"),
    ("outputEPCList", "output"),
)
_QUANTITY_LISTS = (
    ("quantityList", "class"),
    ("childQuantityList", "class"),
    ("inputQuantityList", "in_class"),
    ("outputQuantityList", "out_class"),
)


def identifiers(event: Mapping[str, Any]) -> list[tuple[str, str, Decimal | None, str]]:
    """Every identifier the event names: (epc or class, role, quantity, uom), for MATCH_* and lineage.

    >>> identifiers({"epcList": ["urn:a"], "inputQuantityList": [{"epcClass": "urn:r", "quantity": 1.5,
    ...   "uom": "MTR"}]})
    [('urn:a', 'epc', None, ''), ('urn:r', 'in_class', Decimal('1.5'), 'MTR')]
    """
    rows: list[tuple[str, str, Decimal | None, str]] = []
    for key, role in _EPC_LISTS:
        rows.extend((epc, role, None, "") for epc in event.get(key) or ())
    if event.get("parentID"):
        rows.append((event["parentID"], "parent", None, ""))
    for key, role in _QUANTITY_LISTS:
        for item in event.get(key) or ():
            quantity = item.get("quantity")
            amount = None if quantity is None else Decimal(str(quantity))
            rows.append((item["epcClass"], role, amount, item.get("uom", "")))
    return rows


@dataclass(frozen=True)
class Record:
    """What checking a record needs (``body_sha`` computed from the stored body, not stored)."""

    pk: int
    seq: int
    prev_hash: str
    record_hash: str
    event_hash: str
    body_sha: str


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold: the record, what is wrong and how to read it."""

    pk: int | None
    seq: int
    kind: str  # modified, deleted, reordered, truncated
    detail: str


def first_break(records: Iterable[Record], *, head_seq: int, head_hash: str) -> Break | None:
    """Walk records in ``seq`` order; the first modified, deleted or reordered one, else None.

    ``head_seq``/``head_hash`` are what the chain head says was last appended: records missing at the end
    (deleted last records) show there.
    """
    expected_seq, expected_prev = 1, ""
    for record in records:
        if record.seq > expected_seq:
            return Break(record.pk, expected_seq, "deleted", f"record {expected_seq} is missing")
        if record.seq < expected_seq:
            return Break(record.pk, record.seq, "reordered", f"record {record.seq} appears twice")
        if record.prev_hash != expected_prev:
            return Break(
                record.pk,
                record.seq,
                "reordered",
                f"record {record.seq} does not follow record {record.seq - 1} (its previous hash differs)",
            )
        again = record_hash(
            prev_hash=record.prev_hash, seq=record.seq, event_hash=record.event_hash, body_sha=record.body_sha
        )
        if again != record.record_hash:
            return Break(
                record.pk, record.seq, "modified", f"record {record.seq} was changed after it was written"
            )
        expected_seq, expected_prev = expected_seq + 1, record.record_hash
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return Break(
            None,
            expected_seq,
            "deleted",
            f"the chain ends at record {expected_seq - 1} but {head_seq} were written",
        )
    return None
