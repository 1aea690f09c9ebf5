"""Issue #13, findings 1 and 2: an organization captures events only about goods it is a party to (another
tenant's goods read exactly like unknown ones), only the holder of a roll takes its meters, the brand stamp
comes only from such goods, and a facility-bound token names its facility on every event."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from seamline.accounts.selectors import token_authenticate
from seamline.catalog.services import rolls_take
from seamline.core.errors import ValidationError
from seamline.floor import events as floor_ev
from seamline.lineage.selectors import garment_lineage
from seamline.production.models import Garment
from seamline.trace import events as ev
from seamline.trace.models import CaptureJob, Event
from seamline.trace.services import capture_document, chain_verify

from .. import factories as f

PROBLEM_JSON = "application/problem+json"


def _post(client: Client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/ld+json")


def _errors(response) -> dict[str, str]:
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _bound_token(org, facility) -> Client:
    key = f.make_token(org)
    token = token_authenticate(key=key)
    token.facility = facility
    token.save(update_fields=["facility"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _now(minutes_ago: int = 1) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")


def _take(roll_uri: str, meters: float, place: str | None = None) -> dict:
    """A cut taking ``meters`` from a roll into an SKU (what a partner's cutting table would send)."""
    event = {
        "type": "TransformationEvent",
        "eventTime": _now(),
        "eventTimeZoneOffset": "+00:00",
        "inputQuantityList": [{"epcClass": roll_uri, "quantity": meters, "uom": "MTR"}],
        "outputQuantityList": [{"epcClass": ev.sku_class_uri("CJ-01-INDIGO-M"), "quantity": 1}],
        "bizStep": ev.BIZSTEP_CUTTING,
    }
    if place is not None:
        event["readPoint"] = {"id": place}
    return event


def _observe(epcs: list[str], *, step: str = "dyeing", place: str | None = None, kwh: float = 999) -> dict:
    event = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": _now(),
        "eventTimeZoneOffset": "+00:00",
        "epcList": epcs,
        "bizStep": ev.FINISHING_BIZSTEPS.get(step, step),
        "sensorElementList": [{"sensorReport": [{"type": "Energy", "value": kwh, "uom": "KWH"}]}],
    }
    if place is not None:
        event["readPoint"] = {"id": place}
    return event


def _counted(epc_class: str, uom: str | None = None) -> dict:
    """An inspection counting one of a class of goods (quantityList: naming the class, taking nothing)."""
    event = _observe([])
    del event["epcList"]
    event["quantityList"] = [{"epcClass": epc_class, "quantity": 1, **({"uom": uom} if uom else {})}]
    return event


@pytest.fixture
def held(brand, factory):
    """A roll of the brand's fabric on the factory's cutting floor, and a dye house of the factory."""
    floor = f.make_facility(factory.org, name="Olympic Blvd floor")
    dye = f.make_facility(factory.org, kind="dye_house", zip_code="90058", name="Vernon dye house")
    material = f.make_material(brand.org)
    roll = f.make_roll(floor, material, length_m="10.000")
    return {"floor": floor, "dye": dye, "material": material, "roll": roll}


# Finding 1: goods of another tenant ----------------------------------------------------------------------


def test_a_foreign_token_cannot_take_meters_from_another_tenants_roll(held, other_factory):
    roll = held["roll"]
    own_floor = f.make_facility(other_factory.org)
    response = _post(
        other_factory.api(), "/epcis/capture", ev.document([_take(roll.epc_uri, 3, own_floor.epc_uri)])
    )
    assert response.status_code == 422, response.content
    assert _errors(response) == {"epcisBody.eventList[0]": f"unknown EPC {roll.epc_uri}"}
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")
    assert not Event.objects.filter(organization=other_factory.org).exists()
    assert not CaptureJob.objects.exists()


def test_another_tenants_goods_answer_exactly_like_unknown_ones(held, other_factory):
    """A roll, its material and off-cut class, the facility holding it: the foreign token's answer is the
    answer for an identifier that does not exist, path, status and words alike."""
    api = other_factory.api()
    missing = str(uuid.uuid4())
    pairs = [
        (held["roll"].epc_uri, ev.roll_uri(missing)),
        (ev.material_class_uri(held["material"].pk), ev.material_class_uri(10**9)),
        (ev.offcut_class_uri(held["material"].pk), ev.offcut_class_uri(10**9)),
        (held["floor"].epc_uri, ev.facility_uri(missing)),
    ]
    for theirs, nobodys in pairs:
        answers = []
        for epc in (theirs, nobodys):
            event = _counted(epc, uom="MTR")
            response = _post(api, "/epcis/capture", ev.document([event]))
            assert response.status_code == 422, (epc, response.content)
            body = response.json()
            answers.append((body["detail"], json.dumps(body["errors"]).replace(epc, "<EPC>")))
        assert answers[0] == answers[1], theirs
        assert answers[0][1] == json.dumps(
            [{"field": "epcisBody.eventList[0]", "message": "unknown EPC <EPC>"}]
        )
    assert not Event.objects.filter(organization=other_factory.org).exists()


def test_a_foreign_dyeing_event_about_a_brands_garment_is_refused(delivered, brand, other_factory):
    garment = Garment.objects.filter(order=delivered["order"]).first()
    place = f.make_facility(other_factory.org, kind="dye_house").epc_uri
    response = _post(other_factory.api(), "/epcis/events", _observe([garment.epc_uri], place=place))
    assert response.status_code == 422, response.content
    assert _errors(response) == {"event": f"unknown EPC {garment.epc_uri}"}
    assert not Event.objects.filter(organization=other_factory.org).exists()
    seen = brand.api().get("/epcis/events", {"MATCH_epc": garment.epc_uri})
    bodies = seen.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    foreign = [
        b
        for b in bodies
        if any(r.get("value") == 999 for s in b.get("sensorElementList", []) for r in s["sensorReport"])
    ]
    assert bodies and not foreign  # no event carries the foreign 999 kWh reading
    journey = garment_lineage(organization=brand.org, garment_epc=garment.epc_uri)
    assert journey is not None and place not in [s.place for s in journey.steps]


def test_the_factory_making_the_order_records_about_its_garments_stamped_with_the_brand(
    delivered, brand, factory
):
    garment = Garment.objects.filter(order=delivered["order"]).first()
    dye = delivered["dye"].epc_uri
    response = _post(factory.api(), "/epcis/events", _observe([garment.epc_uri], place=dye, kwh=12))
    assert response.status_code == 201, response.content
    stored = Event.objects.get(event_id=response.json()["eventID"])
    assert (stored.organization, stored.brand) == (factory.org, brand.org)
    assert brand.api().get(response["Location"]).status_code == 200
    assert chain_verify(factory.org) is None


def test_the_brand_reads_no_event_of_a_party_that_names_only_open_classes(held, brand, other_factory):
    """An SKU stays an open class anyone may name; it stamps no brand, so the brand does not see it."""
    event = _counted(ev.sku_class_uri("CJ-01-INDIGO-M"))
    assert capture_document(organization=other_factory.org, document=ev.document([event])).new_count == 1
    assert Event.objects.get(organization=other_factory.org).brand is None


def test_only_the_organization_holding_a_roll_takes_its_meters(held, brand, factory):
    roll = held["roll"]
    response = _post(brand.api(), "/epcis/capture", ev.document([_take(roll.epc_uri, 2)]))
    assert response.status_code == 422, response.content
    assert "only the organization holding" in _errors(response)[f"inputQuantityList.{roll.epc_uri}"]
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")

    response = _post(factory.api(), "/epcis/capture", ev.document([_take(roll.epc_uri, 2)]))
    assert response.status_code == 202, response.content
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("8.000")
    assert Event.objects.get(organization=factory.org, capture_job__isnull=False).brand == brand.org


def test_rolls_take_changes_only_rolls_the_holder_holds(held, brand, factory):
    roll = held["roll"]
    rolls_take({str(roll.uid): Decimal("3")}, holder=brand.org.pk)
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")
    rolls_take({str(roll.uid): Decimal("3")}, holder=factory.org.pk)
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("7.000")


def test_a_material_class_is_open_to_its_brand_and_the_factories_holding_its_rolls(
    held, brand, factory, other_factory
):
    event = _counted(ev.material_class_uri(held["material"].pk))
    for org in (brand.org, factory.org):
        assert capture_document(organization=org, document=ev.document([event])).new_count == 1
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=other_factory.org, document=ev.document([event]))
    assert caught.value.fields == {
        "epcisBody.eventList[0]": f"unknown EPC {event['quantityList'][0]['epcClass']}"
    }


def test_another_tenants_facility_as_a_place_reads_like_an_unknown_one(held, other_factory):
    event = _observe(["urn:epc:id:sgtin:0614141.107346.2017"], place=held["floor"].epc_uri)
    response = _post(other_factory.api(), "/epcis/events", event)
    assert response.status_code == 422, response.content
    assert _errors(response) == {"readPoint.id": f"unknown location {held['floor'].epc_uri}"}
    assert not Event.objects.filter(organization=other_factory.org).exists()


def test_a_document_about_two_brands_goods_is_stamped_with_neither(held, brand, other_brand, factory):
    theirs = f.make_roll(held["floor"], f.make_material(other_brand.org), length_m="5.000")
    events = [_take(held["roll"].epc_uri, 1), _take(theirs.epc_uri, 1)]
    job = capture_document(organization=factory.org, document=ev.document(events))
    assert {e.brand for e in job.event_set.all()} == {None}


# Finding 2: a facility-bound token ---------------------------------------------------------------------


def test_a_facility_bound_token_must_name_its_facility(held, factory):
    roll = held["roll"]
    dye_house = _bound_token(factory.org, held["dye"])
    dye = held["dye"].epc_uri
    nowhere = _take(roll.epc_uri, 2)
    response = _post(dye_house, "/epcis/capture", ev.document([nowhere]))
    assert response.status_code == 422, response.content
    assert dye in _errors(response)["epcisBody.eventList[0].readPoint"]
    response = _post(dye_house, "/epcis/events", nowhere)
    assert response.status_code == 422, response.content
    assert "readPoint" in _errors(response)
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")

    garment_destroyed = _observe(["urn:epc:id:sgtin:0614141.107346.2017"], step="destroying")
    response = _post(dye_house, "/epcis/events", garment_destroyed)
    assert response.status_code == 422, response.content
    assert set(_errors(response)) == {"readPoint"}
    assert not Event.objects.filter(capture_job__isnull=False).exists()

    response = _post(dye_house, "/epcis/events", {**garment_destroyed, "bizLocation": {"id": dye}})
    assert response.status_code == 201, response.content


def test_a_facility_bound_token_names_no_other_place(held, factory):
    dye_house = _bound_token(factory.org, held["dye"])
    event = _observe(["urn:epc:id:sgtin:0614141.107346.2017"], place=held["dye"].epc_uri)
    event["bizLocation"] = {"id": held["floor"].epc_uri}
    response = _post(dye_house, "/epcis/events", event)
    assert response.status_code == 422, response.content
    assert set(_errors(response)) == {"bizLocation.id"}


def test_a_facility_bound_token_takes_only_from_rolls_at_its_facility(held, factory):
    roll = held["roll"]
    dye_house = _bound_token(factory.org, held["dye"])
    response = _post(dye_house, "/epcis/capture", ev.document([_take(roll.epc_uri, 2, held["dye"].epc_uri)]))
    assert response.status_code == 422, response.content
    assert "only from goods at" in _errors(response)[f"inputQuantityList.{roll.epc_uri}"]
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")

    cutting_table = _bound_token(factory.org, held["floor"])
    at_the_floor = _take(roll.epc_uri, 2, held["floor"].epc_uri)
    assert _post(cutting_table, "/epcis/capture", ev.document([at_the_floor])).status_code == 202
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("8.000")


def test_a_partner_event_built_by_the_floor_builders_still_goes_through(held, factory):
    dye_house = _bound_token(factory.org, held["dye"])
    event = floor_ev.finished(
        epcs=["urn:epc:id:sgtin:0614141.107346.2017"],
        step="dyeing",
        facility=held["dye"].epc_uri,
        when=datetime.now(UTC) - timedelta(minutes=5),
        energy_kwh=12,
    )
    assert _post(dye_house, "/epcis/events", event).status_code == 201
