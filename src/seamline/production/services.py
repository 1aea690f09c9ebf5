"""Use cases that write production orders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.core.errors import ConflictError, ValidationError
from seamline.core.validation import FieldErrors

from . import tasks
from .guards import transition_blockers
from .models import OrderTransition, ProductionOrder, ProductionOrderLine
from .states import BRAND, FACTORY, State, allowed_targets, can_transition


def _lines(errors: FieldErrors, style: Style, quantities: Mapping[str, Any]) -> list[tuple[int, int]]:
    """(variant id, quantity) from {sku: qty}; every SKU must be the style's and every quantity > 0."""
    variants = {v.sku: v.pk for v in style.variants.all()}
    lines = []
    if not quantities:
        errors.add("quantities", "Give a quantity for at least one size.")
    for sku, qty in quantities.items():
        if sku not in variants:
            errors.add(f"quantities.{sku}", f"{sku} is not a variant of {style.code}.")
            continue
        n = errors.positive_int(f"quantities.{sku}", qty)
        lines.append((variants[sku], n))
    return lines


# A micro-factory run is hundreds to a few thousand garments; ten thousand is already several months of a
# floor. Anything above is a typo (an extra zero, a pasted order number), and left through it would be cut
# and planned against; 2**31 would even overflow the column on PostgreSQL.
MAX_ORDER_UNITS = 10_000


def _check_run_size(errors: FieldErrors, quantities: Mapping[str, Any], lines: list[tuple[int, int]]) -> None:
    """Each SKU's units, and the order's total, at most MAX_ORDER_UNITS (junk is _lines' to name)."""
    for sku, qty in quantities.items():
        try:
            n = int(str(qty).strip())
        except ValueError:
            continue
        if n > MAX_ORDER_UNITS:
            errors.add(f"quantities.{sku}", f"At most {MAX_ORDER_UNITS:,} units an order (got {n:,}).")
    total = sum(q for _, q in lines)
    if total > MAX_ORDER_UNITS and not any(name.startswith("quantities.") for name in errors.errors):
        errors.add(
            "quantities", f"An order holds at most {MAX_ORDER_UNITS:,} units (these add up to {total:,})."
        )


def _check_due(errors: FieldErrors, due: date | None) -> None:
    # Today counts in the house's zone (America/Los_Angeles), not UTC: at 5 pm in LA it is already
    # tomorrow in UTC, and an order due today must still be accepted.
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    if due is not None and due < today:
        errors.add("due_date", f"{due} is in the past: a new order is due today ({today}) or later.")


@transaction.atomic
def production_order_create(
    *,
    brand: Organization,
    factory: Organization,
    style: Style,
    due_date: date | str,
    quantities: Mapping[str, Any],
    notes: str = "",
    by: AbstractBaseUser | None = None,
    backdated: bool = False,
    kind: str = ProductionOrder.Kind.PRODUCTION,
) -> ProductionOrder:
    """A draft order of `style` with `factory`; `quantities` maps SKU to units. `kind="sample"`: a sample's
    tiny order (fitting makes those), which may cut a pattern version still under review.

    `backdated=True` records an order placed in the past (the demo seed's delivered sample run), whose due
    date may be past; what people enter (forms, API) never passes it.
    """
    errors = FieldErrors()
    if kind not in ProductionOrder.Kind.values:
        errors.add("kind", f"One of {', '.join(ProductionOrder.Kind.values)}.")
    if not brand.is_brand:
        errors.add("brand", "Only a brand places production orders.")
    if style.organization_id != brand.pk:
        errors.add("style", "No such style.")
    if not factory.is_factory:
        errors.add("factory", f"{factory} is not a factory.")
    due = errors.date("due_date", due_date)
    if not backdated:
        _check_due(errors, due)
    lines = _lines(errors, style, quantities) if style.organization_id == brand.pk else []
    _check_run_size(errors, quantities, lines)
    errors.raise_if_any("The production order is not valid")
    order = ProductionOrder.objects.create(
        brand=brand,
        factory=factory,
        style=style,
        kind=kind,
        due_date=due,
        notes=notes,
        units=sum(q for _, q in lines),
    )
    ProductionOrderLine.objects.bulk_create(
        ProductionOrderLine(order=order, variant_id=vid, quantity=qty) for vid, qty in lines
    )
    OrderTransition.objects.create(order=order, source="", target=State.DRAFT, by=by, organization=brand)
    return order


def party_of(order: ProductionOrder, organization: Organization) -> str:
    return BRAND if organization.pk == order.brand_id else FACTORY


@transaction.atomic
def production_order_transition(
    *,
    order: ProductionOrder,
    target: str,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    note: str = "",
    when: datetime | None = None,
) -> ProductionOrder:
    """Move the order to `target`; an illegal move is refused and nothing changes. ``when`` back-dates
    the timeline entry (a move recorded after the fact, as the demo's sample run does)."""
    if target not in State.__members__.values():
        raise ValidationError(
            f"Unknown state {target!r}", fields={"target": f"One of {', '.join(s.value for s in State)}."}
        )
    # Lock the row and re-read the state so two people moving the same order can't both win.
    order = ProductionOrder.objects.select_for_update().get(pk=order.pk)
    party = party_of(order, organization)
    if not can_transition(order.state, target, party=party):
        allowed = ", ".join(allowed_targets(order.state, party=party)) or "none"
        raise ConflictError(
            f"A {party} cannot move an order from {order.state} to {target} (allowed: {allowed})",
            fields={"target": f"Not allowed from {order.state}."},
        )
    blockers = transition_blockers(order, target)
    if blockers:
        raise ConflictError(
            f"{order.number} cannot move from {order.state} to {target} yet: {' '.join(blockers)}",
            fields={"target": " ".join(blockers)},
        )
    source = order.state
    order.state = target
    order.save(update_fields=["state", "updated_at"])
    OrderTransition.objects.create(
        order=order,
        source=source,
        target=target,
        by=by,
        organization=organization,
        note=note[:300],
        at=when or timezone.now(),
    )
    if target == State.PLANNED:
        transaction.on_commit(lambda: tasks.notify_order_placed.enqueue(order_id=order.pk))
    return order


@transaction.atomic
def production_order_set_quantities(
    *, order: ProductionOrder, quantities: Mapping[str, Any], notes: str | None = None
) -> ProductionOrder:
    """Replace the breakdown of an order not yet cut (a funded drop keeps selling up to its cap), and its
    notes when given (they may state the breakdown's numbers)."""
    order = ProductionOrder.objects.select_for_update().select_related("style").get(pk=order.pk)
    if order.state not in (State.DRAFT, State.PLANNED):
        raise ConflictError(
            f"{order.number} is {order.state}: its quantities are fixed once cutting starts",
            fields={"quantities": "Fixed after planning."},
        )
    errors = FieldErrors()
    lines = _lines(errors, order.style, quantities)
    _check_run_size(errors, quantities, lines)  # a drop selling on after funding stays a sane run too
    errors.raise_if_any("The quantities are not valid")
    order.lines.all().delete()
    ProductionOrderLine.objects.bulk_create(
        ProductionOrderLine(order=order, variant_id=vid, quantity=qty) for vid, qty in lines
    )
    order.units = sum(q for _, q in lines)
    if notes is not None:
        order.notes = notes
    order.save(update_fields=["units", "notes", "updated_at"])
    return order
