"""Production orders: a style, a size/colour breakdown, the factory making it, and its state history;
the garments sewn for it (serials, the EPCs of their trace events) and the cartons they are packed in."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import Style, Variant

from .states import State

STATE_CHOICES = [(s.value, s.value.title()) for s in State]


class ProductionOrder(models.Model):
    class Kind(models.TextChoices):
        PRODUCTION = "production", "Production"
        SAMPLE = "sample", "Sample"

    brand = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders_placed")
    factory = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders_received")
    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="production_orders")
    # A sample is a tiny order (1-3 units) cut from a version under review, preferably from remnants.
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRODUCTION, db_index=True)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=State.DRAFT.value, db_index=True)
    due_date = models.DateField()
    # Sum of the lines' quantities, written with them (lines never change after creation): lists need no
    # GROUP BY.
    units = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The lists' order. Their filter is brand OR factory, which the two indexes below cannot serve in
            # order: with statistics, PostgreSQL walks this one and stops at the page's end.
            models.Index(fields=["-created_at", "-id"], name="order_newest"),
            models.Index(fields=["brand", "-created_at"], name="order_brand_newest"),
            models.Index(fields=["factory", "-created_at"], name="order_factory_newest"),
            models.Index(fields=["factory", "state"], name="order_factory_state"),
            models.Index(fields=["brand", "state"], name="order_brand_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.style.name}"

    @property
    def number(self) -> str:
        return f"PO-{self.pk:05d}"


class ProductionOrderLine(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "variant__colour", "variant__position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="one_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"


class OrderTransition(models.Model):
    """Who moved an order from one state to another, and when: the order's timeline."""

    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=16)
    target = models.CharField(max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.source or 'new'} → {self.target}"


class Carton(models.Model):
    """A packed carton of finished garments (the parent of an EPCIS AggregationEvent)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="cartons")
    number = models.PositiveIntegerField()
    packed_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="carton_number_unique")]

    def __str__(self) -> str:
        return f"Carton {self.number} of {self.order}"

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:carton:{self.uid}"


class Garment(models.Model):
    """One sewn garment with its serial: the EPC its passport and its trace events name."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="garments")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="garments")
    serial = models.PositiveIntegerField(help_text="1, 2, … within the order")
    bundle = models.ForeignKey(
        "cutting.Bundle", on_delete=models.PROTECT, null=True, blank=True, related_name="garment_set"
    )
    sewn_at = models.DateTimeField()
    inspected = models.BooleanField(null=True, blank=True, help_text="QC passed (None: not inspected yet)")
    carton = models.ForeignKey(
        Carton, on_delete=models.PROTECT, null=True, blank=True, related_name="garments"
    )

    class Meta:
        ordering = ["order", "serial"]
        constraints = [models.UniqueConstraint(fields=["order", "serial"], name="garment_serial_unique")]

    def __str__(self) -> str:
        return f"{self.order.number}-{self.serial:04d}"

    @property
    def label(self) -> str:
        return f"{self.order.number}-{self.serial:04d}"

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:garment:{self.uid}"
