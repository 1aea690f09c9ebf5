"""What a courier does along a route: picked up, left the hub, arrived, delivered (with proof), not delivered.

Each action locks the plan's row and then the stop's (every action and a re-plan's save lock in that order),
validates after the lock, and writes the change and its EPCIS event in one transaction. Each is idempotent:
a retried or double-tapped action finds the stop already in the state it asks for and returns it with
``changed=False``, writing nothing; an action the stop's state does not allow is a ConflictError.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.accounts.selectors import person_name
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.trace.events import doorstep_uri
from seamline.trace.services import record

from . import events as ev
from .codes import code_matches
from .hooks import parcel_delivered
from .models import Attempt, Parcel, Plan, Proof, Route, Stop, Transfer
from .selectors import current_plan

__all__ = [
    "MAX_CODE_FAILURES",
    "MAX_PHOTO_BYTES",
    "photo_type",
    "route_depart",
    "stop_arrive",
    "stop_deliver",
    "stop_fail",
    "stop_pick_up",
]

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_CODE_FAILURES = 5  # then the dispatcher sends a new code: 10,000 codes are few
WRONG_CODE = "The code does not match."
_PHOTO_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def photo_type(data: bytes) -> str | None:
    """The photo's media type from its first bytes (JPEG, PNG, WebP, HEIC), or None if it is none of them."""
    for magic, kind in _PHOTO_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return None


def _is_current(plan: Plan) -> bool:
    current = current_plan(organization=plan.organization, day=plan.day)
    return current is not None and current.pk == plan.pk


def _locked(stop: Stop, organization: Organization) -> Stop:
    """The stop, locked after its plan, with what the actions read; refused unless the organization's and
    on the day's current plan."""
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(routes__stops=stop.pk)
        .first()
    )
    if plan is None or plan.organization_id != organization.pk:
        raise ForbiddenError("This stop belongs to another organization.")
    if not _is_current(plan):
        raise ConflictError("This route was re-planned; reload it", fields={"stop": "From a replaced plan."})
    return (
        Stop.objects.select_for_update(of=("self",))
        .select_related(
            "route__plan__organization", "route__vehicle", "parcel__brand", "transfer__order", "facility"
        )
        .get(pk=stop.pk)
    )


def _where(stop: Stop) -> tuple[str, str | None]:
    """The stop's EPCIS location and, at a customer's door, its ZIP."""
    if stop.parcel_id is not None and stop.kind == Stop.Kind.PARCEL:
        return doorstep_uri(stop.parcel.uid), stop.parcel.zip_code
    return stop.facility.epc_uri, None


def _epcs(stop: Stop) -> list[str]:
    if stop.parcel_id is not None:
        return [stop.parcel.epc_uri]
    return list(stop.transfer.epcs) or [stop.transfer.epc_uri]


def _brand(stop: Stop) -> Organization | None:
    if stop.parcel_id is not None:
        return stop.parcel.brand
    order = stop.transfer.order
    return order.brand if order is not None else None


def _record(stop: Stop, events: list[dict]) -> None:
    record(organization=stop.route.plan.organization, events=events, brand=_brand(stop))


@transaction.atomic
def stop_pick_up(
    *, stop: Stop, organization: Organization, by: Any = None, when: datetime | None = None
) -> tuple[Stop, bool]:
    """The courier takes the stop's goods aboard: a parcel at the hub before leaving, a transfer at its
    origin (which is also the vehicle leaving there with it)."""
    stop = _locked(stop, organization)
    if stop.kind not in (Stop.Kind.PARCEL, Stop.Kind.PICKUP):
        raise ValidationError("Nothing to pick up here", fields={"stop": f"A {stop.kind} stop."})
    if stop.status == Stop.Status.PICKED_UP:
        return stop, False
    if stop.status != Stop.Status.PENDING:
        raise ConflictError(f"The stop is {stop.status}", fields={"status": f"Already {stop.status}."})
    route, when = stop.route, when or timezone.now()
    moved = {"when": when, "vehicle": route.vehicle.epc_uri, "operator": person_name(by)}
    if stop.kind == Stop.Kind.PARCEL:
        if route.departed_at is not None:
            raise ConflictError("The route has left the hub", fields={"stop": "Pick parcels up at the hub."})
        Parcel.objects.filter(pk=stop.parcel_id).update(
            status=Parcel.Status.ON_VEHICLE, vehicle=route.vehicle
        )
        events = [ev.loaded(epcs=_epcs(stop), location=stop.parcel.hub.epc_uri, **moved)]
    else:
        Transfer.objects.filter(pk=stop.transfer_id).update(
            status=Transfer.Status.ON_VEHICLE, vehicle=route.vehicle
        )
        Stop.objects.filter(route=route, transfer_id=stop.transfer_id, kind=Stop.Kind.DROPOFF).update(
            status=Stop.Status.PICKED_UP
        )
        place = stop.facility.epc_uri
        events = [
            ev.loaded(epcs=_epcs(stop), location=place, **moved),
            ev.departed(epcs=_epcs(stop), location=place, **moved),
        ]
    stop.status = Stop.Status.PICKED_UP
    stop.save(update_fields=["status"])
    _record(stop, events)
    return stop, True


@transaction.atomic
def route_depart(
    *, route: Route, organization: Organization, by: Any = None, when: datetime | None = None
) -> tuple[Route, bool]:
    """The vehicle leaves the hub with the parcels picked up: one departing event for them all."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("organization").get(pk=route.plan_id)
    if plan.organization_id != organization.pk:
        raise ForbiddenError("This route belongs to another organization.")
    if not _is_current(plan):
        raise ConflictError("This route was re-planned; reload it", fields={"route": "From a replaced plan."})
    route = (
        Route.objects.select_for_update(of=("self",))
        .select_related("vehicle__start_facility")
        .get(pk=route.pk)
    )
    if route.departed_at is not None:
        return route, False
    aboard = list(
        Parcel.objects.filter(stops__route=route, stops__status=Stop.Status.PICKED_UP).select_related("brand")
    )
    if not aboard:
        raise ConflictError("No parcel is picked up yet", fields={"route": "Pick the parcels up first."})
    when = when or timezone.now()
    route.departed_at = when
    route.save(update_fields=["departed_at"])
    by_brand: dict[int, list[Parcel]] = {}
    for parcel in aboard:
        by_brand.setdefault(parcel.brand_id, []).append(parcel)
    for parcels in by_brand.values():
        event = ev.departed(
            epcs=[p.epc_uri for p in parcels],
            location=route.vehicle.start_facility.epc_uri,
            when=when,
            vehicle=route.vehicle.epc_uri,
            operator=person_name(by),
        )
        record(organization=plan.organization, events=[event], brand=parcels[0].brand)
    return route, True


@transaction.atomic
def stop_arrive(
    *, stop: Stop, organization: Organization, by: Any = None, when: datetime | None = None
) -> tuple[Stop, bool]:
    """The courier is at the stop with its goods (a customer's door, a transfer's destination)."""
    stop = _locked(stop, organization)
    return _arrive(stop, by, when or timezone.now())


def _arrive(stop: Stop, by: Any, when: datetime) -> tuple[Stop, bool]:
    if stop.kind not in (Stop.Kind.PARCEL, Stop.Kind.DROPOFF):
        raise ValidationError("Nothing to deliver here", fields={"stop": f"A {stop.kind} stop."})
    if stop.arrived_at is not None:
        return stop, False
    if stop.status != Stop.Status.PICKED_UP:
        raise ConflictError(
            "The goods are not aboard", fields={"status": f"The stop is {stop.status}, not picked up."}
        )
    location, postal_code = _where(stop)
    event = ev.arrived(
        epcs=_epcs(stop),
        location=location,
        when=when,
        postal_code=postal_code,
        vehicle=stop.route.vehicle.epc_uri,
        operator=person_name(by),
    )
    stop.arrived_at = when
    stop.save(update_fields=["arrived_at"])
    _record(stop, [event])
    return stop, True


def _proof_checked(
    stop: Stop, photo: bytes | None, recipient_name: str, code: str
) -> tuple[str | None, bool]:
    """The photo's type and whether a code was checked; ValidationError naming every missing or bad field."""
    errors = FieldErrors()
    kind = None
    needs_proof = stop.kind == Stop.Kind.PARCEL
    if photo:
        kind = photo_type(photo)
        if len(photo) > MAX_PHOTO_BYTES:
            errors.add("photo", f"At most {MAX_PHOTO_BYTES // (1024 * 1024)} MB.")
        elif kind is None:
            errors.add("photo", "Not a photo (JPEG, PNG, WebP or HEIC).")
    elif needs_proof:
        errors.add("photo", "Take a photo of the parcel at the door.")
    if needs_proof:
        errors.required("recipient_name", recipient_name)
    if len(recipient_name) > 200:
        errors.add("recipient_name", "At most 200 characters.")
    checked = False
    if needs_proof and stop.parcel.code_required:
        parcel = stop.parcel
        if parcel.code_failures >= MAX_CODE_FAILURES:
            errors.add("code", "Too many wrong codes: the dispatcher must send the customer a new one.")
        elif not code:
            errors.add("code", "Ask the customer for the 4-digit code from their e-mail.")
        elif not code_matches(
            code.strip(), parcel.code_hash, parcel_uid=str(parcel.uid), key=settings.SECRET_KEY
        ):
            errors.add("code", WRONG_CODE)
        else:
            checked = True
    errors.raise_if_any("The proof of delivery is not valid")
    return kind, checked


def stop_deliver(
    *,
    stop: Stop,
    organization: Organization,
    photo: bytes | None = None,
    recipient_name: str = "",
    code: str = "",
    by: Any = None,
    when: datetime | None = None,
) -> tuple[Stop, bool]:
    """The goods are handed over. A parcel needs a photo, the recipient's name and, when its drop asks for
    it, the customer's 4-digit code; a transfer needs none. The delivery event carries the photo's SHA-256.
    A wrong code is counted (MAX_CODE_FAILURES, then a new code is needed) and refused."""
    try:
        return _deliver(stop, organization, photo, recipient_name.strip(), code, by, when or timezone.now())
    except _WrongCode as wrong:  # the delivery rolled back; the count of wrong codes stays
        with transaction.atomic():
            Parcel.objects.filter(pk=wrong.parcel_id).update(code_failures=F("code_failures") + 1)
        raise wrong.error from None


class _WrongCode(Exception):
    def __init__(self, parcel_id: int, error: ValidationError) -> None:
        self.parcel_id, self.error = parcel_id, error


@transaction.atomic
def _deliver(
    stop: Stop, organization: Organization, photo: bytes | None, name: str, code: str, by: Any, when: datetime
) -> tuple[Stop, bool]:
    stop = _locked(stop, organization)
    if stop.status == Stop.Status.DELIVERED:
        return stop, False
    if stop.kind not in (Stop.Kind.PARCEL, Stop.Kind.DROPOFF):
        raise ValidationError("Nothing to deliver here", fields={"stop": f"A {stop.kind} stop."})
    if stop.status != Stop.Status.PICKED_UP:
        raise ConflictError(f"The stop is {stop.status}", fields={"status": f"The stop is {stop.status}."})
    try:
        kind, checked = _proof_checked(stop, photo, name, code)
    except ValidationError as exc:
        if exc.fields.get("code") == WRONG_CODE:
            raise _WrongCode(stop.parcel_id, exc) from None
        raise
    digest = hashlib.sha256(photo).hexdigest() if photo else None
    if stop.arrived_at is None:  # the ledger says it arrived before it was handed over
        _arrive(stop, by, when)
    if photo:
        Proof.objects.create(
            stop=stop,
            parcel=stop.parcel,
            photo=photo,
            photo_type=kind,
            photo_sha256=digest,
            recipient_name=name,
            code_checked=checked,
            at=when,
        )
    location, postal_code = _where(stop)
    event = ev.delivered(
        epcs=_epcs(stop),
        location=location,
        when=when,
        postal_code=postal_code,
        proof_sha256=digest,
        code_checked=checked if stop.kind == Stop.Kind.PARCEL and stop.parcel.code_required else None,
        vehicle=stop.route.vehicle.epc_uri,
        operator=person_name(by),
    )
    stop.status, stop.done_at = Stop.Status.DELIVERED, when
    stop.save(update_fields=["status", "done_at"])
    if stop.parcel_id is not None:
        Parcel.objects.filter(pk=stop.parcel_id).update(
            status=Parcel.Status.DELIVERED, delivered_at=when, vehicle=None, next_attempt_on=None
        )
        parcel_delivered.run(stop.parcel)
    else:
        Transfer.objects.filter(pk=stop.transfer_id).update(
            status=Transfer.Status.DELIVERED, delivered_at=when, vehicle=None
        )
    _record(stop, [event])
    return stop, True


@transaction.atomic
def stop_fail(
    *,
    stop: Stop,
    organization: Organization,
    reason: str,
    next_attempt_on: date | str,
    note: str = "",
    by: Any = None,
    when: datetime | None = None,
) -> tuple[Stop, bool]:
    """The parcel could not be delivered: why, and the day of the next attempt (it goes back to the hub and
    into that day's plan)."""
    stop = _locked(stop, organization)
    if stop.status == Stop.Status.FAILED:
        return stop, False
    if stop.kind != Stop.Kind.PARCEL:
        raise ValidationError("Only a parcel's delivery can fail", fields={"stop": f"A {stop.kind} stop."})
    if stop.status != Stop.Status.PICKED_UP:
        raise ConflictError(f"The stop is {stop.status}", fields={"status": f"The stop is {stop.status}."})
    when = when or timezone.now()
    errors = FieldErrors()
    if reason not in Attempt.Reason.values:
        errors.add("reason", f"One of {', '.join(Attempt.Reason.values)}.")
    day = errors.date("next_attempt_on", next_attempt_on)
    if day is not None and day <= timezone.localdate(when):
        errors.add("next_attempt_on", "The next attempt is a later day.")
    if len(note) > 300:
        errors.add("note", "At most 300 characters.")
    errors.raise_if_any("The failed attempt is not valid")
    if stop.arrived_at is None:
        _arrive(stop, by, when)
    Attempt.objects.create(
        stop=stop, parcel=stop.parcel, reason=reason, note=note.strip(), next_attempt_on=day, at=when
    )
    location, postal_code = _where(stop)
    event = ev.not_delivered(
        epcs=_epcs(stop),
        location=location,
        when=when,
        reason=reason,
        next_attempt=day,
        postal_code=postal_code,
        vehicle=stop.route.vehicle.epc_uri,
        operator=person_name(by),
    )
    stop.status, stop.done_at = Stop.Status.FAILED, when
    stop.save(update_fields=["status", "done_at"])
    Parcel.objects.filter(pk=stop.parcel_id).update(
        status=Parcel.Status.FAILED, next_attempt_on=day, vehicle=None
    )
    _record(stop, [event])
    return stop, True
