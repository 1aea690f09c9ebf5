"""Checking the ledger: each organization's chain walked link by link, and every record recomputed from its
stored body (its GS1 event hash, each derived column, its EPC index rows), the first problem named.

The result is kept per organization (``ChainCheck``): reads of a record at or after a failing one carry a
warning without verifying again (``verification_failures``). Large chains are recomputed in worker
processes, a range each (on PostgreSQL each worker reads its own), stitched in order here.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from seamline.accounts.models import Organization

from .models import Chain, ChainCheck, Checkpoint, Event, EventEpc
from .records import DERIVED_COLUMNS, Break, Record, Span, Stored, body_sha, span_check, stitch

__all__ = [
    "CHUNK",
    "Head",
    "chain_head",
    "chain_verify",
    "chain_verify_from",
    "verification_failures",
    "verification_header",
]

CHUNK = 5_000  # records read (and checked by one worker) at a time
_PARALLEL_FROM = 4 * CHUNK  # below this, worker processes cost more than they save


@dataclass(frozen=True)
class Head:
    seq: int
    head_hash: str


def chain_head(organization: Organization) -> Head:
    chain = Chain.objects.filter(organization=organization).first()
    return Head(chain.seq, chain.head_hash) if chain else Head(0, "")


def chain_verify(organization: Organization, *, workers: int = 1) -> Break | None:
    """The first problem of the organization's chain (a modified, deleted or reordered record, a record
    whose event hash, derived columns or EPC index rows its body does not give), or None. Kept as the
    organization's last verify result."""
    head = chain_head(organization)
    problem = _first_problem(organization.pk, head=head, start=(1, ""), workers=workers)
    problem = problem or _against_checkpoints(organization, head)
    chain_check_store(organization, problem)
    return problem


def _against_checkpoints(organization: Organization, head: Head) -> Break | None:
    """The first checkpoint kept here that the chain contradicts: the head rewound below it (the last
    records deleted with the head moved back), or its record with another hash. (A partner's saved copy
    of the signed checkpoints is checked by checkpoints.checkpoints_check: these rows could be edited too.)"""
    kept = list(
        Checkpoint.objects.filter(organization=organization).order_by("seq").values_list("seq", "head_hash")
    )
    hashes = dict(
        Event.objects.filter(organization=organization, seq__in=[s for s, _ in kept]).values_list(
            "seq", "record_hash"
        )
    )
    for seq, head_hash in kept:
        if seq > head.seq:
            return Break(
                None,
                head.seq + 1,
                "deleted",
                f"the chain ends at record {head.seq} but checkpoint {seq} signed more",
            )
        if hashes.get(seq) != head_hash:
            return Break(
                None, seq, "rewritten", f"record {seq} does not have the hash checkpoint {seq} signed"
            )
    return None


def chain_verify_from(organization: Organization, *, seq: int, head_hash: str) -> Break | None:
    """The chain checked from record ``seq + 1`` on, given that record ``seq`` has ``head_hash`` (a
    checkpoint): what a new checkpoint needs, without walking the records the last one covered."""
    head = chain_head(organization)
    if head.seq < seq:
        return Break(
            None, head.seq + 1, "deleted", f"the chain ends at record {head.seq} but {seq} were checked"
        )
    return _first_problem(organization.pk, head=head, start=(seq + 1, head_hash), workers=1)


def chain_check_store(organization: Organization, problem: Break | None) -> None:
    ChainCheck.objects.update_or_create(
        organization=organization,
        defaults={
            "checked_at": timezone.now(),
            "failed_seq": None if problem is None else problem.seq,
            "detail": "" if problem is None else f"{problem.kind}: {problem.detail}",
        },
    )


def verification_failures(events: Iterable[Any]) -> dict[int, int]:
    """Of ``events`` (ledger rows), those whose chain last failed verification at or before them:
    ``{event pk: the first failing record}``. One query."""
    events = list(events)
    failed = dict(
        ChainCheck.objects.filter(
            organization_id__in={e.organization_id for e in events}, failed_seq__isnull=False
        ).values_list("organization_id", "failed_seq")
    )
    return {
        e.pk: failed[e.organization_id]
        for e in events
        if e.organization_id in failed and e.seq >= failed[e.organization_id]
    }


def verification_header(events: Iterable[Any]) -> dict[str, str]:
    """``Seamline-Verification: failed; record=N`` when a record read failed the last verify (N: the
    first failing record of its chain), else nothing."""
    failures = verification_failures(events)
    return {"Seamline-Verification": f"failed; record={min(failures.values())}"} if failures else {}


# The walk ---------------------------------------------------------------------------------------------


def _first_problem(organization_id: int, *, head: Head, start: tuple[int, str], workers: int) -> Break | None:
    """The chain read as spans of CHUNK records, each walked and recomputed (here, or in worker processes),
    stitched in order (``records.stitch``: the first problem, as one walk over every record would name it).
    On PostgreSQL each worker reads its own range; elsewhere, or inside a transaction whose rows another
    connection may not see, this process reads and the workers only recompute."""
    stitched = partial(stitch, head_seq=head.seq, head_hash=head.head_hash, start=start)
    if workers <= 1 or head.seq - start[0] < _PARALLEL_FROM:
        return stitched(span_check(chunk) for chunk in _chunks(organization_id, after=start[0] - 1))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        from .verify_worker import Source, connect, range_check  # psycopg: PostgreSQL only

        source = Source(Event._meta.db_table, EventEpc._meta.db_table, tuple(_columns()), organization_id)
        pool = _pool(workers, initializer=connect, initargs=(_worker_params(),))
        calls: Iterator[Callable[[], Span]] = (
            partial(range_check, source, low, high) for low, high in _ranges(start[0], head.seq)
        )
    else:
        pool = _pool(workers)
        calls = (partial(span_check, chunk) for chunk in _chunks(organization_id, after=start[0] - 1))
    try:
        return stitched(_in_order(pool, calls, window=2 * workers))
    finally:
        pool.shutdown(cancel_futures=True)


def _in_order(
    pool: ProcessPoolExecutor, calls: Iterator[Callable[[], Span]], *, window: int
) -> Iterator[Span]:
    """The calls' results in order, at most ``window`` of them queued (the stitch may stop at any one)."""
    pending: deque[Future[Span]] = deque()
    for call in calls:
        pending.append(pool.submit(call))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _ranges(start: int, head_seq: int) -> Iterator[tuple[int, int | None]]:
    """Record numbers from ``start`` on, CHUNK at a time; the last range is open (records past the head
    are read, and the walk names them, as a single reader would)."""
    low = start
    while low + CHUNK <= head_seq:
        yield low, low + CHUNK
        low += CHUNK
    yield low, None


def _pool(workers: int, **setup: Any) -> ProcessPoolExecutor:
    # spawn, not fork: the parent holds database connections and may run threads
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"), **setup)


def _worker_params() -> dict[str, Any]:
    """This connection's parameters for a worker's own psycopg connection (the test database's in tests),
    without Django's adapters: the workers read plain psycopg types, in UTC (``verify_worker.connect``)."""
    params = connection.get_connection_params()
    for key in ("context", "cursor_factory", "prepare_threshold"):
        params.pop(key, None)
    role = connection.settings_dict["OPTIONS"].get("assume_role")
    return params | ({"assume_role": role} if role else {})


def _columns() -> list[str]:
    """The derived columns the Event model has (another may be added to DERIVED_COLUMNS before its field)."""
    fields = {f.attname for f in Event._meta.concrete_fields}
    return [c for c in DERIVED_COLUMNS if c in fields]


def _chunks(organization_id: int, *, after: int) -> Iterator[list[tuple[Stored, Record]]]:
    """The records from ``after + 1`` on, CHUNK at a time, ordered by (seq, id): a seq given twice is read
    twice, and the walk names it."""
    columns = _columns()
    fields = [
        "id",
        "seq",
        "prev_hash",
        "record_hash",
        "event_hash",
        "brand_id",
        "hash_version",
        "body",
        *columns,
    ]
    rows = Event.objects.filter(organization_id=organization_id).order_by("seq", "id").values_list(*fields)
    last_seq, last_id = after, None
    while True:
        after_last = (
            Q(seq__gt=last_seq) if last_id is None else Q(seq__gt=last_seq) | Q(seq=last_seq, id__gt=last_id)
        )
        chunk = list(rows.filter(after_last)[:CHUNK])
        if not chunk:
            return
        index: dict[int, list[Any]] = defaultdict(list)
        epcs = EventEpc.objects.filter(event_id__in=[r[0] for r in chunk])
        for event_id, *row in epcs.values_list("event_id", "epc", "role", "quantity", "uom"):
            index[event_id].append(tuple(row))
        yield [
            (
                Stored(pk, seq, body, digest, dict(zip(columns, values, strict=True)), index.get(pk, [])),
                Record(pk, seq, prev, link, digest, body_sha(body), brand, version),
            )
            for pk, seq, prev, link, digest, brand, version, body, *values in chunk
        ]
        last_seq, last_id = chunk[-1][1], chunk[-1][0]
