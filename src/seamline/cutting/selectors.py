"""Reads of the cutting room, scoped to the organization that asks."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet, Sum

from seamline.accounts.models import Organization
from seamline.catalog.models import FabricRoll, Material
from seamline.catalog.selectors import style_list
from seamline.facilities.models import Facility
from seamline.production.models import ProductionOrder

from .dxf_aama import write_dxf_aama
from .models import CutPlan, Lay, LayRoll, Marker, PatternPiece, PatternVersion
from .pattern import Pattern, Piece


def pattern_versions(*, organization: Organization, style_id: int) -> QuerySet[PatternVersion]:
    """The style's pattern versions, newest first, when the organization may see the style."""
    return (
        PatternVersion.objects.filter(style_id=style_id, style__in=style_list(organization=organization))
        .select_related("style", "uploaded_by")
        .order_by("-number")
    )


def pattern_version_get(*, organization: Organization, pk: int) -> PatternVersion | None:
    return (
        PatternVersion.objects.filter(pk=pk, style__in=style_list(organization=organization))
        .select_related("style", "uploaded_by")
        .first()
    )


def pattern_version_latest(*, style_id: int) -> PatternVersion | None:
    return PatternVersion.objects.filter(style_id=style_id).order_by("-number").first()


def pattern_of(version: PatternVersion) -> Pattern:
    """The stored version as the pure engines' Pattern (cm)."""
    pieces = tuple(_piece(row) for row in PatternPiece.objects.filter(version=version).order_by("position"))
    return Pattern(
        style_name=version.style_name,
        units=version.units,
        sample_size=version.sample_size,
        pieces=pieces,
        source=version.source_name,
    )


def _piece(row: PatternPiece) -> Piece:
    g = row.geometry

    def points(values: list) -> tuple[tuple[float, float], ...]:
        return tuple((float(x), float(y)) for x, y in values)

    return Piece(
        name=row.name,
        size=row.size,
        quantity=row.quantity,
        boundary=points(g["boundary"]),
        category=row.category,
        material=row.material,
        grain_line=points(g["grain_line"]) if g.get("grain_line") else None,  # type: ignore[arg-type]
        notches=points(g.get("notches", [])),
        drill_holes=points(g.get("drill_holes", [])),
        internal_lines=tuple(points(line) for line in g.get("internal_lines", [])),
        sew_line=points(g.get("sew_line", [])),
        mirrored_pair=row.mirrored_pair,
        grade_rules=tuple(g.get("grade_rules", [])),
    )


def pattern_dxf_bytes(version: PatternVersion) -> bytes:
    """The version written back as DXF-AAMA (every size as its own block)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pattern.dxf"
        write_dxf_aama(pattern_of(version), path)
        return path.read_bytes()


def order_demand(order: ProductionOrder) -> dict[str, dict[str, int]]:
    """Garments per size for each colourway of the order, sizes in the style's order."""
    by_colour: dict[str, dict[str, int]] = defaultdict(dict)
    for line in order.lines.select_related("variant").order_by("variant__position", "pk"):
        sizes = by_colour[line.variant.colour]
        sizes[line.variant.size] = sizes.get(line.variant.size, 0) + line.quantity
    return dict(by_colour)


def shell_fabric(order: ProductionOrder) -> Material | None:
    """The fabric of the style's shell, from its bill of materials."""
    lines = order.style.bom_lines.select_related("material").filter(material__kind=Material.Kind.FABRIC)
    shell = [line.material for line in lines if "shell" in line.placement.lower()]
    return shell[0] if shell else None


@dataclass(frozen=True)
class AvailableRoll:
    pk: int
    roll_id: str
    shade_lot: str
    available_m: Decimal


def rolls_available(*, factory_id: int, material_id: int, plan: CutPlan) -> list[AvailableRoll]:
    """The material's rolls at the factory's facilities, oldest first, with what other plans have not claimed.

    A roll's meters are claimed by the uncut lays of the newest finished plan of every other order and
    colourway (an older plan of the same order is replaced, so it claims nothing)."""
    rolls = FabricRoll.objects.filter(
        material_id=material_id,
        facility__in=Facility.objects.filter(organization_id=factory_id),
        remaining_m__gt=0,
    ).order_by("received_at", "pk")
    claimed = _claimed_m(material_id=material_id, except_order=plan.order_id, except_colour=plan.colour)
    out = []
    for roll in rolls:
        left = roll.remaining_m - claimed.get(roll.pk, Decimal(0))
        if left > 0:
            out.append(AvailableRoll(roll.pk, roll.roll_id, roll.shade_lot, left))
    return out


def _claimed_m(*, material_id: int, except_order: int, except_colour: str) -> dict[int, Decimal]:
    newest: dict[tuple[int, str], int] = {}
    for pk, order_id, colour in (
        CutPlan.objects.filter(material_id=material_id, status=CutPlan.Status.DONE)
        .exclude(order_id=except_order, colour=except_colour)
        .order_by("created_at", "pk")
        .values_list("pk", "order_id", "colour")
    ):
        newest[(order_id, colour)] = pk
    rows = (
        LayRoll.objects.filter(lay__plan_id__in=newest.values(), lay__cut_at__isnull=True)
        .values("roll_id")
        .annotate(meters=Sum("meters"))
        .order_by()
    )
    return {row["roll_id"]: row["meters"] for row in rows}


def cut_plans_of_order(*, organization: Organization, order_id: int) -> QuerySet[CutPlan]:
    return (
        CutPlan.objects.filter(order_id=order_id)
        .filter(Q(order__brand=organization) | Q(order__factory=organization))
        .select_related("material", "pattern_version")
        .order_by("-created_at", "-pk")
    )


def cut_plan_get(*, organization: Organization, pk: int) -> CutPlan | None:
    """One plan with its markers, lays and each lay's rolls, when the organization is a party to the order."""
    return (
        CutPlan.objects.filter(pk=pk)
        .filter(Q(order__brand=organization) | Q(order__factory=organization))
        .select_related("order__style", "order__factory", "order__brand", "material", "pattern_version")
        .select_related("recycler", "created_by")
        .prefetch_related(
            Prefetch("markers", queryset=Marker.objects.defer("dxf", "document").order_by("number")),
            Prefetch(
                "lays",
                queryset=Lay.objects.select_related("marker", "cut_by")
                .prefetch_related(Prefetch("roll_uses", queryset=LayRoll.objects.select_related("roll")))
                .order_by("number"),
            ),
        )
        .first()
    )


def marker_get(*, organization: Organization, pk: int) -> Marker | None:
    return (
        Marker.objects.filter(pk=pk)
        .filter(Q(plan__order__brand=organization) | Q(plan__order__factory=organization))
        .select_related("plan__order")
        .first()
    )


def lay_get(*, organization: Organization, pk: int) -> Lay | None:
    return (
        Lay.objects.filter(pk=pk)
        .filter(Q(plan__order__brand=organization) | Q(plan__order__factory=organization))
        .select_related("plan")
        .first()
    )
