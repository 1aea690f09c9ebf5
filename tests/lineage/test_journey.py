"""A small order from roll to doorstep through the real services: every step writes its EPCIS event with
the change it records, the events validate, a garment's lineage reaches its rolls, the mass balance closes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seamline.catalog.models import FabricRoll
from seamline.core.errors import ConflictError, ValidationError
from seamline.cutting.models import Bundle
from seamline.floor import services as floor
from seamline.lineage.selectors import garment_lineage, order_document, order_mass_balance, roll_lineage
from seamline.production.models import Garment
from seamline.trace.models import Event
from seamline.trace.schema import validate_document
from seamline.trace.services import chain_verify

from .. import factories as f


def test_every_step_wrote_an_event_that_validates(delivered, factory):
    order = delivered["order"]
    document = order_document(organization=factory.org, order=order)
    validate_document(document)
    kinds = [e["bizStep"].rsplit("/", 1)[-1] for e in document["epcisBody"]["eventList"]]
    for step in (
        "receiving",
        "cutting",
        "departing",
        "sewing",
        "dyeing",
        "pressing",
        "inspecting",
        "packing",
    ):
        assert step in kinds, step
    assert "arriving" in kinds
    garments = Garment.objects.filter(order=order).count()
    assert garments == sum(delivered["plan"].produced.values())
    assert chain_verify(factory.org) is None
    # the brand reads the same story: its order's events are attributed to it
    assert (
        order_document(organization=order.brand, order=order)["epcisBody"]["eventList"]
        == document["epcisBody"]["eventList"]
    )


def test_a_garments_lineage_reaches_its_rolls_and_its_doorstep(delivered, factory):
    garment = Garment.objects.filter(order=delivered["order"], inspected=True).first()
    lineage = garment_lineage(organization=factory.org, garment_epc=garment.epc_uri)
    kinds = [s.kind for s in lineage.steps]
    assert kinds[0] == "receiving" and kinds[-1] == "arriving"
    assert kinds.index("cutting") < kinds.index("sewing") < kinds.index("dyeing") < kinds.index("packing")
    assert {"Olympic Blvd floor", "Vernon dye house", "14th St presser", "Commerce dock"} <= set(
        lineage.facilities
    )
    assert lineage.operators  # who cut and who sewed
    cut_from = {r.roll_epc for r in lineage.rolls}
    assert cut_from <= {r.epc_uri for r in delivered["rolls"]} and cut_from
    assert all(r.garment_m > 0 and r.received is not None for r in lineage.rolls)
    dyeing = next(s for s in lineage.steps if s.kind == "dyeing")
    assert (dyeing.energy_kwh, dyeing.water_l) == (Decimal("41.5"), Decimal("620"))
    other = f.make_org("brand", "Someone else")
    assert garment_lineage(organization=other, garment_epc=garment.epc_uri) is None


def test_a_rolls_downstream_names_its_garments(delivered, factory):
    roll = next(r for r in delivered["rolls"] if r.lay_uses.exists())
    downstream = roll_lineage(organization=factory.org, roll_epc=roll.epc_uri)
    roll.refresh_from_db()
    assert downstream.received_m == Decimal("6.000")
    assert downstream.received_m - downstream.taken_m == roll.remaining_m
    assert downstream.garments and set(downstream.garments) <= {
        g.epc_uri for g in Garment.objects.filter(order=delivered["order"])
    }


def test_the_mass_balance_closes_to_the_centimetre_and_flags_a_roll_edited_behind_the_ledger(
    delivered, factory
):
    balance = order_mass_balance(organization=factory.org, order=delivered["order"])
    assert balance.closes and abs(balance.discrepancy_m) <= Decimal("0.01")
    assert balance.garments_m > 0 and balance.offcuts_m > 0
    roll = FabricRoll.objects.get(pk=delivered["plan"].lays.first().roll_uses.first().roll_id)
    FabricRoll.objects.filter(pk=roll.pk).update(remaining_m=roll.remaining_m + Decimal("0.5"))
    again = order_mass_balance(organization=factory.org, order=delivered["order"])
    assert not again.closes and again.discrepancy_m == Decimal("-0.500")
    assert [label for label, _ in again.discrepancies()] == [roll.roll_id]


def test_floor_steps_refuse_what_did_not_happen(delivered, factory, brand):
    order = delivered["order"]
    bundle = Bundle.objects.filter(lay__plan=delivered["plan"]).first()
    with pytest.raises(ConflictError, match="already sewn"):
        floor.bundle_sew(bundle=bundle, organization=factory.org)
    with pytest.raises(ValidationError) as caught:
        floor.garments_finish(
            order=order, organization=factory.org, step="dyeing", facility=delivered["rolls"][0].facility
        )
    assert "not a dye house" in caught.value.fields["facility"]
    with pytest.raises(ConflictError):
        floor.cartons_ship(order=order, organization=factory.org, facility=delivered["dye"])
    events = Event.objects.count()
    from seamline.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):
        floor.garments_inspect(order=order, organization=brand.org, facility=delivered["dye"])
    assert Event.objects.count() == events  # nothing written by a refused step
