"""Issue #11 (item 11): a funded drop's run is what was sold plus ONE rounded overcut, shared by size.

"What was sold plus a 3% overcut" had become +10% (50 sold, 55 cut) because the overcut was rounded up per
SKU. The pure rule is caps.run_breakdown; the funded drop's production order, its notes, the founder's page
and the cash flow all read it.
"""

from __future__ import annotations

import doctest
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from seamline.drops import caps, cashflow
from seamline.drops.caps import overcut_units, run_breakdown
from seamline.drops.models import Drop

from .helpers import buy, make_drop

DEMO_SOLD = {"XS": 1, "S": 7, "M": 19, "L": 16, "XL": 7}  # the demo drop once two more pre-orders fund it


def test_the_pure_modules_examples_hold():
    for module in (caps, cashflow):
        assert doctest.testmod(module).failed == 0


def test_the_overcut_is_rounded_up_once_for_the_run():
    assert overcut_units(sold=50, overcut_pct=Decimal("3")) == 2  # ceil(1.5)
    assert overcut_units(sold=34, overcut_pct=Decimal("3")) == 2  # ceil(1.02)
    assert overcut_units(sold=33, overcut_pct=Decimal("3")) == 1  # ceil(0.99)
    assert overcut_units(sold=100, overcut_pct=Decimal("3")) == 3  # exactly 3: no rounding up
    assert overcut_units(sold=0, overcut_pct=Decimal("3")) == 0
    run = run_breakdown(DEMO_SOLD, Decimal("3"))
    # Shares of 2: XS 0.04, S 0.28, M 0.76, L 0.64, XL 0.28 -> M and L get one each.
    assert run.overcut == {"XS": 0, "S": 0, "M": 1, "L": 1, "XL": 0}
    assert (run.units_sold, run.overcut_units, run.units) == (50, 2, 52)  # was 55
    assert run.rule == "50 sold + 2 overcut (3% of 50, rounded up once, shared by size)"


def test_ties_go_to_the_sizes_sold_most_then_to_the_first():
    # 3 overcut of 60 sold (5%): 1.5 / 1.0 / 0.5 -> S 1, M 1, one more to the remainder 0.5 of both S and L:
    # S sold more.
    assert run_breakdown({"S": 30, "M": 20, "L": 10}, Decimal("5")).overcut == {"S": 2, "M": 1, "L": 0}
    # Equal sales, equal remainders: the first given (the style's size order) wins.
    assert run_breakdown({"S": 5, "M": 5}, Decimal("10")).overcut == {"S": 1, "M": 0}


def test_a_capped_sku_never_passes_its_cap_and_a_shortfall_is_said():
    # XS sold its cap of 6: its share goes to the others.
    run = run_breakdown({"XS": 6, "M": 14}, Decimal("10"), caps={"XS": 6, "M": None})
    assert run.overcut == {"XS": 0, "M": 2}
    # One unit of room left on XS: it takes one, the rest goes to M.
    run = run_breakdown({"XS": 9, "M": 1}, Decimal("30"), caps={"XS": 10})
    assert run.quantities == {"XS": 10, "M": 3}
    # Every SKU at its cap: the overcut is not cut, and the rule says so.
    run = run_breakdown({"XS": 6, "XXL": 6}, Decimal("10"), caps={"XS": 6, "XXL": 6})
    assert run.quantities == {"XS": 6, "XXL": 6}
    assert run.rule == (
        "12 sold + 0 overcut (10% of 12 is 2 rounded up once, shared by size; 2 not cut: "
        "the sizes sold are at their caps)"
    )


def test_no_overcut_and_nothing_sold_read_plainly():
    assert run_breakdown({"M": 10}, Decimal("0")).rule == "10 sold, no overcut (0% of 10)"
    assert run_breakdown({"M": 0}, Decimal("3")).quantities == {}
    assert run_breakdown({}, Decimal("2.5")).rule.startswith("nothing sold yet (2.5% overcut")


SOLD = st.dictionaries(st.sampled_from(["XS", "S", "M", "L", "XL", "XXL"]), st.integers(0, 400), max_size=6)
PCT = st.decimals(min_value=0, max_value=50, places=2)


@given(sold=SOLD, pct=PCT)
def test_property_one_rounded_overcut_shared_without_loss(sold, pct):
    run = run_breakdown(sold, pct)
    total = sum(sold.values())
    assert run.overcut_units == math.ceil(pct * total / 100) == run.overcut_wanted
    assert all(share >= 0 for share in run.overcut.values())
    assert run.units == total + run.overcut_units
    assert {sku: n for sku, n in run.quantities.items()} == {
        sku: n + run.overcut[sku] for sku, n in sold.items() if n > 0
    }
    # Largest remainder: no SKU is more than one unit off its exact share of the sales.
    for sku, n in run.sold.items():
        assert abs(run.overcut[sku] - Decimal(run.overcut_units) * n / total) < 1


@given(
    sold=SOLD, pct=PCT, room=st.lists(st.integers(0, 5), min_size=6, max_size=6), capped=st.integers(0, 63)
)
def test_property_caps_hold_and_only_what_no_sku_can_take_is_left_out(sold, pct, room, capped):
    skus = list(sold)
    caps_ = {sku: sold[sku] + room[i] if capped >> i & 1 else None for i, sku in enumerate(skus)}
    run = run_breakdown(sold, pct, caps=caps_)
    assert all(share >= 0 for share in run.overcut.values())
    assert all(caps_[sku] is None or n <= caps_[sku] for sku, n in run.quantities.items())
    space = sum(run.overcut_wanted if caps_[sku] is None else caps_[sku] - n for sku, n in run.sold.items())
    assert run.overcut_units == min(run.overcut_wanted, space)


# The funded drop's production order.


@pytest.fixture
def inline_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _lines(order) -> dict[str, int]:
    return {ln.variant.size: ln.quantity for ln in order.lines.select_related("variant")}


def test_funding_places_sold_plus_one_rounded_overcut_and_says_the_rule(
    brand, factory, django_capture_on_commit_callbacks, inline_tasks
):
    drop = make_drop(brand.org, factory.org, run_cap=70, threshold=50, per_customer=20)
    with django_capture_on_commit_callbacks(execute=True):
        for n, (size, qty) in enumerate([("S", 17), ("M", 19), ("L", 14)], start=1):
            buy(drop, size, qty, n=n)
    drop.refresh_from_db()
    order = drop.production_order
    assert drop.state == "funded" and order is not None
    # ceil(3% of 50) = 2: shares 1.02 / 0.76 / 0.56 -> S 1 (whole part), then M (0.76).
    assert _lines(order) == {"S": 18, "M": 20, "L": 14}
    assert order.units == 52  # per SKU it was 18 + 20 + 15 = 53; 55 over five sizes
    rule = "50 sold + 2 overcut (3% of 50, rounded up once, shared by size)"
    assert order.notes == f"Drop “{drop.title}”: {rule}."
    page = brand.client().get(reverse("drops_founder:drop_detail", args=[drop.slug])).content.decode()
    assert f'data-testid="run">52 units: {rule}<' in page


def test_preorders_after_funding_move_the_one_overcut_and_the_notes(
    brand, factory, django_capture_on_commit_callbacks, inline_tasks
):
    drop = make_drop(brand.org, factory.org, run_cap=70, threshold=50, per_customer=20)
    with django_capture_on_commit_callbacks(execute=True):
        for n, (size, qty) in enumerate([("S", 17), ("M", 19), ("L", 14)], start=1):
            buy(drop, size, qty, n=n)
    totals = []
    for n, (size, qty) in enumerate([("L", 2), ("S", 1), ("M", 15)], start=10):
        with django_capture_on_commit_callbacks(execute=True):
            buy(drop, size, qty, n=n)
        order = Drop.objects.get(pk=drop.pk).production_order
        totals.append((order.units, _lines(order)))
    # 52 sold: ceil(1.56) = 2; 53: ceil(1.59) = 2; 68: ceil(2.04) = 3 — never one more per pre-order or SKU.
    assert totals == [
        (54, {"S": 18, "M": 20, "L": 16}),
        (55, {"S": 19, "M": 20, "L": 16}),
        (71, {"S": 19, "M": 35, "L": 17}),
    ]
    order.refresh_from_db()
    assert order.notes.count("Drop “") == 1
    assert "68 sold + 3 overcut (3% of 68, rounded up once, shared by size)" in order.notes


def test_a_sku_sold_to_its_cap_gets_no_overcut_in_the_order(
    brand, factory, django_capture_on_commit_callbacks, inline_tasks
):
    drop = make_drop(brand.org, factory.org, run_cap=40, threshold=20, per_customer=20, caps={"S": 10})
    drop.overcut_pct = Decimal("10")
    drop.save(update_fields=["overcut_pct"])
    with django_capture_on_commit_callbacks(execute=True):
        buy(drop, "S", 10, n=1)
        buy(drop, "M", 10, n=2)
    order = Drop.objects.get(pk=drop.pk).production_order
    # 10% of 20 = 2: S's share (1) would pass its cap of 10, so both go to M.
    assert _lines(order) == {"S": 10, "M": 12}
