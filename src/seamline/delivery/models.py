"""Local delivery: couriers and their vehicles, parcels (a packed local pre-order) and transfers between
facilities, a day's plan of routes and stops, and what happened at each stop (proof, failed attempts).

Everything belongs to the organization that delivers (the factory), as facilities and orders do; a brand
reads the parcels of its drops.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models

from seamline.accounts.models import Organization
from seamline.drops.models import PreOrder
from seamline.facilities.models import Facility
from seamline.production.models import Garment, ProductionOrder


class Courier(models.Model):
    """Someone who delivers: a person of the organization, or another company (``company``). Either signs in
    with their own login (``user``: a member of the organization, as every user is)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="couriers")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True, help_text="the courier company, if not staff")
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courier_profiles",
        help_text="the courier's login (a member of the organization)",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="one_courier_per_login")]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    @property
    def login(self) -> str | None:
        return self.user.get_username() if self.user is not None else None


class Vehicle(models.Model):
    class Kind(models.TextChoices):
        E_CARGO_BIKE = "e_cargo_bike", "E-cargo bike"
        E_VAN = "e_van", "Electric van"
        CAR = "car", "Car"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="vehicles")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    profile = models.CharField(max_length=16, help_text="travel-matrix profile: bike, van, car")
    capacity_parcels = models.PositiveIntegerField()
    capacity_kg = models.DecimalField(max_digits=7, decimal_places=2)
    speed_kmh = models.DecimalField(max_digits=5, decimal_places=1, help_text="average speed in the city")
    range_km = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, help_text="on one charge; blank: no limit"
    )
    shift_start = models.TimeField(default=time(9))
    shift_end = models.TimeField(default=time(17))
    break_start = models.TimeField(null=True, blank=True, help_text="earliest start of the break")
    break_end = models.TimeField(null=True, blank=True, help_text="latest end of the break")
    break_minutes = models.PositiveSmallIntegerField(default=0)
    start_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    end_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    courier = models.ForeignKey(
        Courier, on_delete=models.SET_NULL, null=True, blank=True, related_name="vehicles"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shift_end__gt=models.F("shift_start")), name="shift_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_kg__gt=0), name="vehicle_capacity_kg_positive"
            ),
            models.CheckConstraint(condition=models.Q(speed_kmh__gt=0), name="vehicle_speed_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:vehicle:{self.uid}"


class Precision(models.TextChoices):
    ZIP_CENTROID = "zip_centroid", "ZIP centroid (not the doorstep)"
    DOORSTEP = "doorstep", "Doorstep"


class Parcel(models.Model):
    """One local pre-order's garments in one parcel, to one address."""

    class Status(models.TextChoices):
        READY = "ready", "Ready at the hub"
        ON_VEHICLE = "on_vehicle", "On a vehicle"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Not delivered, next attempt planned"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="parcels")
    brand = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="parcels_of_brand")
    preorder = models.OneToOneField(PreOrder, on_delete=models.PROTECT, related_name="parcel")
    order = models.ForeignKey(ProductionOrder, on_delete=models.PROTECT, related_name="parcels")
    hub = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    garments = models.ManyToManyField(Garment, through="ParcelItem", related_name="parcels")
    weight_kg = models.DecimalField(max_digits=7, decimal_places=3)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    zip_code = models.CharField(max_length=5)
    latitude = models.FloatField()
    longitude = models.FloatField()
    precision = models.CharField(max_length=16, choices=Precision.choices, default=Precision.ZIP_CENTROID)
    window_start = models.TimeField(help_text="local time")
    window_end = models.TimeField(help_text="local time")
    code_required = models.BooleanField(default=True)
    code_hash = models.CharField(max_length=64, blank=True, help_text="HMAC-SHA256 of the 4-digit code")
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_failures = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY, db_index=True)
    next_attempt_on = models.DateField(null=True, blank=True)
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="aboard"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="parcel_window"
            ),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="parcel_weight_positive"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="parcel_org_status")]

    def __str__(self) -> str:
        return f"Parcel {self.label}"

    @property
    def label(self) -> str:
        return f"P-{self.pk:05d}"

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:parcel:{self.uid}"


class ParcelItem(models.Model):
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="items")
    garment = models.OneToOneField(Garment, on_delete=models.PROTECT, related_name="parcel_item")

    class Meta:
        ordering = ["parcel", "garment"]

    def __str__(self) -> str:
        return f"{self.garment_id} in {self.parcel_id}"


class Transfer(models.Model):
    """Goods moved between two facilities of the organization (cut pieces to the dye house): a pickup and a
    delivery, on one vehicle, pickup first."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for pickup"
        ON_VEHICLE = "on_vehicle", "On a vehicle"
        DELIVERED = "delivered", "Delivered"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="transfers")
    order = models.ForeignKey(
        ProductionOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    description = models.CharField(max_length=200)
    origin = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    pickup_start = models.TimeField(default=time(8))
    pickup_end = models.TimeField(default=time(17))
    dropoff_start = models.TimeField(default=time(8))
    dropoff_end = models.TimeField(default=time(17))
    parcels = models.PositiveIntegerField(default=1, help_text="boxes or bags")
    weight_kg = models.DecimalField(max_digits=7, decimal_places=3)
    epcs = models.JSONField(default=list, help_text="what it carries: garment or bundle EPCs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")), name="transfer_moves"
            ),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="transfer_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.label}: {self.description}"

    @property
    def label(self) -> str:
        return f"T-{self.pk:05d}"

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:transfer:{self.uid}"


class Plan(models.Model):
    """One day's routes, as the planner made them (in the background); the newest done plan of a day is the
    one couriers follow, a re-plan keeps what was done."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="delivery_plans")
    day = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress_text = models.CharField(max_length=200, blank=True)
    replan_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replans"
    )
    solver = models.CharField(max_length=100, blank=True)
    seconds = models.FloatField(help_text="the planner's time budget")
    elapsed_s = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["organization", "day", "status"], name="plan_org_day")]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.day} ({self.status})"


class Route(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="routes")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="routes")
    courier = models.ForeignKey(
        Courier, on_delete=models.PROTECT, null=True, blank=True, related_name="routes"
    )
    number = models.PositiveIntegerField()
    km = models.DecimalField(max_digits=8, decimal_places=3, help_text="routed, start to end")
    duration_s = models.PositiveIntegerField()
    co2e_kg = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    co2e_basis = models.CharField(max_length=400, blank=True, help_text="the factor, or why there is none")
    co2e_sourced = models.BooleanField(default=True, help_text="False: resting on an unsourced estimate")
    departed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "vehicle"], name="one_route_per_vehicle")]

    def __str__(self) -> str:
        return f"Route {self.number} of plan {self.plan_id}"


class Stop(models.Model):
    class Kind(models.TextChoices):
        START = "start", "Start"
        PARCEL = "parcel", "Deliver a parcel"
        PICKUP = "pickup", "Pick up a transfer"
        DROPOFF = "dropoff", "Deliver a transfer"
        BREAK = "break", "Break"
        END = "end", "End"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PICKED_UP = "picked_up", "Picked up"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Not delivered"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="stops")
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="stops"
    )
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    planned_arrival = models.DateTimeField()
    service_s = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(default=0, help_text="from the route's start")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    arrived_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["route", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["route", "sequence"], name="stop_sequence_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="parcel") | models.Q(parcel__isnull=False),
                name="parcel_stop_has_parcel",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["pickup", "dropoff"]) | models.Q(transfer__isnull=False),
                name="transfer_stop_has_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"Stop {self.sequence} of {self.route}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.FAILED)


class Unassigned(models.Model):
    """A parcel or transfer the plan cannot serve, and why (window, too_heavy, out_of_range, …)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unassigned")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=32)
    detail = models.CharField(max_length=400)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


class Proof(models.Model):
    """What a courier gave as proof of a delivery. The photo lives in the database, so it is written in the
    same transaction as the delivery (a file on disk would outlive a rolled-back one)."""

    stop = models.OneToOneField(Stop, on_delete=models.PROTECT, related_name="proof")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, null=True, blank=True, related_name="proofs")
    photo = models.BinaryField()
    photo_type = models.CharField(max_length=32)
    photo_sha256 = models.CharField(max_length=64)
    recipient_name = models.CharField(max_length=200)
    code_checked = models.BooleanField(help_text="the 4-digit code was asked for and matched")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Proof of {self.stop} ({self.photo_sha256[:12]}…)"


class Attempt(models.Model):
    """A delivery that did not happen: why, and when the next attempt is."""

    class Reason(models.TextChoices):
        NOBODY_HOME = "nobody_home", "Nobody home"
        WRONG_CODE = "wrong_code", "The code did not match"
        NO_ACCESS = "no_access", "No access to the building"
        REFUSED = "refused", "Refused by the customer"
        ADDRESS = "address", "Address not found"
        OTHER = "other", "Other"

    stop = models.OneToOneField(Stop, on_delete=models.PROTECT, related_name="attempt")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="attempts")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    next_attempt_on = models.DateField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["parcel", "at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — next {self.next_attempt_on}"
