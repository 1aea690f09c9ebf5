"""Background work of passports: issue an order's passports once its garments are packed."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from seamline.production.models import ProductionOrder

from .services import passports_issue


def progress_key(order_id: int) -> str:
    return f"passports:{order_id}"


@task()
def passports_issue_task(*, order_id: int) -> dict:
    """Issue and sign the passports of an order's packed garments, reporting progress in the cache."""
    order = ProductionOrder.objects.select_related("brand", "factory", "style").get(pk=order_id)
    issued = passports_issue(
        order=order, on_progress=lambda done, total: cache.set(progress_key(order_id), [done, total], 3600)
    )
    return {"order": order_id, "issued": len(issued)}


def issue_after_packing(order: ProductionOrder) -> None:
    """Packed garments get their passports (and hangtags) in the background, once the packing commits."""
    transaction.on_commit(lambda: passports_issue_task.enqueue(order_id=order.pk))
