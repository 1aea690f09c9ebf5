"""Public reads of drops: the page, its live counters and a customer's pre-order (no login, no tenant).

A drop page is public by design, so these selectors look drops up by slug rather than by organization; a
draft drop is not public yet and reads as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from seamline.core.errors import NotFoundError

from .caps import Availability
from .caps import funded_pct as caps_funded_pct
from .models import Drop, DropVariant, PreOrder
from .states import DropState

__all__ = ["drop_offers", "drop_public_get", "drop_status", "drop_status_of", "preorder_by_token"]

# A drop in these states no longer changes what the page shows: the live stream can stop.
SETTLED_STATES = frozenset({DropState.CLOSED_UNFUNDED, DropState.CANCELLED, DropState.FULFILLED})


def drop_public_get(*, slug: str) -> Drop:
    """The drop at /d/<slug>/ with its style; NotFoundError for an unknown slug or a draft."""
    drop = (
        Drop.objects.select_related("style", "brand").exclude(state=DropState.DRAFT).filter(slug=slug).first()
    )
    if drop is None:
        raise NotFoundError("No such drop.")
    return drop


def drop_offers(drop: Drop) -> list[DropVariant]:
    """The drop's variants on offer, by colour and size order, with their catalog variant."""
    return list(drop.variants.select_related("variant").order_by("variant__colour", "variant__position"))


def drop_funded_pct(drop: Drop) -> int:
    """How far to funded, in whole percent (see caps.funded_pct)."""
    return caps_funded_pct(
        units=drop.units_sold,
        revenue=drop.revenue,
        threshold_units=drop.threshold_units,
        threshold_revenue=drop.threshold_revenue,
    )


def drop_status_of(drop: Drop, offers: Iterable[DropVariant]) -> dict[str, Any]:
    """The status body built from rows already loaded (the page has them; no query here)."""
    offers = list(offers)
    availability = Availability(
        run_cap=drop.run_cap,
        units_sold=drop.units_sold,
        variant_caps={o.variant.sku: o.cap for o in offers},
        variant_sold={o.variant.sku: o.sold for o in offers},
    )
    return {
        "slug": drop.slug,
        "state": str(drop.state),
        "units_sold": drop.units_sold,
        "run_cap": drop.run_cap,
        "threshold_units": drop.threshold_units,
        "threshold_revenue": None if drop.threshold_revenue is None else str(drop.threshold_revenue),
        "revenue": str(Decimal(drop.revenue).quantize(Decimal("0.01"))),
        "funded_pct": drop_funded_pct(drop),
        "left": {o.variant.sku: availability.left_of(o.variant.sku) for o in offers},
        "closes_at": drop.closes_at.isoformat(),
    }


def drop_status(drop: Drop) -> dict[str, Any]:
    """What the page's counters show, read fresh (one query): the API's status body as JSON-ready values.

    {"slug", "state", "units_sold", "run_cap", "threshold_units", "threshold_revenue" (str or None),
    "revenue" (str, 2 places), "funded_pct" (int, may pass 100), "left": {sku: units}, "closes_at" (ISO 8601)}
    """
    offers = list(
        DropVariant.objects.filter(drop_id=drop.pk)
        .select_related("drop", "variant")
        .order_by("variant__colour", "variant__position")
    )
    fresh = offers[0].drop if offers else Drop.objects.get(pk=drop.pk)
    return drop_status_of(fresh, offers)


def preorder_by_token(*, slug: str, token: str) -> PreOrder:
    """The pre-order behind a private link, with its lines and drop; NotFoundError for a wrong token."""
    preorder = (
        PreOrder.objects.select_related("drop__style", "drop__brand")
        .prefetch_related("lines__offer__variant")
        .filter(drop__slug=slug, access_token=token)
        .first()
    )
    if preorder is None or not token:
        raise NotFoundError("No such pre-order.")
    return preorder
