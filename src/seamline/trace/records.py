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
from typing import Any, NamedTuple

import orjson

from .eventhash import URN_VOCAB, VOCAB_BASES, event_hash

__all__ = [
    "DERIVED_COLUMNS",
    "INDEXED_COLUMNS",
    "Break",
    "Record",
    "Span",
    "Stored",
    "Walk",
    "body_sha",
    "canonical_json",
    "event_columns",
    "first_break",
    "first_mismatch",
    "first_mismatch_in",
    "identifiers",
    "parse_time",
    "record_hash",
    "span_check",
    "stitch",
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
    if value.startswith("urn:epcglobal:cbv:"):  # what every URN of URN_VOCAB starts with
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
    if value.tzinfo is UTC:  # already UTC ("Z", "+00:00"): nothing to convert
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text} falls outside the years 1 to 9999 in UTC") from None


def _place(key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda event: (event.get(key) or {}).get("id", "")


def _to_ms(value: datetime) -> datetime:
    micro = value.microsecond
    return value if micro % 1000 == 0 else value.replace(microsecond=micro // 1000 * 1000)


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
        epcs = event.get(key)
        if epcs:  # most events name one or two of the lists
            rows.extend([(epc, role, None, "") for epc in epcs])
    if event.get("parentID"):
        rows.append((event["parentID"], "parent", None, ""))
    for key, role in _QUANTITY_LISTS:
        for item in event.get(key) or ():
            quantity = item.get("quantity")
            amount = None if quantity is None else Decimal(str(quantity))
            rows.append((item["epcClass"], role, amount, item.get("uom", "")))
    return rows


class Record(NamedTuple):
    """What checking a record needs (``body_sha`` computed from the stored body, not stored). A named tuple,
    not a dataclass: verify makes two of these a record, a million times, and a frozen dataclass is 5x slower
    to make."""

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


class Walk:
    """A chain walked link by link, in ``seq`` order: the record number and hash the next record must follow,
    and the newest hash version seen. ``step`` checks a record; ``end`` checks the head at the end."""

    def __init__(self, start: tuple[int, str] = (1, "")) -> None:
        self.seq, self.prev_hash = start
        self.version = 1

    def enter(self, record: Record) -> Break | None:
        """The record's place in the chain: its number, its previous hash, its hash version (not its hash)."""
        if record.seq > self.seq:
            return Break(record.pk, self.seq, "deleted", f"record {self.seq} is missing")
        if record.seq < self.seq:
            return Break(record.pk, record.seq, "reordered", f"record {record.seq} appears twice")
        if record.prev_hash != self.prev_hash:
            return Break(
                record.pk,
                record.seq,
                "reordered",
                f"record {record.seq} does not follow record {record.seq - 1} (its previous hash differs)",
            )
        if (
            record.hash_version < self.version
        ):  # a record set back to version 1 to drop its brand from the hash
            return Break(
                record.pk,
                record.seq,
                "modified",
                f"record {record.seq} has hash version {record.hash_version} "
                f"after a version-{self.version} record",
            )
        return None

    def step(self, record: Record) -> Break | None:
        """Check the record and, when it holds, move past it."""
        problem = self.enter(record) or _rehashed(record)
        if problem is None:
            self.past(record)
        return problem

    def past(self, record: Record) -> None:
        self.seq, self.prev_hash, self.version = record.seq + 1, record.record_hash, record.hash_version

    def end(self, *, head_seq: int, head_hash: str) -> Break | None:
        """Records missing at the end (deleted last records) show against the head."""
        if self.seq - 1 != head_seq or self.prev_hash != head_hash:
            return Break(
                None,
                self.seq,
                "deleted",
                f"the chain ends at record {self.seq - 1} but {head_seq} were written",
            )
        return None


def _rehashed(record: Record) -> Break | None:
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
    return None


def first_break(
    records: Iterable[Record], *, head_seq: int, head_hash: str, start: tuple[int, str] = (1, "")
) -> Break | None:
    """Walk records in ``seq`` order; the first modified, deleted or reordered one, else None.

    ``head_seq``/``head_hash`` are what the chain head says was last appended: records missing at the end
    (deleted last records) show there. ``start``: the first record's number and the hash it must follow
    (a walk from a checkpoint on).
    """
    walk = Walk(start)
    for record in records:
        if (problem := walk.step(record)) is not None:
            return problem
    return walk.end(head_seq=head_seq, head_hash=head_hash)


class Stored(NamedTuple):
    """A record as stored, for recomputing from its body: the stored event hash, the derived columns
    (DERIVED_COLUMNS' names) and the EPC index rows (epc, role, quantity, uom). A named tuple, as Record."""

    pk: int
    seq: int
    body: str
    event_hash: str
    columns: Mapping[str, Any]
    index: Sequence[tuple[str, str, Decimal | None, str]]


_INDEX_PLACES = Decimal("0.0001")  # EventEpc.quantity keeps 4 decimal places


def _index_rows(rows: Iterable[tuple[str, str, Decimal | None, str]]) -> list[tuple[str, str, str, str]]:
    """Index rows as compared: sorted, each quantity at the column's 4 places, no uom as ""."""
    return sorted(
        [
            (epc, role, "" if quantity is None else _amount(quantity), uom or "")
            for epc, role, quantity, uom in rows
        ]
    )


def _amount(quantity: Decimal) -> str:
    return str(quantity.quantize(_INDEX_PLACES, rounding=ROUND_HALF_EVEN))


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
    columns = stored.columns
    for column, derive in DERIVED_COLUMNS.items():
        if column not in columns:
            continue
        try:
            expected = derive(event)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return broken(f"column {column} cannot be derived from its body ({exc})")
        value = columns[column]
        if value is not None and column in _STORED_AS:
            value = _STORED_AS[column](value)
        if value != expected:
            return broken(f"column {column} is {_shown(value)}, its body gives {_shown(expected)}")
    try:
        expected_rows = _index_rows(identifiers(event))
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
        return broken(f"its EPC index cannot be derived from its body ({exc})")
    stored_rows = _index_rows(stored.index)
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


@dataclass(frozen=True)
class Span:
    """A run of consecutive records (by seq, id) checked on its own, e.g. by a worker process: its first and
    last record (for stitching runs in order), the first break of the walk inside it (its first record's
    link taken as given) and its first record that its body does not give again. Reading stops at the
    first break, or past the first mismatch's record number (nothing later can come first)."""

    first: Record | None
    last: Record | None
    walked: Break | None
    mismatch: Break | None


def span_check(records: Iterable[tuple[Stored, Record]]) -> Span:
    """``records`` (each as stored and as linked), in (seq, id) order, walked and recomputed."""
    walk = Walk()
    first = last = walked = mismatch = None
    for stored, record in records:
        if mismatch is not None and record.seq > mismatch.seq:
            break
        if first is None:
            first, walk = record, Walk((record.seq, record.prev_hash))
        if (walked := walk.step(record)) is not None:
            break
        last = record
        mismatch = mismatch or first_mismatch(stored)
    return Span(first, last, walked, mismatch)


def stitch(
    spans: Iterable[Span], *, head_seq: int, head_hash: str, start: tuple[int, str] = (1, "")
) -> Break | None:
    """The first problem of a chain read as consecutive spans, in order: what ``first_break`` over all their
    records and ``first_mismatch`` of each give, the earlier of the two (the walk's when both name the same
    record). Stops at the first span with a problem: no later span can hold an earlier one."""
    walk = Walk(start)
    for span in spans:
        if span.first is None:
            continue
        walked = walk.enter(span.first) or span.walked
        found = [(b.seq, rank, b) for rank, b in enumerate((walked, span.mismatch)) if b is not None]
        if found:
            return min(found, key=lambda f: f[:2])[2]
        assert span.last is not None  # a span walked to its end without a break has a last record
        walk.past(span.last)
    return walk.end(head_seq=head_seq, head_hash=head_hash)


def _shown(value: Any) -> str:
    return repr(value.isoformat()) if isinstance(value, datetime) else repr(value)
