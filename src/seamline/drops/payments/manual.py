"""The manual provider: payment by invoice or cash, settled outside Seamline (the demo uses it).

There is no outside system to ask, so each call simply succeeds with a reference derived from the
idempotency key of the authorization: the same key always names the same hold.
"""

from decimal import Decimal

from .base import ProviderHold


class ManualProvider:
    name = "manual"

    def authorize(
        self, *, amount: Decimal, currency: str, email: str, description: str, idempotency_key: str
    ) -> ProviderHold:
        return ProviderHold(
            reference=f"manual:{idempotency_key}", amount=amount, currency=currency, status="authorized"
        )

    def _status(self, reference: str, status: str) -> ProviderHold:
        return ProviderHold(reference=reference, amount=Decimal(0), currency="", status=status)

    def capture(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        return self._status(reference, "captured")

    def void(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        return self._status(reference, "voided")

    def refund(self, *, reference: str, idempotency_key: str) -> ProviderHold:
        return self._status(reference, "refunded")
