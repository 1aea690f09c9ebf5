"""`trace verify` recomputes each record from its stored body: the GS1 event hash, every derived column and
every EPC index row; the hand edits of issue #15 are each named (record, column or row, stored vs body)."""

from __future__ import annotations

import orjson
import pytest

from seamline.trace.eventhash import event_hash
from seamline.trace.models import ChainCheck, Event, EventEpc
from seamline.trace.records import DERIVED_COLUMNS
from seamline.trace.verify import chain_verify

from .conftest import relink, tamper


@pytest.fixture
def chain(five_rolls):
    return five_rolls


def _record(org, seq: int) -> Event:
    return Event.objects.get(organization=org, seq=seq)


def test_an_intact_chain_verifies_and_the_result_is_kept(chain):
    assert chain_verify(chain) is None
    check = ChainCheck.objects.get(organization=chain)
    assert check.failed_seq is None and check.detail == ""


def test_the_derived_columns_are_one_table():
    assert set(DERIVED_COLUMNS) >= {
        "event_type", "action", "biz_step", "disposition", "biz_location", "read_point", "event_time",
        "event_id", "record_time",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("biz_step", "https://ref.gs1.org/cbv/BizStep-shipping"),
        ("biz_location", "urn:seamline:facility:elsewhere"),
        ("read_point", "urn:seamline:facility:elsewhere"),
        ("event_time", "2001-01-01 00:00:00+00:00"),
        ("disposition", "https://ref.gs1.org/cbv/Disp-destroyed"),
    ],
)
def test_an_edited_column_is_named_with_stored_and_recomputed_values(chain, column, value):
    third = _record(chain, 3)
    tamper(f"UPDATE trace_event SET {column} = %s WHERE id = %s", [value, third.pk])
    problem = chain_verify(chain)
    assert (problem.pk, problem.seq, problem.kind) == (third.pk, 3, "modified")
    assert f"record 3: column {column} is " in problem.detail and "its body gives" in problem.detail
    assert ChainCheck.objects.get(organization=chain).failed_seq == 3


def test_an_edited_brand_is_found(chain, brand):
    second = _record(chain, 2)
    assert second.brand_id is None
    tamper("UPDATE trace_event SET brand_id = %s WHERE id = %s", [brand.org.pk, second.pk])
    problem = chain_verify(chain)
    assert (problem.pk, problem.seq, problem.kind) == (second.pk, 2, "modified")


def test_records_written_before_the_brand_was_hashed_still_verify_but_none_may_be_set_back(chain, brand):
    # an install's first record, written as version 1 (no brand in the hash), and the chain linked from it
    tamper("UPDATE trace_event SET hash_version = 1 WHERE organization_id = %s AND seq = 1", [chain.pk])
    relink(chain, 1)
    assert chain_verify(chain) is None
    # a later record set back to version 1 (to take its brand out of the hash) is named
    third = _record(chain, 3)
    tamper("UPDATE trace_event SET hash_version = 1 WHERE id = %s", [third.pk])
    problem = chain_verify(chain)
    assert (problem.seq, problem.kind) == (3, "modified") and "hash version 1" in problem.detail


def test_a_deleted_epc_index_row_is_named(chain):
    fourth = _record(chain, 4)
    row = EventEpc.objects.filter(event=fourth).order_by("pk").first()
    tamper("DELETE FROM trace_eventepc WHERE id = %s", [row.pk])
    problem = chain_verify(chain)
    assert (problem.seq, problem.kind) == (4, "modified")
    assert f"EPC index row ('{row.epc}', '{row.role}') is missing" in problem.detail


def test_an_added_epc_index_row_is_named(chain):
    fourth = _record(chain, 4)
    tamper(
        "INSERT INTO trace_eventepc (event_id, epc, role, uom) VALUES (%s, 'urn:x:forged', 'epc', '')",
        [fourth.pk],
    )
    problem = chain_verify(chain)
    assert problem.seq == 4 and "('urn:x:forged', 'epc') is not in its body" in problem.detail


def test_a_body_edited_with_every_later_hash_recomputed_is_named_by_its_event_hash(chain):
    rows = list(Event.objects.filter(organization=chain).order_by("seq"))
    relink(chain, 2, edit=lambda body: body.replace('"quantity":50', '"quantity":49'), rehash_event=False)
    assert Event.objects.get(pk=rows[1].pk).body != rows[1].body
    problem = chain_verify(chain)
    assert (problem.pk, problem.seq, problem.kind) == (rows[1].pk, 2, "modified")
    assert f"event hash is {rows[1].event_hash}, its body gives ni:///sha-256;" in problem.detail


def test_the_recomputed_event_hash_is_the_stored_one(chain):
    for row in Event.objects.filter(organization=chain):
        assert event_hash(orjson.loads(row.body)) == row.event_hash


def test_worker_processes_name_the_same_first_problem(chain, monkeypatch):
    monkeypatch.setattr("seamline.trace.verify.CHUNK", 2)
    monkeypatch.setattr("seamline.trace.verify._PARALLEL_FROM", 0)
    assert chain_verify(chain, workers=2) is None
    fourth = _record(chain, 4)
    tamper("UPDATE trace_event SET action = 'DELETE' WHERE id = %s", [fourth.pk])
    problem = chain_verify(chain, workers=2)
    assert (problem.seq, problem.kind) == (4, "modified") and "column action" in problem.detail
