"""A drop's cash flow: the deposits it took against the fabric, trims and payroll its run will cost.

Pure module (no Django): plain numbers and frozen dataclasses in and out, money as Decimal.

The run is what the production order will make: each SKU's pre-ordered units plus the overcut, rounded up
per SKU (as `tasks.production_breakdown` does), summed per size because the bill of materials gives the
consumption per size. Materials cost consumption × units × price (meters × price a meter for fabric, pieces ×
price a piece for trims); payroll costs the style's standard minutes × units × the wage a minute.

>>> flow = cash_flow(
...     captured=Decimal("1800.00"),
...     held=Decimal("360.00"),
...     sold=[Sale(size="M", units=10)],
...     overcut_pct=Decimal("10"),
...     materials=[MaterialUse("Denim", "fabric", {"M": Decimal("1.800")}, Decimal("12.00"))],
...     sam_per_unit=Decimal("34.5"),
...     wage_per_hour=Decimal("20.00"),
... )
>>> flow.cut_units, flow.materials_total, flow.payroll.amount, flow.balance, flow.balance_if_all_captured
(11, Decimal('237.60'), Decimal('126.50'), Decimal('1435.90'), Decimal('1795.90'))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CashFlow", "CostLine", "MaterialUse", "Sale", "cash_flow", "cut_by_size"]

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Sale:
    """The units pre-ordered of one SKU (the overcut is rounded up per SKU, like the production order)."""

    size: str
    units: int


@dataclass(frozen=True)
class MaterialUse:
    """One bill-of-materials line: per-garment consumption by size; `unit_price` a meter (fabric) or a piece
    (trim); None when the material has no price yet."""

    name: str
    kind: str  # "fabric" (meters) or "trim" (pieces)
    consumption: Mapping[str, Decimal]
    unit_price: Decimal | None
    placement: str = ""


@dataclass(frozen=True)
class CostLine:
    label: str
    quantity: Decimal
    unit: str  # "m", "pieces" or "min"
    unit_price: Decimal | None  # per meter, piece or minute
    amount: Decimal


@dataclass(frozen=True)
class CashFlow:
    captured: Decimal
    held: Decimal
    cut_by_size: dict[str, int]
    materials: tuple[CostLine, ...]
    payroll: CostLine
    warnings: tuple[str, ...] = field(default=())

    @property
    def cut_units(self) -> int:
        return sum(self.cut_by_size.values())

    @property
    def materials_total(self) -> Decimal:
        return sum((line.amount for line in self.materials), Decimal("0.00"))

    @property
    def costs(self) -> Decimal:
        return self.materials_total + self.payroll.amount

    @property
    def balance(self) -> Decimal:
        """Captured deposits minus costs: a surplus when positive, the gap to fund when negative."""
        return self.captured - self.costs

    @property
    def balance_if_all_captured(self) -> Decimal:
        """The balance once every hold is captured too (what a live drop is heading for)."""
        return self.captured + self.held - self.costs


def cut_by_size(sold: Iterable[Sale], overcut_pct: Decimal) -> dict[str, int]:
    """Units to cut per size, the overcut rounded up per SKU (a 3% overcut on 6 is 7), in first-seen order.

    >>> cut_by_size([Sale("S", 6), Sale("M", 10), Sale("S", 1)], Decimal("3"))
    {'S': 9, 'M': 11}
    """
    factor = 1 + Decimal(overcut_pct) / 100
    out: dict[str, int] = {}
    for sale in sold:
        if sale.units > 0:
            out[sale.size] = out.get(sale.size, 0) + math.ceil(Decimal(sale.units) * factor)
    return out


def _material_line(use: MaterialUse, cut: Mapping[str, int], warnings: list[str]) -> CostLine:
    missing = [size for size in cut if size not in use.consumption]
    if missing:
        warnings.append(f"{use.name} has no consumption for size {', '.join(missing)}; counted as none.")
    quantity = sum(
        (Decimal(str(use.consumption.get(size, 0))) * n for size, n in cut.items()), Decimal(0)
    ).quantize(MILLI, rounding=ROUND_HALF_UP)
    if use.unit_price is None:
        warnings.append(f"{use.name} has no price; its cost is left out.")
        amount = Decimal("0.00")
    else:
        amount = (quantity * use.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    label = f"{use.name} ({use.placement})" if use.placement else use.name
    unit = "m" if use.kind == "fabric" else "pieces"
    return CostLine(label=label, quantity=quantity, unit=unit, unit_price=use.unit_price, amount=amount)


def cash_flow(
    *,
    captured: Decimal,
    held: Decimal,
    sold: Iterable[Sale],
    overcut_pct: Decimal,
    materials: Iterable[MaterialUse],
    sam_per_unit: Decimal,
    wage_per_hour: Decimal,
) -> CashFlow:
    """Deposits against what the run needs. Payroll counts every unit cut (overcut included): it is sewn."""
    cut = cut_by_size(sold, overcut_pct)
    warnings: list[str] = []
    lines = tuple(_material_line(use, cut, warnings) for use in materials)
    minutes = (Decimal(sam_per_unit) * sum(cut.values())).quantize(CENT, rounding=ROUND_HALF_UP)
    payroll = CostLine(
        label="Payroll (standard minutes × wage)",
        quantity=minutes,
        unit="min",
        unit_price=Decimal(wage_per_hour) / 60,
        # Multiply before dividing: the wage a minute ($0.333…) is never rounded on its own.
        amount=(minutes * Decimal(wage_per_hour) / 60).quantize(CENT, rounding=ROUND_HALF_UP),
    )
    return CashFlow(
        captured=Decimal(captured),
        held=Decimal(held),
        cut_by_size=cut,
        materials=lines,
        payroll=payroll,
        warnings=tuple(warnings),
    )
