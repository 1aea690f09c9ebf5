"""A drop's cash flow: the deposits it took against the fabric, trims and payroll its run will cost.

Pure module (no Django): plain numbers and frozen dataclasses in and out, money as Decimal.

The run is what the production order will make: each SKU's pre-ordered units plus its share of the run's
overcut, rounded up once for the run and shared by size (`caps.run_breakdown`, as the funded drop's order
does), summed per size because consumption is given per size. Materials cost consumption × units × price
(meters × price a meter for fabric, pieces × price a piece for trims); a fabric's consumption is its
markers' where a cut plan of the style exists, else the bill of materials' (the caller says which, in
`MaterialUse.source`). Payroll costs the style's standard minutes × units × the wage a minute.

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
>>> flow.overcut_rule
'10 sold + 1 overcut (10% of 10, rounded up once, shared by size)'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .caps import RunBreakdown, run_breakdown

__all__ = ["CashFlow", "CostLine", "MaterialUse", "Sale", "cash_flow", "cut_by_size", "run_of"]

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Sale:
    """The units pre-ordered of one SKU: its size, and its cap when it has one (its overcut stops there).
    Without a `sku`, each Sale counts as a SKU of its own."""

    size: str
    units: int
    sku: str = ""
    cap: int | None = None


@dataclass(frozen=True)
class MaterialUse:
    """One bill-of-materials line: per-garment consumption by size; `unit_price` a meter (fabric) or a piece
    (trim); None when the material has no price yet."""

    name: str
    kind: str  # "fabric" (meters) or "trim" (pieces)
    consumption: Mapping[str, Decimal]
    unit_price: Decimal | None
    placement: str = ""
    source: str = ""  # where `consumption` comes from: "from cut plan 7's markers", "from the BOM, …"
    bom_consumption: Mapping[str, Decimal] | None = None  # the BOM's, when `consumption` is the markers'


@dataclass(frozen=True)
class CostLine:
    label: str
    quantity: Decimal
    unit: str  # "m", "pieces" or "min"
    unit_price: Decimal | None  # per meter, piece or minute
    amount: Decimal
    source: str = ""
    bom_quantity: Decimal | None = None  # what the BOM would say, when the quantity is the markers'
    note: str = ""  # the BOM and the markers disagree: what to do about it


@dataclass(frozen=True)
class CashFlow:
    captured: Decimal
    held: Decimal
    cut_by_size: dict[str, int]
    materials: tuple[CostLine, ...]
    payroll: CostLine
    warnings: tuple[str, ...] = field(default=())
    overcut_rule: str = ""

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


def run_of(sold: Iterable[Sale], overcut_pct: Decimal) -> tuple[RunBreakdown, dict[str, str]]:
    """The run's breakdown by SKU (see caps.run_breakdown) and each SKU's size."""
    sales = [sale for sale in sold if sale.units > 0]
    keys = [sale.sku or f"#{i}" for i, sale in enumerate(sales)]
    units: dict[str, int] = {}
    for key, sale in zip(keys, sales, strict=True):
        units[key] = units.get(key, 0) + sale.units
    caps = {key: sale.cap for key, sale in zip(keys, sales, strict=True)}
    return run_breakdown(units, overcut_pct, caps=caps), dict(zip(keys, (s.size for s in sales), strict=True))


def cut_by_size(sold: Iterable[Sale], overcut_pct: Decimal) -> dict[str, int]:
    """Units to cut per size, in first-seen order: the overcut rounded up once for the run (3% of 17 is 1)
    and shared by largest remainder, ties to the sizes sold most.

    >>> cut_by_size([Sale("S", 6), Sale("M", 10), Sale("S", 1)], Decimal("3"))
    {'S': 7, 'M': 11}
    """
    return _by_size(*run_of(sold, overcut_pct))


def _by_size(run: RunBreakdown, size_of: Mapping[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in run.quantities.items():
        out[size_of[key]] = out.get(size_of[key], 0) + n
    return out


def _quantity(consumption: Mapping[str, Decimal], cut: Mapping[str, int]) -> Decimal:
    # Unrounded consumption (the markers' meters a garment have many places) times units, rounded once.
    return sum((Decimal(str(consumption.get(size, 0))) * n for size, n in cut.items()), Decimal(0)).quantize(
        MILLI, rounding=ROUND_HALF_UP
    )


def _material_line(use: MaterialUse, cut: Mapping[str, int], warnings: list[str]) -> CostLine:
    missing = [size for size in cut if size not in use.consumption]
    if missing:
        warnings.append(f"{use.name} has no consumption for size {', '.join(missing)}; counted as none.")
    quantity = _quantity(use.consumption, cut)
    if use.unit_price is None:
        warnings.append(f"{use.name} has no price; its cost is left out.")
        amount = Decimal("0.00")
    else:
        amount = (quantity * use.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    label = f"{use.name} ({use.placement})" if use.placement else use.name
    unit = "m" if use.kind == "fabric" else "pieces"
    return CostLine(
        label=label,
        quantity=quantity,
        unit=unit,
        unit_price=use.unit_price,
        amount=amount,
        source=use.source,
        bom_quantity=None if use.bom_consumption is None else _quantity(use.bom_consumption, cut),
    )


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
    run, size_of = run_of(sold, overcut_pct)
    cut = _by_size(run, size_of)
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
        overcut_rule=run.rule,
    )
