"""The ledger: GS1 examples captured and queried, the chain catching edits, deletions and swaps, bad input
refused whole, idempotent re-posts."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from django.db import connection

from seamline.catalog import events as catalog_ev
from seamline.core.errors import ConflictError, ValidationError
from seamline.cutting import events as cutting_ev
from seamline.trace import events as ev
from seamline.trace.models import CaptureJob, Chain, Event, EventEpc
from seamline.trace.selectors import events_query, parse_query
from seamline.trace.services import capture_document, chain_verify

from .. import factories as f
from .conftest import tamper

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "data/standards/epcis/examples").glob("*.jsonld"))
HERE = Path(__file__).resolve().parents[2] / "src/seamline/trace/standards"


def _example(name: str) -> dict:
    return json.loads(next(p for p in EXAMPLES if p.name.startswith(name)).read_text())


def _received(roll_uid: str, facility_uid: str, meters: str, minutes: int) -> dict:
    return catalog_ev.roll_received(
        roll=ev.roll_uri(roll_uid),
        material_class=ev.material_class_uri(1),
        meters=Decimal(meters),
        facility=ev.facility_uri(facility_uid),
        when=datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(minutes=minutes),
    )


@pytest.fixture
def chain(five_rolls):
    return five_rolls


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_gs1_examples_are_accepted_stored_whole_and_queryable(factory, path):
    document = json.loads(path.read_text())
    job = capture_document(organization=factory.org, document=document)
    listed = document["epcisBody"]["eventList"]
    assert (job.status, job.event_count, job.new_count) == ("success", len(listed), len(listed))
    stored = list(Event.objects.filter(capture_job=job).order_by("seq"))
    assert [e.seq for e in stored] == list(range(1, len(listed) + 1))
    for original, row in zip(listed, stored, strict=True):
        body = json.loads(row.body)
        assert body["type"] == original["type"] and body["eventTime"] == original["eventTime"]
        if "eventID" in original:
            assert row.event_id == original["eventID"]
    assert chain_verify(factory.org) is None
    query, _ = parse_query({"EQ_eventType": [listed[0]["type"]]})
    page, _ = events_query(organization=factory.org, query=query)
    assert {e.pk for e in page} >= {stored[0].pk}


def test_query_parameters_filter(factory):
    def ids(**params: str) -> list[str]:
        query, errors = parse_query({k: [v] for k, v in params.items()})
        assert not errors, errors
        return [json.loads(e.body)["eventID"] for e in events_query(organization=factory.org, query=query)[0]]

    capture_document(organization=factory.org, document=_example("Example_9.6.1"))
    shipping, receiving = (e["eventID"] for e in _example("Example_9.6.1")["epcisBody"]["eventList"])
    assert ids(EQ_bizStep="shipping") == [shipping]
    assert ids(EQ_bizStep="https://ref.gs1.org/cbv/BizStep-receiving") == [receiving]
    assert ids(MATCH_epc="urn:epc:id:sgtin:0614141.107346.2017") == [shipping]
    assert ids(MATCH_epc="urn:epc:id:sgtin:0614141.107346.2018") == [shipping, receiving]
    assert ids(MATCH_epc="urn:epc:id:sgtin:0614141.107346.*") == [shipping, receiving]  # a prefix
    assert ids(EQ_bizLocation="urn:epc:id:sgln:0012345.11111.0") == [receiving]
    assert ids(GE_eventTime="2005-04-04T12:00:00Z") == [receiving]
    assert ids(LT_eventTime="2005-04-04T12:00:00-00:00") == [shipping]
    assert ids(EQ_bizStep="shipping|receiving") == [shipping, receiving]

    capture_document(organization=factory.org, document=_example("Example_9.6.3"))
    aggregation = _example("Example_9.6.3")["epcisBody"]["eventList"]
    with_parent = [e["eventID"] for e in aggregation if "parentID" in e]
    parent = next(e["parentID"] for e in aggregation if "parentID" in e)
    assert set(with_parent) <= set(ids(MATCH_anyEPC=parent))
    assert not set(with_parent) & set(ids(MATCH_epc=parent))  # a parentID is not in epcList
    classes = [q["epcClass"] for e in aggregation for q in e.get("childQuantityList", [])]
    if classes:
        assert ids(MATCH_epcClass=classes[0])


def test_pages_follow_the_next_page_token(chain):
    seen, token = [], None
    while True:
        params = {"perPage": ["2"], **({"nextPageToken": [token]} if token else {})}
        query, _ = parse_query(params)
        page, token = events_query(organization=chain, query=query)
        seen += [e.seq for e in page]
        if token is None:
            break
    assert seen == [1, 2, 3, 4, 5]


def test_bad_query_parameters_are_named():
    _, errors = parse_query({"GE_eventTime": ["yesterday"], "perPage": ["0"], "EQ_colour": ["red"]})
    assert set(errors) == {"GE_eventTime", "perPage", "EQ_colour"}


def test_the_chain_holds_and_each_record_links_to_the_one_before(chain):
    rows = list(Event.objects.filter(organization=chain).order_by("seq"))
    assert rows[0].prev_hash == "" and all(b.prev_hash == a.record_hash for a, b in pairwise(rows))
    head = Chain.objects.get(organization=chain)
    assert (head.seq, head.head_hash) == (5, rows[-1].record_hash)
    assert chain_verify(chain) is None


def test_an_edited_record_is_found_and_named(chain):
    third = Event.objects.get(organization=chain, seq=3)
    tamper(
        "UPDATE trace_event SET body = replace(body, '\"quantity\":50', '\"quantity\":49') WHERE id = %s",
        [third.pk],
    )
    problem = chain_verify(chain)
    assert (problem.pk, problem.seq, problem.kind) == (third.pk, 3, "modified")


def test_a_deleted_record_is_found(chain):
    second = Event.objects.get(organization=chain, seq=2)
    tamper("DELETE FROM trace_eventepc WHERE event_id = %s", [second.pk])
    tamper("DELETE FROM trace_event WHERE id = %s", [second.pk])
    problem = chain_verify(chain)
    assert (problem.seq, problem.kind) == (2, "deleted")


def test_the_last_record_deleted_is_found_by_the_head(chain):
    last = Event.objects.get(organization=chain, seq=5)
    tamper("DELETE FROM trace_eventepc WHERE event_id = %s", [last.pk])
    tamper("DELETE FROM trace_event WHERE id = %s", [last.pk])
    assert chain_verify(chain).kind == "deleted"


def test_two_swapped_records_are_found(chain):
    a, b = Event.objects.get(organization=chain, seq=2), Event.objects.get(organization=chain, seq=3)
    tamper("UPDATE trace_event SET seq = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE trace_event SET seq = 2 WHERE id = %s", [b.pk])
    tamper("UPDATE trace_event SET seq = 3 WHERE id = %s", [a.pk])
    problem = chain_verify(chain)
    assert (problem.seq, problem.kind, problem.pk) == (2, "reordered", b.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_postgresql_refuses_updates_and_deletes(chain):
    from django.db import IntegrityError, InternalError, ProgrammingError, transaction

    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Event.objects.filter(organization=chain, seq=1).update(body="{}")
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        EventEpc.objects.filter(event__organization=chain).delete()
    assert chain_verify(chain) is None


def test_a_reposted_event_id_is_idempotent_and_a_changed_one_conflicts(factory):
    document = _example("Example_9.6.1")
    capture_document(organization=factory.org, document=document)
    again = capture_document(organization=factory.org, document=copy.deepcopy(document))
    assert again.new_count == 0 and Event.objects.count() == 2
    changed = copy.deepcopy(document)
    changed["epcisBody"]["eventList"][0]["bizStep"] = "receiving"
    with pytest.raises(ConflictError):
        capture_document(organization=factory.org, document=changed)
    assert Event.objects.count() == 2 and chain_verify(factory.org) is None


def test_a_bad_document_is_refused_whole_naming_the_path(factory):
    document = _example("Example_9.6.1")
    document["epcisBody"]["eventList"][1]["eventTime"] = "yesterday"
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=document)
    assert "epcisBody.eventList[1].eventTime" in caught.value.fields
    assert not Event.objects.exists() and not CaptureJob.objects.exists()


def test_future_events_unknown_epcs_lower_case_units_and_overdrawn_rolls_are_refused(factory):
    floor = f.make_facility(factory.org)
    roll = f.make_roll(floor, f.make_material(factory.org), length_m="10.000")
    when = datetime.now(UTC)
    cut = cutting_ev.lay_cut(
        inputs=[(ev.roll_uri(roll.uid), Decimal("12.5"))],
        bundles=[
            {
                "uri": ev.bundle_uri("00000000-0000-0000-0000-000000000001"),
                "size": "M",
                "plies": "1-5",
                "pieces": 40,
            }
        ],
        facility=ev.facility_uri(floor.uid),
        when=when,
        order_number="PO-00001",
    )
    future = _received(str(roll.uid), str(floor.uid), "1", 0)
    future["eventTime"] = (when + timedelta(days=2)).isoformat()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=ev.document([cut, future]))
    fields = caught.value.fields
    assert fields["epcisBody.eventList[1].eventTime"].endswith("is in the future")
    assert (
        "unknown EPC urn:seamline:bundle:00000000-0000-0000-0000-000000000001"
        in fields["epcisBody.eventList[0]"]
    )
    assert "has 10.000 m left" in fields[f"inputQuantityList.{ev.roll_uri(roll.uid)}"]
    lower = ev.document([_received(str(roll.uid), str(floor.uid), "1", 0)])
    lower["epcisBody"]["eventList"][0]["quantityList"][0]["uom"] = "mtr"
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=lower)
    assert "epcisBody.eventList[0].quantityList[0].uom" in caught.value.fields
    assert Event.objects.count() == before


def test_meters_captured_from_a_roll_come_off_it(factory):
    floor = f.make_facility(factory.org)
    roll = f.make_roll(floor, f.make_material(factory.org), length_m="10.000")
    event = {
        "type": "TransformationEvent",
        "eventTime": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "eventTimeZoneOffset": "+00:00",
        "inputQuantityList": [{"epcClass": ev.roll_uri(roll.uid), "quantity": 2.5, "uom": "MTR"}],
        "outputQuantityList": [{"epcClass": ev.sku_class_uri("CJ-01-INDIGO-M"), "quantity": 1}],
        "bizStep": ev.BIZSTEP_CUTTING,
        "readPoint": {"id": ev.facility_uri(floor.uid)},
    }
    capture_document(organization=factory.org, document=ev.document([event]))
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("7.500")


def test_a_partner_token_records_only_at_its_facility(factory):
    dye_house = f.make_facility(factory.org, kind="dye_house", zip_code="90058")
    other = f.make_facility(factory.org)
    ours = ev.facility_uri(dye_house.uid)
    event = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "eventTimeZoneOffset": "+00:00",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "bizStep": ev.FINISHING_BIZSTEPS["dyeing"],
        "readPoint": {"id": ev.facility_uri(other.uid)},
    }
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=ev.document([event]), facility_uri=ours)
    assert "epcisBody.eventList[0].readPoint.id" in caught.value.fields
    event["readPoint"]["id"] = ours
    assert (
        capture_document(organization=factory.org, document=ev.document([event]), facility_uri=ours).new_count
        == 1
    )
