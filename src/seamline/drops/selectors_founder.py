"""The founder's reads of a drop: its run (what was sold plus the overcut) and its cash flow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from seamline.catalog.models import BomLine, Style
from seamline.cutting.consumption import fabric_note, fabric_source
from seamline.cutting.selectors import marker_fabric_of_style

from .caps import RunBreakdown, run_breakdown
from .cashflow import CashFlow, MaterialUse, Sale, cash_flow
from .models import Drop, DropVariant, PreOrder, PreOrderLine

__all__ = ["drop_cash_flow", "drop_run", "material_uses"]


def drop_run(drop: Drop, offers: Iterable[DropVariant]) -> RunBreakdown:
    """The run as it stands, from the offers already loaded (no query): every unit taken (held or paid)
    plus the overcut, rounded up once and shared by size, within each SKU's cap."""
    offers = list(offers)
    return run_breakdown(
        {o.variant.sku: o.sold for o in offers},
        drop.overcut_pct,
        caps={o.variant.sku: o.cap for o in offers},
    )


def material_uses(style: Style, bom_lines: Iterable[BomLine]) -> list[MaterialUse]:
    """The style's BOM lines as the cash flow prices them. A fabric the style was cut in takes what the
    newest finished plan's markers take a garment (one query per fabric); else the BOM's consumption."""
    uses, marked = [], set()
    for bom in bom_lines:
        consumption = {size: Decimal(str(v)) for size, v in bom.consumption.items()}
        use = MaterialUse(
            name=bom.material.name,
            kind=bom.material.kind,
            consumption=consumption,
            unit_price=bom.material.price_per_m,
            placement=bom.placement,
        )
        if bom.material.kind == "fabric":
            # A plan nests the whole pattern in one fabric: only the first BOM line of it is the markers'.
            marker = None
            if bom.material_id not in marked:
                marker = marker_fabric_of_style(style_id=style.pk, material_id=bom.material_id)
            if marker is None:
                use = replace(use, source=fabric_source([]))
            else:
                marked.add(bom.material_id)
                missing = [size for size in style.sizes if size not in marker.per_garment_m]
                use = replace(
                    use,
                    consumption={**consumption, **marker.per_garment_m},
                    bom_consumption=consumption,
                    source=fabric_source([marker.plan_id], missing),
                )
        uses.append(use)
    return uses


def drop_cash_flow(
    drop: Drop, style: Style, by_state: Mapping[str, Mapping[str, Any]], *, wage_per_hour: Decimal
) -> CashFlow:
    """The cash flow of the drop's run, from its live pre-orders (held or paid), the style's fabric use
    (markers or BOM, see material_uses) and routing; a fabric line whose BOM and markers disagree says so."""
    sales = (
        PreOrderLine.objects.filter(
            preorder__drop=drop, preorder__state__in=[PreOrder.State.HELD, PreOrder.State.CAPTURED]
        )
        .order_by()
        .values("offer_id", "offer__variant__size", "offer__variant__sku", "offer__cap")
        .annotate(units=Sum("quantity"))
        .order_by("offer__variant__colour", "offer__variant__position")
    )
    flow = cash_flow(
        captured=by_state["captured"]["amount"],
        held=by_state["held"]["amount"],
        sold=[
            Sale(
                size=r["offer__variant__size"],
                units=r["units"],
                sku=r["offer__variant__sku"],
                cap=r["offer__cap"],
            )
            for r in sales
        ],
        overcut_pct=drop.overcut_pct,
        materials=material_uses(style, style.bom_lines.all()),
        sam_per_unit=style.total_sam,
        wage_per_hour=wage_per_hour,
    )
    lines = tuple(
        line
        if line.bom_quantity is None
        else replace(line, note=fabric_note(bom_m=line.bom_quantity, marker_m=line.quantity))
        for line in flow.materials
    )
    return replace(flow, materials=lines)
