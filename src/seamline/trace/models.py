"""The trace ledger: EPCIS 2.0 events, append-only and hash-chained per organization.

An error declaration (GS1: the same event, same eventID, re-captured with `errorDeclaration`) is a record
of its own that shares the eventID: `declaration` tells it apart (the SHA-256 of its errorDeclaration),
so an eventID is unique per organization together with it. The original record is never touched.

`body` is the event exactly as recorded, as canonical JSON text (sorted keys, no spaces): the record hash
covers those bytes, so `seamline trace verify` re-hashes text (in SQL on PostgreSQL) instead of parsing it,
and the query API sends it back as it is. The indexed columns and `EventEpc` rows are copies for querying.
"""

from __future__ import annotations

import uuid

from django.db import models

from seamline.accounts.models import Organization


class Chain(models.Model):
    """The head of an organization's chain: appends lock this row, so records get consecutive numbers."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, primary_key=True)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"chain of {self.organization} at {self.seq}"


class CaptureJob(models.Model):
    """One captured EPCIS document: stored whole or not at all."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCESS = "success"
        FAILED = "failed"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="capture_jobs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    event_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    error_behaviour = models.CharField(
        max_length=8, default="rollback", help_text="GS1-Capture-Error-Behaviour: rollback or proceed"
    )
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"capture {self.pk} ({self.status})"


class Event(models.Model):
    """One EPCIS event in the ledger. Never updated or deleted (a PostgreSQL trigger refuses both)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="trace_events")
    seq = models.BigIntegerField(help_text="position in the organization's chain, from 1")
    event_id = models.CharField(max_length=255, help_text="eventID: as given, or the event hash")
    event_hash = models.CharField(max_length=100, help_text="GS1 EPCIS event hash (ni:///sha-256;…)")
    declaration = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of a declaration record's errorDeclaration; empty for the event itself",
    )
    prev_hash = models.CharField(max_length=64, help_text="the previous record's hash ('' for the first)")
    record_hash = models.CharField(max_length=64)
    # 1: written before the record hash covered the brand; 2: since (trace.records.record_hash)
    hash_version = models.PositiveSmallIntegerField(default=2)
    event_type = models.CharField(max_length=32)
    action = models.CharField(max_length=8, blank=True)
    biz_step = models.CharField(max_length=200, blank=True)
    disposition = models.CharField(max_length=200, blank=True)
    biz_location = models.CharField(max_length=200, blank=True)
    read_point = models.CharField(max_length=200, blank=True)
    event_time = models.DateTimeField()
    record_time = models.DateTimeField()
    brand = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="the brand whose goods the event is about, when known: it may read the event too",
    )
    capture_job = models.ForeignKey(CaptureJob, on_delete=models.PROTECT, null=True, blank=True)
    body = models.TextField(help_text="the event as canonical JSON")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="trace_event_seq_unique"),
            models.UniqueConstraint(
                fields=["organization", "event_id", "declaration"], name="trace_event_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "event_time"], name="trace_event_org_time"),
            models.Index(fields=["brand", "event_time"], name="trace_event_brand_time"),
            models.Index(fields=["biz_step", "event_time"], name="trace_event_step_time"),
            models.Index(fields=["biz_location", "event_time"], name="trace_event_location_time"),
            models.Index(fields=["event_id"], name="trace_event_id"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.seq} of {self.organization_id}"


class EventEpc(models.Model):
    """An identifier an event names, by the role it plays there (for MATCH_* queries and lineage)."""

    class Role(models.TextChoices):
        EPC = "epc"  # epcList
        CHILD = "child"  # childEPCs
        PARENT = "parent"  # parentID
        INPUT = "input"  # inputEPCList
        OUTPUT = "output"  # outputEPCList
        CLASS = "class"  # quantityList / childQuantityList epcClass
        INPUT_CLASS = "in_class"  # inputQuantityList epcClass
        OUTPUT_CLASS = "out_class"  # outputQuantityList epcClass

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="epcs")
    epc = models.CharField(max_length=255)
    role = models.CharField(max_length=9, choices=Role.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    uom = models.CharField(max_length=3, blank=True)

    class Meta:
        indexes = [models.Index(fields=["epc", "event"], name="trace_epc_event")]

    def __str__(self) -> str:
        return f"{self.role} {self.epc}"


class Checkpoint(models.Model):
    """An organization's chain head signed with its passport key, for partners to archive: a chain rewound
    or rewritten later contradicts it (`seamline trace verify --checkpoints FILE`)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="checkpoints")
    seq = models.BigIntegerField(help_text="the last record's number when it was taken")
    head_hash = models.CharField(max_length=64)
    taken_at = models.DateTimeField()
    kid = models.CharField(max_length=200, help_text="the signing key: <issuer DID>#<key id>")
    jws = models.TextField(help_text="compact JWS over the canonical JSON of the checkpoint")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="trace_checkpoint_seq_unique")
        ]

    def __str__(self) -> str:
        return f"checkpoint of {self.organization_id} at {self.seq}"


class ChainCheck(models.Model):
    """The last verify result of an organization's chain, consulted on reads (records from ``failed_seq``
    on carry a warning) instead of verifying on every read."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, primary_key=True)
    checked_at = models.DateTimeField()
    failed_seq = models.BigIntegerField(null=True, blank=True, help_text="the first failing record")
    detail = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"check of {self.organization_id}: {'ok' if self.failed_seq is None else self.failed_seq}"


# Named queries and subscriptions (GS1 EPCIS 2.0 REST /queries; trace.subscriptions) ----------------------


class NamedQuery(models.Model):
    """A SimpleEventQuery an organization saved under a name: GET /epcis/queries/{name}/events runs it."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="epcis_queries")
    name = models.CharField(max_length=200)
    params = models.JSONField(help_text="the query parameters as sent: name -> list of values")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="trace_query_name_unique")
        ]

    def __str__(self) -> str:
        return f"query {self.name} of {self.organization_id}"


class Subscription(models.Model):
    """A webhook that receives a named query's new events: each as they come (``stream``) or on a
    ``schedule``. ``cursor`` holds, per chain (organization id), the last record number considered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    query = models.ForeignKey(NamedQuery, on_delete=models.CASCADE, related_name="subscriptions")
    dest = models.URLField(max_length=2000)
    signature_token = models.CharField(max_length=500, help_text="the partner's HMAC secret; never answered")
    stream = models.BooleanField(default=False)
    schedule = models.JSONField(default=dict, blank=True)
    report_if_empty = models.BooleanField(default=False)
    cursor = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True, help_text="a scheduled run's last time")
    last_notified_at = models.DateTimeField(null=True, blank=True, help_text="the last 2xx of the webhook")

    def __str__(self) -> str:
        return f"subscription {self.pk} to {self.query_id}"


class Delivery(models.Model):
    """One EPCISQueryDocument for a subscription's webhook, kept until it is delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    body = models.TextField(help_text="the exact bytes sent (and signed) on every attempt")
    event_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="trace_delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
