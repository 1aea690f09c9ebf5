"""Activity units and exact conversions between them (Decimal, no floats).

Every unit belongs to one dimension; converting across dimensions is an error, never a guess.
"""

from __future__ import annotations

from decimal import Decimal


class UnitError(ValueError):
    """An unknown unit, or a conversion between units of different dimensions."""


# unit -> (dimension, size in the dimension's base unit). Bases: MJ, kg, L, km, t.km, m2.
_UNITS: dict[str, tuple[str, Decimal]] = {
    "kWh": ("energy", Decimal("3.6")),
    "MJ": ("energy", Decimal("1")),
    "GJ": ("energy", Decimal("1000")),
    "g": ("mass", Decimal("0.001")),
    "kg": ("mass", Decimal("1")),
    "t": ("mass", Decimal("1000")),
    "L": ("volume", Decimal("1")),
    "m3": ("volume", Decimal("1000")),
    "m": ("distance", Decimal("0.001")),
    "km": ("distance", Decimal("1")),
    "t.km": ("freight", Decimal("1")),
    "kg.km": ("freight", Decimal("0.001")),
    "m2": ("area", Decimal("1")),
}

UNITS: tuple[str, ...] = tuple(_UNITS)
"""The units a factor or an activity may be expressed in."""


def dimension(unit: str) -> str:
    """The dimension of a unit ("energy", "mass", "volume", "distance", "freight", "area")."""
    try:
        return _UNITS[unit][0]
    except KeyError:
        raise UnitError(f"unknown unit {unit!r} (known: {', '.join(UNITS)})") from None


def convert(quantity: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """`quantity` in `from_unit` expressed in `to_unit`; UnitError across dimensions."""
    if isinstance(quantity, float):  # floats would make audited figures inexact
        raise TypeError("convert() takes a Decimal (or int), not a float")
    from_dim, to_dim = dimension(from_unit), dimension(to_unit)
    if from_dim != to_dim:
        raise UnitError(f"cannot convert {from_unit} ({from_dim}) to {to_unit} ({to_dim})")
    if from_unit == to_unit:
        return Decimal(quantity)
    return Decimal(quantity) * _UNITS[from_unit][1] / _UNITS[to_unit][1]
