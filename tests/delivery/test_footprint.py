"""The last mile in the footprint, the journey and the passport: the garment's share of its route's routed
km × its vehicle's kWh/km (a cargo bike's estimate marked unsourced), the doorstep in the lineage without
its street, and the passport's last-mile line with the proof's hash."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

from django.core import mail
from django.test import Client

from seamline.delivery import actions, tasks
from seamline.delivery.models import Route, Stop, Vehicle
from seamline.delivery.selectors import garment_last_mile
from seamline.footprint.factors import load_registry
from seamline.footprint.models import GarmentFootprint
from seamline.footprint.services import footprint_publish
from seamline.footprint.storage import expand
from seamline.lineage.selectors import garment_lineage
from seamline.passport.services import passports_issue

from .conftest import plan_day

PHOTO = b"\x89PNG\r\n\x1a\n" + b"door" * 50


def _deliver_ana(factory, kind: str) -> Stop:
    """Only the ``kind`` vehicle works today; Ana's parcel goes out on it and is delivered with proof."""
    Vehicle.objects.exclude(kind=kind).update(active=False)
    plan = plan_day(factory.org)
    stop = Stop.objects.get(route__plan=plan, parcel__preorder__name="Ana Ruiz")
    for each in Stop.objects.filter(route=stop.route, kind=Stop.Kind.PARCEL):
        actions.stop_pick_up(stop=each, organization=factory.org)
    actions.route_depart(route=stop.route, organization=factory.org)
    tasks.parcel_code_send.call(parcel_id=stop.parcel_id)
    code = re.search(r"this code: (\d{4})", mail.outbox[-1].body).group(1)
    actions.stop_deliver(stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code=code)
    return Stop.objects.select_related("route__vehicle", "parcel").get(pk=stop.pk)


def test_a_van_route_gives_the_delivery_line_its_routed_km_and_a_sourced_figure(
    shop, factory, fleet, parcels
):
    stop = _deliver_ana(factory, "e_van")
    registry = load_registry()
    route = stop.route
    kwh_per_km = registry.parameter("parameter.bev-van.kwh-per-km").value
    grid = registry.get("electricity.grid.us").co2e_kg
    assert route.co2e_sourced and route.co2e_kg == (route.km * kwh_per_km * grid).quantize(Decimal("0.0001"))

    snapshot = footprint_publish(order=shop.order)
    assert not [u for u in snapshot.unsourced if u["factor_id"].startswith("parameter.")]
    garment = stop.parcel.garments.get()
    mile = garment_last_mile(garment_epc=garment.epc_uri)
    jobs_on_route = Stop.objects.filter(route=route, kind__in=["parcel", "dropoff"]).count()
    assert mile.km_share == (route.km / jobs_on_route).quantize(Decimal("0.0001"))
    row = GarmentFootprint.objects.get(snapshot=snapshot, garment=garment)
    (delivery,) = [line for line in expand(row.lines, snapshot.sources, "") if line["step"] == "delivery"]
    assert delivery["factor_id"] == "electricity.grid.us" and delivery["primary"] is True
    assert Decimal(delivery["quantity"]) == (mile.km_share * kwh_per_km).quantize(Decimal("0.000001"))
    assert Decimal(delivery["distance_km"]) == mile.km_to_door
    assert delivery["source"].startswith(f"event {mile.event_id}: ")
    assert "shared equally by its parcels and transfers" in delivery["source"]
    for other in GarmentFootprint.objects.filter(snapshot=snapshot).exclude(garment=garment):
        steps = {line["step"] for line in expand(other.lines, snapshot.sources, "")}
        assert "delivery" not in steps  # not delivered yet: no delivery line


def test_a_cargo_bike_route_is_marked_unsourced_and_keeps_the_figure_off_the_passport(
    shop, factory, fleet, parcels
):
    stop = _deliver_ana(factory, "e_cargo_bike")
    route = Route.objects.get(pk=stop.route_id)
    assert not route.co2e_sourced and route.co2e_basis.startswith("unsourced estimate")
    snapshot = footprint_publish(order=shop.order)
    assert "parameter.cargo-bike.kwh-per-km" in [u["factor_id"] for u in snapshot.unsourced]


def test_the_journey_and_the_passport_show_the_last_mile_without_the_street(shop, factory, fleet, parcels):
    stop = _deliver_ana(factory, "e_van")
    garment = stop.parcel.garments.get()
    steps = garment_lineage(organization=factory.org, garment_epc=garment.epc_uri).steps
    kinds = [s.kind for s in steps]
    assert kinds[-4:] == ["loading", "departing", "arriving", "accepting"]
    assert steps[-1].place == "the customer's door 90026"
    footprint_publish(order=shop.order)
    passports = {p.garment_id: p for p in passports_issue(order=shop.order)}
    page = Client().get(f"/p/{passports[garment.pk].serial}").content.decode()
    digest = hashlib.sha256(PHOTO).hexdigest()
    assert 'data-testid="last-mile"' in page and digest[:16] in page and "electric van" in page
    assert "Main St" not in page
