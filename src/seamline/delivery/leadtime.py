"""Lead time from funding to the doorstep (pure: no Django): each pre-order's, and a drop's median, 90th
percentile and share delivered within a number of days.

    >>> t = lead_times([timedelta(days=d) for d in (2, 3, 4, 9)], local=5)
    >>> t.median_days, t.p90_days, t.within_pct
    (Decimal('3.5'), Decimal('7.5'), 60)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["LeadTimes", "lead_times", "quantile"]

WITHIN_DAYS = 7
_DAY = Decimal("0.1")


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, interpolating between the closest ranks (numpy's default).

    >>> quantile([1, 2, 3, 4], 0.5), quantile([1, 2, 3, 4], 0.9)
    (2.5, 3.7)
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 9)


@dataclass(frozen=True)
class LeadTimes:
    delivered: int  # pre-orders delivered
    local: int  # local pre-orders, delivered or not
    median_days: Decimal | None  # None: nothing delivered yet
    p90_days: Decimal | None
    within_days: int
    within_pct: int | None  # of the local pre-orders, delivered within ``within_days`` of funding

    @property
    def sentence(self) -> str:
        """ "delivered within 7 days of funding: 96 %" (or why there is no figure yet)."""
        if self.within_pct is None:
            return "no local pre-orders"
        return f"delivered within {self.within_days} days of funding: {self.within_pct} %"


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def lead_times(durations: Sequence[timedelta], *, local: int, within_days: int = WITHIN_DAYS) -> LeadTimes:
    """Figures of the funded → delivered ``durations`` of a drop's delivered pre-orders, out of ``local``.

    The share counts every local pre-order, delivered or not: one still on its way is not within the days.
    """
    if local < len(durations):
        raise ValueError("more deliveries than local pre-orders")
    days = [_days(d) for d in durations]
    within = sum(1 for d in days if d <= within_days)
    pct = int((Decimal(100 * within) / local).quantize(Decimal(1), ROUND_HALF_UP)) if local else None
    if not days:
        return LeadTimes(0, local, None, None, within_days, pct)
    median = Decimal(str(quantile(days, 0.5))).quantize(_DAY, ROUND_HALF_UP)
    p90 = Decimal(str(quantile(days, 0.9))).quantize(_DAY, ROUND_HALF_UP)
    return LeadTimes(len(days), local, median, p90, within_days, pct)
