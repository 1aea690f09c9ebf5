"""The payment provider interface (plain Python)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

__all__ = ["PaymentDeclined", "PaymentError", "PaymentProvider", "ProviderHold"]


class PaymentError(Exception):
    """The provider could not be reached or answered something unexpected; the call may be retried."""


class PaymentDeclined(PaymentError):
    """The provider refused the payment (card declined); retrying will not help."""


@dataclass(frozen=True)
class ProviderHold:
    reference: str  # the provider's id of the authorization (a PaymentIntent id for Stripe)
    amount: Decimal
    currency: str
    status: str  # "authorized", "captured", "voided", "refunded"


class PaymentProvider(Protocol):
    name: str

    def authorize(
        self, *, amount: Decimal, currency: str, email: str, description: str, idempotency_key: str
    ) -> ProviderHold:
        """Hold `amount` without taking it."""
        ...

    def capture(self, *, reference: str, idempotency_key: str) -> ProviderHold: ...

    def void(self, *, reference: str, idempotency_key: str) -> ProviderHold: ...

    def refund(self, *, reference: str, idempotency_key: str) -> ProviderHold: ...
