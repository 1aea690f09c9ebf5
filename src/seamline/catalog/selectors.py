"""Reads of the catalog, scoped to the organization that asks."""

from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from seamline.accounts.models import Organization
from seamline.facilities.models import Facility
from seamline.trace.events import facility_uri
from seamline.trace.namespaces import OPEN, Parties, Stock, int_keys, parties, uuid_keys

from .models import BomLine, FabricRoll, Material, Operation, Style, Variant


def material_list(
    *, organization: Organization, kind: str | None = None, q: str | None = None
) -> QuerySet[Material]:
    """Own materials; for a factory also the brand's fabric it holds or must make an order from."""
    held = FabricRoll.objects.filter(facility__organization=organization).values("material_id")
    to_make = BomLine.objects.filter(style__production_orders__factory=organization).values("material_id")
    qs = Material.objects.filter(Q(organization=organization) | Q(pk__in=held) | Q(pk__in=to_make))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(mill__icontains=q) | Q(supplier__icontains=q))
    return qs.select_related("organization").prefetch_related("certifications").order_by("name", "pk")


def material_get(*, organization: Organization, pk: int) -> Material | None:
    return material_list(organization=organization).filter(pk=pk).first()


def material_own_list(*, organization: Organization) -> QuerySet[Material]:
    return Material.objects.filter(organization=organization).order_by("name")


def roll_list(
    *,
    organization: Organization,
    material_id: int | None = None,
    facility_id: int | None = None,
    shade_lot: str | None = None,
    in_stock: bool | None = None,
) -> QuerySet[FabricRoll]:
    """Rolls at the organization's facilities, and rolls of its own materials wherever they are."""
    # Two semi-joins, not an OR across two joins: the database can walk the rolls newest first (an index)
    # and stop at the page's end, and a count needs no join.
    qs = FabricRoll.objects.filter(
        Q(facility_id__in=Facility.objects.filter(organization=organization).values("pk"))
        | Q(material_id__in=Material.objects.filter(organization=organization).values("pk"))
    )
    if material_id:
        qs = qs.filter(material_id=material_id)
    if facility_id:
        qs = qs.filter(facility_id=facility_id)
    if shade_lot:
        qs = qs.filter(shade_lot=shade_lot)
    if in_stock is not None:
        qs = qs.filter(remaining_m__gt=0) if in_stock else qs.filter(remaining_m=0)
    return qs.select_related("material", "facility").order_by("-received_at", "pk")


def roll_get(*, organization: Organization, pk: int) -> FabricRoll | None:
    return roll_list(organization=organization).filter(pk=pk).first()


def fabric_on_hand(*, organization: Organization) -> list[dict]:
    """Meters on hand per material, largest first: [{"material_id", "material", "rolls", "meters"}]."""
    rows = (
        roll_list(organization=organization)
        .filter(remaining_m__gt=0)
        .order_by()
        .values("material_id", "material__name")
        .annotate(meters=Sum("remaining_m"), rolls=Count("pk"))
        .order_by("-meters", "material__name")
    )
    return [
        {
            "material_id": r["material_id"],
            "material": r["material__name"],
            "rolls": r["rolls"],
            "meters": Decimal(r["meters"]).quantize(Decimal("0.001")),
        }
        for r in rows
    ]


def style_list(
    *, organization: Organization, q: str | None = None, category: str | None = None
) -> QuerySet[Style]:
    """A brand's own styles; a factory sees the styles of orders placed with it."""
    if organization.is_brand:
        qs = Style.objects.filter(organization=organization)
    else:
        # Through the orders' foreign key by its relation name: production sits above the catalog.
        made_here = Style.objects.filter(production_orders__factory=organization).values("pk")
        qs = Style.objects.filter(pk__in=made_here)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if category:
        qs = qs.filter(category__iexact=category)
    return qs.select_related("organization").annotate(variant_count=_variant_count()).order_by("name", "pk")


def _variant_count() -> Coalesce:
    """A style's number of SKUs, as a subquery per row: no GROUP BY over the list, and a count of the list
    (the paginator's) leaves it out."""
    per_style = (
        Variant.objects.filter(style=OuterRef("pk"))
        .order_by()
        .values("style")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_style, output_field=IntegerField()), 0)


def style_get(*, organization: Organization, pk: int) -> Style | None:
    return (
        style_list(organization=organization)
        .prefetch_related(
            "variants",
            Prefetch("bom_lines", queryset=BomLine.objects.select_related("material")),
            Prefetch("operations", queryset=Operation.objects.order_by("sequence")),
        )
        .filter(pk=pk)
        .first()
    )


# The ledger's look-ups of the catalog's identifiers (trace.namespaces; added in apps.py) ---------------


def rolls_known(uids: list[str]) -> dict[str, Parties]:
    """{uid: its parties} of the rolls that exist: the brand whose fabric it is, and the organization of
    the facility holding it."""
    rows = FabricRoll.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "material__organization_id", "facility__organization_id"
    )
    return {str(uid): parties(brand, brand, holder) for uid, brand, holder in rows}


def roll_stock(uids: list[str]) -> dict[str, Stock]:
    rows = FabricRoll.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "roll_id", "remaining_m", "facility__organization_id", "facility__uid"
    )
    return {
        str(uid): Stock(left, f"roll {label}", "m", holder, facility_uri(place))
        for uid, label, left, holder, place in rows
    }


def materials_known(ids: list[str]) -> dict[str, Parties]:
    """Materials (and their off-cuts) by id. The ledger stamps no brand for a class of goods; its parties
    are the brand owning it and the factories holding rolls of it."""
    owners = dict(Material.objects.filter(pk__in=int_keys(ids)).values_list("pk", "organization_id"))
    holders: dict[int, set[int]] = {pk: {owner} for pk, owner in owners.items()}
    held = FabricRoll.objects.filter(material_id__in=owners).values_list(
        "material_id", "facility__organization_id"
    )
    for pk, holder in held.order_by().distinct():
        holders[pk].add(holder)
    return {str(pk): parties(None, *members) for pk, members in holders.items()}


def skus_known(skus: list[str]) -> dict[str, Parties]:
    """A partner may name any SKU (a class it makes): every one is taken as known, open to all."""
    return dict.fromkeys(skus, OPEN)
