"""Workers (not every worker has a login), their skills per operation, paid apprenticeships, the days they
work and are away, and the scans that time each operation on a bundle."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from seamline.accounts.models import Organization
from seamline.catalog.models import Operation
from seamline.cutting.models import Bundle
from seamline.facilities.models import Facility


class Worker(models.Model):
    class Role(models.TextChoices):
        PATTERN_MAKER = "pattern_maker", "Pattern-maker"
        CUTTER = "cutter", "Cutter"
        OPERATOR = "operator", "Machine operator"
        PRESSER = "presser", "Presser"
        QC = "qc", "Quality checker"
        PACKER = "packer", "Packer"
        SUPERVISOR = "supervisor", "Line supervisor"
        APPRENTICE = "apprentice", "Apprentice"
        COURIER = "courier", "Bike messenger"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="workers")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="workers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="worker"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=Role.choices)
    # SB 62 (Cal. Labor Code § 2673.1): garment work is paid by the hour, never by the piece.
    hourly_wage = models.DecimalField(max_digits=7, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    hire_date = models.DateField()
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    home_zip = models.CharField(max_length=5, blank=True)
    home_zip_consent_at = models.DateTimeField(
        null=True, blank=True, help_text="when the worker agreed that their home ZIP be used in reports"
    )
    named_on_passports = models.BooleanField(
        default=False, help_text="the worker agreed to be named on the passports of garments they sewed"
    )
    # Mon..Sun working hours: [[start "HH:MM", end "HH:MM"] or null, ×7]; the factory's shift by default.
    shift = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hourly_wage__gt=0), name="worker_wage_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    class Level(models.TextChoices):
        TRAINEE = "trainee", "Trainee"
        COMPETENT = "competent", "Competent"
        MASTER = "master", "Master"

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="skills")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="skills")
    level = models.CharField(max_length=10, choices=Level.choices)
    # Measured from finished scans: standard minutes earned / minutes taken (None: not measured yet).
    efficiency = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    timed_units = models.PositiveIntegerField(default=0, help_text="garments behind the measured efficiency")
    # Fed back by QC: defects traced to this worker's work on this operation, and garments inspected.
    defects = models.PositiveIntegerField(default=0)
    inspected = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["worker", "operation__style", "operation__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "operation"], name="one_skill_per_operation"),
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.operation} ({self.level})"


class Absence(models.Model):
    """A day a worker is away (sick, holiday): the schedule plans around it."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="absences")
    day = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["worker", "day"], name="one_absence_a_day")]

    def __str__(self) -> str:
        return f"{self.worker} away {self.day}"


class WorkDay(models.Model):
    """Hours on the time clock for a day: what wages are paid from (hourly, never per piece)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="work_days")
    day = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    hourly_wage = models.DecimalField(max_digits=7, decimal_places=2, help_text="the rate paid that day")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="one_work_day"),
            models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=24), name="work_day_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.day}: {self.hours} h"


class Apprenticeship(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    apprentice = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="apprenticeships")
    mentor = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="mentoring")
    started_on = models.DateField()
    ends_on = models.DateField()
    hours_target = models.PositiveIntegerField(help_text="training hours the plan asks for")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(apprentice=models.F("mentor")), name="apprentice_not_own_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice} with {self.mentor}"


class TrainingGoal(models.Model):
    """One line of a training plan: an operation and the level the apprentice should reach."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="goals")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="+")
    target_level = models.CharField(max_length=10, choices=Skill.Level.choices)

    class Meta:
        ordering = ["apprenticeship", "operation__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["apprenticeship", "operation"], name="one_goal_per_operation")
        ]

    def __str__(self) -> str:
        return f"{self.operation} to {self.target_level}"


class TrainingLog(models.Model):
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="logs")
    day = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=12), name="training_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.hours} h"


class OperationScan(models.Model):
    """An operator's work on one operation of one bundle, timed by two scans on a phone (start, finish).
    One per bundle and operation: a repeated scan changes nothing twice."""

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="operation_scans")
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="scans")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="scans")
    units = models.PositiveIntegerField(help_text="garments in the bundle")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    minutes = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    standard_minutes = models.DecimalField(max_digits=8, decimal_places=2, help_text="SAM × units")

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "operation"], name="one_scan_per_bundle_operation"),
        ]
        indexes = [models.Index(fields=["worker", "operation"], name="scan_worker_operation")]

    def __str__(self) -> str:
        return f"{self.worker}: {self.operation} on bundle {self.bundle_id}"
