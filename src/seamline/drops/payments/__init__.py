"""Payment providers behind one small interface: authorize (a hold), capture, void, refund.

Every call carries an idempotency key, so a retried call never charges twice.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PaymentDeclined, PaymentError, PaymentProvider, ProviderHold

__all__ = ["PaymentDeclined", "PaymentError", "PaymentProvider", "ProviderHold", "get_provider"]

PROVIDERS = {
    "manual": "seamline.drops.payments.manual.ManualProvider",
    "stripe": "seamline.drops.payments.stripe.StripeProvider",
}


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider named, or the one `SEAMLINE_PAYMENT_PROVIDER` names (default: manual)."""
    name = name or getattr(settings, "SEAMLINE_PAYMENT_PROVIDER", "manual")
    try:
        return import_string(PROVIDERS[name])()
    except KeyError:
        raise PaymentError(f"Unknown payment provider {name!r}; one of {', '.join(PROVIDERS)}") from None
