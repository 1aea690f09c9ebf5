"""Writing the ledger: append events to an organization's chain, capture EPCIS documents, check chains.

`record_events` is what other contexts call inside their own transaction, so the event lands with the
change it records (a roll received, a lay cut, a bundle sewn) or not at all. `capture_document` is the
EPCIS capture interface: it checks a document, then stores it whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ValidationError

from .eventhash import event_hash
from .events import document_context
from .models import CaptureJob, Chain, Event, EventEpc
from .namespaces import PREFIX, Stock, namespace, split
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

__all__ = ["capture_document", "chain_verify", "record", "record_events"]

_CLOCK_SKEW = timedelta(minutes=5)


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


def capture_document(
    *, organization: Organization, document: Any, facility_uri: str | None = None
) -> CaptureJob:
    """Check and store an EPCIS document whole, or nothing of it.

    ValidationError naming the path of each bad field: schema errors (format checking on), an event in
    the future, an unknown Seamline EPC, more meters taken from a roll than it has left, an event at a
    facility other than the token's. Meters taken from a Seamline roll (inputQuantityList) come off it.
    """
    try:
        validate_document(document)
    except EpcisSchemaError as exc:
        raise ValidationError("The EPCIS document is not valid", fields=dict(exc.errors)) from exc
    events = _events_of(document)
    context = document.get("@context")
    with transaction.atomic():
        takes, brand = _check_events(events, organization=organization, facility_uri=facility_uri)
        job = CaptureJob.objects.create(organization=organization, event_count=len(events))
        created = record_events(
            organization=organization, events=events, context=context, brand=brand, capture_job=job
        )
        _take(takes)
        job.status, job.new_count, job.finished_at = CaptureJob.Status.SUCCESS, len(created), timezone.now()
        job.save(update_fields=["status", "new_count", "finished_at"])
    return job


def _events_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    body = document.get("epcisBody") or {}
    if "eventList" in body:
        return list(body["eventList"])
    return [body["event"]] if "event" in body else []


def _check_events(
    events: Sequence[Mapping[str, Any]], *, organization: Organization, facility_uri: str | None
) -> tuple[dict[str, Decimal], Organization | None]:
    """Field errors of what the schema cannot know; the quantities taken from Seamline's goods (a roll's
    meters, by the namespaces that allow it); the brand whose goods they are."""
    errors: dict[str, str] = {}
    latest = timezone.now() + _CLOCK_SKEW
    mentioned: dict[str, set[str]] = {}
    takes: dict[str, Decimal] = {}
    for index, event in enumerate(events):
        path = f"epcisBody.eventList[{index}]"
        when = datetime.fromisoformat(event["eventTime"])
        if when > latest:
            errors[f"{path}.eventTime"] = f"{event['eventTime']} is in the future"
        if facility_uri is not None:
            for key in ("readPoint", "bizLocation"):
                place = (event.get(key) or {}).get("id")
                if place is not None and place != facility_uri:
                    errors[f"{path}.{key}.id"] = (
                        f"your token records events at {facility_uri} only, not {place}"
                    )
        for epc, role, quantity, uom in identifiers(event):
            named = split(epc)
            if named is None:
                continue
            mentioned.setdefault(epc, set()).add(path)
            space = namespace(named[0])
            if role == "in_class" and quantity is not None and space is not None and space.take is not None:
                if uom != space.uom:
                    errors[f"{path}.inputQuantityList"] = (
                        f"quantities of {epc} must be in {space.uom}, not {uom}"
                    )
                takes[epc] = takes.get(epc, Decimal(0)) + quantity
    known, brands = _known_epcs(mentioned)
    for epc, paths in mentioned.items():
        if epc not in known:
            for path in sorted(paths):
                errors.setdefault(f"{path}", f"unknown EPC {epc}")
    for epc, stock in _stocks(takes).items():
        if takes[epc] > stock.left:
            unit = stock.unit
            errors[f"inputQuantityList.{epc}"] = (
                f"takes {takes[epc]} {unit} from {stock.label}, which has {stock.left} {unit} left"
            )
    if errors:
        raise ValidationError("The EPCIS document is not valid", fields=errors)
    return takes, (brands[0] if len(brands) == 1 else None)


def _by_kind(epcs: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for epc in epcs:
        named = split(epc)
        if named is not None:
            grouped.setdefault(named[0], []).append(named[1])
    return grouped


def _known_epcs(mentioned: Mapping[str, Any]) -> tuple[set[str], list[Organization]]:
    """Which Seamline EPCs exist (each kind's namespace looks its keys up), and the brands whose goods
    they are."""
    known: set[str] = set()
    brand_ids: set[int] = set()
    for kind, keys in _by_kind(mentioned).items():
        space = namespace(kind)
        if space is None:
            continue
        for key, brand_id in space.resolve(keys).items():
            known.add(f"{PREFIX}{kind}:{key}")
            if brand_id is not None:
                brand_ids.add(brand_id)
    return known, list(Organization.objects.filter(pk__in=brand_ids))


def _stocks(takes: Mapping[str, Decimal]) -> dict[str, Stock]:
    stocks: dict[str, Stock] = {}
    for kind, keys in _by_kind(takes).items():
        space = namespace(kind)
        if space is not None and space.stock is not None:
            stocks.update({f"{PREFIX}{kind}:{k}": v for k, v in space.stock(keys).items()})
    return stocks


def _take(takes: Mapping[str, Decimal]) -> None:
    """Quantities captured as taken from Seamline's goods come off them (each kind in a fixed order)."""
    for kind, keys in sorted(_by_kind(takes).items()):
        space = namespace(kind)
        if space is not None and space.take is not None:
            space.take({key: takes[f"{PREFIX}{kind}:{key}"] for key in sorted(keys)})


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
