"""Fabric mass balance: exact Decimal arithmetic, tolerance edges, per-roll discrepancies, area -> meters."""

import doctest
from decimal import Decimal

import pytest

from seamline.lineage import massbalance
from seamline.lineage.massbalance import Balance, RollFlow, balance, meters_of_area


def roll(label: str, received: str, garments: str, offcuts: str, remnant: str) -> RollFlow:
    return RollFlow(label, Decimal(received), Decimal(garments), Decimal(offcuts), Decimal(remnant))


def test_totals_are_exact_decimal_sums():
    # 0.1 + 0.2 style values that a float sum would not close exactly.
    flows = [roll(f"R{i}", "10.1", "7.2", "0.7", "2.2") for i in range(30)]
    b = balance(flows)
    assert isinstance(b, Balance)
    assert b.received_m == Decimal("303.000")
    assert b.garments_m == Decimal("216.000")
    assert b.offcuts_m == Decimal("21.000")
    assert b.remnant_m == Decimal("66.000")
    assert b.discrepancy_m == Decimal("0.000")
    assert b.closes is True
    assert b.rolls == tuple(flows)
    assert b.discrepancies() == []


def test_lengths_are_normalised_to_three_places():
    r = RollFlow("R1", Decimal("45.7"), 30, "5.25", Decimal("10.0004"))
    assert [str(m) for m in (r.received_m, r.garments_m, r.offcuts_m, r.remnant_m)] == [
        "45.700",
        "30.000",
        "5.250",
        "10.000",
    ]


@pytest.mark.parametrize(
    ("remnant", "discrepancy", "closes"),
    [
        ("2.990", "0.010", True),  # a centimetre missing: within tolerance
        ("2.989", "0.011", False),  # a millimetre more: does not close
        ("3.010", "-0.010", True),
        ("3.011", "-0.011", False),  # more used than received
    ],
)
def test_closes_within_a_centimetre(remnant, discrepancy, closes):
    b = balance([roll("R1", "50", "40", "7", remnant)])
    assert b.discrepancy_m == Decimal(discrepancy)
    assert b.closes is closes


def test_negative_discrepancy_means_more_used_than_received():
    b = balance([roll("R1", "20", "15", "3", "4.5"), roll("R2", "30", "25", "2", "3")])
    assert b.discrepancy_m == Decimal("-2.500")
    assert not b.closes
    assert b.discrepancies() == [("R1", Decimal("-2.500"))]


def test_custom_tolerance():
    flows = [roll("R1", "50", "40", "7", "2.95")]
    assert not balance(flows).closes
    b = balance(flows, tolerance_m=Decimal("0.05"))
    assert b.closes and b.tolerance_m == Decimal("0.05")
    assert b.discrepancies() == []


def test_per_roll_discrepancies_even_when_the_total_closes():
    # A lay booked on the wrong roll: R1 short by 2 m, R2 over by 2 m; the total closes.
    flows = [
        roll("R1", "50", "38", "7", "3"),
        roll("R2", "40", "33", "5", "4"),
        roll("R3", "30", "25", "2", "3.005"),  # off by half a centimetre: closes on its own
    ]
    b = balance(flows)
    assert b.discrepancy_m == Decimal("-0.005")
    assert b.closes
    assert b.discrepancies() == [("R1", Decimal("2.000")), ("R2", Decimal("-2.000"))]
    assert flows[0].used_m == Decimal("48.000")
    assert flows[2].discrepancy_m == Decimal("-0.005")


def test_empty_balance_closes():
    b = balance([])
    assert b.received_m == b.discrepancy_m == Decimal(0)
    assert b.closes and b.rolls == ()


@pytest.mark.parametrize(
    "bad",
    [
        lambda: RollFlow("R1", 50.0, Decimal(0), Decimal(0), Decimal(0)),  # float: not exact
        lambda: RollFlow("R1", Decimal("-1"), Decimal(0), Decimal(0), Decimal(0)),
        lambda: RollFlow("R1", Decimal("NaN"), Decimal(0), Decimal(0), Decimal(0)),
        lambda: balance([], tolerance_m=Decimal("-0.01")),
    ],
)
def test_bad_inputs_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        bad()


@pytest.mark.parametrize(
    ("area_cm2", "width_cm", "meters"),
    [
        (15000.0, Decimal("150"), "1.000"),
        (0.0, Decimal("150"), "0.000"),
        (22_875.0, Decimal("152.5"), "1.500"),
        (7.5, Decimal("150"), "0.001"),  # 0.0005 m: half a millimetre rounds up
        (7.4, Decimal("150"), "0.000"),  # 0.000493 m rounds down
        (22.5, Decimal("150"), "0.002"),  # 0.0015 m: half up, not to even
        (10_000.0, Decimal("3"), "33.333"),
        (20_000.0, Decimal("3"), "66.667"),
    ],
)
def test_meters_of_area_rounds_to_the_millimetre(area_cm2, width_cm, meters):
    result = meters_of_area(area_cm2, width_cm)
    assert isinstance(result, Decimal)
    assert result == Decimal(meters)
    assert str(result) == meters


@pytest.mark.parametrize(
    ("area", "width"), [(-1.0, Decimal(150)), (float("nan"), Decimal(150)), (1.0, Decimal(0))]
)
def test_meters_of_area_refuses_nonsense(area, width):
    with pytest.raises(ValueError):
        meters_of_area(area, width)


def test_doctests():
    assert doctest.testmod(massbalance).failed == 0
