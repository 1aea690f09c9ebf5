"""Use cases that write local delivery's records: couriers and vehicles, parcels made from packed local
pre-orders (with the customer's 4-digit code), transfers between facilities. Planning a day is in
planning.py, the courier's actions at a stop in actions.py.

Each use case is one transaction and writes its EPCIS events in it (`trace.services.record`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from seamline.accounts.models import Membership, Organization
from seamline.accounts.services import member_add
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.cutting.models import Bundle
from seamline.drops.models import Drop, PreOrder
from seamline.facilities.geocode import UnknownZipError, ZipPlace, distance_km, geocode_zip
from seamline.facilities.models import Facility, FacilityKind
from seamline.production.models import Garment, ProductionOrder
from seamline.trace.services import record

from . import events as ev
from . import tasks
from .codes import code_hash, code_new
from .models import Courier, Parcel, ParcelItem, Precision, Transfer, Vehicle

__all__ = [
    "DELIVERY_COUNTY",
    "DELIVERY_RADIUS_KM",
    "VEHICLE_DEFAULTS",
    "ParcelsMade",
    "courier_create",
    "delivery_place",
    "parcel_address_change",
    "parcel_code_issue",
    "parcel_code_resend",
    "parcels_create",
    "transfer_create",
    "transfers_from_routing",
    "vehicle_create",
]

# The courier zone: the county the hub serves, and no farther than a bike or van goes and comes back within
# a shift (Avalon, on Catalina, is in the county and 80 km away).
DELIVERY_COUNTY = "Los Angeles County"
DELIVERY_RADIUS_KM = 35
# A garment whose style has no fabric weights in its bill of materials (an estimate, named as one).
DEFAULT_GARMENT_KG = Decimal("1.000")
PACKAGING_KG = Decimal("0.050")  # a mailer bag and a tag
# What each kind of vehicle carries and how fast it goes in the city when the form leaves it blank.
VEHICLE_DEFAULTS: dict[str, dict[str, Any]] = {
    "e_cargo_bike": {
        "profile": "bike",
        "capacity_parcels": 15,
        "capacity_kg": 100,
        "speed_kmh": 15,
        "range_km": 60,
    },
    "e_van": {"profile": "van", "capacity_parcels": 80, "capacity_kg": 700, "speed_kmh": 25, "range_km": 160},
    "car": {"profile": "car", "capacity_parcels": 30, "capacity_kg": 300, "speed_kmh": 25, "range_km": None},
}


def _factory_only(organization: Organization) -> None:
    if not organization.is_factory:
        raise ForbiddenError("Only a factory delivers; a brand reads its parcels.")


# Couriers and vehicles --------------------------------------------------------------------------------


@transaction.atomic
def courier_create(
    *,
    organization: Organization,
    name: str,
    company: str = "",
    phone: str = "",
    email: str = "",
    password: str = "",
) -> Courier:
    """A courier of the organization; with ``email`` and ``password``, their own login (a member of the
    organization with the operator's role: they see their stops and act on them, nothing more)."""
    _factory_only(organization)
    errors = FieldErrors()
    name = errors.required("name", name)
    if bool(email) != bool(password):
        errors.add("password" if email else "email", "A login needs both an e-mail and a password.")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.add("email", f"{email!r} is not an e-mail address.")
    errors.raise_if_any("The courier is not valid")
    user = None
    if email:
        member = Membership.objects.filter(organization=organization, user__username=email).first()
        if member is None:  # a new login; an existing member keeps their role
            member = member_add(
                organization=organization,
                email=email,
                password=password,
                role=Membership.Role.OPERATOR,
                name=name,
            )
        user = member.user
        if Courier.objects.filter(organization=organization, user=user).exists():
            raise ConflictError("This login is already a courier's", fields={"email": "Already a courier."})
    return Courier.objects.create(
        organization=organization, name=name, company=company.strip(), phone=phone.strip(), user=user
    )


def _time_of(errors: FieldErrors, name: str, value: Any) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip().zfill(5))
    except ValueError:
        errors.add(name, f"{value!r} is not a time of day (HH:MM).")
        return None


@transaction.atomic
def vehicle_create(
    *,
    organization: Organization,
    name: str,
    kind: str,
    start_facility: Facility,
    end_facility: Facility | None = None,
    courier: Courier | None = None,
    shift_start: time | str = "09:00",
    shift_end: time | str = "17:00",
    break_start: time | str | None = None,
    break_end: time | str | None = None,
    break_minutes: int = 0,
    **given: Any,
) -> Vehicle:
    """A vehicle and its day: ``given`` may set profile, capacity_parcels, capacity_kg, speed_kmh and
    range_km; what it leaves out comes from VEHICLE_DEFAULTS for the kind."""
    _factory_only(organization)
    errors = FieldErrors()
    name = errors.required("name", name)
    if kind not in Vehicle.Kind.values:
        errors.add("kind", f"Unknown vehicle kind {kind!r}; one of {', '.join(Vehicle.Kind.values)}.")
    spec = {**VEHICLE_DEFAULTS.get(kind, {}), **{k: v for k, v in given.items() if v not in (None, "")}}
    unknown = set(given) - {"profile", "capacity_parcels", "capacity_kg", "speed_kmh", "range_km"}
    for field in sorted(unknown):
        errors.add(field, "Not a vehicle field.")
    parcels = errors.positive_int("capacity_parcels", spec.get("capacity_parcels"))
    kg = errors.decimal(
        "capacity_kg", spec.get("capacity_kg"), places=2, strictly_positive=True, max_value=5000
    )
    speed = errors.decimal(
        "speed_kmh", spec.get("speed_kmh"), places=1, strictly_positive=True, max_value=130
    )
    range_km = spec.get("range_km")
    if range_km is not None:
        range_km = errors.decimal("range_km", range_km, places=1, strictly_positive=True, max_value=10000)
    start, end = _time_of(errors, "shift_start", shift_start), _time_of(errors, "shift_end", shift_end)
    if start and end and end <= start:
        errors.add("shift_end", "The shift must end after it starts.")
    b_start, b_end = _time_of(errors, "break_start", break_start), _time_of(errors, "break_end", break_end)
    if break_minutes and not (b_start and b_end):
        errors.add("break_start", "A break needs the window it is taken in.")
    if b_start and b_end and start and end:
        if not start <= b_start < b_end <= end:
            errors.add("break_start", "The break's window must lie inside the shift.")
        elif (b_end.hour * 60 + b_end.minute) - (b_start.hour * 60 + b_start.minute) < break_minutes:
            errors.add("break_minutes", "Longer than its window.")
    end_facility = end_facility or start_facility
    for field, facility in (("start_facility", start_facility), ("end_facility", end_facility)):
        if facility.organization_id != organization.pk:
            errors.add(field, "No such facility.")
    if courier is not None and courier.organization_id != organization.pk:
        errors.add("courier", "No such courier.")
    profile = str(spec.get("profile") or "").strip()
    if not profile:
        errors.add("profile", "Name the travel-matrix profile (bike, van, car).")
    errors.raise_if_any("The vehicle is not valid")
    return Vehicle.objects.create(
        organization=organization,
        name=name,
        kind=kind,
        profile=profile,
        capacity_parcels=parcels,
        capacity_kg=kg,
        speed_kmh=speed,
        range_km=range_km,
        shift_start=start,
        shift_end=end,
        break_start=b_start,
        break_end=b_end,
        break_minutes=break_minutes,
        start_facility=start_facility,
        end_facility=end_facility,
        courier=courier,
    )


# Parcels --------------------------------------------------------------------------------------------


def delivery_place(zip_code: str, hub: Facility) -> ZipPlace:
    """The ZIP's place if the courier zone covers it; ValueError (its message for the customer) if not."""
    place = geocode_zip(zip_code)  # UnknownZipError is a ValueError
    if place.county != DELIVERY_COUNTY:
        raise ValueError(f"ZIP {place.zip_code} ({place.city}, {place.county}) is outside the delivery area.")
    km = distance_km((place.latitude, place.longitude), (hub.latitude, hub.longitude))
    if km > DELIVERY_RADIUS_KM:
        raise ValueError(
            f"ZIP {place.zip_code} ({place.city}) is {km:.0f} km from {hub.name}: farther than the "
            f"{DELIVERY_RADIUS_KM} km couriers go."
        )
    return place


@dataclass(frozen=True)
class ParcelsMade:
    parcels: list[Parcel]
    waiting: list[PreOrder]  # local pre-orders whose garments are not all packed yet


def _hub(organization: Organization, hub: Facility | None) -> Facility:
    if hub is not None:
        if hub.organization_id != organization.pk:
            raise ValidationError("The hub is not valid", fields={"hub": "No such facility."})
        return hub
    found = Facility.objects.filter(organization=organization, kind=FacilityKind.COURIER_HUB).first()
    if found is None:
        raise ValidationError("No courier hub", fields={"hub": "Add a facility of kind courier hub first."})
    return found


def _garment_kg(order: ProductionOrder) -> dict[str, Decimal]:
    """Each size's estimated mass: its fabrics' meters × width × weight (the bill of materials), the cut's
    off-cuts included, so an upper estimate; DEFAULT_GARMENT_KG when the bill names no fabric weights."""
    kg: dict[str, Decimal] = defaultdict(Decimal)
    for line in order.style.bom_lines.select_related("material"):
        material = line.material
        if material.kind != "fabric" or not material.weight_gsm or not material.usable_width_cm:
            continue
        for size, meters in (line.consumption or {}).items():
            kg[size] += Decimal(str(meters)) * material.usable_width_cm / 100 * material.weight_gsm / 1000
    return defaultdict(
        lambda: DEFAULT_GARMENT_KG, {s: v.quantize(Decimal("0.001")) for s, v in kg.items() if v}
    )


@transaction.atomic
def parcels_create(
    *,
    order: ProductionOrder,
    organization: Organization,
    hub: Facility | None = None,
    when: datetime | None = None,
) -> ParcelsMade:
    """A parcel for each captured local pre-order of the order's drop whose garments are packed: packed,
    passed garments of its variants are given to pre-orders oldest first, lowest serials first. Each parcel
    gets an aggregation event (garments into the parcel, at the hub) and, after commit, its code by e-mail.

    ValidationError naming ``preorders[<id>].zip_code`` when an address is outside the courier zone: then
    nothing is written.
    """
    if organization.pk != order.factory_id:
        raise ForbiddenError("Only the factory that makes the order delivers it.")
    drop = Drop.objects.filter(production_order=order).first()
    if drop is None:
        raise ValidationError("Not a drop's order", fields={"order": f"{order.number} has no pre-orders."})
    hub = _hub(organization, hub)
    preorders = list(
        PreOrder.objects.filter(
            drop=drop, local_delivery=True, state=PreOrder.State.CAPTURED, parcel__isnull=True
        )
        .prefetch_related("lines__offer__variant")
        .order_by("created_at", "pk")
    )
    errors = FieldErrors()
    places = {}
    for po in preorders:
        try:
            places[po.pk] = delivery_place(po.zip_code, hub)
        except (UnknownZipError, ValueError) as exc:
            errors.add(f"preorders[{po.pk}].zip_code", str(exc))
    errors.raise_if_any("Some local pre-orders cannot be delivered")
    free: dict[int, list[Garment]] = defaultdict(list)
    for garment in (
        Garment.objects.select_for_update(of=("self",))
        .filter(order=order, inspected=True, carton__isnull=False, parcel_item__isnull=True)
        .select_related("variant")
        .order_by("serial")
    ):
        free[garment.variant_id].append(garment)
    kg = _garment_kg(order)
    when = when or timezone.now()
    made, waiting, items, events = [], [], [], []
    for po in preorders:
        wanted = [(line.offer.variant_id, line.quantity) for line in po.lines.all()]
        if any(len(free[variant]) < n for variant, n in wanted):
            waiting.append(po)
            continue
        garments = [g for variant, n in wanted for g in (free[variant].pop(0) for _ in range(n))]
        place = places[po.pk]
        start, end = po.delivery_window
        parcel = Parcel.objects.create(
            organization=organization,
            brand_id=order.brand_id,
            preorder=po,
            order=order,
            hub=hub,
            weight_kg=sum((kg[g.variant.size] for g in garments), PACKAGING_KG),
            street=po.street,
            city=po.city,
            zip_code=place.zip_code,
            latitude=place.latitude,
            longitude=place.longitude,
            precision=Precision.ZIP_CENTROID,  # offline ZIP data: never the doorstep
            window_start=start,
            window_end=end,
            code_required=drop.delivery_code_required,
        )
        items += [ParcelItem(parcel=parcel, garment=g) for g in garments]
        events.append(
            ev.parcel_packed(
                parcel=parcel.epc_uri, garments=[g.epc_uri for g in garments], hub=hub.epc_uri, when=when
            )
        )
        made.append(parcel)
    ParcelItem.objects.bulk_create(items)
    if events:
        record(organization=organization, events=events, brand=order.brand)
    ids = [p.pk for p in made if p.code_required]
    transaction.on_commit(lambda: [tasks.parcel_code_send.enqueue(parcel_id=i) for i in ids])
    return ParcelsMade(made, waiting)


@transaction.atomic
def parcel_address_change(
    *, parcel: Parcel, organization: Organization, street: str, zip_code: str, city: str = ""
) -> Parcel:
    """Correct a parcel's address before it is delivered (the customer called): geocoded again."""
    parcel = Parcel.objects.select_for_update(of=("self",)).select_related("hub").get(pk=parcel.pk)
    if parcel.organization_id != organization.pk:
        raise ForbiddenError("This parcel belongs to another organization.")
    if parcel.status == Parcel.Status.DELIVERED:
        raise ConflictError("The parcel is delivered", fields={"status": "Already delivered."})
    errors = FieldErrors()
    street = errors.required("street", street)
    place = None
    try:
        place = delivery_place(zip_code, parcel.hub)
    except ValueError as exc:
        errors.add("zip_code", str(exc))
    errors.raise_if_any("The address is not valid")
    parcel.street, parcel.zip_code = street, place.zip_code
    parcel.city = (place.city_named(city) if city.strip() else None) or place.city
    parcel.latitude, parcel.longitude, parcel.precision = (
        place.latitude,
        place.longitude,
        Precision.ZIP_CENTROID,
    )
    parcel.save(update_fields=["street", "zip_code", "city", "latitude", "longitude", "precision"])
    return parcel


@transaction.atomic
def parcel_code_issue(*, parcel: Parcel) -> str | None:
    """A new 4-digit code for the parcel: its HMAC is stored, the code itself returned once (to e-mail it);
    any earlier code stops working. None when the parcel needs none or is delivered."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if parcel.status == Parcel.Status.DELIVERED or not parcel.code_required:
        return None
    code = code_new()
    parcel.code_hash = code_hash(code, parcel_uid=str(parcel.uid), key=settings.SECRET_KEY)
    parcel.code_sent_at, parcel.code_failures = timezone.now(), 0
    parcel.save(update_fields=["code_hash", "code_sent_at", "code_failures"])
    return code


@transaction.atomic
def parcel_code_resend(*, parcel: Parcel, organization: Organization) -> None:
    """E-mail the customer a new code (after commit); the old one stops working when the new one is made."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if parcel.organization_id != organization.pk:
        raise ForbiddenError("This parcel belongs to another organization.")
    if parcel.status == Parcel.Status.DELIVERED:
        raise ConflictError("The parcel is delivered", fields={"status": "Already delivered."})
    if not parcel.code_required:
        raise ConflictError("This drop asks for no delivery code", fields={"code": "Not required."})
    transaction.on_commit(lambda: tasks.parcel_code_send.enqueue(parcel_id=parcel.pk))


# Transfers ------------------------------------------------------------------------------------------


def _order_epcs(order: ProductionOrder) -> list[str]:
    garments = [g.epc_uri for g in Garment.objects.filter(order=order).order_by("serial")]
    if garments:
        return garments
    return [b.epc_uri for b in Bundle.objects.filter(lay__plan__order=order).order_by("pk")]


@transaction.atomic
def transfer_create(
    *,
    organization: Organization,
    origin: Facility,
    destination: Facility,
    day: date,
    weight_kg: Any,
    description: str = "",
    order: ProductionOrder | None = None,
    parcels: Any = 1,
    epcs: Sequence[str] | None = None,
) -> Transfer:
    """Goods to move between two of the organization's facilities on ``day`` (pickup and delivery on one
    vehicle). ``epcs``: what it carries (default: the order's garments, else its bundles)."""
    _factory_only(organization)
    errors = FieldErrors()
    for field, facility in (("origin", origin), ("destination", destination)):
        if facility.organization_id != organization.pk:
            errors.add(field, "No such facility.")
    if origin.pk == destination.pk:
        errors.add("destination", "The same place as the origin.")
    if order is not None and order.factory_id != organization.pk:
        errors.add("order", "No such production order.")
    if day < timezone.localdate():
        errors.add("day", f"{day} is past.")
    kg = errors.decimal("weight_kg", weight_kg, places=3, strictly_positive=True, max_value=10000)
    boxes = errors.positive_int("parcels", parcels)
    errors.raise_if_any("The transfer is not valid")
    carried = list(epcs) if epcs is not None else (_order_epcs(order) if order is not None else [])
    return Transfer.objects.create(
        organization=organization,
        order=order,
        description=(description or f"{origin.name} → {destination.name}")[:200],
        origin=origin,
        destination=destination,
        day=day,
        weight_kg=kg,
        parcels=boxes,
        epcs=carried,
    )


@transaction.atomic
def transfers_from_routing(
    *, order: ProductionOrder, organization: Organization, day: date, kg_per_garment: Any = None
) -> list[Transfer]:
    """A transfer for each change of facility along the style's routing (cut-and-sew floor → laser wash →
    presser → warehouse), between the organization's facilities of those kinds; ValidationError naming
    ``routing`` when a kind has no facility."""
    _factory_only(organization)
    if order.factory_id != organization.pk:
        raise ForbiddenError("Only the factory that makes the order moves it.")
    kinds = list(
        dict.fromkeys(order.style.operations.order_by("sequence").values_list("facility_kind", flat=True))
    )
    facilities = {}
    for facility in Facility.objects.filter(organization=organization).order_by("name", "pk"):
        facilities.setdefault(facility.kind, facility)
    missing = [k for k in kinds if k not in facilities]
    if missing:
        names = ", ".join(FacilityKind(k).label.lower() for k in missing)
        raise ValidationError("The routing needs facilities", fields={"routing": f"No {names} facility."})
    per_garment = (
        Decimal(str(kg_per_garment))
        if kg_per_garment
        else max(_garment_kg(order).values(), default=DEFAULT_GARMENT_KG)
    )
    weight = (per_garment * max(order.units, 1)).quantize(Decimal("0.001"))
    made = []
    for a, b in pairwise(kinds):
        origin, destination = facilities[a], facilities[b]
        if origin.pk == destination.pk:
            continue
        made.append(
            transfer_create(
                organization=organization,
                origin=origin,
                destination=destination,
                day=day,
                weight_kg=weight,
                order=order,
                description=f"{order.number}: {FacilityKind(a).label} → {FacilityKind(b).label}",
                parcels=max(1, order.units // 20),
            )
        )
    return made
