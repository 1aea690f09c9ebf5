"""Cutting room records: pattern versions with their pieces, and cut plans with markers, lays and rolls."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from seamline.catalog.models import FabricRoll, Material, Style
from seamline.facilities.models import Facility
from seamline.production.models import ProductionOrder


class PatternVersion(models.Model):
    """One imported DXF-AAMA pattern of a style; a new import is a new version, never an overwrite."""

    class Status(models.TextChoices):
        REVIEW = "review", "To review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="pattern_versions")
    number = models.PositiveIntegerField()
    style_name = models.CharField(max_length=200, help_text="Style Name: in the file")
    source_name = models.CharField(max_length=255, help_text="the file (and .rul) it came from")
    units = models.CharField(max_length=8, help_text="METRIC or ENGLISH, as drafted")
    sample_size = models.CharField(max_length=16, blank=True)
    sizes = models.JSONField(default=list)
    graded = models.BooleanField(default=False, help_text="sizes graded from the sample by a .rul file")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A version made for a change (an alteration or an edited file) waits for review: production cuts only an
    # approved version; a sample may cut one under review (that is what the fitting is for).
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.APPROVED, db_index=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_versions"
    )
    change_note = models.CharField(max_length=300, blank=True, help_text="what changed from `based_on`")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["style", "-number"]
        constraints = [models.UniqueConstraint(fields=["style", "number"], name="pattern_version_unique")]

    def __str__(self) -> str:
        return f"{self.style.code} pattern v{self.number}"


class PatternPiece(models.Model):
    """One piece of one size, in cm; `geometry` holds the outline, grain line, notches, holes and lines."""

    class Category(models.TextChoices):
        SHELL = "shell"
        LINING = "lining"
        FUSING = "fusing"

    version = models.ForeignKey(PatternVersion, on_delete=models.CASCADE, related_name="pieces")
    position = models.PositiveIntegerField(help_text="order in the file")
    size = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    quantity = models.PositiveSmallIntegerField(help_text="cut per garment")
    category = models.CharField(max_length=8, choices=Category.choices, default=Category.SHELL)
    material = models.CharField(max_length=100, blank=True)
    mirrored_pair = models.BooleanField(default=False, help_text="cut as left and right")
    area_cm2 = models.FloatField()
    width_cm = models.FloatField()
    length_cm = models.FloatField()
    geometry = models.JSONField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "size", "name"], name="pattern_piece_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="pattern_piece_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.size})"


class CutPlan(models.Model):
    """The cut of one colourway of a production order, planned in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="cut_plans")
    pattern_version = models.ForeignKey(PatternVersion, on_delete=models.PROTECT, related_name="cut_plans")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="cut_plans")
    colour = models.CharField(max_length=64)
    demand = models.JSONField(help_text="garments per size, in size order")
    fabric_width_cm = models.DecimalField(max_digits=6, decimal_places=1)
    margin_cm = models.DecimalField("selvedge margin (cm)", max_digits=4, decimal_places=1)
    spacing_cm = models.DecimalField("knife allowance (cm)", max_digits=4, decimal_places=2)
    max_plies = models.PositiveSmallIntegerField()
    max_marker_length_cm = models.DecimalField("table length (cm)", max_digits=7, decimal_places=1)
    setup_cost_cm = models.DecimalField(max_digits=6, decimal_places=1)
    overcut_max = models.PositiveSmallIntegerField(help_text="extra garments allowed per size")
    one_way = models.BooleanField(default=False, help_text="napped or one-way fabric: no half turns")
    seconds_per_garment = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.QUEUED)
    attempt = models.PositiveSmallIntegerField(
        default=1, help_text="raised by each retry, so a stale run of an earlier attempt stops"
    )
    progress_pct = models.FloatField(default=0)
    progress_text = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="last sign of life of the run (progress or a periodic beat)"
    )
    error = models.TextField(blank=True)
    fabric_m = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    naive_fabric_m = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    consumed_m = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    remnant_m = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    offcut_kg = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    saving_pct = models.FloatField(null=True, blank=True)
    produced = models.JSONField(default=dict, blank=True)
    rolls = models.JSONField(default=list, blank=True, help_text="per roll: available, consumed, remnant")
    recycler = models.ForeignKey(Facility, on_delete=models.SET_NULL, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_plies__gt=0), name="cut_plan_plies_positive"),
            models.CheckConstraint(condition=models.Q(fabric_width_cm__gt=0), name="cut_plan_width_positive"),
        ]

    def __str__(self) -> str:
        return f"Cut plan {self.pk} of {self.order}"

    @property
    def usable_width_cm(self):
        return self.fabric_width_cm - 2 * self.margin_cm

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_retry(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.CANCELLED)

    def quiet_minutes(self, *, now: datetime) -> int | None:
        """Minutes without a sign of life, when that is long enough to tell people (a running plan beats
        every second; a queued one waits for a worker): None while all is well."""
        if self.status == self.Status.RUNNING:
            since, patience = self.heartbeat_at or self.created_at, timedelta(minutes=1)
        elif self.status == self.Status.QUEUED:
            since, patience = self.created_at, timedelta(seconds=30)
        else:
            return None
        quiet = now - since
        return max(1, int(quiet.total_seconds() // 60)) if quiet > patience else None


class Marker(models.Model):
    """A nested marker of a plan: its size ratio, figures, placements (JSON) and picture (SVG)."""

    plan = models.ForeignKey(CutPlan, on_delete=models.CASCADE, related_name="markers")
    number = models.PositiveSmallIntegerField()
    ratio = models.JSONField(help_text="garments per size on the marker")
    length_cm = models.FloatField()
    utilization = models.FloatField()
    piece_area_cm2 = models.FloatField()
    waste_area_cm2 = models.FloatField()
    document = models.JSONField(help_text="the marker as JSON (placements in cm)")
    svg = models.TextField()
    dxf = models.TextField(help_text="the marker as DXF for the cutter")

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="marker_number_unique")]

    def __str__(self) -> str:
        return f"M{self.number}"


class Lay(models.Model):
    """Plies of one marker spread from one shade lot; cutting it consumes its rolls' meters."""

    plan = models.ForeignKey(CutPlan, on_delete=models.CASCADE, related_name="lays")
    number = models.PositiveSmallIntegerField()
    marker = models.ForeignKey(Marker, on_delete=models.CASCADE, related_name="lays")
    plies = models.PositiveSmallIntegerField()
    shade_lot = models.CharField(max_length=32)
    ply_m = models.DecimalField(max_digits=7, decimal_places=3, help_text="marker length plus end loss")
    meters = models.DecimalField(max_digits=9, decimal_places=3)
    offcut_kg = models.DecimalField(max_digits=9, decimal_places=3)
    cut_at = models.DateTimeField(null=True, blank=True)
    cut_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="lay_number_unique"),
            models.CheckConstraint(condition=models.Q(plies__gt=0), name="lay_plies_positive"),
        ]

    def __str__(self) -> str:
        return f"Lay {self.number}"


class LayRoll(models.Model):
    """Plies of a lay cut from one roll, and the meters they take."""

    lay = models.ForeignKey(Lay, on_delete=models.CASCADE, related_name="roll_uses")
    roll = models.ForeignKey(FabricRoll, on_delete=models.PROTECT, related_name="lay_uses")
    plies = models.PositiveSmallIntegerField()
    meters = models.DecimalField(max_digits=9, decimal_places=3)

    class Meta:
        ordering = ["lay", "pk"]
        constraints = [models.UniqueConstraint(fields=["lay", "roll"], name="lay_roll_unique")]

    def __str__(self) -> str:
        return f"{self.roll} × {self.plies}"


class Bundle(models.Model):
    """The cut pieces of one size from a lay, over a range of plies: one garment per ply, sewn together."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lay = models.ForeignKey(Lay, on_delete=models.PROTECT, related_name="bundles")
    number = models.PositiveSmallIntegerField()
    size = models.CharField(max_length=16)
    ply_from = models.PositiveSmallIntegerField()
    ply_to = models.PositiveSmallIntegerField()
    pieces = models.PositiveIntegerField(help_text="pieces in the bundle (pieces a garment × plies)")
    sewn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lay", "number"]
        constraints = [models.UniqueConstraint(fields=["lay", "number"], name="bundle_number_unique")]

    def __str__(self) -> str:
        return f"Bundle {self.lay.number}-{self.number} ({self.size}, plies {self.ply_from}-{self.ply_to})"

    @property
    def garments(self) -> int:
        return self.ply_to - self.ply_from + 1

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:bundle:{self.uid}"
