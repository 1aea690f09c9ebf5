"""Reads of the floor: what has been done for an order after the cut."""

from __future__ import annotations

from django.db.models import F

from seamline.cutting.models import Bundle
from seamline.production.models import Garment, ProductionOrder


def order_floor(*, order: ProductionOrder) -> dict:
    """What the floor has done for an order: its bundles, garments and cartons."""
    return {
        "bundles": list(
            Bundle.objects.filter(lay__plan__order=order)
            .select_related("lay")
            .order_by("lay__number", "number")
        ),
        "garments": list(
            Garment.objects.filter(order=order)
            .select_related("variant", "carton")
            .annotate(passport_serial=F("passport__serial"))
            .order_by("serial")
        ),
        "cartons": list(order.cartons.order_by("number")),
    }
