"""Use cases that write production orders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.core.errors import ConflictError, ValidationError
from seamline.core.validation import FieldErrors

from . import tasks
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
) -> ProductionOrder:
    """A draft order of `style` with `factory`; `quantities` maps SKU to units."""
    errors = FieldErrors()
    if not brand.is_brand:
        errors.add("brand", "Only a brand places production orders.")
    if style.organization_id != brand.pk:
        errors.add("style", "No such style.")
    if not factory.is_factory:
        errors.add("factory", f"{factory} is not a factory.")
    due = errors.date("due_date", due_date)
    lines = _lines(errors, style, quantities) if style.organization_id == brand.pk else []
    errors.raise_if_any("The production order is not valid")
    order = ProductionOrder.objects.create(
        brand=brand, factory=factory, style=style, due_date=due, notes=notes, units=sum(q for _, q in lines)
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
) -> ProductionOrder:
    """Move the order to `target`; an illegal move is refused and nothing changes."""
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
    source = order.state
    order.state = target
    order.save(update_fields=["state", "updated_at"])
    OrderTransition.objects.create(
        order=order, source=source, target=target, by=by, organization=organization, note=note[:300]
    )
    if target == State.PLANNED:
        transaction.on_commit(lambda: tasks.notify_order_placed.enqueue(order_id=order.pk))
    return order


@transaction.atomic
def production_order_set_quantities(
    *, order: ProductionOrder, quantities: Mapping[str, Any]
) -> ProductionOrder:
    """Replace the breakdown of an order not yet cut (a funded drop keeps selling up to its cap)."""
    order = ProductionOrder.objects.select_for_update().select_related("style").get(pk=order.pk)
    if order.state not in (State.DRAFT, State.PLANNED):
        raise ConflictError(
            f"{order.number} is {order.state}: its quantities are fixed once cutting starts",
            fields={"quantities": "Fixed after planning."},
        )
    errors = FieldErrors()
    lines = _lines(errors, order.style, quantities)
    errors.raise_if_any("The quantities are not valid")
    order.lines.all().delete()
    ProductionOrderLine.objects.bulk_create(
        ProductionOrderLine(order=order, variant_id=vid, quantity=qty) for vid, qty in lines
    )
    order.units = sum(q for _, q in lines)
    order.save(update_fields=["units", "updated_at"])
    return order
