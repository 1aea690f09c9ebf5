"""Cap arithmetic of a drop, as plain data: what is left, whether a basket fits, and the run a funded drop
places with the factory (what was sold plus the overcut). No Django."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Availability",
    "RunBreakdown",
    "basket_shortfalls",
    "funded_pct",
    "is_funded",
    "overcut_units",
    "run_breakdown",
]


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


def overcut_units(*, sold: int, overcut_pct: Decimal) -> int:
    """The run's overcut: `overcut_pct` % of the units sold, rounded up once for the whole run.

    >>> overcut_units(sold=50, overcut_pct=Decimal("3"))
    2
    """
    if sold <= 0:
        return 0
    return math.ceil(Decimal(sold) * Decimal(overcut_pct) / 100)


@dataclass(frozen=True)
class RunBreakdown:
    """What a drop's run cuts per SKU: the units sold plus each SKU's share of the run's overcut."""

    sold: Mapping[str, int]  # SKU -> units sold (SKUs with none left out), in the order given
    overcut: Mapping[str, int]  # SKU -> its share of the overcut
    overcut_pct: Decimal
    overcut_wanted: int  # ceil(overcut_pct % of the units sold)

    @property
    def units_sold(self) -> int:
        return sum(self.sold.values())

    @property
    def overcut_units(self) -> int:
        return sum(self.overcut.values())

    @property
    def quantities(self) -> dict[str, int]:
        """SKU -> units to cut."""
        return {sku: n + self.overcut.get(sku, 0) for sku, n in self.sold.items()}

    @property
    def units(self) -> int:
        return self.units_sold + self.overcut_units

    @property
    def rule(self) -> str:
        """The rule as the founder reads it, with this run's numbers.

        >>> run_breakdown({"S": 10, "M": 25, "L": 15}, Decimal("3")).rule
        '50 sold + 2 overcut (3% of 50, rounded up once, shared by size)'
        """
        sold, pct = self.units_sold, f"{Decimal(self.overcut_pct).normalize():f}"
        if not sold:
            return f"nothing sold yet ({pct}% overcut, rounded up once for the run, shared by size)"
        if not self.overcut_wanted:
            return f"{sold} sold, no overcut ({pct}% of {sold})"
        text = f"{sold} sold + {self.overcut_units} overcut ({pct}% of {sold}"
        if self.overcut_units == self.overcut_wanted:
            return text + ", rounded up once, shared by size)"
        short = self.overcut_wanted - self.overcut_units
        return (
            text + f" is {self.overcut_wanted} rounded up once, shared by size; {short} not cut: "
            "the sizes sold are at their caps)"
        )


def _largest_remainder(units: int, weights: Mapping[str, int]) -> dict[str, int]:
    """`units` shared in proportion to `weights` (Hamilton): whole parts first, then one more each to the
    largest remainders, ties to the larger weight, then to the first given. Exact integer arithmetic."""
    total = sum(weights.values())
    if not total:
        return dict.fromkeys(weights, 0)
    share = {key: units * w // total for key, w in weights.items()}
    position = {key: i for i, key in enumerate(weights)}
    ranked = sorted(weights, key=lambda k: (-(units * weights[k] % total), -weights[k], position[k]))
    for key in ranked[: units - sum(share.values())]:
        share[key] += 1
    return share


def run_breakdown(
    sold: Mapping[str, int], overcut_pct: Decimal, *, caps: Mapping[str, int | None] | None = None
) -> RunBreakdown:
    """The run of a funded drop: the overcut is rounded up once for the run (3% of 50 sold is 2, not one
    more per SKU), then shared across the SKUs sold by largest remainder of their share of the sales, ties
    to the SKUs sold most. A SKU with a cap never goes past it; its part goes to the others, and what no SKU
    can take is not cut (the rule says so).

    >>> run_breakdown({"XS": 1, "S": 7, "M": 19, "L": 16, "XL": 7}, Decimal("3")).quantities
    {'XS': 1, 'S': 7, 'M': 20, 'L': 17, 'XL': 7}
    >>> run_breakdown({"S": 1, "M": 2}, Decimal("50"), caps={"M": 2}).overcut
    {'S': 2, 'M': 0}
    """
    sold = {sku: int(n) for sku, n in sold.items() if n > 0}
    caps = caps or {}
    wanted = overcut_units(sold=sum(sold.values()), overcut_pct=overcut_pct)
    room = {
        sku: wanted if caps.get(sku) is None else max(0, caps[sku] - n)  # type: ignore[operator]
        for sku, n in sold.items()
    }
    fixed: dict[str, int] = {}
    open_skus = list(sold)
    while True:
        # A SKU whose share would pass its cap keeps what fits; the rest is shared again among the others.
        share = _largest_remainder(wanted - sum(fixed.values()), {sku: sold[sku] for sku in open_skus})
        over = [sku for sku in open_skus if share[sku] > room[sku]]
        if not over:
            fixed.update(share)
            break
        fixed.update({sku: room[sku] for sku in over})
        open_skus = [sku for sku in open_skus if sku not in over]
    return RunBreakdown(
        sold=sold,
        overcut={sku: fixed.get(sku, 0) for sku in sold},
        overcut_pct=Decimal(overcut_pct),
        overcut_wanted=wanted,
    )
