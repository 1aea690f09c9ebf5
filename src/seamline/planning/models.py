"""What the planner knows beyond people: each facility's capacity and calendar, the schedules it computed
(kept: a re-schedule keeps what has started), and the line balances of a style."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from seamline.accounts.models import Organization
from seamline.catalog.models import Operation, Style
from seamline.facilities.models import Facility
from seamline.people.models import Worker
from seamline.production.models import ProductionOrder


class FacilityCapacity(models.Model):
    """A facility's finite capacity: how many units work in parallel (a dye house's jets, a laser's beds), the
    weekdays it is open, days it is closed, and for batch processes the cycle time and pieces per batch."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="capacity")
    parallel_units = models.PositiveSmallIntegerField(default=1)
    open_weekdays = models.JSONField(default=list, help_text="0 = Monday … 6 = Sunday")
    closed_on = models.JSONField(default=list, blank=True, help_text="ISO dates it is closed")
    batch_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="a batch's cycle")
    batch_pieces = models.PositiveIntegerField(null=True, blank=True, help_text="pieces a batch holds")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(parallel_units__gte=1), name="capacity_units_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.parallel_units} in parallel"


class Schedule(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="schedules")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    origin = models.DateTimeField(help_text="minute 0 of the plan's working-time axis")
    reason = models.CharField(max_length=300, blank=True, help_text="why it was (re)computed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    progress = models.CharField(max_length=300, blank=True)
    time_limit_s = models.PositiveIntegerField(default=20)
    solver_status = models.CharField(max_length=16, blank=True)
    makespan_min = models.PositiveIntegerField(null=True, blank=True)
    tardiness_min = models.PositiveIntegerField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    wall_s = models.FloatField(null=True, blank=True)
    # [{"order": "PO-00007", "operation": "Set sleeves", "reason": "…"}]: what could not be scheduled, why.
    unscheduled = models.JSONField(default=list, blank=True)
    late_orders = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Schedule of {self.created_at:%Y-%m-%d %H:%M}"


class ScheduledTask(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="tasks")
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="scheduled_tasks")
    lot = models.PositiveIntegerField(help_text="the order's transfer lot (a bundle's worth of garments)")
    units = models.PositiveIntegerField()
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    start_min = models.IntegerField()
    end_min = models.IntegerField()
    fixed = models.BooleanField(default=False, help_text="had started when planned: kept as it was")

    class Meta:
        ordering = ["schedule", "start_min", "pk"]
        indexes = [models.Index(fields=["schedule", "worker"], name="task_schedule_worker")]

    def __str__(self) -> str:
        return f"{self.order} lot {self.lot}: {self.operation}"


class LineBalance(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="line_balances")
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="line_balances")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    target_per_hour = models.DecimalField(max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)
    # The engine's answer: stations (worker id, position, operations, load), bottleneck, takt, status.
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.style} at {self.target_per_hour}/h"


class Reorder(models.Model):
    """A bestseller made again: the new run, the order or drop it repeats, and when it was asked for (the time
    from reorder to delivered is measured from here)."""

    order = models.OneToOneField(ProductionOrder, on_delete=models.CASCADE, related_name="reorder")
    source = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="reorders")
    source_drop_slug = models.SlugField(max_length=80, blank=True, help_text="the sold-out drop, if from one")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} repeats {self.source}"
