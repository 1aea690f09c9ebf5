"""The pre-order use case: caps, limits, idempotency, bad input, funding, holds."""

from decimal import Decimal

import pytest
from django.core import mail

from seamline.core.errors import ValidationError
from seamline.drops.errors import DropClosed, IdempotencyConflict, PaymentFailed, SoldOut
from seamline.drops.models import Drop, DropVariant, PaymentHold, PreOrder
from seamline.drops.payments import PaymentDeclined
from seamline.drops.payments.manual import ManualProvider
from seamline.drops.services import drop_close

from .helpers import buy, buyer, make_drop, sku


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _counts(drop):
    drop.refresh_from_db()
    return drop.units_sold, sum(v.sold for v in DropVariant.objects.filter(drop=drop))


def test_a_preorder_holds_payment_and_takes_units(brand, factory, django_capture_on_commit_callbacks):
    drop = make_drop(brand.org, factory.org)
    with django_capture_on_commit_callbacks(execute=True):
        po, created = buy(drop, "M", 2)
    assert created and (po.state, po.units, po.amount) == ("held", 2, Decimal("360.00"))
    assert po.local_delivery is True  # 90026 is a few km from the factory
    assert _counts(drop) == (2, 2)
    assert PaymentHold.objects.get(preorder=po).status == "authorized"
    assert mail.outbox[0].to == ["buyer1@example.com"] and po.access_token in mail.outbox[0].body


def test_far_away_orders_ship(brand, factory):
    po, _ = buy(make_drop(brand.org, factory.org), customer=buyer(1, zip_code="10001"))  # New York
    assert po.local_delivery is False


def test_replay_returns_the_same_order_and_a_changed_body_is_refused(brand, factory):
    drop = make_drop(brand.org, factory.org)
    first, created = buy(drop, "M", 1, key="k-1")
    again, created_again = buy(drop, "M", 1, key="k-1")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(IdempotencyConflict):
        buy(drop, "L", 1, key="k-1")
    assert _counts(drop) == (1, 1) and PreOrder.objects.count() == 1 and PaymentHold.objects.count() == 1


def test_run_cap_and_variant_cap_are_never_exceeded(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=3, threshold=3, caps={"S": 1})
    buy(drop, "S", 1, n=1)
    with pytest.raises(SoldOut) as err:
        buy(drop, "S", 1, n=2)
    assert err.value.shortfalls == {sku(drop, "S"): 1}
    buy(drop, "M", 2, n=3)
    with pytest.raises(SoldOut):
        buy(drop, "L", 1, n=4)
    assert _counts(drop) == (3, 3)
    assert not PaymentHold.objects.filter(preorder__isnull=True, status="authorized").exists()


def test_per_customer_limit_across_orders(brand, factory):
    drop = make_drop(brand.org, factory.org, per_customer=2)
    buy(drop, "M", 2, n=7)
    with pytest.raises(SoldOut) as err:
        buy(drop, "L", 1, n=7)
    assert err.value.shortfalls == {"customer": 1}
    assert PaymentHold.objects.filter(status="voided").count() == 1  # the refused one's hold is released
    assert _counts(drop) == (2, 2)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"basket": {"NOPE-XL": 1}}, "quantities.NOPE-XL"),
        ({"qty": 0}, None),
        ({"qty": 3}, "quantities"),
    ],
)
def test_bad_baskets_reserve_nothing(brand, factory, change, field):
    drop = make_drop(brand.org, factory.org, per_customer=2)
    if "basket" in change:
        from seamline.drops.preorders import preorder_place

        with pytest.raises(ValidationError) as err:
            preorder_place(drop=drop, customer=buyer(), basket=change["basket"], idempotency_key="x")
        assert field in err.value.fields
    elif "qty" in change:
        with pytest.raises(ValidationError) as err:
            buy(drop, "M", change["qty"])
        assert any(k.startswith("quantities") for k in err.value.fields)
    assert _counts(drop) == (0, 0) and PaymentHold.objects.count() == 0


def test_bad_email_and_zip_are_named(brand, factory):
    from seamline.drops.preorders import Customer

    drop = make_drop(brand.org, factory.org)
    bad = Customer(name="", email="nope", street="", city="", zip_code="00000")
    with pytest.raises(ValidationError) as err:
        buy(drop, customer=bad)
    assert set(err.value.fields) == {"name", "email", "street", "zip_code"}
    assert PaymentHold.objects.count() == 0


def test_closed_or_draft_drops_refuse(brand, factory):
    drop = make_drop(brand.org, factory.org, live=False)
    with pytest.raises(DropClosed):
        buy(drop)
    live = make_drop(brand.org, factory.org)
    Drop.objects.filter(pk=live.pk).update(closes_at=live.opens_at.replace(year=live.opens_at.year + 1))
    drop_close(drop=live)
    with pytest.raises(DropClosed):
        buy(live)
    assert PaymentHold.objects.count() == 0


class Declining(ManualProvider):
    def authorize(self, **kwargs):
        raise PaymentDeclined("card declined")


def test_a_declined_card_takes_nothing(brand, factory):
    drop = make_drop(brand.org, factory.org)
    with pytest.raises(PaymentFailed):
        buy(drop, provider=Declining())
    assert _counts(drop) == (0, 0) and PaymentHold.objects.get().status == "failed"


def test_crossing_the_threshold_funds_and_starts_production(
    brand, factory, django_capture_on_commit_callbacks
):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=4, overcut_pct="10")
    with django_capture_on_commit_callbacks(execute=True):
        for i, size in enumerate(["S", "M", "M"], start=1):
            buy(drop, size, 1, n=i)
    drop.refresh_from_db()
    assert drop.state == "live" and drop.production_order is None
    with django_capture_on_commit_callbacks(execute=True):
        buy(drop, "L", 1, n=4)
    drop.refresh_from_db()
    order = drop.production_order
    assert drop.state == "funded" and order.state == "planned" and order.factory == factory.org
    breakdown = {ln.variant.size: ln.quantity for ln in order.lines.select_related("variant")}
    # 1, 2, 1 sold: 10% of 4 rounded up once is 1 more, to M (the largest share of the sales).
    assert breakdown == {"S": 1, "M": 3, "L": 1}
    assert "4 sold + 1 overcut (10% of 4, rounded up once, shared by size)" in order.notes
    assert set(PaymentHold.objects.values_list("status", flat=True)) == {"captured"}
    assert set(PreOrder.objects.values_list("state", flat=True)) == {"captured"}
    assert any(m.subject.startswith("Funded — production started") for m in mail.outbox)
    # It keeps selling up to the cap, and production follows.
    with django_capture_on_commit_callbacks(execute=True):
        buy(drop, "L", 2, n=5)
    order.refresh_from_db()
    # 1, 2, 3 sold: still one overcut (10% of 6), now to L; the note follows the lines.
    assert {ln.variant.size: ln.quantity for ln in order.lines.select_related("variant")} == {
        "S": 1,
        "M": 2,
        "L": 4,
    }
    assert order.units == 6 + 1
    assert "6 sold + 1 overcut (10% of 6, rounded up once, shared by size)" in order.notes
    assert "4 sold" not in order.notes
