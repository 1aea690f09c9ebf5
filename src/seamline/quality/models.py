"""The defect catalogue, inspections of lots by AQL sampling (ISO 2859-1), and what they found."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from seamline.accounts.models import Organization
from seamline.catalog.models import Operation
from seamline.facilities.models import Facility
from seamline.people.models import Worker
from seamline.production.models import Garment, ProductionOrder


class DefectType(models.Model):
    class Severity(models.TextChoices):
        CRITICAL = "critical", "Critical"
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="defect_types")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta:
        ordering = ["severity", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="defect_code_unique")]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="inspections")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    lot_size = models.PositiveIntegerField()
    level = models.CharField(max_length=3, default="II")
    aql_major = models.CharField(max_length=6)
    aql_minor = models.CharField(max_length=6)
    code_letter = models.CharField(max_length=1)
    sample_size = models.PositiveIntegerField()
    accept_major = models.PositiveIntegerField()
    reject_major = models.PositiveIntegerField()
    accept_minor = models.PositiveIntegerField()
    reject_minor = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Inspection of {self.order} ({self.lot_size})"


class Finding(models.Model):
    """A defect found on a sampled garment, traced to the operation (and, through the scans, the operator)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    garment = models.ForeignKey(Garment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    defect_type = models.ForeignKey(DefectType, on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.defect_type}"
