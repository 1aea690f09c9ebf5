"""Fit sessions: a style's spec sheet (points of measure), its samples and their measurements, live sessions
with the stream's comments grouped into themes by a lexicon, and the change requests a founder makes of a
theme, which the pattern room answers with a new pattern version.

Everything belongs to the brand that owns the style; the factory that cuts and sews the samples reads them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.cutting.models import PatternVersion
from seamline.drops.models import Drop
from seamline.production.models import ProductionOrder


class PointOfMeasure(models.Model):
    """One line of a style's spec sheet: where to measure, the graded value per size and its tolerance."""

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="points_of_measure")
    position = models.PositiveIntegerField(default=0, help_text="order on the spec sheet")
    code = models.CharField(max_length=16, help_text="e.g. FNL (front neck drop)")
    name = models.CharField(max_length=120)
    how_to_measure = models.TextField(blank=True)
    values = models.JSONField(default=dict, help_text="graded value per size, cm: {'S': '14.0', 'M': '14.5'}")
    tolerance_cm = models.DecimalField(max_digits=4, decimal_places=1, help_text="± cm")
    critical = models.BooleanField(default=False, help_text="out of tolerance fails the sample")
    # The feature (lexicon subject) this point measures, so a theme's change can name the POM it moves.
    subject = models.CharField(max_length=40, blank=True, help_text="lexicon subject, e.g. neckline")

    class Meta:
        ordering = ["style", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["style", "code"], name="pom_code_unique_per_style")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Sample(models.Model):
    """One sample garment set of a style at one stage, cut and sewn as a tiny production order."""

    class Stage(models.TextChoices):
        PROTO = "proto", "Proto"
        FIT = "fit", "Fit"
        PRE_PRODUCTION = "pp", "Pre-production"
        TOP = "top", "Top of production"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="samples")
    number = models.PositiveIntegerField(help_text="1, 2, ... per style, in the order they were made")
    stage = models.CharField(max_length=5, choices=Stage.choices)
    fit_round = models.PositiveSmallIntegerField(null=True, blank=True, help_text="n of 'fit n'")
    pattern_version = models.ForeignKey(PatternVersion, on_delete=models.PROTECT, related_name="samples")
    order = models.OneToOneField(
        ProductionOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="sample"
    )
    size = models.CharField(max_length=16)
    units = models.PositiveSmallIntegerField(default=1)
    notes = models.TextField(blank=True)
    cut_at = models.DateTimeField(null=True, blank=True)
    fitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["style", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["style", "number"], name="sample_number_unique_per_style"),
            models.CheckConstraint(
                condition=models.Q(units__gte=1, units__lte=3), name="sample_units_one_to_three"
            ),
        ]

    def __str__(self) -> str:
        stage = f"fit {self.fit_round}" if self.stage == self.Stage.FIT else self.get_stage_display().lower()
        return f"{self.style.code} sample {self.number} ({stage}, {self.size})"


class Measurement(models.Model):
    """A point of measure taken on a sample; the latest per point counts."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="measurements")
    point = models.ForeignKey(PointOfMeasure, on_delete=models.CASCADE, related_name="measurements")
    value_cm = models.DecimalField(max_digits=6, decimal_places=1)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    measured_at = models.DateTimeField()

    class Meta:
        ordering = ["sample", "point", "-measured_at"]

    def __str__(self) -> str:
        return f"{self.point.code} {self.value_cm} cm"


class SamplePhoto(models.Model):
    """A photo of a sample on the model (JPEG or PNG, kept in the database as delivery's proofs are)."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="photos")
    image = models.BinaryField()
    content_type = models.CharField(max_length=32)
    caption = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class LexiconTerm(models.Model):
    """Words that name one subject (a point of measure or a feature) or one direction of change, per brand.

    A comment belongs to the theme (subject, direction) of the first subject and the first direction whose
    words it contains (whole words, case and accents folded); see fitting/lexicon.py.
    """

    class Kind(models.TextChoices):
        SUBJECT = "subject", "Subject"
        DIRECTION = "direction", "Direction"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="lexicon_terms")
    kind = models.CharField(max_length=9, choices=Kind.choices)
    key = models.CharField(max_length=40, help_text="subject (neckline) or direction (deeper)")
    label = models.CharField(max_length=80, help_text="as the board shows it")
    words = models.JSONField(default=list, help_text="words and phrases that name it")
    position = models.PositiveIntegerField(default=0, help_text="earlier terms win a tie")

    class Meta:
        ordering = ["organization", "kind", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "key"], name="lexicon_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class FitSession(models.Model):
    """A live stream of a fitting: the page a founder or producer keeps open while it runs."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="fit_sessions")
    title = models.CharField(max_length=200)
    stream_url = models.URLField(blank=True)
    sample = models.ForeignKey(
        Sample, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    drop = models.ForeignKey(
        Drop, on_delete=models.SET_NULL, null=True, blank=True, related_name="fit_sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    # HMAC-SHA256 of the webhook secret (shown once, when made): a relay posts it in X-Seamline-Secret.
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """One comment of the stream's chat, from a relay's webhook, a chat export or typed by the producer."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        CSV = "csv", "Chat export"
        TYPED = "typed", "Typed"

    session = models.ForeignKey(FitSession, on_delete=models.CASCADE, related_name="comments")
    platform = models.CharField(max_length=20, help_text="tiktok, instagram, youtube, ...")
    external_id = models.CharField(max_length=120, help_text="the platform's comment id")
    author = models.CharField(max_length=120)
    text = models.TextField(max_length=2000)
    posted_at = models.DateTimeField()
    likes = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=7, choices=Source.choices)
    # The amount the text names ("2 cm deeper"), read once when it arrives: a theme suggests their median.
    amount_cm = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # The theme the lexicon put it in when it arrived (re-matched when the lexicon changes); blank: none.
    subject = models.CharField(max_length=40, blank=True, db_index=True)
    direction = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "posted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "platform", "external_id"], name="comment_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["session", "subject", "direction"], name="comment_theme")]

    def __str__(self) -> str:
        return f"@{self.author}: {self.text[:40]}"


class ChangeRequest(models.Model):
    """A change of the pattern asked for, often of a theme of a session; the pattern room's queue."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        VERSION_READY = "ready", "Version to review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Alteration(models.TextChoices):
        NECKLINE = "neckline", "Lower or raise a neckline"
        LENGTH = "length", "Lengthen or shorten at a line"
        FILE = "file", "Edited DXF-AAMA file"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="change_requests")
    session = models.ForeignKey(
        FitSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_requests"
    )
    subject = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=200, help_text="front neckline 2 cm deeper, all sizes")
    public_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="the drop page says it: neckline 2 cm deeper, after your comments",
    )
    alteration = models.CharField(max_length=8, choices=Alteration.choices, blank=True)
    # The alteration's parameters: {"piece": "Front", "facing": "Front facing", "amount_cm": 2.0} or
    # {"pieces": ["Front", "Back"], "above_hem_cm": 30.0, "amount_cm": -3.0}.
    parameters = models.JSONField(default=dict, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    first_comment_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    base_version = models.ForeignKey(PatternVersion, on_delete=models.PROTECT, related_name="+")
    result_version = models.OneToOneField(
        PatternVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="change_request"
    )
    recut_sample = models.OneToOneField(
        Sample, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_request"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField()
    version_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.summary
