"""Use cases that write drops: create, open, close, cancel. Pre-orders are in preorders.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.core.errors import ConflictError, ValidationError
from seamline.core.validation import FieldErrors

from . import tasks
from .models import Drop, DropVariant
from .preorders import delivery_window_parse
from .states import DropState, can_transition

RESERVED_SLUGS = frozenset({"new", "events", "orders", "status"})  # /drops/new/ and the like


def _when(errors: FieldErrors, name: str, value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        errors.add(name, f"{value!r} is not a date and time (ISO 8601).")
        return None
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


@transaction.atomic
def drop_create(
    *,
    brand: Organization,
    factory: Organization,
    style: Style,
    title: str,
    prices: Mapping[str, Any],
    run_cap: Any,
    opens_at: datetime | str,
    closes_at: datetime | str,
    threshold_units: Any = None,
    threshold_revenue: Any = None,
    variant_caps: Mapping[str, Any] | None = None,
    per_customer_limit: Any = 2,
    overcut_pct: Any = "3",
    slug: str = "",
    description: str = "",
    delivery_window: str = "",
    delivery_code_required: bool = True,
) -> Drop:
    """A draft drop of `style`: `prices` maps each SKU on offer to its price; `delivery_window`
    ("09:00-18:00", local time) is what a local customer who chooses none gets."""
    errors = FieldErrors()
    window = None
    try:
        window = delivery_window_parse(delivery_window)
    except ValueError as exc:
        errors.add("delivery_window", str(exc))
    title = errors.required("title", title)
    cap = errors.positive_int("run_cap", run_cap)
    units = (
        errors.positive_int("threshold_units", threshold_units) if threshold_units not in (None, "") else None
    )
    revenue = (
        errors.decimal("threshold_revenue", threshold_revenue, places=2, strictly_positive=True)
        if threshold_revenue not in (None, "")
        else None
    )
    if units is None and revenue is None:
        errors.add("threshold_units", "Give a funding threshold in units or in revenue.")
    if units and cap and units > cap:
        errors.add("threshold_units", f"The threshold ({units}) is above the run cap ({cap}).")
    limit = errors.positive_int("per_customer_limit", per_customer_limit)
    overcut = errors.decimal("overcut_pct", overcut_pct, places=2, min_value=0, max_value=50)
    opens, closes = _when(errors, "opens_at", opens_at), _when(errors, "closes_at", closes_at)
    if opens and closes and closes <= opens:
        errors.add("closes_at", "The drop must close after it opens.")
    skus = {v.sku: v for v in style.variants.all()}
    offers = []
    if not prices:
        errors.add("prices", "Offer at least one variant with a price.")
    for sku, price in prices.items():
        if sku not in skus:
            errors.add(f"prices.{sku}", f"{sku} is not a variant of {style.code}.")
            continue
        value = errors.decimal(f"prices.{sku}", price, places=2, strictly_positive=True)
        caps = variant_caps or {}
        variant_cap = (
            errors.positive_int(f"variant_caps.{sku}", caps[sku]) if caps.get(sku) not in (None, "") else None
        )
        offers.append(DropVariant(variant=skus[sku], price=value, cap=variant_cap))
    if style.organization_id != brand.pk:
        errors.add("style", "No such style.")
    if not factory.is_factory:
        errors.add("factory", f"{factory} is not a factory.")
    errors.raise_if_any("The drop is not valid")
    slug = slugify(slug or title)[:80]
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            "The drop's address is taken by a page", fields={"slug": f"'{slug}' is reserved."}
        )
    if Drop.objects.filter(slug=slug).exists():
        raise ConflictError(f"A drop at /d/{slug} exists", fields={"slug": "Already taken."})
    drop = Drop.objects.create(
        brand=brand,
        factory=factory,
        style=style,
        slug=slug,
        title=title,
        description=description,
        run_cap=cap,
        threshold_units=units,
        threshold_revenue=revenue,
        per_customer_limit=limit,
        opens_at=opens,
        closes_at=closes,
        overcut_pct=overcut,
        delivery_code_required=delivery_code_required,
        **(
            {"delivery_window_start": window[0], "delivery_window_end": window[1]}
            if window is not None
            else {}
        ),
    )
    for offer in offers:
        offer.drop = drop
    DropVariant.objects.bulk_create(offers)
    return drop


def _move(drop: Drop, target: DropState) -> Drop:
    drop = Drop.objects.select_for_update().get(pk=drop.pk)
    if not can_transition(drop.state, target):
        raise ConflictError(
            f"The drop is {drop.state}; it cannot become {target}",
            fields={"state": f"Not from {drop.state}."},
        )
    drop.state = target
    drop.save(update_fields=["state"])
    return drop


@transaction.atomic
def drop_open(*, drop: Drop) -> Drop:
    """Start taking pre-orders (within opens_at … closes_at)."""
    return _move(drop, DropState.LIVE)


@transaction.atomic
def drop_close(*, drop: Drop) -> Drop:
    """Past its closing time: a drop below its threshold closes unfunded and every hold is released.

    A funded drop stays funded (it stops selling because it is past closes_at).
    """
    drop = Drop.objects.select_for_update().get(pk=drop.pk)
    if drop.state == DropState.LIVE:
        drop = _move(drop, DropState.CLOSED_UNFUNDED)
        transaction.on_commit(lambda: tasks.drop_release_holds.enqueue(drop_id=drop.pk))
    return drop


@transaction.atomic
def drop_cancel(*, drop: Drop) -> Drop:
    """Call the drop off: holds are voided and captured payments refunded (in the background)."""
    drop = _move(drop, DropState.CANCELLED)
    transaction.on_commit(lambda: tasks.drop_release_holds.enqueue(drop_id=drop.pk))
    return drop
