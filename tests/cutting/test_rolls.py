"""Roll assignment: one shade lot per lay, whole plies per roll, exact Decimal meters; off-cut mass."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seamline.cutting.rolls import Roll, assign_rolls, offcut_mass_kg

ROLLS = [
    Roll("A1", "A", Decimal("10.000")),
    Roll("A2", "A", Decimal("7.250")),
    Roll("B1", "B", Decimal("12.000")),
    Roll("B2", "B", Decimal("12.000")),
]


LAYS = [("lay1", 8, 248.0), ("lay2", 5, 298.0), ("lay3", 2, 148.0)]  # plies of 2.5, 3.0 and 1.5 m


def test_each_lay_comes_from_one_lot_and_no_ply_spans_two_rolls():
    plan = assign_rolls(LAYS, ROLLS)
    lots = {roll.roll_id: roll.shade_lot for roll in ROLLS}
    lengths = {roll.roll_id: roll.length_m for roll in ROLLS}
    for served, (lay_id, plies, _) in zip(plan.lays, LAYS, strict=True):
        assert served.lay_id == lay_id
        assert {lots[use.roll_id] for use in served.uses} == {served.shade_lot}
        assert sum(use.plies for use in served.uses) == plies
        for use in served.uses:
            assert use.meters == served.ply_m * use.plies
    for usage in plan.rolls:
        assert 0 <= usage.consumed_m <= lengths[usage.roll_id]
        assert usage.consumed_m + usage.remaining_m == lengths[usage.roll_id]


def test_largest_lot_first_rolls_in_order_and_exact_remnants():
    plan = assign_rolls(LAYS, ROLLS)
    assert [(lay.shade_lot, lay.ply_m) for lay in plan.lays] == [
        ("B", Decimal("2.500")),  # lot B (24 m) is larger than lot A (17.25 m)
        ("A", Decimal("3.000")),  # B has 4 m left now
        ("B", Decimal("1.500")),  # A has 2.25 m left, B 4 m
    ]
    assert [[(u.roll_id, u.plies, u.meters) for u in lay.uses] for lay in plan.lays] == [
        [("B1", 4, Decimal("10.000")), ("B2", 4, Decimal("10.000"))],
        [("A1", 3, Decimal("9.000")), ("A2", 2, Decimal("6.000"))],
        [("B1", 1, Decimal("1.500")), ("B2", 1, Decimal("1.500"))],
    ]
    assert [(r.roll_id, r.consumed_m, r.remnant_m) for r in plan.rolls] == [
        ("A1", Decimal("9.000"), Decimal("1.000")),
        ("A2", Decimal("6.000"), Decimal("1.250")),
        ("B1", Decimal("11.500"), Decimal("0.500")),
        ("B2", Decimal("11.500"), Decimal("0.500")),
    ]
    assert (plan.consumed_m, plan.remnant_m) == (Decimal("38.000"), Decimal("3.250"))


def test_meters_are_exact_decimals_rounded_up_to_the_millimetre():
    plan = assign_rolls([("lay1", 3, 100.0004)], [Roll("R", "A", Decimal("5"))], end_loss_cm=1.5)
    served = plan.lays[0]
    assert served.ply_m == Decimal("1.016")  # 101.5004 cm -> 1.015004 m -> up to 1.016
    assert served.meters == Decimal("3.048")
    assert plan.rolls[0].consumed_m == Decimal("3.048")
    assert plan.rolls[0].remnant_m == Decimal("1.952")
    assert plan.consumed_m == Decimal("3.048") and plan.remnant_m == Decimal("1.952")


def test_an_untouched_roll_is_not_a_remnant():
    plan = assign_rolls([("lay1", 1, 98.0)], [Roll("R1", "A", Decimal("3")), Roll("R2", "A", Decimal("4"))])
    assert [(r.roll_id, r.consumed_m, r.remnant_m) for r in plan.rolls] == [
        ("R1", Decimal("1.000"), Decimal("2.000")),
        ("R2", Decimal("0.000"), Decimal("0.000")),
    ]


def test_a_lay_no_single_lot_can_supply_is_named():
    # After "small" takes 1 m of B1, 10 plies of 3 m: lot B gives 3 + 4, lot A 3 + 2; never mixed.
    with pytest.raises(
        ValueError, match=r"lay 'big'.*10 plies of 3\.000 m.*lot 'B', gives 7.*3 plies missing"
    ):
        assign_rolls([("small", 1, 98.0), ("big", 10, 298.0)], ROLLS)


def test_offcut_mass_is_area_times_gsm():
    assert offcut_mass_kg(10_000, 458) == pytest.approx(0.458)
    assert offcut_mass_kg(123_456.0, 300) == pytest.approx(12.3456 * 0.3)
    with pytest.raises(ValueError):
        offcut_mass_kg(-1, 300)
