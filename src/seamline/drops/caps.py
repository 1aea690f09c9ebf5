"""Cap arithmetic of a drop, as plain data: what is left, and whether a basket fits (no Django)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Availability", "basket_shortfalls", "funded_pct", "is_funded"]


@dataclass(frozen=True)
class Availability:
    run_cap: int
    units_sold: int
    variant_caps: Mapping[str, int | None]  # SKU -> cap (None: only the run cap limits it)
    variant_sold: Mapping[str, int]

    @property
    def units_left(self) -> int:
        return max(0, self.run_cap - self.units_sold)

    def left_of(self, sku: str) -> int:
        """Units of `sku` one buyer could still get: its own cap and the run cap, whichever is tighter."""
        cap = self.variant_caps.get(sku)
        own = self.units_left if cap is None else max(0, cap - self.variant_sold.get(sku, 0))
        return min(own, self.units_left)


def basket_shortfalls(availability: Availability, basket: Mapping[str, int]) -> dict[str, int]:
    """SKU (or "run" for the run cap) -> how many units too many; empty when the basket fits.

    >>> a = Availability(run_cap=70, units_sold=68, variant_caps={"M": 10}, variant_sold={"M": 10})
    >>> basket_shortfalls(a, {"M": 1, "L": 2})
    {'M': 1, 'run': 1}
    """
    short = {sku: n - availability.left_of(sku) for sku, n in basket.items() if n > availability.left_of(sku)}
    total = sum(basket.values())
    if total > availability.units_left:
        short["run"] = total - availability.units_left
    return short


def is_funded(
    *, units: int, revenue: Decimal, threshold_units: int | None, threshold_revenue: Decimal | None
) -> bool:
    """Funded once either threshold that is set is reached."""
    return (threshold_units is not None and units >= threshold_units) or (
        threshold_revenue is not None and revenue >= threshold_revenue
    )


def funded_pct(
    *, units: int, revenue: Decimal, threshold_units: int | None, threshold_revenue: Decimal | None
) -> int:
    """How far to funded, rounded down (100 means funded; it may pass 100): the nearer threshold that is set.

    >>> funded_pct(units=25, revenue=Decimal(0), threshold_units=50, threshold_revenue=None)
    50
    """
    ratios = []
    if threshold_units:
        ratios.append(Decimal(units) / threshold_units)
    if threshold_revenue:
        ratios.append(Decimal(revenue) / threshold_revenue)
    return int(max(ratios, default=Decimal(0)) * 100)
