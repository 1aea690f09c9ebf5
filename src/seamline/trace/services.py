"""Writing the ledger: append events to an organization's chain, capture EPCIS documents, check chains.

`record_events` is what other contexts call inside their own transaction, so the event lands with the
change it records (a roll received, a lay cut, a bundle sewn) or not at all. `capture_document` is the
EPCIS capture interface: it checks a document, then stores it whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ValidationError

from .capture import check_events, take
from .errors import CaptureTooLarge
from .eventhash import event_hash
from .events import document_context
from .models import CaptureJob, Chain, Event, EventEpc
from .records import (
    Break,
    Record,
    body_sha,
    canonical_json,
    event_columns,
    first_break,
    identifiers,
    record_hash,
)
from .schema import EpcisSchemaError, validate_document

__all__ = ["MAX_CAPTURE_EVENTS", "capture_document", "chain_verify", "record", "record_events"]


def record_events(
    *,
    organization: Organization,
    events: Sequence[Mapping[str, Any]],
    context: Any = None,
    brand: Organization | None = None,
    capture_job: CaptureJob | None = None,
) -> list[Event]:
    """Append ``events`` to the organization's chain, in order; an eventID already there is skipped.

    The eventID is the GS1 event hash when the event has none. ``context`` is the @context of the
    document the events came in (for the hash of extension fields and kept on each stored event).
    ConflictError when a known eventID comes back with different content.
    """
    now = timezone.now()
    prepared = []
    # Everything that does not depend on the chain is done before taking its lock: under the lock, only
    # the links, the inserts and the head's update (the lock orders every capture of the organization).
    for index, event in enumerate(events):
        digest = event_hash(event, context)
        event_id = event.get("eventID") or digest
        body = {
            **event,
            "eventID": event_id,
            "recordTime": now.astimezone(UTC).isoformat(timespec="milliseconds"),
        }
        if context is not None and "@context" not in body:
            body["@context"] = context
        text = canonical_json(body)
        prepared.append((index, event_id, digest, body, text, body_sha(text), event_columns(body)))
    with transaction.atomic():
        # The chain lock before the eventID check: a concurrent capture of the same events has committed
        # by the time we look.
        chain = _locked_chain(organization)
        known = dict(
            Event.objects.filter(
                organization=organization, event_id__in=[p[1] for p in prepared]
            ).values_list("event_id", "event_hash")
        )
        fresh, seen = [], dict(known)
        for index, event_id, digest, *rest in prepared:
            if event_id in seen:
                if seen[event_id] != digest:
                    raise ConflictError(
                        f"eventID {event_id} is already recorded with different content",
                        fields={f"eventList[{index}].eventID": "already recorded with different content"},
                    )
                continue
            seen[event_id] = digest
            fresh.append((event_id, digest, *rest))
        if not fresh:
            return []
        rows = []
        for event_id, digest, _body, text, sha, columns in fresh:
            seq = chain.seq + 1
            link = record_hash(prev_hash=chain.head_hash, seq=seq, event_hash=digest, body_sha=sha)
            rows.append(
                Event(
                    organization=organization,
                    seq=seq,
                    event_id=event_id,
                    event_hash=digest,
                    prev_hash=chain.head_hash,
                    record_hash=link,
                    record_time=now,
                    brand=brand,
                    capture_job=capture_job,
                    body=text,
                    **columns,
                )
            )
            chain.seq, chain.head_hash = seq, link
        created = Event.objects.bulk_create(rows)
        EventEpc.objects.bulk_create(
            EventEpc(event=row, epc=epc, role=role, quantity=quantity, uom=uom)
            for row, (_, _, body, *_) in zip(created, fresh, strict=True)
            for epc, role, quantity, uom in identifiers(body)
        )
        Chain.objects.filter(pk=chain.pk).update(seq=chain.seq, head_hash=chain.head_hash)
    return created


def record(
    *, organization: Organization, events: Sequence[Mapping[str, Any]], brand: Organization | None = None
) -> list[Event]:
    """Record events Seamline itself writes (built by trace.events, in Seamline's JSON-LD context)."""
    return record_events(organization=organization, events=events, context=document_context(), brand=brand)


def _locked_chain(organization: Organization) -> Chain:
    """The organization's chain head, locked until the transaction ends (created on first use)."""
    Chain.objects.bulk_create([Chain(organization=organization)], ignore_conflicts=True)
    return Chain.objects.select_for_update().get(organization=organization)


# Capture ----------------------------------------------------------------------------------------------

# The most events one capture takes (announced as GS1-EPCIS-Capture-Limit). A capture is checked and
# stored in one transaction that holds the organization's chain lock, so every other writer of that
# organization waits for it: 1,000 events keep that wait to about a second, and a partner's scanner sends
# far fewer at a time.
MAX_CAPTURE_EVENTS = 1000


def capture_document(
    *, organization: Organization, document: Any, facility_uri: str | None = None
) -> CaptureJob:
    """Check and store an EPCIS document whole, or nothing of it.

    CaptureTooLarge (413) past MAX_CAPTURE_EVENTS events. ValidationError naming the path of each bad
    field: nesting deeper than schema.MAX_DEPTH or text the ledger cannot store, schema errors (format
    checking on), a time outside UTC years 1-9999 or in the future, a Seamline EPC that does not exist or
    that the organization is not a party to (both read "unknown EPC"), meters taken from a roll the
    organization does not hold or beyond what it has left, an event of a facility-bound token that does
    not name its facility as readPoint or bizLocation or names another place. Meters taken from a
    Seamline roll (inputQuantityList) come off it; the events are stamped with the brand whose goods they
    are about (when there is one), so that brand reads them too.
    """
    count = _event_count(document)
    if count > MAX_CAPTURE_EVENTS:
        raise CaptureTooLarge(
            f"The document holds {count} events; a capture takes at most {MAX_CAPTURE_EVENTS}",
            fields={"epcisBody.eventList": f"{count} events, more than {MAX_CAPTURE_EVENTS}"},
        )
    try:
        validate_document(document)
    except EpcisSchemaError as exc:
        raise ValidationError("The EPCIS document is not valid", fields=dict(exc.errors)) from exc
    events = _events_of(document)
    context = document.get("@context")
    with transaction.atomic():
        checked = check_events(events, organization=organization, facility_uri=facility_uri)
        job = CaptureJob.objects.create(organization=organization, event_count=len(events))
        created = record_events(
            organization=organization, events=events, context=context, brand=checked.brand, capture_job=job
        )
        take(checked.takes, holder=organization)
        job.status, job.new_count, job.finished_at = CaptureJob.Status.SUCCESS, len(created), timezone.now()
        job.save(update_fields=["status", "new_count", "finished_at"])
    return job


def _event_count(document: Any) -> int:
    """How many events the document lists, looked at before anything else reads it."""
    body = document.get("epcisBody") if isinstance(document, Mapping) else None
    events = body.get("eventList") if isinstance(body, Mapping) else None
    return len(events) if isinstance(events, list) else 0


def _events_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    body = document.get("epcisBody") or {}
    if "eventList" in body:
        return list(body["eventList"])
    return [body["event"]] if "event" in body else []


# Verify -----------------------------------------------------------------------------------------------


def chain_verify(organization: Organization) -> Break | None:
    """The first modified, deleted or reordered record of the organization's chain, or None."""
    chain = Chain.objects.filter(organization=organization).first()
    head_seq, head_hash = (chain.seq, chain.head_hash) if chain else (0, "")
    return first_break(_records(organization.pk), head_seq=head_seq, head_hash=head_hash)


def _records(organization_id: int) -> Iterator[Record]:
    """The chain in order, each body's SHA-256 computed by PostgreSQL itself (no JSON crosses the wire)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, seq, prev_hash, record_hash, event_hash, "
                "encode(sha256(convert_to(body, 'UTF8')), 'hex') FROM trace_event "
                "WHERE organization_id = %s ORDER BY seq",
                [organization_id],
            )
            while rows := cursor.fetchmany(10_000):
                for row in rows:
                    yield Record(*row)
        return
    rows = (
        Event.objects.filter(organization_id=organization_id)
        .order_by("seq")
        .values_list("id", "seq", "prev_hash", "record_hash", "event_hash", "body")
    )
    for pk, seq, prev, link, digest, body in rows.iterator(chunk_size=10_000):
        yield Record(pk, seq, prev, link, digest, body_sha(body))
