"""Drops (a capped, funded pre-order run of one style), their pre-orders and the payment holds behind them."""

import secrets
from datetime import time

from django.db import models

from seamline.accounts.models import Organization
from seamline.catalog.models import Style, Variant
from seamline.production.models import ProductionOrder

from .states import DropState

STATE_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in DropState]


class Drop(models.Model):
    brand = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="drops")
    factory = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="drops_to_make")
    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="drops")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state = models.CharField(
        max_length=20, choices=STATE_CHOICES, default=DropState.DRAFT.value, db_index=True
    )
    currency = models.CharField(max_length=3, default="USD")
    run_cap = models.PositiveIntegerField(help_text="most units the run will make")
    threshold_units = models.PositiveIntegerField(
        null=True, blank=True, help_text="funded at this many units"
    )
    threshold_revenue = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(default=2)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    overcut_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=3, help_text="extra % cut per size"
    )
    due_days = models.PositiveIntegerField(
        default=21, help_text="days from funding to the production due date"
    )
    # Counters kept by the pre-order transaction: a sold-out answer needs no lock and no SUM.
    units_sold = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    funded_at = models.DateTimeField(null=True, blank=True)
    production_order = models.OneToOneField(
        ProductionOrder, on_delete=models.SET_NULL, null=True, blank=True, related_name="drop"
    )
    # Local delivery: the window a customer gets unless they chose one, and whether the courier must be
    # given the 4-digit code the customer was e-mailed (a photo is always required).
    delivery_window_start = models.TimeField(default=time(9), help_text="local time")
    delivery_window_end = models.TimeField(default=time(18), help_text="local time")
    delivery_code_required = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(units_sold__lte=models.F("run_cap")), name="drop_never_oversold"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="drop_closes_after_open"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_units__isnull=False) | models.Q(threshold_revenue__isnull=False),
                name="drop_has_a_threshold",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_window_end__gt=models.F("delivery_window_start")),
                name="drop_delivery_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DropVariant(models.Model):
    drop = models.ForeignKey(Drop, on_delete=models.CASCADE, related_name="variants")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="drop_offers")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="most units of this SKU; blank: run cap only"
    )
    sold = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["drop", "variant__colour", "variant__position"]
        constraints = [
            models.UniqueConstraint(fields=["drop", "variant"], name="one_offer_per_variant"),
            models.CheckConstraint(
                condition=models.Q(cap__isnull=True) | models.Q(sold__lte=models.F("cap")),
                name="variant_never_oversold",
            ),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="drop_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku} @ {self.price}"


def _access_token() -> str:
    return secrets.token_urlsafe(24)


class PreOrder(models.Model):
    class State(models.TextChoices):
        HELD = "held", "Payment held"
        CAPTURED = "captured", "Paid"
        VOIDED = "voided", "Hold released"
        REFUNDED = "refunded", "Refunded"

    drop = models.ForeignKey(Drop, on_delete=models.PROTECT, related_name="preorders")
    state = models.CharField(max_length=16, choices=State.choices, default=State.HELD, db_index=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    zip_code = models.CharField(max_length=5)
    local_delivery = models.BooleanField(help_text="inside the courier zone; else it ships")
    # The delivery window the customer chose (local time); none: the drop's.
    delivery_window_start = models.TimeField(null=True, blank=True)
    delivery_window_end = models.TimeField(null=True, blank=True)
    units = models.PositiveIntegerField()
    # The approved pattern version on sale when the pre-order was placed (none: the style had no pattern yet).
    pattern_version = models.ForeignKey(
        "cutting.PatternVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="preorders"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the request, to refuse a reused key")
    access_token = models.CharField(max_length=64, unique=True, default=_access_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["drop", "idempotency_key"], name="preorder_idempotent"),
            models.CheckConstraint(
                condition=models.Q(delivery_window_start__isnull=True, delivery_window_end__isnull=True)
                | models.Q(delivery_window_end__gt=models.F("delivery_window_start")),
                name="preorder_delivery_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["drop", "email"], name="preorder_customer")]

    def __str__(self) -> str:
        return f"{self.name} · {self.units} × {self.drop}"

    @property
    def delivery_window(self) -> tuple[time, time]:
        """The customer's delivery window, else the drop's (local times)."""
        if self.delivery_window_start is not None and self.delivery_window_end is not None:
            return self.delivery_window_start, self.delivery_window_end
        return self.drop.delivery_window_start, self.drop.delivery_window_end


class PreOrderLine(models.Model):
    preorder = models.ForeignKey(PreOrder, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(DropVariant, on_delete=models.PROTECT, related_name="lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["preorder", "offer"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer_id}"


class PaymentHold(models.Model):
    """One authorization at the payment provider, recorded before the provider is called, so a crash between
    the provider's answer and the pre-order write leaves a row that reconciliation finds and voids."""

    class Status(models.TextChoices):
        PENDING = "pending", "Asked"
        AUTHORIZED = "authorized", "Held"
        CAPTURED = "captured", "Captured"
        VOIDED = "voided", "Voided"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Declined"

    drop = models.ForeignKey(Drop, on_delete=models.PROTECT, related_name="holds")
    provider = models.CharField(max_length=32)
    idempotency_key = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    preorder = models.OneToOneField(
        PreOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="hold"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider} {self.reference or self.idempotency_key} ({self.status})"
