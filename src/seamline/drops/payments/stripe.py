"""The Stripe provider: a PaymentIntent with manual capture is the hold, captured when the drop is funded.

Through the official `stripe` package (a `StripeClient` per process, so its HTTP connections are reused).
Settings, read from Django settings first and the environment second:

    SEAMLINE_STRIPE_SECRET_KEY       sk_… (required)
    SEAMLINE_STRIPE_API_BASE         default https://api.stripe.com; the tests point it at a local fake
    SEAMLINE_STRIPE_PAYMENT_METHOD   default "pm_card_visa": the provider interface carries no card, so the
                                     demo and the tests confirm with Stripe's test card; a live checkout
                                     needs the page to collect a PaymentMethod (Stripe Elements) first
    SEAMLINE_STRIPE_MAX_RETRIES      network retries of the library (default 2; safe: idempotency keys)
    SEAMLINE_STRIPE_TIMEOUT_S        per request (default 10): a buyer is waiting on the authorization

Card errors become PaymentDeclined (retrying will not help); every other failure becomes PaymentError.
"""

from __future__ import annotations

import functools
import os
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings

from .base import PaymentDeclined, PaymentError, ProviderHold

__all__ = ["StripeProvider", "to_minor_units"]

# Stripe counts most currencies in cents, these in whole units (https://docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()  # noqa: SIM905
)
_STATUS = {"requires_capture": "authorized", "succeeded": "captured", "canceled": "voided"}


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    return str(value) if value not in (None, "") else os.environ.get(name, default)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """
    >>> to_minor_units(Decimal("52.35"), "USD"), to_minor_units(Decimal("5200"), "JPY")
    (5235, 5200)
    """
    factor = 1 if currency.lower() in ZERO_DECIMAL else 100
    return int((Decimal(amount) * factor).to_integral_value())


def _from_minor_units(amount: int, currency: str) -> Decimal:
    factor = 1 if currency.lower() in ZERO_DECIMAL else 100
    return (Decimal(amount) / factor).quantize(Decimal(1) if factor == 1 else Decimal("0.01"))


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, retries: int, timeout_s: float) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout_s),
    )


class StripeProvider:
    """PaymentIntents with `capture_method="manual"`: authorize holds, capture takes, cancel releases."""

    name = "stripe"

    def __init__(self) -> None:
        key = _setting("SEAMLINE_STRIPE_SECRET_KEY")
        if not key:
            raise PaymentError("SEAMLINE_STRIPE_SECRET_KEY is not set; the Stripe provider cannot run.")
        self.client = _client(
            key,
            _setting("SEAMLINE_STRIPE_API_BASE", stripe.DEFAULT_API_BASE).rstrip("/"),
            int(_setting("SEAMLINE_STRIPE_MAX_RETRIES", "2")),
            float(_setting("SEAMLINE_STRIPE_TIMEOUT_S", "10")),
        )
        self.payment_method = _setting("SEAMLINE_STRIPE_PAYMENT_METHOD", "pm_card_visa")

    def authorize(
        self, *, amount: Decimal, currency: str, email: str, description: str, idempotency_key: str
    ) -> ProviderHold:
        params: dict[str, Any] = {
            "amount": to_minor_units(amount, currency),
            "currency": currency.lower(),
            "capture_method": "manual",
            "confirm": True,
            "payment_method": self.payment_method,
            "payment_method_types": ["card"],  # no redirect-based method, so no return_url is needed
            "receipt_email": email,
            "description": description[:1000],
            "metadata": {"seamline_hold": idempotency_key},
        }
        intent = self._call(self.client.v1.payment_intents.create, idempotency_key, params=params)
        if intent.status != "requires_capture":  # e.g. requires_action (3-D Secure): nothing is held
            raise PaymentDeclined(
                f"The card was not authorized (PaymentIntent {intent.id}: {intent.status})."
            )
        return self._hold(intent)

    def capture(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        return self._hold(self._call(self.client.v1.payment_intents.capture, idempotency_key, reference))

    def void(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        return self._hold(self._call(self.client.v1.payment_intents.cancel, idempotency_key, reference))

    def refund(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        refund = self._call(
            self.client.v1.refunds.create, idempotency_key, params={"payment_intent": reference}
        )
        return ProviderHold(
            reference=reference,
            amount=_from_minor_units(refund.amount, refund.currency),
            currency=refund.currency.upper(),
            status="refunded",
        )

    @staticmethod
    def _call(method: Any, idempotency_key: str, *args: Any, params: dict | None = None) -> Any:
        options = {"idempotency_key": idempotency_key}
        try:
            return method(*args, params=params or {}, options=options)
        except stripe.CardError as exc:
            raise PaymentDeclined(exc.user_message or str(exc)) from exc
        except stripe.StripeError as exc:  # connection, API, authentication, idempotency, rate limit
            raise PaymentError(f"Stripe: {exc.user_message or exc.__class__.__name__}") from exc

    @staticmethod
    def _hold(intent: Any) -> ProviderHold:
        return ProviderHold(
            reference=intent.id,
            amount=_from_minor_units(intent.amount, intent.currency),
            currency=intent.currency.upper(),
            status=_STATUS.get(intent.status, intent.status),
        )
