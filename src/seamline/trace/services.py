"""Writing the ledger: append events to an organization's chain, capture EPCIS documents, check chains.

`record_events` is what other contexts call inside their own transaction, so the event lands with the
change it records (a roll received, a lay cut, a bundle sewn) or not at all. `capture_document` is the
EPCIS capture interface: it checks a document, then stores it whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ValidationError

from .capture import check_events, take
from .errors import CaptureTooLarge
from .eventhash import event_hash, hash_namespaces
from .events import document_context
from .models import CaptureJob, Chain, Event, EventEpc
from .query import expand_curies
from .records import (
    HASH_VERSION,
    body_sha,
    canonical_json,
    event_columns,
    identifiers,
    record_hash,
)
from .schema import EpcisSchemaError, validate_document
from .subscriptions import subscriptions_wake
from .verify import chain_verify  # re-exported: it moved to verify.py

__all__ = [
    "ERROR_BEHAVIOURS",
    "MAX_CAPTURE_EVENTS",
    "capture_document",
    "chain_verify",
    "ledger_event_id",
    "record",
    "record_events",
]


def ledger_event_id(event: Mapping[str, Any], context: Any = None) -> str:
    """The eventID an event is recorded under: its own, else the GS1 hash of its CURIE-expanded form (as
    record_events stores it), so a re-post is found whatever prefixes it was written with."""
    return event.get("eventID") or event_hash(expand_curies(event, context), context)


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
    record_time = now.astimezone(UTC).isoformat(timespec="milliseconds")
    namespaces = hash_namespaces(context)  # what event_hash makes of the context, made once
    brand_id = None if brand is None else brand.pk
    prepared = []
    # Everything that does not depend on the chain is done before taking its lock: the hashes, the bodies,
    # the rows and their index rows. Under the lock, only the eventID check, the links, the inserts and the
    # head's update (the lock orders every capture of the organization).
    for index, captured in enumerate(events):
        event = expand_curies(captured, context)  # CURIE values stored (and hashed) as full URIs
        digest = event_hash(event, namespaces)
        event_id = event.get("eventID") or digest
        body = {**event, "eventID": event_id, "recordTime": record_time}
        if context is not None and "@context" not in body:
            body["@context"] = context
        text = canonical_json(body)
        row = Event(
            organization=organization,
            event_id=event_id,
            event_hash=digest,
            hash_version=HASH_VERSION,
            record_time=now,
            brand=brand,
            capture_job=capture_job,
            body=text,
            **event_columns(body),
            declaration=_declaration(event),
        )
        prepared.append((index, event_id, digest, body_sha(text), row, identifiers(body)))
    with transaction.atomic():
        # The chain lock before the eventID check: a concurrent capture of the same events has committed
        # by the time we look.
        chain = _locked_chain(organization)
        known = Event.objects.filter(
            organization=organization, event_id__in=[p[1] for p in prepared]
        ).values_list("event_id", "declaration", "event_hash")
        digests = {event_id: digest for event_id, _, digest in known}
        recorded = {(event_id, declaration) for event_id, declaration, _ in known}
        fresh = []
        for index, event_id, digest, sha, row, index_rows in prepared:
            # An error declaration is the event it declares (same eventID, same hash) plus errorDeclaration.
            if digests.setdefault(event_id, digest) != digest:
                raise ConflictError(
                    f"eventID {event_id} is already recorded with different content",
                    fields={f"eventList[{index}].eventID": "already recorded with different content"},
                )
            key = (event_id, row.declaration)
            if key not in recorded:  # the event, or this very declaration, is already there: skipped
                recorded.add(key)
                fresh.append((row, sha, index_rows))
        if not fresh:
            return []
        for row, sha, _ in fresh:
            row.seq, row.prev_hash = chain.seq + 1, chain.head_hash
            row.record_hash = record_hash(
                prev_hash=row.prev_hash,
                seq=row.seq,
                event_hash=row.event_hash,
                body_sha=sha,
                brand_id=brand_id,
                version=HASH_VERSION,
            )
            chain.seq, chain.head_hash = row.seq, row.record_hash
        if connection.vendor == "postgresql":
            created = _copy_rows(fresh)
        else:
            created = Event.objects.bulk_create([row for row, _, _ in fresh])
            EventEpc.objects.bulk_create(
                EventEpc(event=row, epc=epc, role=role, quantity=quantity, uom=uom)
                for row, (_, _, index_rows) in zip(created, fresh, strict=True)
                for epc, role, quantity, uom in index_rows
            )
        Chain.objects.filter(pk=chain.pk).update(seq=chain.seq, head_hash=chain.head_hash)
    subscriptions_wake()  # partners streaming matching events hear of them once this commits
    return created


def _copy_rows(fresh: list[tuple[Event, str, list[Any]]]) -> list[Event]:
    """PostgreSQL: the records and their index rows by COPY (what bulk_create would insert, without
    building SQL for them): their ids drawn from the table's sequence first, in chain order."""
    rows = [row for row, _, _ in fresh]
    event_table, epc_table = Event._meta.db_table, EventEpc._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [event_table, len(rows)],
        )
        for row, (pk,) in zip(rows, sorted(cursor.fetchall()), strict=True):
            row.pk = pk
        raw = cursor.cursor  # psycopg's own cursor, in Django's transaction
        columns = ", ".join(quote(f.column) for f in _EVENT_COPY_FIELDS)
        with raw.copy(f"COPY {quote(event_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([getattr(row, f.attname) for f in _EVENT_COPY_FIELDS])
        columns = ", ".join(quote(EventEpc._meta.get_field(name).column) for name in _EPC_COPY_FIELDS)
        with raw.copy(f"COPY {quote(epc_table)} ({columns}) FROM STDIN") as copy:
            for row, _, index_rows in fresh:
                for epc, role, quantity, uom in index_rows:
                    if quantity is not None and not quantity.is_finite():
                        _QUANTITY_FIELD.to_python(quantity)  # the ValidationError bulk_create gives
                    copy.write_row((row.pk, epc, role, quantity, uom))
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return rows


_EVENT_COPY_FIELDS = Event._meta.concrete_fields
_EPC_COPY_FIELDS = ("event", "epc", "role", "quantity", "uom")  # the order of identifiers(): after the event
_QUANTITY_FIELD = EventEpc._meta.get_field("quantity")


def _declaration(event: Mapping[str, Any]) -> str:
    """What tells an error declaration's record apart from the event's: its errorDeclaration's SHA-256."""
    declared = event.get("errorDeclaration")
    return "" if declared is None else body_sha(canonical_json(declared))


def record(
    *, organization: Organization, events: Sequence[Mapping[str, Any]], brand: Organization | None = None
) -> list[Event]:
    """Record events Seamline itself writes (built by trace.events, in Seamline's JSON-LD context)."""
    return record_events(organization=organization, events=events, context=document_context(), brand=brand)


def _locked_chain(organization: Organization) -> Chain:
    """The organization's chain head, locked until the transaction ends (created on first use)."""
    locked = Chain.objects.select_for_update().filter(organization=organization)
    if chain := locked.first():  # one round trip on every capture but the organization's first
        return chain
    Chain.objects.bulk_create([Chain(organization=organization)], ignore_conflicts=True)
    return locked.get()


# Capture ----------------------------------------------------------------------------------------------

# The most events one capture takes (announced as GS1-EPCIS-Capture-Limit). A capture is checked and
# stored in one transaction that holds the organization's chain lock, so every other writer of that
# organization waits for it: 1,000 events keep that wait to about a second, and a partner's scanner sends
# far fewer at a time.
MAX_CAPTURE_EVENTS = 1000
ERROR_BEHAVIOURS = ("rollback", "proceed")
# Where a document lists its events: an EPCISDocument, or an EPCISQueryDocument (GS1's capture takes both).
_EVENT_LISTS = {
    "EPCISDocument": ("epcisBody", "eventList"),
    "EPCISQueryDocument": ("epcisBody", "queryResults", "resultsBody", "eventList"),
}


def capture_document(
    *,
    organization: Organization,
    document: Any,
    facility_uri: str | None = None,
    error_behaviour: str = "rollback",
) -> CaptureJob:
    """Check and store an EPCIS document (or query document): whole or nothing (``rollback``), or its
    good events with the bad ones reported on the job (``proceed``, GS1-Capture-Error-Behaviour).

    CaptureTooLarge (413) past MAX_CAPTURE_EVENTS events. ValidationError naming the path of each bad
    field (with ``proceed``: only for what no single event is to blame for): nesting deeper than
    schema.MAX_DEPTH or text the ledger cannot store, schema errors (format checking on), a time outside
    UTC years 1-9999 or in the future, a Seamline EPC that does not exist or that the organization is not
    a party to (both read "unknown EPC"), meters taken from a roll the organization does not hold or
    beyond what it has left, an event of a facility-bound token that does not name its facility as
    readPoint or bizLocation or names another place. ConflictError: a known eventID with other content.
    Meters taken from a Seamline roll (inputQuantityList) come off it; the events are stamped with the
    brand whose goods they are about (when there is one), so that brand reads them too.
    """
    if error_behaviour not in ERROR_BEHAVIOURS:
        raise ValidationError(
            "Unknown capture error behaviour",
            fields={"GS1-Capture-Error-Behaviour": f"must be one of {', '.join(ERROR_BEHAVIOURS)}"},
        )
    list_path = ".".join(_EVENT_LISTS.get(_type_of(document), _EVENT_LISTS["EPCISDocument"]))
    events = _events_of(document)
    if len(events) > MAX_CAPTURE_EVENTS:
        raise CaptureTooLarge(
            f"The document holds {len(events)} events; a capture takes at most {MAX_CAPTURE_EVENTS}",
            fields={list_path: f"{len(events)} events, more than {MAX_CAPTURE_EVENTS}"},
        )
    failures: dict[str, str] = {}
    try:
        validate_document(document)
    except EpcisSchemaError as exc:
        failures = dict(exc.errors)
    proceed = error_behaviour == "proceed"
    with transaction.atomic():
        while True:
            _refuse_unless(proceed, failures, list_path)
            good = [i for i in range(len(events)) if i not in _blamed(failures, list_path)]
            try:
                checked = check_events(
                    [events[i] for i in good],
                    organization=organization,
                    facility_uri=facility_uri,
                    paths=[f"{list_path}[{i}]" for i in good],
                )
                break
            except ValidationError as exc:
                if set(exc.fields) <= set(failures):  # nothing new to blame: give up rather than loop
                    raise
                failures.update(exc.fields)
        job = CaptureJob.objects.create(
            organization=organization, event_count=len(events), error_behaviour=error_behaviour
        )
        context = document.get("@context")
        while True:
            try:
                created = record_events(
                    organization=organization,
                    events=[events[i] for i in good],
                    context=context,
                    brand=checked.brand,
                    capture_job=job,
                )
                break
            except ConflictError as exc:  # a savepoint: nothing of the attempt stays
                if not proceed:
                    raise
                field, message = next(iter(exc.fields.items()))  # eventList[k].eventID, k of `good`
                index = _event_index(field, "eventList")
                assert index is not None, field
                failures[f"{list_path}[{good.pop(index)}].eventID"] = message
        take(checked.takes, holder=organization)
        job.status = CaptureJob.Status.FAILED if failures else CaptureJob.Status.SUCCESS
        job.new_count, job.finished_at = len(created), timezone.now()
        job.errors = [_failure(path, message) for path, message in sorted(failures.items())]
        job.save(update_fields=["status", "new_count", "finished_at", "errors"])
    return job


def _type_of(document: Any) -> str:
    return str(document.get("type")) if isinstance(document, Mapping) else ""


def _events_of(document: Any) -> list[Any]:
    """The document's events, looked at before anything else reads it (a wrong shape lists none)."""
    node = document
    for key in _EVENT_LISTS.get(_type_of(document), _EVENT_LISTS["EPCISDocument"]):
        node = node.get(key) if isinstance(node, Mapping) else None
    return list(node) if isinstance(node, list) else []


def _blamed(failures: Mapping[str, str], list_path: str) -> set[int | None]:
    """The events the failures name (None for a failure of the document as a whole)."""
    return {_event_index(path, list_path) for path in failures}


def _event_index(path: str, list_path: str) -> int | None:
    """``list[3].eventTime`` -> 3 for the list ``list``; None for a path outside it."""
    if not path.startswith(list_path + "["):
        return None
    return int(path[len(list_path) + 1 : path.index("]", len(list_path))])


def _refuse_unless(proceed: bool, failures: Mapping[str, str], list_path: str) -> None:
    """Any failure refuses the whole capture, unless asked to proceed and every one is an event's."""
    if failures and (not proceed or None in _blamed(failures, list_path)):
        raise ValidationError("The EPCIS document is not valid", fields=dict(failures))


def _failure(path: str, message: str) -> dict[str, Any]:
    """One failure of a capture job, as GS1's job lists them (RFC 9457 problem details)."""
    return {
        "type": "epcisException:ValidationException",
        "title": "Event not captured",
        "status": 422,
        "detail": message,
        "field": path,
    }
