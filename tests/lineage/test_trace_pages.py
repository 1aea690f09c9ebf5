"""The floor panel of an order, worked through its buttons, and the pages that show the ledger."""

from __future__ import annotations

import json

from django.urls import reverse

from seamline.catalog.models import FabricRoll
from seamline.cutting.models import Bundle
from seamline.facilities.models import Facility
from seamline.production.models import Carton, Garment
from seamline.trace.models import Event
from seamline.trace.schema import validate_document

from .. import factories as f


def _post(client, order, action: str, **data: object):
    return client.post(reverse("floor:action", args=[order.pk, action]), data, follow=True)


def test_the_floor_panel_takes_an_order_from_bundles_to_the_doorstep(sewn, factory, brand):
    order = sewn["order"]
    client = factory.client()
    page = client.get(reverse("production:order_detail", args=[order.pk])).content.decode()
    assert 'id="floor"' in page and "Mass balance" in page and "closes to the centimetre" in page
    for bundle in Bundle.objects.filter(lay__plan=sewn["plan"]):
        response = _post(client, order, "sew", bundle=bundle.pk)
        assert "sewn:" in response.content.decode()
    garments = Garment.objects.filter(order=order).count()
    assert garments == sum(sewn["plan"].produced.values())
    dye = Facility.objects.get(organization=factory.org, kind="dye_house")
    press = Facility.objects.get(organization=factory.org, kind="finishing")
    dock = Facility.objects.get(organization=factory.org, kind="warehouse")
    page = client.get(reverse("production:order_detail", args=[order.pk])).content.decode()
    assert f"when blank to every sewn garment: {garments} ({order.number}-0001 to" in page
    unknown = _post(client, order, "finish", step="dyeing", facility=dye.pk, serials=f"1-2, {garments + 5}")
    assert f"has no sewn garment {garments + 5}" in unknown.content.decode()
    first_two = _post(client, order, "finish", step="laser_washing", facility=dye.pk, serials="1-2")
    assert "not a laser wash" in first_two.content.decode()  # refused whole: nothing recorded for 1-2
    response = _post(client, order, "finish", step="dyeing", facility=dye.pk, energy_kwh="40", water_l="600")
    assert f"Dyeing recorded for {garments} garments (every sewn garment)." in response.content.decode()
    wrong = _post(client, order, "finish", step="dyeing", facility=press.pk)
    assert "not a dye house" in wrong.content.decode()
    assert (
        "not a number"
        in _post(client, order, "finish", step="pressing", facility=press.pk, energy_kwh="x").content.decode()
    )
    pressed = _post(client, order, "finish", step="pressing", facility=press.pk, serials="1-2")
    assert "Pressing recorded for 2 garments (serials 1-2)." in pressed.content.decode()
    _post(client, order, "finish", step="pressing", facility=press.pk, energy_kwh="3")
    assert "QC: " in _post(client, order, "inspect", facility=press.pk, failed="1").content.decode()
    assert "Packed" in _post(client, order, "pack", facility=dock.pk, per_carton="2").content.decode()
    assert "left the dock" in _post(client, order, "ship", facility=dock.pk).content.decode()
    assert "delivered" in _post(client, order, "deliver").content.decode()
    assert (
        Carton.objects.filter(order=order, delivered_at__isnull=False).count() == Carton.objects.count() > 0
    )

    garment = Garment.objects.filter(order=order, inspected=True).first()
    page = client.get(reverse("trace:garment_detail", args=[garment.uid])).content.decode()
    assert garment.label in page and "<svg" in page and "Vernon dye house" in page and "600 L" in page
    for step in (
        "Receiving",
        "Cutting",
        "Sewing",
        "Dyeing",
        "Pressing",
        "Inspecting",
        "Packing",
        "Departing",
        "Arriving",
    ):
        assert f"<td>{step}</td>" in page, step
    # the brand reads its garment's journey and the order's EPCIS document
    assert brand.client().get(reverse("trace:garment_detail", args=[garment.uid])).status_code == 200
    exported = brand.client().get(reverse("trace:order_export", args=[order.pk]))
    document = json.loads(exported.content)
    validate_document(document)
    unused = [
        r.epc_uri for r in FabricRoll.objects.filter(lay_uses__isnull=True)
    ]  # other rolls' receipts only
    expected = Event.objects.exclude(epcs__epc__in=unused).values_list("event_id", flat=True)
    assert {e["eventID"] for e in document["epcisBody"]["eventList"]} == set(expected)


def test_the_brand_cannot_work_the_floor_and_others_see_nothing(sewn, brand, other_brand):
    order = sewn["order"]
    bundle = Bundle.objects.filter(lay__plan=sewn["plan"]).first()
    response = _post(brand.client(), order, "sew", bundle=bundle.pk)
    assert "Only the factory" in response.content.decode() and not Garment.objects.exists()
    assert other_brand.client().get(reverse("trace:order_export", args=[order.pk])).status_code == 404


def test_a_rolls_page_tells_its_downstream_from_the_ledger(sewn, factory):
    use = sewn["plan"].lays.first().roll_uses.select_related("roll").first()
    roll = use.roll
    page = factory.client().get(reverse("catalog:roll_detail", args=[roll.pk])).content.decode()
    assert "Downstream" in page and sewn["order"].number in page and "<svg" in page
    roll.refresh_from_db()
    assert f"{roll.remaining_m:.3f} m" in page and "the roll says" not in page


def test_a_token_bound_to_the_dye_house_records_there_only(factory):
    import re
    from datetime import UTC, datetime, timedelta

    from django.test import Client

    from seamline.floor import events as floor_ev

    dye = f.make_facility(factory.org, kind="dye_house", zip_code="90058", name="Vernon dye house")
    other = f.make_facility(factory.org, name="Floor")
    page = factory.client().post(reverse("api_tokens"), {"name": "Vernon dye house", "facility": dye.pk})
    assert page.status_code == 201
    key = re.search(r"sl_[0-9a-f]{8}_[\w-]+", page.content.decode()).group(0)
    assert "only at Vernon dye house" in page.content.decode()
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def event_at(facility: Facility) -> dict:
        return floor_ev.finished(
            epcs=["urn:epc:id:sgtin:0614141.107346.2017"],
            step="dyeing",
            facility=facility.epc_uri,
            when=datetime.now(UTC) - timedelta(minutes=5),
            energy_kwh=12,
        )

    refused = partner.post("/epcis/events", event_at(other), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] in (
        "readPoint.id",
        "bizLocation.id",
    )
    accepted = partner.post("/epcis/events", event_at(dye), content_type="application/json")
    assert accepted.status_code == 201, accepted.content
