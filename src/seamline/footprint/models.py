"""Published footprints: snapshots that never change (recalculating makes a new version)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from seamline.production.models import Garment, ProductionOrder


class FootprintSnapshot(models.Model):
    """An order's footprint as published: per garment lines, their factor version, the offshore baselines."""

    order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="footprints")
    version = models.PositiveIntegerField()
    registry_version = models.CharField(max_length=16)
    garments = models.PositiveIntegerField()
    co2e_gate_kg = models.DecimalField("kg CO2e a garment, cradle to gate", max_digits=12, decimal_places=4)
    co2e_customer_kg = models.DecimalField(
        "kg CO2e a garment, to the customer", max_digits=12, decimal_places=4
    )
    water_l = models.DecimalField("litres a garment", max_digits=14, decimal_places=2)
    water_saved_l = models.DecimalField(
        "litres a garment saved by waterless dyeing", max_digits=14, decimal_places=2, default=0
    )
    km = models.DecimalField("km a garment travels", max_digits=12, decimal_places=2)
    primary_share = models.DecimalField(max_digits=6, decimal_places=4)
    # Method 1 (2026.1) charged mill steps on all the fabric and had no end of life; method 2 applies each
    # mill step to the mass it touches, ships the fabric in and adds end of life and use as boundaries.
    method_version = models.PositiveSmallIntegerField(default=1)
    co2e_grave_kg = models.DecimalField(
        "kg CO2e a garment, cradle to grave (end of life, no use phase)",
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
    )
    co2e_use_kg = models.DecimalField(
        "kg CO2e a garment in use (washing, drying)", max_digits=12, decimal_places=4, null=True, blank=True
    )
    water_split = models.JSONField(
        default=dict, help_text="fibre / mill / factory -> L a garment; what water saved compares with"
    )
    unsourced = models.JSONField(
        default=list, help_text="[{factor_id, activity, reason}]: factors with no citable published value"
    )
    assumptions = models.JSONField(
        default=dict, help_text="grid basis, end of life, use phase and exclusions, as the page states them"
    )
    by_step = models.JSONField(help_text="step -> [kg CO2e, L], the average garment, cradle to customer")
    baselines = models.JSONField(help_text="country -> {co2e_customer_kg, km, by_step}, the average garment")
    sources = models.JSONField(default=list, help_text="every line's source, once (lines keep the index)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "-version"]
        constraints = [models.UniqueConstraint(fields=["order", "version"], name="footprint_version_unique")]

    def __str__(self) -> str:
        return f"{self.order} footprint v{self.version}"


class GarmentFootprint(models.Model):
    """One garment's lines in a snapshot: every figure with its activity, factor and source."""

    snapshot = models.ForeignKey(FootprintSnapshot, on_delete=models.CASCADE, related_name="garment_rows")
    garment = models.ForeignKey(Garment, on_delete=models.PROTECT, related_name="footprints")
    co2e_gate_kg = models.DecimalField(max_digits=12, decimal_places=4)
    co2e_customer_kg = models.DecimalField(max_digits=12, decimal_places=4)
    water_l = models.DecimalField(max_digits=14, decimal_places=2)
    water_saved_l = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    km = models.DecimalField(max_digits=12, decimal_places=2)
    lines = models.JSONField(help_text="compact rows: see footprint.storage")
    baselines = models.JSONField(help_text="country -> {co2e_customer_kg, km, delta: the rows that differ}")

    class Meta:
        ordering = ["snapshot", "garment__serial"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "garment"], name="garment_footprint_unique")
        ]

    def __str__(self) -> str:
        return f"{self.garment} in {self.snapshot}"
