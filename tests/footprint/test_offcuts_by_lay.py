"""Off-cuts go to the lay they came from (issue #14, item 7): two lays cut at the same time on the same floor
each keep their own off-cut event and mass; off-cut events recorded before they named their lay are split
over the lays cut with them by meters. Either way the garments' off-cuts add up to the ledger's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from seamline.cutting.events import offcuts_shipped
from seamline.cutting.models import Bundle, CutPlan, Lay
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import
from seamline.floor import services as floor
from seamline.footprint.gather import order_records
from seamline.production.models import Garment
from seamline.trace.events import offcut_class_uri
from seamline.trace.models import Event, EventEpc
from seamline.trace.services import record

from .. import factories as f
from ..cutting.conftest import FAST, dxf_file, pattern_in_code

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # both lays cut at once, on the same floor
MG = Decimal("0.000001")


@pytest.fixture
def two_lays(brand, factory, tmp_path):
    """An order planned as two lays (S ×3, M ×2) of different off-cut masses, not cut yet."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor_ = f.make_facility(factory.org, name="Olympic Blvd floor")
    f.make_facility(factory.org, kind="fibre_recycler", zip_code="90280", name="South Gate recycler")
    for lot in ("A", "A", "B"):
        f.make_roll(floor_, material, length_m="6.000", shade_lot=lot)
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=3, M=2)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    lays = list(plan.lays.all())
    assert len(lays) == 2 and lays[0].offcut_kg != lays[1].offcut_kg
    assert plan.recycler is not None
    return {"order": order, "plan": plan, "lays": lays, "floor": floor_, "material": material}


def _cut_and_sew(two_lays, factory) -> None:
    for lay in two_lays["lays"]:
        lay_cut(lay=lay, organization=factory.org, by=factory.user, when=WHEN)
    for bundle in Bundle.objects.filter(lay__plan=two_lays["plan"]):
        floor.bundle_sew(bundle=bundle, organization=factory.org, by=factory.user)


def _offcut_events(material) -> list[Event]:
    """The off-cut events in the ledger (the ObjectEvents naming the material's off-cut class)."""
    rows = EventEpc.objects.filter(epc=offcut_class_uri(material.pk), role="class").values("event_id")
    return list(Event.objects.filter(pk__in=rows).order_by("seq"))


def _kg(event: Event) -> Decimal:
    items = json.loads(event.body)["quantityList"]
    return sum((Decimal(str(q["quantity"])) for q in items if q["uom"] == "KGM"), Decimal(0))


def _cut_event_id(lay: Lay) -> str:
    bundle = lay.bundles.first()
    rows = EventEpc.objects.filter(epc=bundle.epc_uri, role="output").values("event_id")
    return Event.objects.get(pk__in=rows).event_id


def _records_by_lay(two_lays, factory) -> dict[int, list]:
    """The order's garment records, by the number of the lay each garment was cut from."""
    lay_of = {
        f"urn:seamline:garment:{uid}": number
        for uid, number in Garment.objects.filter(order=two_lays["order"]).values_list(
            "uid", "bundle__lay__number"
        )
    }
    _, records = order_records(organization=factory.org, order=two_lays["order"])
    assert len(records) == len(lay_of) == 5
    by_lay: dict[int, list] = {lay.number: [] for lay in two_lays["lays"]}
    for rec in records:
        by_lay[lay_of[rec.epc]].append(rec)
    return by_lay


def test_two_lays_cut_at_once_each_keep_their_own_offcuts(two_lays, factory):
    _cut_and_sew(two_lays, factory)
    events = _offcut_events(two_lays["material"])
    assert len(events) == 2
    assert events[0].event_time == events[1].event_time and events[0].read_point == events[1].read_point
    offcut_of = {}  # lay number -> its off-cut event
    for lay in two_lays["lays"]:
        cut_id = _cut_event_id(lay)
        [event] = [e for e in events if json.loads(e.body).get("sl:lay") == cut_id]
        assert _kg(event) == lay.offcut_kg
        offcut_of[lay.number] = event

    by_lay = _records_by_lay(two_lays, factory)
    for lay in two_lays["lays"]:
        records = by_lay[lay.number]
        assert {r.offcut_source for r in records} == {f"event {offcut_of[lay.number].event_id}"}
        assert sum(r.offcut_kg for r in records) == lay.offcut_kg  # shares in whole mg, closing exactly
        for rec in records:
            assert abs(rec.offcut_kg - lay.offcut_kg / lay.plies) < MG
    records = [r for group in by_lay.values() for r in group]
    assert sum(r.offcut_kg for r in records) == sum(_kg(e) for e in events)


def test_offcuts_recorded_before_they_named_their_lay_are_split_by_meters(two_lays, factory):
    # the lays cut without a recycler, then two old-style off-cut events (no sl:lay) at their time and place
    CutPlan.objects.filter(pk=two_lays["plan"].pk).update(recycler=None)
    _cut_and_sew(two_lays, factory)
    assert _offcut_events(two_lays["material"]) == []
    order, recycler = (
        two_lays["order"],
        f.make_facility(factory.org, kind="fibre_recycler", name="Old recycler"),
    )
    legacy = [
        offcuts_shipped(
            material_class_offcut=offcut_class_uri(two_lays["material"].pk),
            mass_kg=kg,
            facility=two_lays["floor"].epc_uri,
            recycler=recycler.epc_uri,
            when=WHEN,
        )
        for kg in (Decimal("0.05"), Decimal("0.0701"))
    ]
    assert all("sl:lay" not in e for e in legacy)
    record(
        organization=factory.org,
        events=[{**e, "sl:orderNumber": order.number} for e in legacy],
        brand=order.brand,
    )
    events = _offcut_events(two_lays["material"])
    total_kg = sum(_kg(e) for e in events)
    assert total_kg == Decimal("0.1201")

    by_lay = _records_by_lay(two_lays, factory)
    total_m = sum(lay.meters for lay in two_lays["lays"])
    for lay in two_lays["lays"]:
        records = by_lay[lay.number]
        [source] = {r.offcut_source for r in records}
        assert all(e.event_id in source for e in events)
        assert "2 lays cut at the same time and place: split by the meters each took" in source
        assert f"{lay.meters} of {total_m} m" in source
        assert abs(sum(r.offcut_kg for r in records) - total_kg * lay.meters / total_m) <= MG
    records = [r for group in by_lay.values() for r in group]
    assert sum(r.offcut_kg for r in records) == total_kg


def test_an_old_offcut_event_alone_with_its_lay_is_that_lays(two_lays, factory):
    # one lay cut and its off-cuts recorded the old way; the other lay cut later: no ambiguity, no split
    CutPlan.objects.filter(pk=two_lays["plan"].pk).update(recycler=None)
    first, second = two_lays["lays"]
    lay_cut(lay=first, organization=factory.org, by=factory.user, when=WHEN)
    lay_cut(lay=second, organization=factory.org, by=factory.user, when=WHEN.replace(minute=45))
    for bundle in Bundle.objects.filter(lay__plan=two_lays["plan"]):
        floor.bundle_sew(bundle=bundle, organization=factory.org, by=factory.user)
    order, recycler = (
        two_lays["order"],
        f.make_facility(factory.org, kind="fibre_recycler", name="Old recycler"),
    )
    old = offcuts_shipped(
        material_class_offcut=offcut_class_uri(two_lays["material"].pk),
        mass_kg=first.offcut_kg,
        facility=two_lays["floor"].epc_uri,
        recycler=recycler.epc_uri,
        when=WHEN,
    )
    [event] = record(
        organization=factory.org, events=[{**old, "sl:orderNumber": order.number}], brand=order.brand
    )

    by_lay = _records_by_lay(two_lays, factory)
    assert {r.offcut_source for r in by_lay[first.number]} == {f"event {event.event_id}"}
    assert sum(r.offcut_kg for r in by_lay[first.number]) == first.offcut_kg
    assert {r.offcut_source for r in by_lay[second.number]} == {"no off-cut event recorded"}
    assert all(r.offcut_kg == 0 for r in by_lay[second.number])
