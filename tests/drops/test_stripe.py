"""The Stripe provider through the official `stripe` package, against a local FAKE of Stripe's API."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from decimal import Decimal

import pytest

from seamline.drops import tasks
from seamline.drops.errors import PaymentFailed
from seamline.drops.models import Drop, PaymentHold, PreOrder
from seamline.drops.payments import PaymentDeclined, PaymentError, get_provider
from seamline.drops.payments.stripe import StripeProvider, to_minor_units
from seamline.drops.preorders import preorder_place

from .fake_stripe import DECLINED_CARD, FakeStripe
from .helpers import buyer, make_drop, sku


@pytest.fixture
def fake_stripe(settings) -> Iterator[FakeStripe]:
    fake = FakeStripe().start()
    settings.SEAMLINE_STRIPE_SECRET_KEY = "sk_test_seamline"
    settings.SEAMLINE_STRIPE_API_BASE = fake.url
    settings.SEAMLINE_STRIPE_MAX_RETRIES = 0
    yield fake
    fake.stop()


def _authorize(provider: StripeProvider, key: str = "hold-1", amount: str = "360.00"):
    return provider.authorize(
        amount=Decimal(amount),
        currency="USD",
        email="ana@example.com",
        description="Chore jacket drop",
        idempotency_key=key,
    )


def test_authorize_is_a_manual_capture_intent_for_the_amount_in_cents(fake_stripe) -> None:
    hold = _authorize(StripeProvider())

    intent = fake_stripe.intents[hold.reference]
    assert (hold.amount, hold.currency, hold.status) == (Decimal("360.00"), "USD", "authorized")
    assert (intent["amount"], intent["currency"], intent["capture_method"]) == (36000, "usd", "manual")
    assert (intent["status"], intent["payment_method"]) == ("requires_capture", "pm_card_visa")
    assert intent["receipt_email"] == "ana@example.com"
    assert intent["metadata"] == {"seamline_hold": "hold-1"}
    assert fake_stripe.calls == [("/v1/payment_intents", "hold-1")]


def test_capture_then_refund(fake_stripe) -> None:
    provider = StripeProvider()
    hold = _authorize(provider)

    captured = provider.capture(reference=hold.reference, idempotency_key="capture:hold-1")
    assert captured.status == "captured" and fake_stripe.intents[hold.reference]["status"] == "succeeded"
    refunded = provider.refund(reference=hold.reference, idempotency_key="refund:hold-1")

    assert (refunded.status, refunded.amount, refunded.currency) == ("refunded", Decimal("360.00"), "USD")
    assert [r["payment_intent"] for r in fake_stripe.refunds.values()] == [hold.reference]


def test_void_releases_the_hold_and_a_voided_hold_cannot_be_captured(fake_stripe) -> None:
    provider = StripeProvider()
    hold = _authorize(provider)

    voided = provider.void(reference=hold.reference, idempotency_key="void:hold-1")
    assert voided.status == "voided" and fake_stripe.intents[hold.reference]["status"] == "canceled"
    with pytest.raises(PaymentError) as err:
        provider.capture(reference=hold.reference, idempotency_key="capture:hold-1")
    assert not isinstance(err.value, PaymentDeclined)


def test_retries_with_the_same_key_make_one_intent_and_capture_once(fake_stripe) -> None:
    provider = StripeProvider()
    first, again = _authorize(provider), _authorize(StripeProvider())
    assert first == again and len(fake_stripe.intents) == 1

    once = provider.capture(reference=first.reference, idempotency_key="capture:hold-1")
    twice = provider.capture(reference=first.reference, idempotency_key="capture:hold-1")
    assert once == twice and twice.status == "captured"


def test_a_key_reused_for_another_amount_is_refused(fake_stripe) -> None:
    provider = StripeProvider()
    _authorize(provider)
    with pytest.raises(PaymentError):
        _authorize(provider, amount="180.00")
    assert len(fake_stripe.intents) == 1


def test_a_declined_card_is_payment_declined(fake_stripe, settings) -> None:
    settings.SEAMLINE_STRIPE_PAYMENT_METHOD = DECLINED_CARD

    with pytest.raises(PaymentDeclined, match="declined"):
        _authorize(StripeProvider())
    (intent,) = fake_stripe.intents.values()
    assert intent["status"] == "requires_payment_method"  # nothing is held on the card


def test_stripe_unreachable_is_a_payment_error(fake_stripe, settings) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        settings.SEAMLINE_STRIPE_API_BASE = f"http://127.0.0.1:{sock.getsockname()[1]}"

    with pytest.raises(PaymentError) as err:
        _authorize(StripeProvider())
    assert not isinstance(err.value, PaymentDeclined)


def test_a_wrong_key_or_none_is_a_payment_error(fake_stripe, settings) -> None:
    settings.SEAMLINE_STRIPE_SECRET_KEY = "pk_live_not_a_secret"
    with pytest.raises(PaymentError):
        _authorize(StripeProvider())
    settings.SEAMLINE_STRIPE_SECRET_KEY = ""
    with pytest.raises(PaymentError, match="SEAMLINE_STRIPE_SECRET_KEY"):
        StripeProvider()


def test_minor_units() -> None:
    assert to_minor_units(Decimal("52.35"), "USD") == 5235
    assert to_minor_units(Decimal("5200"), "jpy") == 5200


def test_a_funded_drop_captures_its_stripe_holds(fake_stripe, settings, brand, factory) -> None:
    settings.SEAMLINE_PAYMENT_PROVIDER = "stripe"
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=3)
    provider = get_provider()
    assert isinstance(provider, StripeProvider)
    first, _ = preorder_place(
        drop=drop, customer=buyer(1), basket={sku(drop, "M"): 2}, idempotency_key="a", provider=provider
    )
    again, created = preorder_place(
        drop=drop, customer=buyer(1), basket={sku(drop, "M"): 2}, idempotency_key="a", provider=provider
    )
    preorder_place(
        drop=drop, customer=buyer(2), basket={sku(drop, "L"): 1}, idempotency_key="b", provider=provider
    )
    assert again.pk == first.pk and not created and len(fake_stripe.intents) == 2
    assert Drop.objects.get(pk=drop.pk).state == "funded"

    result = tasks.drop_fund.call(drop_id=drop.pk)

    assert result["captured"] == 2
    assert {i["status"] for i in fake_stripe.intents.values()} == {"succeeded"}
    assert set(PreOrder.objects.values_list("state", flat=True)) == {"captured"}
    assert set(PaymentHold.objects.values_list("status", flat=True)) == {"captured"}
    drop.refresh_from_db()
    assert drop.production_order is not None and drop.production_order.units >= 3
    assert tasks.drop_fund.call(drop_id=drop.pk)["captured"] == 0  # converged: nothing captured twice


def test_a_declined_card_reserves_nothing(fake_stripe, settings, brand, factory) -> None:
    settings.SEAMLINE_STRIPE_PAYMENT_METHOD = DECLINED_CARD
    drop = make_drop(brand.org, factory.org)

    with pytest.raises(PaymentFailed):
        preorder_place(
            drop=drop,
            customer=buyer(1),
            basket={sku(drop, "M"): 1},
            idempotency_key="x",
            provider=StripeProvider(),
        )

    drop.refresh_from_db()
    assert drop.units_sold == 0 and not PreOrder.objects.exists()
    assert list(PaymentHold.objects.values_list("status", flat=True)) == ["failed"]
