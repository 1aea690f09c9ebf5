"""Fabric mass balance: every meter received on a roll is in a garment, an off-cut, or still on the roll.

Pure arithmetic in Decimal meters (3 places, the millimetre) so the balance is exact: a float sum of
thirty rolls would not close to the centimetre by itself. ``balance()`` totals the rolls and says
whether the books close within a tolerance (a centimetre by default).

>>> b = balance([RollFlow("R1", Decimal("50"), Decimal("41.2"), Decimal("6.3"), Decimal("2.5"))])
>>> b.discrepancy_m, b.closes
(Decimal('0.000'), True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MM = Decimal("0.001")
DEFAULT_TOLERANCE_M = Decimal("0.01")


def to_meters(value: Decimal | int | str) -> Decimal:
    """A length as Decimal meters at millimetre precision (half up). Floats are refused: not exact."""
    if isinstance(value, float | bool):
        raise TypeError(f"meters must be Decimal, int or str, not {type(value).__name__}")
    meters = Decimal(value)
    if not meters.is_finite():
        raise ValueError(f"meters must be finite, got {value!r}")
    return meters.quantize(MM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RollFlow:
    """Where one roll's meters went. Lengths are normalised to Decimal with 3 places on creation."""

    label: str
    received_m: Decimal
    garments_m: Decimal
    offcuts_m: Decimal
    remnant_m: Decimal
    other_orders_m: Decimal = Decimal(0)  # a roll shared between orders: what the others' lays took

    def __post_init__(self) -> None:
        for name in ("received_m", "garments_m", "offcuts_m", "remnant_m", "other_orders_m"):
            meters = to_meters(getattr(self, name))
            if meters < 0:
                raise ValueError(f"{self.label}: {name} must not be negative, got {meters}")
            object.__setattr__(self, name, meters)

    @property
    def used_m(self) -> Decimal:
        """Meters the roll's records account for (garments + off-cuts + other orders + remnant)."""
        return self.garments_m + self.offcuts_m + self.other_orders_m + self.remnant_m

    @property
    def discrepancy_m(self) -> Decimal:
        """Received minus accounted; negative means more was recorded out than came in."""
        return self.received_m - self.used_m


@dataclass(frozen=True)
class Balance:
    """Totals over the rolls; ``closes`` when |discrepancy_m| <= ``tolerance_m``."""

    rolls: tuple[RollFlow, ...]
    received_m: Decimal
    garments_m: Decimal
    offcuts_m: Decimal
    remnant_m: Decimal
    discrepancy_m: Decimal
    closes: bool
    tolerance_m: Decimal = field(default=DEFAULT_TOLERANCE_M)
    other_orders_m: Decimal = Decimal("0.000")

    def discrepancies(self) -> list[tuple[str, Decimal]]:
        """(label, discrepancy_m) of each roll that does not close on its own, in roll order.

        The total can close while two rolls are off in opposite directions (a lay booked on the
        wrong roll): this is the list that finds them.
        """
        return [(r.label, r.discrepancy_m) for r in self.rolls if abs(r.discrepancy_m) > self.tolerance_m]


def balance(flows: Sequence[RollFlow], *, tolerance_m: Decimal = DEFAULT_TOLERANCE_M) -> Balance:
    """Total the flows of the rolls and check that received = garments + off-cuts + other orders +
    remnants."""
    tolerance_m = Decimal(tolerance_m)
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must not be negative, got {tolerance_m}")
    rolls = tuple(flows)
    zero = Decimal("0.000")
    received_m = sum((r.received_m for r in rolls), zero)
    garments_m = sum((r.garments_m for r in rolls), zero)
    offcuts_m = sum((r.offcuts_m for r in rolls), zero)
    remnant_m = sum((r.remnant_m for r in rolls), zero)
    other_orders_m = sum((r.other_orders_m for r in rolls), zero)
    discrepancy_m = received_m - garments_m - offcuts_m - other_orders_m - remnant_m
    return Balance(
        rolls=rolls,
        received_m=received_m,
        garments_m=garments_m,
        offcuts_m=offcuts_m,
        remnant_m=remnant_m,
        discrepancy_m=discrepancy_m,
        closes=abs(discrepancy_m) <= tolerance_m,
        tolerance_m=tolerance_m,
        other_orders_m=other_orders_m,
    )


def meters_of_area(area_cm2: float, width_cm: Decimal) -> Decimal:
    """Length of fabric (m, rounded half up to the millimetre) that ``area_cm2`` takes on a roll
    ``width_cm`` wide: garments and off-cuts are known as nested areas, rolls are booked in meters.

    >>> meters_of_area(15000.0, Decimal("150"))
    Decimal('1.000')
    """
    if isinstance(area_cm2, bool) or not math.isfinite(area_cm2) or area_cm2 < 0:
        raise ValueError(f"area_cm2 must be a finite non-negative number, got {area_cm2!r}")
    width = Decimal(width_cm)
    if not width.is_finite() or width <= 0:
        raise ValueError(f"width_cm must be positive, got {width_cm!r}")
    # str() gives the shortest repr of the float, so 7.5 cm² stays 7.5 and not 7.4999999...
    area = Decimal(str(area_cm2)) if isinstance(area_cm2, float) else Decimal(area_cm2)
    return (area / width / 100).quantize(MM, rounding=ROUND_HALF_UP)
