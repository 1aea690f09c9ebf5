"""Use cases of the floor after the cut: bundles sewn into serialized garments, finishing steps, QC, packing,
shipping.

Each use case writes its EPCIS event into the factory's trace chain in the same transaction as the change it
records (`trace.services.record`), so the ledger never says more or less than happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.accounts.selectors import person_name
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.models import Bundle
from seamline.facilities.models import Facility, FacilityKind
from seamline.production.models import Carton, Garment, ProductionOrder
from seamline.trace.services import record

from . import events as ev
from .hooks import garments_packed

__all__ = [
    "FINISHING_KINDS",
    "bundle_sew",
    "cartons_deliver",
    "cartons_ship",
    "garments_finish",
    "garments_inspect",
    "garments_pack",
]

# A finishing step and the kind of facility that does it.
FINISHING_KINDS = {
    "dyeing": FacilityKind.DYE_HOUSE,
    "laser_washing": FacilityKind.LASER_WASH,
    "pressing": FacilityKind.FINISHING,
}


def _factory_only(order: ProductionOrder, organization: Organization) -> None:
    if organization.pk != order.factory_id:
        raise ForbiddenError("Only the factory that makes the order records its floor work.")


def _record(order: ProductionOrder, events: list[dict]) -> None:
    record(organization=order.factory, events=events, brand=order.brand)


@transaction.atomic
def bundle_sew(
    *, bundle: Any, organization: Organization, by: Any = None, when: datetime | None = None
) -> list[Garment]:
    """Sew a bundle: one serialized garment per ply, in the order's variant of the bundle's size."""

    bundle = (
        Bundle.objects.select_for_update(of=("self",))
        .select_related("lay__plan__order__factory", "lay__plan__order__brand")
        .get(pk=bundle.pk)
    )
    plan = bundle.lay.plan
    order = plan.order
    _factory_only(order, organization)
    if bundle.sewn_at is not None:
        raise ConflictError(f"Bundle {bundle.lay.number}-{bundle.number} is already sewn.")
    if bundle.lay.cut_at is None:
        raise ConflictError(f"Lay {bundle.lay.number} is not cut yet.")
    line = (
        order.lines.select_related("variant")
        .filter(variant__size=bundle.size, variant__colour=plan.colour)
        .first()
    )
    if line is None:
        raise ValidationError(
            f"{order.number} has no {plan.colour} {bundle.size} line to sew bundle {bundle.number} into."
        )
    ProductionOrder.objects.select_for_update().filter(pk=order.pk).first()  # serials one at a time
    start = (Garment.objects.filter(order=order).aggregate(n=Max("serial"))["n"] or 0) + 1
    when = when or timezone.now()
    garments = Garment.objects.bulk_create(
        Garment(order=order, variant=line.variant, serial=start + i, bundle=bundle, sewn_at=when)
        for i in range(bundle.garments)
    )
    bundle.sewn_at = when
    bundle.save(update_fields=["sewn_at"])
    facility = bundle.lay.roll_uses.select_related("roll__facility").first().roll.facility
    _record(
        order,
        [
            ev.sewn(
                bundles=[bundle.epc_uri],
                garments=[g.epc_uri for g in garments],
                sku=line.variant.sku,
                facility=facility.epc_uri,
                when=when,
                operator=person_name(by),
            )
        ],
    )
    return garments


def _garments(order: ProductionOrder, serials: Sequence[int] | None) -> list[Garment]:
    qs = Garment.objects.filter(order=order).order_by("serial")
    if serials is not None:
        qs = qs.filter(serial__in=list(serials))
    return list(qs)


@transaction.atomic
def garments_finish(
    *,
    order: ProductionOrder,
    organization: Organization,
    step: str,
    facility: Facility,
    energy_kwh: Decimal | None = None,
    water_l: Decimal | None = None,
    serials: Sequence[int] | None = None,
    when: datetime | None = None,
) -> int:
    """A finishing step (dyeing, laser washing, pressing) on the order's garments at a facility, with the
    energy and water it measured. Returns how many garments it covered."""

    _factory_only(order, organization)
    errors: dict[str, str] = {}
    if step not in FINISHING_KINDS:
        errors["step"] = f"{step!r} is not a finishing step ({', '.join(FINISHING_KINDS)})."
    elif facility.kind != FINISHING_KINDS[step]:
        errors["facility"] = f"{facility.name} is not a {FacilityKind(FINISHING_KINDS[step]).label.lower()}."
    for name, value in (("energy_kwh", energy_kwh), ("water_l", water_l)):
        if value is not None and Decimal(value) < 0:
            errors[name] = "Must not be negative."
    garments = _garments(order, serials)
    unknown = sorted(set(serials or ()) - {g.serial for g in garments})
    if unknown:
        errors["serials"] = f"{order.number} has no sewn garment {', '.join(map(str, unknown))}."
    elif not garments:
        errors["serials"] = f"{order.number} has no sewn garments to finish."
    if errors:
        raise ValidationError("The finishing step is not valid", fields=errors)
    _record(
        order,
        [
            ev.finished(
                epcs=[g.epc_uri for g in garments],
                step=step,
                facility=facility.epc_uri,
                when=when or timezone.now(),
                energy_kwh=energy_kwh,
                water_l=water_l,
            )
        ],
    )
    return len(garments)


@transaction.atomic
def garments_inspect(
    *,
    order: ProductionOrder,
    organization: Organization,
    facility: Facility,
    failed: Sequence[int] = (),
    when: datetime | None = None,
) -> tuple[int, int]:
    """QC of the order's uninspected garments: all pass but the serials in ``failed``. (passed, failed)."""

    _factory_only(order, organization)
    garments = list(
        Garment.objects.select_for_update().filter(order=order, inspected__isnull=True).order_by("serial")
    )
    if not garments:
        raise ConflictError(f"{order.number} has no garments waiting for inspection.")
    unknown = set(failed) - {g.serial for g in garments}
    if unknown:
        raise ValidationError(
            "The inspection is not valid",
            fields={
                "failed": f"serials {', '.join(map(str, sorted(unknown)))} are not waiting for inspection"
            },
        )
    when = when or timezone.now()
    bad = [g for g in garments if g.serial in set(failed)]
    good = [g for g in garments if g.serial not in set(failed)]
    events = []
    for group, passed in ((good, True), (bad, False)):
        if group:
            Garment.objects.filter(pk__in=[g.pk for g in group]).update(inspected=passed)
            events.append(
                ev.inspected(
                    epcs=[g.epc_uri for g in group], facility=facility.epc_uri, when=when, passed=passed
                )
            )
    _record(order, events)
    return len(good), len(bad)


@transaction.atomic
def garments_pack(
    *,
    order: ProductionOrder,
    organization: Organization,
    facility: Facility,
    per_carton: int = 12,
    when: datetime | None = None,
) -> list[Carton]:
    """Pack the order's inspected, passed and unpacked garments, ``per_carton`` to a carton."""

    _factory_only(order, organization)
    if per_carton < 1:
        raise ValidationError("The packing is not valid", fields={"per_carton": "Must be at least 1."})
    garments = list(
        Garment.objects.select_for_update()
        .filter(order=order, inspected=True, carton__isnull=True)
        .order_by("serial")
    )
    if not garments:
        raise ConflictError(f"{order.number} has no inspected garments left to pack.")
    when = when or timezone.now()
    start = (Carton.objects.filter(order=order).aggregate(n=Max("number"))["n"] or 0) + 1
    cartons, events = [], []
    for index in range(0, len(garments), per_carton):
        group = garments[index : index + per_carton]
        carton = Carton.objects.create(order=order, number=start + index // per_carton)
        Garment.objects.filter(pk__in=[g.pk for g in group]).update(carton=carton)
        cartons.append(carton)
        events.append(
            ev.packed(
                carton=carton.epc_uri,
                garments=[g.epc_uri for g in group],
                facility=facility.epc_uri,
                when=when,
            )
        )
    _record(order, events)
    garments_packed.run(order)  # their passports (and hangtags) are issued in the background
    return cartons


@transaction.atomic
def cartons_ship(
    *, order: ProductionOrder, organization: Organization, facility: Facility, when: datetime | None = None
) -> int:
    """The order's packed, unshipped cartons leave ``facility`` (the dock) for delivery."""

    _factory_only(order, organization)
    cartons = list(Carton.objects.select_for_update().filter(order=order, shipped_at__isnull=True))
    if not cartons:
        raise ConflictError(f"{order.number} has no packed cartons waiting to ship.")
    when = when or timezone.now()
    Carton.objects.filter(pk__in=[c.pk for c in cartons]).update(shipped_at=when)
    _record(order, [ev.departed(epcs=[c.epc_uri for c in cartons], facility=facility.epc_uri, when=when)])
    return len(cartons)


@transaction.atomic
def cartons_deliver(
    *,
    order: ProductionOrder,
    organization: Organization,
    location: str | None = None,
    when: datetime | None = None,
) -> int:
    """The order's shipped cartons arrive at the customer's door (``location``: a URI of the place)."""

    _factory_only(order, organization)
    cartons = list(
        Carton.objects.select_for_update().filter(
            order=order, shipped_at__isnull=False, delivered_at__isnull=True
        )
    )
    if not cartons:
        raise ConflictError(f"{order.number} has no cartons on the way.")
    when = when or timezone.now()
    Carton.objects.filter(pk__in=[c.pk for c in cartons]).update(delivered_at=when)
    _record(order, [ev.arrived(epcs=[c.epc_uri for c in cartons], when=when, location=location)])
    return len(cartons)
