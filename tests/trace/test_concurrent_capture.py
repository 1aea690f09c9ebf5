"""Eight clients capture into one organization's chain at once on PostgreSQL: nothing lost, nothing doubled,
consecutive sequence numbers, the chain still valid; the same document posted by all eight is stored once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from seamline.floor import events as floor_ev
from seamline.trace import events as ev
from seamline.trace.models import CaptureJob, Chain, Event, EventEpc
from seamline.trace.services import capture_document, chain_verify

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="concurrent capture needs PostgreSQL (row locks on the chain head); SQLite serialises all writers",
)

THREADS = 8
DOCUMENTS = 10
EVENTS = 20
READ_POINT = "urn:epc:id:sgln:0614141.00777.0"  # a GS1 location: no Seamline EPC for the capture to look up
START = datetime(2026, 1, 5, 8, tzinfo=UTC)


def _document(first: int) -> dict:
    """EVENTS inspections of distinct garments, numbered from ``first`` (so every event is distinct)."""
    return ev.document(
        floor_ev.inspected(
            epcs=[f"urn:epc:id:sgtin:0614141.107346.{n}"],
            facility=READ_POINT,
            when=START + timedelta(seconds=n),
            passed=n % 7 != 0,
        )
        for n in range(first, first + EVENTS)
    )


def _run_together(work: list[Callable[[], None]]) -> list[BaseException]:
    """Each callable in its own thread (its own database connection), all released at once; the errors."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # every failure is reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a capture thread hung"
    return errors


def _assert_chain(org, count: int) -> None:
    rows = list(Event.objects.filter(organization=org).order_by("seq").values_list("seq", "event_id"))
    assert len(rows) == count
    assert [seq for seq, _ in rows] == list(range(1, count + 1))  # no gap, no duplicate
    assert len({event_id for _, event_id in rows}) == count
    assert Chain.objects.get(organization=org).seq == count
    assert chain_verify(org) is None


def test_eight_clients_capturing_at_once_lose_and_duplicate_nothing(transactional_db, factory):
    org = factory.org

    def client(number: int) -> Callable[[], None]:
        def capture_all() -> None:
            for d in range(DOCUMENTS):
                capture_document(organization=org, document=_document((number * DOCUMENTS + d) * EVENTS))

        return capture_all

    errors = _run_together([client(i) for i in range(THREADS)])
    assert errors == []

    total = THREADS * DOCUMENTS * EVENTS
    _assert_chain(org, total)
    assert EventEpc.objects.filter(event__organization=org).count() == total
    expected = {f"urn:epc:id:sgtin:0614141.107346.{n}" for n in range(total)}
    assert set(EventEpc.objects.filter(event__organization=org).values_list("epc", flat=True)) == expected
    jobs = CaptureJob.objects.filter(organization=org)
    assert jobs.count() == THREADS * DOCUMENTS
    assert set(jobs.values_list("status", "event_count", "new_count")) == {("success", EVENTS, EVENTS)}
    # each document's events are consecutive in the chain: a capture holds the head until it commits
    for job in jobs:
        seqs = sorted(Event.objects.filter(capture_job=job).values_list("seq", flat=True))
        assert seqs == list(range(seqs[0], seqs[0] + EVENTS))


def test_eight_clients_posting_the_same_document_store_it_once(transactional_db, factory):
    org = factory.org
    document = _document(0)
    errors = _run_together([lambda: capture_document(organization=org, document=document)] * THREADS)
    assert errors == [], [repr(e) for e in errors]

    _assert_chain(org, EVENTS)
    assert EventEpc.objects.filter(event__organization=org).count() == EVENTS
    jobs = CaptureJob.objects.filter(organization=org)
    assert sum(jobs.values_list("new_count", flat=True)) == EVENTS
    assert connection.vendor == "postgresql"
