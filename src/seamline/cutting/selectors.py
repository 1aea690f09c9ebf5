"""Reads of the cutting room, scoped to the organization that asks."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import F, Prefetch, Q, QuerySet, Sum

from seamline.accounts.models import Organization
from seamline.catalog.models import BomLine, FabricRoll, Material
from seamline.catalog.selectors import style_list
from seamline.facilities.models import Facility
from seamline.production.models import ProductionOrder
from seamline.trace.namespaces import Parties, int_keys, parties, uuid_keys

from .consumption import fabric_for, fabric_note, fabric_source, meters_per_garment
from .dxf_aama import write_dxf_aama
from .models import Bundle, CutPlan, Lay, LayRoll, Marker, PatternPiece, PatternVersion
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


def pattern_version_latest(*, style_id: int, approved: bool = False) -> PatternVersion | None:
    """The style's newest version; ``approved=True``: its newest approved one, the only one production cuts
    (a newer version under review or rejected is passed over), None when there is none."""
    versions = PatternVersion.objects.filter(style_id=style_id)
    if approved:
        versions = versions.filter(status=PatternVersion.Status.APPROVED)
    return versions.order_by("-number").first()


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


def garments_cut(*, order_id: int, colour: str) -> dict[str, int]:
    """Garments per size already cut for the order's colourway, by any of its plans (from the bundles)."""
    rows = (
        Bundle.objects.filter(
            lay__plan__order_id=order_id, lay__plan__colour=colour, lay__cut_at__isnull=False
        )
        .values("size")
        .annotate(n=Sum(F("ply_to") - F("ply_from") + 1))
        .order_by()
    )
    return {row["size"]: row["n"] for row in rows}


def demand_left(demand: dict[str, int], cut: dict[str, int]) -> dict[str, int]:
    """What is still to cut, size by size (an overcut size never goes below zero)."""
    return {size: n - cut.get(size, 0) for size, n in demand.items() if n > cut.get(size, 0)}


def active_plan(*, order_id: int, colour: str) -> CutPlan | None:
    """The plan the floor cuts from: the newest of the order's colourway that has not failed or been
    cancelled. An older plan is replaced by it, and its uncut lays are void."""
    return (
        CutPlan.objects.filter(order_id=order_id, colour=colour)
        .exclude(status__in=[CutPlan.Status.FAILED, CutPlan.Status.CANCELLED])
        .order_by("-created_at", "-pk")
        .first()
    )


def uncut_blocker(order: ProductionOrder) -> str | None:
    """Why the order cannot start sewing yet: garments of its breakdown not cut (None when all are)."""
    left_by_colour = {
        colour: demand_left(sizes, garments_cut(order_id=order.pk, colour=colour))
        for colour, sizes in order_demand(order).items()
    }
    left = {colour: sizes for colour, sizes in left_by_colour.items() if sizes}
    if not left:
        return None
    if not Lay.objects.filter(plan__order=order, cut_at__isnull=False).exists():
        return "Nothing is cut yet: plan the cut and mark its lays cut first."
    missing = "; ".join(
        f"{colour} " + ", ".join(f"{size} {n}" for size, n in sizes.items()) for colour, sizes in left.items()
    )
    plans = sorted(
        plan.pk for colour in left if (plan := active_plan(order_id=order.pk, colour=colour)) is not None
    )
    where = f" Mark the remaining lays of cut plan {', '.join(map(str, plans))} cut." if plans else ""
    return f"Garments still to cut: {missing}.{where}"


@dataclass(frozen=True)
class AvailableRoll:
    pk: int
    roll_id: str
    shade_lot: str
    available_m: Decimal
    remnant: bool = False  # already cut from: a roll end


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
            remnant = roll.remaining_m < roll.length_m
            out.append(AvailableRoll(roll.pk, roll.roll_id, roll.shade_lot, left, remnant))
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


# Fabric a garment takes: a finished plan's markers, else the bill of materials (arithmetic in consumption.py)


@dataclass(frozen=True)
class MarkerFabric:
    """What the markers of one finished cut plan say a garment takes: meters per size, unrounded."""

    plan_id: int
    per_garment_m: Mapping[str, Decimal]


def _marker_fabrics(plans: list[CutPlan]) -> dict[int, MarkerFabric]:
    """Each finished plan's meters a garment, from its pattern version's piece areas (one query)."""
    areas: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = PatternPiece.objects.filter(version_id__in={p.pattern_version_id for p in plans}).order_by("pk")
    for version_id, size, area, quantity in rows.values_list("version_id", "size", "area_cm2", "quantity"):
        sizes = areas[version_id]
        sizes[size] = sizes.get(size, Decimal(0)) + Decimal(str(area)) * quantity
    return {
        p.pk: MarkerFabric(
            p.pk,
            meters_per_garment(
                fabric_m=p.fabric_m,
                produced=p.produced,
                area_cm2=areas[p.pattern_version_id],
            ),
        )
        for p in plans
    }


def _done_plans() -> QuerySet[CutPlan]:
    return (
        CutPlan.objects.filter(status=CutPlan.Status.DONE, fabric_m__isnull=False)
        .only("pk", "colour", "material_id", "fabric_m", "produced", "pattern_version_id", "created_at")
        .order_by("-created_at", "-pk")
    )


def marker_fabric_of_style(*, style_id: int, material_id: int) -> MarkerFabric | None:
    """The newest finished cut plan of any order of the style in that material, as meters a garment per
    size: what a run of the style takes before its own order is planned. None when there is none."""
    plan = _done_plans().filter(order__style_id=style_id, material_id=material_id).first()
    return _marker_fabrics([plan])[plan.pk] if plan is not None else None


@dataclass(frozen=True)
class MaterialNeed:
    """What an order needs of one material of its style's BOM."""

    material: Material
    placement: str
    amount: Decimal  # meters (fabric) or pieces (trim)
    unit: str  # "m" or "pieces"
    source: str = ""  # fabric: "from cut plan 7's markers" or "from the BOM, no marker yet"
    note: str = ""  # fabric: the BOM and the markers disagree (fabric_note)
    bom_amount: Decimal | None = None  # fabric: the BOM's figure for the same garments


def order_material_needs(*, order: ProductionOrder, bom_lines: Iterable[BomLine]) -> list[MaterialNeed]:
    """The order's needs of each BOM line (2 queries; `order.lines` with their variants may be prefetched).

    A fabric the order has a finished cut plan in takes what the markers take: each colourway's newest
    finished plan, or the order's newest in that fabric for a colourway not planned yet, meters a garment
    per size × the colourway's units. Only the first BOM line of a fabric is the markers' (a plan nests the
    whole pattern in one fabric). Everything else is the BOM's consumption × units.
    """
    demand: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in order.lines.all():
        demand[line.variant.colour][line.variant.size] += line.quantity
    units: dict[str, int] = defaultdict(int)
    for sizes in demand.values():
        for size, n in sizes.items():
            units[size] += n
    plans = list(_done_plans().filter(order=order))
    markers = _marker_fabrics(plans) if plans else {}
    needs: list[MaterialNeed] = []
    marked: set[int] = set()
    for bom in bom_lines:
        consumption = {size: Decimal(str(v)) for size, v in bom.consumption.items()}
        bom_amount = fabric_for(consumption, units)
        if bom.material.kind != Material.Kind.FABRIC:
            needs.append(MaterialNeed(bom.material, bom.placement, bom_amount, "pieces"))
            continue
        mine = [p for p in plans if p.material_id == bom.material_id]
        if not mine or bom.material_id in marked:
            needs.append(MaterialNeed(bom.material, bom.placement, bom_amount, "m", fabric_source([])))
            continue
        marked.add(bom.material_id)
        used, from_bom, meters = [], [], Decimal(0)
        for colour, sizes in demand.items():
            plan = next((p for p in mine if p.colour == colour), mine[0])
            marker = markers[plan.pk].per_garment_m
            used.append(plan.pk)
            from_bom += [size for size in sizes if size not in marker]
            per_garment = {**consumption, **marker}
            meters += sum((per_garment.get(size, Decimal(0)) * n for size, n in sizes.items()), Decimal(0))
        amount = meters.quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )  # rounded once, over all colourways
        source = fabric_source(sorted(used), from_bom)
        note = fabric_note(bom_m=bom_amount, marker_m=amount)
        needs.append(MaterialNeed(bom.material, bom.placement, amount, "m", source, note, bom_amount))
    return needs


def pattern_versions_known(keys: list[str]) -> dict[str, Parties]:
    """The ledger's look-up of pattern version identifiers (``urn:seamline:pattern:<id>``): the style's
    brand, and the factories making its orders, as parties."""
    ids = int_keys(keys)
    brands = dict(PatternVersion.objects.filter(pk__in=ids).values_list("pk", "style__organization_id"))
    factories: dict[int, set[int]] = defaultdict(set)
    for pk, factory in PatternVersion.objects.filter(pk__in=ids).values_list(
        "pk", "style__production_orders__factory_id"
    ):
        if factory is not None:
            factories[pk].add(factory)
    return {str(pk): parties(brand, brand, *factories[pk]) for pk, brand in brands.items()}


def bundles_known(uids: list[str]) -> dict[str, Parties]:
    """The ledger's look-up of bundle identifiers (trace.namespaces): {uid: the order's brand, and its
    brand and factory as the parties}."""
    rows = Bundle.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "lay__plan__order__brand_id", "lay__plan__order__factory_id"
    )
    return {str(uid): parties(brand, brand, factory) for uid, brand, factory in rows}
