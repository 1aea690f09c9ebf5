"""The worker side of ``trace verify`` on PostgreSQL: each worker process reads its own seq range of a chain
with psycopg, on a connection of its own, and checks it (``records.span_check``: the links inside the
range, every record recomputed from its body). Only the answer goes back to the parent, which stitches the
ranges in order (``records.stitch``). No Django here: the workers are spawned and never set it up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .records import Record, Span, Stored, body_sha, span_check

__all__ = ["Source", "connect", "range_check"]

_connection: psycopg.Connection[Any] | None = None


def connect(params: Mapping[str, Any]) -> None:
    """The pool's initializer: this process's connection, kept for every range it checks. ``params``:
    psycopg's, and ``assume_role`` as Django's settings name it."""
    global _connection
    params = dict(params)
    role = params.pop("assume_role", None)
    _connection = psycopg.connect(**params, autocommit=True)
    # datetimes in UTC, as Django reads them (the derived columns are compared as datetimes)
    _connection.execute("SET TIME ZONE 'UTC'")
    if role:
        _connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))


@dataclass(frozen=True)
class Source:
    """Where a chain's records are: the tables, the derived columns the event table has, the organization."""

    event_table: str
    epc_table: str
    columns: tuple[str, ...]
    organization_id: int


_LINK = ("id", "seq", "prev_hash", "record_hash", "event_hash", "brand_id", "hash_version", "body")


def range_check(source: Source, low: int, high: int | None) -> Span:
    """The records numbered ``low`` to ``high - 1`` (all from ``low`` when ``high`` is None), checked."""
    if _connection is None:
        raise RuntimeError("verify_worker.connect was not called in this process")
    return span_check(_records(_connection, source, low, high))


def _records(
    connection: psycopg.Connection[Any], source: Source, low: int, high: int | None
) -> Iterator[tuple[Stored, Record]]:
    """The range's records in (seq, id) order, each as stored and as linked, with its EPC index rows."""
    within = sql.SQL("organization_id = %s AND seq >= %s") + (
        sql.SQL("") if high is None else sql.SQL(" AND seq < %s")
    )
    params = [source.organization_id, low] + ([] if high is None else [high])
    fields = sql.SQL(", ").join(map(sql.Identifier, (*_LINK, *source.columns)))
    events = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY seq, id").format(
        fields, sql.Identifier(source.event_table), within
    )
    cursor = connection.cursor(binary=True)  # binary: less to parse on both sides
    rows = cursor.execute(events, params).fetchall()
    index = _index_rows(cursor, source.epc_table, [r[0] for r in rows])
    columns = source.columns
    for pk, seq, prev, link, digest, brand, version, body, *values in rows:
        yield (
            Stored(pk, seq, body, digest, dict(zip(columns, values, strict=True)), index.get(pk, [])),
            Record(pk, seq, prev, link, digest, body_sha(body), brand, version),
        )


def _index_rows(cursor: psycopg.Cursor[Any], table: str, ids: list[int]) -> dict[int, list[Any]]:
    """The EPC index rows of the records ``ids``, by record. When the ids are dense (one organization's
    records written together, the usual case) the id range is read, which costs both sides half of looking
    each id up; rows of other records in it are never asked for."""
    rows: dict[int, list[Any]] = defaultdict(list)
    if not ids:
        return rows
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        query = sql.SQL("SELECT event_id, epc, role, quantity, uom FROM {} WHERE event_id BETWEEN %s AND %s")
        params: list[Any] = [low, high]
    else:
        query = sql.SQL("SELECT event_id, epc, role, quantity, uom FROM {} WHERE event_id = ANY(%s)")
        params = [ids]
    for row in cursor.execute(query.format(sql.Identifier(table)), params).fetchall():  # at once: cheaper
        rows[row[0]].append(row[1:])
    return rows
