"""A live-stream rush: many buyers at once for the last units, on SQLite and PostgreSQL alike."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from seamline.drops.errors import SoldOut
from seamline.drops.models import Drop, DropVariant, PaymentHold, PreOrder
from seamline.drops.payments.manual import ManualProvider
from seamline.drops.preorders import _hold_ask
from seamline.drops.tasks import reconcile_holds

from .helpers import buy, make_drop


@pytest.mark.django_db(transaction=True)
def test_thirty_buyers_race_for_ten_units(brand, factory, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=10, per_customer=2, caps={"S": 3})
    barrier = threading.Barrier(30)
    results: list[str] = []
    lock = threading.Lock()

    def rush(n: int) -> None:
        size, qty = ["S", "M", "L"][n % 3], 1 + n % 2
        try:
            barrier.wait()
            po, _ = buy(drop, size, qty, n=n)
            outcome = f"ok:{po.units}"
        except SoldOut:
            outcome = "sold-out"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=rush, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    sold = sum(int(r.split(":")[1]) for r in results if r.startswith("ok"))
    drop.refresh_from_db()
    assert len(results) == 30
    assert sold == drop.units_sold == PreOrder.objects.filter(drop=drop).aggregate(n=Sum("units"))["n"]
    assert (
        sold <= 10 and drop.units_sold == DropVariant.objects.filter(drop=drop).aggregate(n=Sum("sold"))["n"]
    )
    assert DropVariant.objects.get(drop=drop, variant__size="S").sold <= 3
    assert sold >= 9  # the sold-out answers only start when the rest could not fit (at most 1 unit left over)
    assert drop.state == ("funded" if sold == 10 else "live")
    # Every refused buyer's hold was released; every kept one is attached to its pre-order.
    assert not PaymentHold.objects.filter(preorder__isnull=True, status="authorized").exists()
    assert PaymentHold.objects.filter(preorder__isnull=False).count() == PreOrder.objects.count()


def test_a_crash_between_the_hold_and_the_order_is_reconciled(brand, factory):
    """The process dies after the provider granted the hold and before the pre-order was written."""
    drop = make_drop(brand.org, factory.org)
    hold = _hold_ask(drop, ManualProvider(), Decimal("180.00"), "buyer@example.com", uuid.uuid4().hex)
    assert hold.status == "authorized" and hold.preorder_id is None
    assert reconcile_holds.call(older_than_s=60) == {"voided": 0}  # too young: it may still be in flight
    assert reconcile_holds.call(older_than_s=0) == {"voided": 1}
    hold.refresh_from_db()
    assert hold.status == "voided"
    assert Drop.objects.get(pk=drop.pk).units_sold == 0 and PreOrder.objects.count() == 0
