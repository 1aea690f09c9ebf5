"""How an EPCIS event becomes a ledger record, and how a chain of records is checked. Pure: no Django.

A record stores the event as canonical JSON (sorted keys, no spaces). Its hash covers the previous record's
hash, its position, the GS1 event hash and the SHA-256 of that JSON text, and (hash version 2, every record
written since) the brand the record is stamped with, the only column not derived from the body:

    record_hash = sha256(prev_hash "\\n" seq "\\n" event_hash "\\n" sha256(body) ["\\nbrand:" brand_id])

Records written before version 2 keep their version-1 hash (the ledger is append-only: nothing is re-hashed);
once a chain has a version-2 record, every later one must be version 2.

so editing a body, an event hash, a brand or a position, deleting a record or swapping two breaks the chain
at the first record touched. Every other column and index row is derived from the body (``DERIVED_COLUMNS``,
``identifiers``), and ``first_mismatch`` recomputes them and the GS1 event hash: an edited column or index
row, or a body edited with every later record hash recomputed, is named too.

    >>> body = canonical_json({"type": "ObjectEvent", "action": "ADD"})
    >>> body
    '{"action":"ADD","type":"ObjectEvent"}'
    >>> digest = record_hash(prev_hash="", seq=1, event_hash="ni:///sha-256;00", body_sha=body_sha(body))
    >>> len(digest)
    64
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import orjson

from .eventhash import URN_VOCAB, VOCAB_BASES, event_hash

__all__ = [
    "DERIVED_COLUMNS",
    "INDEXED_COLUMNS",
    "Break",
    "Record",
    "Stored",
    "body_sha",
    "canonical_json",
    "event_columns",
    "first_break",
    "first_mismatch",
    "first_mismatch_in",
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


HASH_VERSION = 2  # what record_events writes


def record_hash(
    *, prev_hash: str, seq: int, event_hash: str, body_sha: str, brand_id: int | None = None, version: int = 1
) -> str:
    text = f"{prev_hash}\n{seq}\n{event_hash}\n{body_sha}"
    if version >= 2:  # version 1 (records written before brands were covered) keeps the hash it had
        text += f"\nbrand:{'' if brand_id is None else brand_id}"
    return hashlib.sha256(text.encode()).hexdigest()


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


def _place(key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda event: (event.get(key) or {}).get("id", "")


def _to_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


# The columns a record derives from its body: (column, how). record_events writes INDEXED_COLUMNS; verify
# recomputes every one of DERIVED_COLUMNS from the stored body. A column added for queries is one line here.
INDEXED_COLUMNS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "event_type": lambda event: event.get("type", ""),
    "action": lambda event: event.get("action", ""),
    "biz_step": lambda event: vocabulary_uri("bizStep", event.get("bizStep", "")),
    "disposition": lambda event: vocabulary_uri("disp", event.get("disposition", "")),
    "biz_location": _place("bizLocation"),
    "read_point": _place("readPoint"),
    "event_time": lambda event: parse_time(event["eventTime"]),
}
DERIVED_COLUMNS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    **INDEXED_COLUMNS,
    "event_id": lambda event: event.get("eventID", ""),
    "declaration": lambda event: (
        "" if event.get("errorDeclaration") is None else body_sha(canonical_json(event["errorDeclaration"]))
    ),
    # stamped in the body at milliseconds, kept in the column at microseconds
    "record_time": lambda event: _to_ms(parse_time(event["recordTime"])),
}
_STORED_AS: dict[str, Callable[[Any], Any]] = {"record_time": _to_ms}


def event_columns(event: Mapping[str, Any]) -> dict[str, Any]:
    """The indexed columns of a record (times parsed; vocabulary as full URIs)."""
    return {column: derive(event) for column, derive in INDEXED_COLUMNS.items()}


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
    brand_id: int | None = None
    hash_version: int = 1


@dataclass(frozen=True)
class Break:
    """The first place a chain does not hold: the record, what is wrong and how to read it."""

    pk: int | None
    seq: int
    kind: str  # modified, deleted, reordered, truncated
    detail: str


def first_break(
    records: Iterable[Record], *, head_seq: int, head_hash: str, start: tuple[int, str] = (1, "")
) -> Break | None:
    """Walk records in ``seq`` order; the first modified, deleted or reordered one, else None.

    ``head_seq``/``head_hash`` are what the chain head says was last appended: records missing at the end
    (deleted last records) show there. ``start``: the first record's number and the hash it must follow
    (a walk from a checkpoint on).
    """
    expected_seq, expected_prev = start
    newest_version = 1
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
        if (
            record.hash_version < newest_version
        ):  # a record set back to version 1 to drop its brand from the hash
            return Break(
                record.pk,
                record.seq,
                "modified",
                f"record {record.seq} has hash version {record.hash_version} "
                f"after a version-{newest_version} record",
            )
        newest_version = record.hash_version
        again = record_hash(
            prev_hash=record.prev_hash,
            seq=record.seq,
            event_hash=record.event_hash,
            body_sha=record.body_sha,
            brand_id=record.brand_id,
            version=record.hash_version,
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


@dataclass(frozen=True)
class Stored:
    """A record as stored, for recomputing from its body: the stored event hash, the derived columns
    (DERIVED_COLUMNS' names) and the EPC index rows (epc, role, quantity, uom)."""

    pk: int
    seq: int
    body: str
    event_hash: str
    columns: Mapping[str, Any]
    index: Sequence[tuple[str, str, Decimal | None, str]]


_INDEX_PLACES = Decimal("0.0001")  # EventEpc.quantity keeps 4 decimal places


def _index_row(row: tuple[str, str, Decimal | None, str]) -> tuple[str, str, str, str]:
    epc, role, quantity, uom = row
    amount = "" if quantity is None else str(quantity.quantize(_INDEX_PLACES, rounding=ROUND_HALF_EVEN))
    return (epc, role, amount, uom or "")


def first_mismatch(stored: Stored) -> Break | None:
    """The first thing of a record that its body does not give again: the GS1 event hash, then each derived
    column, then the EPC index rows (one missing, then one extra); None when all agree.

    >>> body = canonical_json({"type": "ObjectEvent", "action": "ADD", "eventTime": "2026-01-01T00:00:00Z",
    ...   "recordTime": "2026-01-01T00:00:01Z", "eventID": "urn:x", "epcList": ["urn:a"]})
    >>> event = orjson.loads(body)
    >>> columns = {c: derive(event) for c, derive in DERIVED_COLUMNS.items()}
    >>> stored = Stored(7, 1, body, event_hash(event), columns, [("urn:a", "epc", None, "")])
    >>> first_mismatch(stored) is None
    True
    >>> first_mismatch(Stored(7, 1, body, event_hash(event), {**columns, "action": "DELETE"}, [])).detail
    "record 1: column action is 'DELETE', its body gives 'ADD'"
    """

    def broken(what: str) -> Break:
        return Break(stored.pk, stored.seq, "modified", f"record {stored.seq}: {what}")

    try:
        event = orjson.loads(stored.body)
    except orjson.JSONDecodeError:
        return broken("its body is not JSON")
    if not isinstance(event, dict):
        return broken("its body is not a JSON object")
    try:
        again = event_hash(event)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return broken(f"its event hash cannot be computed from its body ({exc})")
    if again != stored.event_hash:
        return broken(f"event hash is {stored.event_hash}, its body gives {again}")
    for column, derive in DERIVED_COLUMNS.items():
        if column not in stored.columns:
            continue
        try:
            expected = derive(event)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return broken(f"column {column} cannot be derived from its body ({exc})")
        value = stored.columns[column]
        value = _STORED_AS.get(column, lambda v: v)(value) if value is not None else value
        if value != expected:
            return broken(f"column {column} is {_shown(value)}, its body gives {_shown(expected)}")
    try:
        expected_rows = sorted(_index_row(row) for row in identifiers(event))
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
        return broken(f"its EPC index cannot be derived from its body ({exc})")
    stored_rows = sorted(_index_row(row) for row in stored.index)
    if stored_rows != expected_rows:
        missing = [row for row in expected_rows if row not in stored_rows]
        if missing:
            return broken(f"EPC index row {_shown(missing[0][:2])} is missing (its body names it)")
        extra = next(row for row in stored_rows if row not in expected_rows)
        return broken(f"EPC index row {_shown(extra[:2])} is not in its body")
    return None


def first_mismatch_in(records: Iterable[Stored]) -> Break | None:
    """The first of ``records`` that its body does not give again (``first_mismatch``), else None."""
    return next((problem for r in records if (problem := first_mismatch(r)) is not None), None)


def _shown(value: Any) -> str:
    return repr(value.isoformat()) if isinstance(value, datetime) else repr(value)
