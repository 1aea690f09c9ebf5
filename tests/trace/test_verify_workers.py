"""A chain checked in spans (each span walked and recomputed on its own, as a worker process does, then
stitched in order) names the same first problem as one walk over every record; on PostgreSQL the workers
read their own ranges of a real chain and name a tampered record."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from seamline.trace.eventhash import event_hash
from seamline.trace.models import Event, EventEpc
from seamline.trace.records import (
    DERIVED_COLUMNS,
    Break,
    Record,
    Stored,
    body_sha,
    canonical_json,
    first_break,
    first_mismatch_in,
    record_hash,
    span_check,
    stitch,
)
from seamline.trace.verify import chain_verify

from .conftest import relink, tamper

# The pure part ----------------------------------------------------------------------------------------


def _chain(n: int) -> list[tuple[Stored, Record]]:
    """n intact records of one epc each, version 2 from the 4th on (the first ones written before brands)."""
    records, prev = [], ""
    for seq in range(1, n + 1):
        event = {
            "type": "ObjectEvent",
            "action": "OBSERVE",
            "eventTime": f"2026-01-01T00:00:{seq % 60:02d}Z",
            "recordTime": "2026-01-02T00:00:00.000Z",
            "eventID": f"urn:x:{seq}",
            "epcList": [f"urn:x:epc:{seq}"],
        }
        body = canonical_json(event)
        columns = {c: derive(event) for c, derive in DERIVED_COLUMNS.items()}
        digest, version = event_hash(event), 1 if seq < 4 else 2
        sha = body_sha(body)
        link = record_hash(prev_hash=prev, seq=seq, event_hash=digest, body_sha=sha, version=version)
        records.append(
            (
                Stored(seq, seq, body, digest, columns, [(f"urn:x:epc:{seq}", "epc", None, "")]),
                Record(seq, seq, prev, link, digest, sha, None, version),
            )
        )
        prev = link
    return records


def _expected(records: list[tuple[Stored, Record]], head: tuple[int, str]) -> Break | None:
    """What one walk and one pass of recomputation over every record name first (the walk on a tie)."""
    walked = first_break([r for _, r in records], head_seq=head[0], head_hash=head[1])
    mismatch = first_mismatch_in(s for s, _ in records)
    found = [(b.seq, rank, b) for rank, b in enumerate((walked, mismatch)) if b is not None]
    return min(found, key=lambda f: f[:2])[2] if found else None


def _tampered(rng: random.Random, records: list[tuple[Stored, Record]]) -> list[tuple[Stored, Record]]:
    """One or two hand edits, the records then in the order a reader gets them: by (seq, id)."""
    records = list(records)
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(records))
        stored, record = records[i]
        match rng.choice(("delete", "twice", "renumber", "prev", "version", "column", "index", "rehash")):
            case "delete":
                del records[i]
            case "twice":
                records.insert(
                    i, (stored._replace(pk=stored.pk + 1000), record._replace(pk=record.pk + 1000))
                )
            case "renumber":  # another record's number, or one past the head
                seq = rng.randrange(1, 30)
                records[i] = (stored._replace(seq=seq), record._replace(seq=seq))
            case "prev":
                records[i] = (stored, record._replace(prev_hash="f" * 64))
            case "version":
                records[i] = (stored, record._replace(hash_version=1))
            case "column":
                records[i] = (stored._replace(columns={**stored.columns, "action": "ADD"}), record)
            case "index":
                records[i] = (stored._replace(index=[]), record)
            case _:  # the body's event hash edited, the link recomputed (found by recomputing only)
                link = record_hash(
                    prev_hash=record.prev_hash,
                    seq=record.seq,
                    event_hash="ni:///x",
                    body_sha=record.body_sha,
                    version=record.hash_version,
                )
                records[i] = (
                    stored._replace(event_hash="ni:///x"),
                    record._replace(event_hash="ni:///x", record_hash=link),
                )
    return sorted(records, key=lambda x: (x[1].seq, x[1].pk))


def _spans(records: list[tuple[Stored, Record]], size: int):
    """By record number, as the workers' ranges cut them (a seq given twice stays in one range)."""
    low, top = 1, max((r.seq for _, r in records), default=0)
    while low <= top:
        yield span_check([(s, r) for s, r in records if low <= r.seq < low + size])
        low += size


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_spans_stitched_name_what_one_walk_names(size):
    rng = random.Random(size)
    intact = _chain(24)
    head = (24, intact[-1][1].record_hash)
    assert stitch(_spans(intact, size), head_seq=head[0], head_hash=head[1]) is None
    for _ in range(300):
        records = _tampered(rng, intact)
        got = stitch(_spans(records, size), head_seq=head[0], head_hash=head[1])
        assert got == _expected(records, head)


def test_a_span_of_no_records_is_skipped_and_the_head_still_checked():
    intact = _chain(6)
    records = [x for x in intact if x[1].seq not in (3, 4)]
    got = stitch(_spans(records, 2), head_seq=6, head_hash=intact[-1][1].record_hash)
    assert (got.seq, got.kind) == (3, "deleted")
    got = stitch(_spans(intact[:5], 2), head_seq=6, head_hash=intact[-1][1].record_hash)
    assert (got.pk, got.seq, got.kind) == (None, 6, "deleted")


# The workers on PostgreSQL ------------------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the workers read their own ranges on PostgreSQL only"
)


@pytest.fixture
def ranges_read(monkeypatch):
    """Ranges of 2 records, workers from the first record on; the ranges handed to the workers."""
    import seamline.trace.verify as verify

    monkeypatch.setattr(verify, "CHUNK", 2)
    monkeypatch.setattr(verify, "_PARALLEL_FROM", 0)
    handed: list[tuple[int, int | None]] = []

    def ranges(start, head_seq):
        these = list(verify_ranges(start, head_seq))
        handed.extend(these)
        return iter(these)

    verify_ranges = verify._ranges
    monkeypatch.setattr(verify, "_ranges", ranges)
    return handed


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_workers_reading_their_own_ranges_name_a_tampered_record(five_rolls, ranges_read):
    chain = five_rolls
    assert chain_verify(chain, workers=2) is None
    assert ranges_read == [(1, 3), (3, 5), (5, None)] and not connection.in_atomic_block
    fourth = Event.objects.get(organization=chain, seq=4)
    tamper("UPDATE trace_event SET action = 'DELETE' WHERE id = %s", [fourth.pk])
    problem = chain_verify(chain, workers=2)
    assert (problem.pk, problem.seq, problem.kind) == (fourth.pk, 4, "modified")
    assert "column action is 'DELETE'" in problem.detail


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_workers_name_a_rewritten_body_an_edited_index_row_and_a_deleted_record(five_rolls, ranges_read):
    chain = five_rolls
    rows = list(Event.objects.filter(organization=chain).order_by("seq"))
    relink(chain, 2, edit=lambda body: body.replace('"quantity":50', '"quantity":49'), rehash_event=False)
    problem = chain_verify(chain, workers=2)
    assert (problem.pk, problem.seq, problem.kind) == (rows[1].pk, 2, "modified")
    assert f"event hash is {rows[1].event_hash}, its body gives" in problem.detail
    relink(chain, 2, edit=lambda body: rows[1].body)  # put back
    assert chain_verify(chain, workers=2) is None
    row = EventEpc.objects.get(event=rows[4], role="class")  # the roll's 50 m
    tamper("UPDATE trace_eventepc SET quantity = 7 WHERE id = %s", [row.pk])
    problem = chain_verify(chain, workers=2)
    assert problem.seq == 5 and f"EPC index row ('{row.epc}', 'class') is missing" in problem.detail
    tamper("DELETE FROM trace_eventepc WHERE event_id = %s", [rows[2].pk])
    tamper("DELETE FROM trace_event WHERE id = %s", [rows[2].pk])
    problem = chain_verify(chain, workers=2)
    assert (problem.pk, problem.seq, problem.kind) == (rows[3].pk, 3, "deleted")


@on_postgresql
@pytest.mark.parametrize("picked", [(0, 1), (0, 2), (0, 4), (0, 1, 2, 3, 4)], ids=str)
def test_a_worker_reads_the_index_rows_of_its_records_dense_or_not(five_rolls, picked):
    """Ids close together are read as a range (other records' rows come along, unasked), ids far apart one
    by one: the rows of the records asked for are the same."""
    from seamline.trace.verify_worker import _index_rows

    events = list(Event.objects.filter(organization=five_rolls).order_by("seq"))
    ids = [events[i].pk for i in picked]
    with connection.cursor() as cursor:
        rows = _index_rows(cursor.cursor, EventEpc._meta.db_table, ids)
    for pk in ids:
        expected = EventEpc.objects.filter(event_id=pk).values_list("epc", "role", "quantity", "uom")
        assert sorted(rows[pk]) == sorted(expected) and rows[pk]
