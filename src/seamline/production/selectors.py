"""Reads of production orders, scoped to the organization that asks."""

from django.db.models import Count, Prefetch, Q, QuerySet

from seamline.accounts.models import Organization
from seamline.accounts.selectors import factory_list
from seamline.catalog.models import Style
from seamline.catalog.selectors import style_get
from seamline.core.errors import ValidationError
from seamline.trace.namespaces import Parties, parties, uuid_keys

from .models import Carton, Garment, OrderTransition, ProductionOrder, ProductionOrderLine
from .states import OPEN_STATES, State


def order_list(
    *,
    organization: Organization,
    state: str | None = None,
    style_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[ProductionOrder]:
    """Orders the organization placed (brand) or received (factory), newest first."""
    qs = ProductionOrder.objects.filter(Q(brand=organization) | Q(factory=organization))
    if state:
        qs = qs.filter(state=state)
    if style_id:
        qs = qs.filter(style_id=style_id)
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    return qs.select_related("style", "brand", "factory").order_by("-created_at", "-pk")


def order_get(*, organization: Organization, pk: int) -> ProductionOrder | None:
    return (
        order_list(organization=organization)
        .prefetch_related(
            Prefetch("lines", queryset=ProductionOrderLine.objects.select_related("variant")),
            Prefetch("transitions", queryset=OrderTransition.objects.select_related("by", "organization")),
        )
        .filter(pk=pk)
        .first()
    )


def order_counts_by_state(*, organization: Organization) -> list[tuple[str, int]]:
    """Open orders per state, in the order work flows, zeros included (for the dashboard)."""
    counts = dict(
        ProductionOrder.objects.filter(Q(brand=organization) | Q(factory=organization))
        .filter(state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(State(s).value, counts.get(s, 0)) for s in OPEN_STATES]


def style_and_factory(
    *, brand: Organization, style_id: int, factory_id: int, what: str
) -> tuple[Style, Organization]:
    """The brand's style and a factory of the directory, by id, for placing work (an order, a drop).

    ValidationError naming `style_id` and/or `factory_id` when one is not there (another brand's style
    counts as not there)."""
    style = style_get(organization=brand, pk=style_id)
    factory = factory_list().filter(pk=factory_id).first()
    errors = {"style_id": "No such style of yours."} if style is None else {}
    if factory is None:
        errors["factory_id"] = "No such factory in the directory."
    if errors:
        raise ValidationError(f"The {what} is not valid", fields=errors)
    return style, factory


def garment_get(*, organization: Organization, uid: str) -> Garment | None:
    """A garment of an order the organization placed or makes."""
    return (
        Garment.objects.filter(uid=uid)
        .filter(Q(order__brand=organization) | Q(order__factory=organization))
        .select_related("order__style", "variant")
        .first()
    )


def garments_known(uids: list[str]) -> dict[str, Parties]:
    """The ledger's look-up of garment identifiers (trace.namespaces): {uid: the order's brand, and its
    brand and factory as the parties}."""
    rows = Garment.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "order__brand_id", "order__factory_id"
    )
    return {str(uid): parties(brand, brand, factory) for uid, brand, factory in rows}


def cartons_known(uids: list[str]) -> dict[str, Parties]:
    rows = Carton.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "order__brand_id", "order__factory_id"
    )
    return {str(uid): parties(brand, brand, factory) for uid, brand, factory in rows}
