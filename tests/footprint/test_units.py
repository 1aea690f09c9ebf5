"""Unit conversions are exact Decimals and refuse to cross dimensions."""

from decimal import Decimal

import pytest

from seamline.footprint.units import UNITS, UnitError, convert, dimension


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit", "expected"),
    [
        ("1", "kWh", "MJ", "3.6"),
        ("3.6", "MJ", "kWh", "1"),
        ("2.5", "GJ", "kWh", "694.4444444444444444444444444"),
        ("1", "GJ", "MJ", "1000"),
        ("1250", "g", "kg", "1.25"),
        ("0.4", "t", "kg", "400"),
        ("1.5", "m3", "L", "1500"),
        ("250", "m", "km", "0.25"),
        ("500", "kg.km", "t.km", "0.5"),
        ("12.7", "m2", "m2", "12.7"),
    ],
)
def test_convert_is_exact(quantity, from_unit, to_unit, expected):
    assert convert(Decimal(quantity), from_unit, to_unit) == Decimal(expected)


def test_one_kwh_is_exactly_3_6_mj_and_back():
    assert convert(Decimal(1), "kWh", "MJ") == Decimal("3.6")
    assert convert(convert(Decimal("7.2"), "MJ", "kWh"), "kWh", "MJ") == Decimal("7.2")


@pytest.mark.parametrize(("from_unit", "to_unit"), [("kWh", "kg"), ("km", "t.km"), ("L", "kg"), ("m2", "m")])
def test_cross_dimension_is_an_error(from_unit, to_unit):
    with pytest.raises(UnitError, match=f"cannot convert {from_unit}"):
        convert(Decimal(1), from_unit, to_unit)


def test_unknown_unit_is_an_error():
    with pytest.raises(UnitError, match="unknown unit 'kcal'"):
        convert(Decimal(1), "kcal", "MJ")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        convert(1.5, "kg", "g")  # type: ignore[arg-type]


def test_every_unit_has_a_dimension():
    assert {dimension(u) for u in UNITS} == {"energy", "mass", "volume", "distance", "freight", "area"}
