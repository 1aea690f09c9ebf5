"""A lay spread from several rolls, and rolls shared by two orders: each roll is charged only its own
meters, and both orders' mass balances close (issue #11: a multi-roll lay charged every roll the whole lay,
and the sample run's page answered 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seamline.catalog.models import FabricRoll
from seamline.cutting.models import LayRoll
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import
from seamline.lineage.sankey import mass_balance_svg
from seamline.lineage.selectors import order_mass_balance, roll_lineage

from .. import factories as f
from ..cutting.conftest import FAST, dxf_file, pattern_in_code


@pytest.fixture
def two_orders_on_short_rolls(brand, factory, tmp_path):
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor_ = f.make_facility(factory.org, name="Olympic Blvd floor")
    f.make_facility(factory.org, kind="fibre_recycler", zip_code="90280", name="South Gate recycler")
    # Rolls shorter than a lay: every lay of three plies needs two or three of them.
    rolls = [f.make_roll(floor_, material, length_m="1.100", shade_lot="A") for _ in range(12)]
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    orders = []
    for quantities in ({"S": 3, "M": 2}, {"S": 2, "M": 3}):
        order = f.make_order(brand.org, factory.org, style, **quantities)
        plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
        assert plan.status == "done", plan.error
        for lay in plan.lays.all():
            lay_cut(lay=lay, organization=factory.org, by=factory.user)
        orders.append(order)
    return {"orders": orders, "rolls": rolls}


def test_each_roll_of_a_multi_roll_lay_is_charged_only_its_own_meters(two_orders_on_short_rolls, factory):
    uses = LayRoll.objects.filter(roll__in=two_orders_on_short_rolls["rolls"])
    multi = [lay for lay in {u.lay for u in uses} if lay.roll_uses.count() > 1]
    assert multi, "the fixture should spread some lay over several rolls"
    for roll in two_orders_on_short_rolls["rolls"]:
        roll.refresh_from_db()
        downstream = roll_lineage(organization=factory.org, roll_epc=roll.epc_uri)
        own = sum((u.meters for u in uses if u.roll_id == roll.pk), Decimal(0))
        assert downstream.taken_m == own
        assert downstream.received_m - downstream.taken_m == roll.remaining_m >= 0


def test_both_orders_sharing_rolls_close_and_their_pages_answer(two_orders_on_short_rolls, factory):
    shared = [
        r
        for r in two_orders_on_short_rolls["rolls"]
        if LayRoll.objects.filter(roll=r).values("lay__plan__order").distinct().count() == 2
    ]
    for order in two_orders_on_short_rolls["orders"]:
        balance = order_mass_balance(organization=factory.org, order=order)
        assert balance.closes, balance.discrepancies()
        assert balance.other_orders_m >= 0
        svg = mass_balance_svg(balance, title=order.number)
        assert "does not close" not in svg
        page = factory.client().get(f"/production/orders/{order.pk}/")
        assert page.status_code == 200
    if shared:  # a roll both orders cut from shows the other order's meters as their own band
        balance = order_mass_balance(organization=factory.org, order=two_orders_on_short_rolls["orders"][1])
        assert balance.other_orders_m > 0
        assert "Cut for other orders" in mass_balance_svg(balance)


def test_an_edited_ledger_shows_as_a_discrepancy_never_a_server_error(two_orders_on_short_rolls, factory):
    order = two_orders_on_short_rolls["orders"][0]
    roll = FabricRoll.objects.get(pk=LayRoll.objects.filter(lay__plan__order=order).first().roll_id)
    FabricRoll.objects.filter(pk=roll.pk).update(remaining_m=Decimal("0.000"))
    balance = order_mass_balance(organization=factory.org, order=order)
    assert roll.roll_id in [label for label, _ in balance.discrepancies()] or balance.closes is False
    assert factory.client().get(f"/production/orders/{order.pk}/").status_code == 200
