"""Reads of local delivery, scoped to the organization that asks: the fleet, parcels, a day's plan with its
routes and stops in order, a courier's day with the next stop, a parcel's tracking (how many stops away,
its proof), a garment's last mile (for the footprint and the passport) and a drop's lead time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.drops.models import Drop, PreOrder
from seamline.trace.models import EventEpc

from .leadtime import LeadTimes, lead_times
from .models import (
    Attempt,
    Courier,
    Parcel,
    ParcelItem,
    Plan,
    Proof,
    Route,
    Stop,
    Transfer,
    Unassigned,
    Vehicle,
)

__all__ = [
    "CourierDay",
    "DayPlan",
    "LastMile",
    "PreOrderLeadTime",
    "Tracking",
    "courier_day",
    "courier_get",
    "courier_list",
    "current_plan",
    "day_plan",
    "drop_lead_times",
    "garment_last_mile",
    "garment_last_miles",
    "parcel_get",
    "parcel_list",
    "parcel_tracking",
    "plan_get",
    "plan_list",
    "preorder_lead_times",
    "route_get",
    "stop_get",
    "tracking_by_token",
    "transfer_list",
    "vehicle_get",
    "vehicle_list",
]

DELIVERABLE = (Stop.Kind.PARCEL, Stop.Kind.PICKUP, Stop.Kind.DROPOFF)
_STOP_RELATED = ("parcel", "transfer__origin", "transfer__destination", "facility")


# The fleet ----------------------------------------------------------------------------------------------


def courier_list(*, organization: Organization) -> QuerySet[Courier]:
    return Courier.objects.filter(organization=organization).select_related("user").order_by("name", "pk")


def courier_get(*, organization: Organization, pk: int) -> Courier | None:
    return courier_list(organization=organization).filter(pk=pk).first()


def vehicle_list(*, organization: Organization) -> QuerySet[Vehicle]:
    return (
        Vehicle.objects.filter(organization=organization)
        .select_related("start_facility", "end_facility", "courier")
        .order_by("name", "pk")
    )


def vehicle_get(*, organization: Organization, pk: int) -> Vehicle | None:
    return vehicle_list(organization=organization).filter(pk=pk).first()


# Parcels and transfers ----------------------------------------------------------------------------------


def parcel_list(*, organization: Organization, status: str | None = None) -> QuerySet[Parcel]:
    """Parcels the organization delivers (a factory) or that hold its drops' garments (a brand)."""
    qs = Parcel.objects.filter(Q(organization=organization) | Q(brand=organization))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("preorder", "order", "hub").order_by("-pk")


def parcel_get(*, organization: Organization, pk: int) -> Parcel | None:
    return parcel_list(organization=organization).prefetch_related("items__garment").filter(pk=pk).first()


def transfer_list(*, organization: Organization, day: date | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.filter(organization=organization)
    if day is not None:
        qs = qs.filter(day=day)
    return qs.select_related("origin", "destination", "order").order_by("day", "pk")


# Plans ----------------------------------------------------------------------------------------------------


def current_plan(*, organization: Organization, day: date) -> Plan | None:
    """The plan couriers follow on ``day``: the newest one done (a re-plan replaces the one before)."""
    return (
        Plan.objects.filter(organization=organization, day=day, status=Plan.Status.DONE)
        .order_by("-pk")
        .first()
    )


def plan_list(*, organization: Organization, day: date | None = None) -> QuerySet[Plan]:
    qs = Plan.objects.filter(organization=organization)
    if day is not None:
        qs = qs.filter(day=day)
    return qs.order_by("-day", "-pk")


def _routes() -> Prefetch:
    stops = Stop.objects.select_related(*_STOP_RELATED).order_by("sequence")
    return Prefetch(
        "routes",
        queryset=Route.objects.select_related("vehicle", "courier").prefetch_related(
            Prefetch("stops", stops)
        ),
    )


def plan_get(*, organization: Organization, pk: int) -> Plan | None:
    """A plan with its routes (stops in order) and its unassigned jobs."""
    unassigned = Unassigned.objects.select_related("parcel", "transfer")
    return (
        plan_list(organization=organization)
        .prefetch_related(_routes(), Prefetch("unassigned", unassigned))
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class DayPlan:
    """A day's current plan, what the dispatcher's page shows."""

    plan: Plan
    routes: list[Route]  # each with .stops.all() in order (prefetched)
    unassigned: list[Unassigned]
    km: Decimal
    hours: Decimal
    parcels: int
    co2e_kg: Decimal | None  # None when a route has no factor
    co2e_sourced: bool  # False: some route rests on an unsourced estimate (a cargo bike's)
    running: Plan | None = None  # a plan or re-plan of the day still being made


def day_plan(*, organization: Organization, day: date) -> DayPlan | None:
    """The day's current plan with its routes, stops in order, unassigned jobs and totals; None before any
    plan is done. ``running`` is a newer plan still queued or running (its progress_text says how far)."""
    running = (
        plan_list(organization=organization, day=day)
        .filter(status__in=[Plan.Status.QUEUED, Plan.Status.RUNNING])
        .first()
    )
    plan = current_plan(organization=organization, day=day)
    if plan is None:
        return None
    plan = plan_get(organization=organization, pk=plan.pk)
    routes = list(plan.routes.all())
    co2e = [r.co2e_kg for r in routes]
    return DayPlan(
        plan=plan,
        routes=routes,
        unassigned=list(plan.unassigned.all()),
        km=sum((r.km for r in routes), Decimal(0)),
        hours=(Decimal(sum(r.duration_s for r in routes)) / 3600).quantize(Decimal("0.01")),
        parcels=sum(1 for r in routes for s in r.stops.all() if s.kind == Stop.Kind.PARCEL),
        co2e_kg=None if any(c is None for c in co2e) else sum(co2e, Decimal(0)),
        co2e_sourced=all(r.co2e_sourced for r in routes),
        running=running,
    )


def route_get(*, organization: Organization, pk: int) -> Route | None:
    stops = Stop.objects.select_related(*_STOP_RELATED).order_by("sequence")
    return (
        Route.objects.filter(plan__organization=organization, pk=pk)
        .select_related("plan", "vehicle", "courier")
        .prefetch_related(Prefetch("stops", stops))
        .first()
    )


def stop_get(*, organization: Organization, pk: int) -> Stop | None:
    return (
        Stop.objects.filter(route__plan__organization=organization, pk=pk)
        .select_related("route__plan", "route__vehicle", "route__courier", *_STOP_RELATED)
        .first()
    )


# A courier's day ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourierDay:
    courier: Courier
    routes: list[Route]  # in the day's current plan, stops in order
    next_stop: Stop | None  # the first stop with something left to do (None: the day is done)
    to_pick_up: list[Stop]  # parcels still to take aboard at the hub

    @property
    def stops(self) -> list[Stop]:
        return [s for r in self.routes for s in r.stops.all()]


def courier_day(*, organization: Organization, courier: Courier, day: date | None = None) -> CourierDay:
    """The courier's stops today (or on ``day``) in order, the next one, and what to pick up first."""
    day = day or timezone.localdate()
    plan = current_plan(organization=organization, day=day)
    routes: list[Route] = []
    if plan is not None and courier.organization_id == organization.pk:
        stops = Stop.objects.select_related(*_STOP_RELATED).order_by("sequence")
        routes = list(
            Route.objects.filter(plan=plan, courier=courier)
            .select_related("vehicle")
            .prefetch_related(Prefetch("stops", stops))
            .order_by("number")
        )
    work = [s for r in routes for s in r.stops.all() if s.kind in DELIVERABLE]
    to_pick_up = [s for s in work if s.kind == Stop.Kind.PARCEL and s.status == Stop.Status.PENDING]
    pending = [s for s in work if not s.is_done and not (s.kind == Stop.Kind.PARCEL and s in to_pick_up)]
    return CourierDay(courier, routes, pending[0] if pending else None, to_pick_up)


# A parcel's tracking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracking:
    """What the customer's page shows."""

    parcel: Parcel
    state: str  # packed, planned, on_the_way, delivered, not_delivered
    window: tuple[Any, Any]  # local times
    day: date | None = None  # the day it is planned for
    planned_arrival: Any = None
    stops_away: int | None = None  # stops before it on the route, once the courier has left
    proof: Proof | None = None
    attempts: list[Attempt] = field(default_factory=list)


def parcel_tracking(*, parcel: Parcel) -> Tracking:
    """The parcel's state, window and, on its way, how many stops are before it; the proof once delivered."""
    attempts = list(Attempt.objects.filter(parcel=parcel).order_by("at"))
    window = (parcel.window_start, parcel.window_end)
    if parcel.status == Parcel.Status.DELIVERED:
        proof = Proof.objects.filter(parcel=parcel).defer("photo").order_by("-at").first()
        return Tracking(parcel, "delivered", window, proof=proof, attempts=attempts)
    stop = (
        Stop.objects.filter(parcel=parcel, kind=Stop.Kind.PARCEL, route__plan__status=Plan.Status.DONE)
        .exclude(status=Stop.Status.FAILED)
        .select_related("route__plan")
        .order_by("-route__plan__day", "-route__plan_id")
        .first()
    )
    if (
        stop is None
        or current_plan(organization=parcel.organization, day=stop.route.plan.day) != stop.route.plan
    ):
        state = "not_delivered" if parcel.status == Parcel.Status.FAILED else "packed"
        return Tracking(parcel, state, window, attempts=attempts)
    route = stop.route
    if route.departed_at is None:
        return Tracking(parcel, "planned", window, route.plan.day, stop.planned_arrival, attempts=attempts)
    before = (
        Stop.objects.filter(route=route, sequence__lt=stop.sequence, kind__in=DELIVERABLE)
        .exclude(status__in=[Stop.Status.DELIVERED, Stop.Status.FAILED])
        .count()
    )
    return Tracking(
        parcel, "on_the_way", window, route.plan.day, stop.planned_arrival, before, attempts=attempts
    )


def tracking_by_token(*, token: str) -> Tracking | None:
    """The tracking of the parcel of the pre-order behind a private link (its access token); None if none."""
    if not token:
        return None
    parcel = Parcel.objects.filter(preorder__access_token=token).select_related("preorder__drop").first()
    return parcel_tracking(parcel=parcel) if parcel is not None else None


# A garment's last mile ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastMile:
    """How a garment reached its customer: the parcel's route, its vehicle, and the proof."""

    garment_epc: str
    parcel: str  # label
    vehicle_kind: str  # e_cargo_bike, e_van, car
    vehicle_name: str
    route_km: Decimal  # the whole route, as planned
    jobs_on_route: int  # parcels and transfers it carried: the route's km is shared by these
    km_to_door: Decimal  # from the hub to this parcel's door along the route
    garments_in_parcel: int
    delivered_at: Any
    proof_sha256: str
    event_id: str = ""  # the delivery's (accepting) event in the ledger

    @property
    def km_share(self) -> Decimal:
        """This garment's share of the route: the route's km ÷ its jobs ÷ the garments of the parcel."""
        return (self.route_km / self.jobs_on_route / self.garments_in_parcel).quantize(Decimal("0.0001"))


def garment_last_miles(epcs: Iterable[str]) -> dict[str, LastMile]:
    """The last mile of each delivered garment among ``epcs`` (by EPC); garments not delivered by a route
    are left out. Route km is shared equally by the parcels and transfers the route served (see km_share)."""
    wanted = set(epcs)
    uids = [e.rsplit(":", 1)[-1] for e in wanted if e.startswith("urn:seamline:garment:")]
    if not uids:
        return {}
    stops = list(
        Stop.objects.filter(
            kind=Stop.Kind.PARCEL,
            status=Stop.Status.DELIVERED,
            parcel__items__garment__uid__in=uids,
        )
        .select_related("route__vehicle", "parcel")
        .distinct()
    )
    if not stops:
        return {}
    routes = {s.route_id for s in stops}
    jobs = Counter(
        Stop.objects.filter(route_id__in=routes, kind__in=[Stop.Kind.PARCEL, Stop.Kind.DROPOFF]).values_list(
            "route_id", flat=True
        )
    )
    proofs = dict(Proof.objects.filter(stop__in=[s.pk for s in stops]).values_list("stop_id", "photo_sha256"))
    accepted = dict(
        EventEpc.objects.filter(
            epc__in=[s.parcel.epc_uri for s in stops], role="epc", event__biz_step__endswith="accepting"
        ).values_list("epc", "event__event_id")
    )
    by_parcel: dict[int, list[str]] = {}
    for parcel_id, uid in ParcelItem.objects.filter(parcel_id__in=[s.parcel_id for s in stops]).values_list(
        "parcel_id", "garment__uid"
    ):
        by_parcel.setdefault(parcel_id, []).append(f"urn:seamline:garment:{uid}")
    out = {}
    for stop in stops:
        garments = by_parcel.get(stop.parcel_id, [])
        for epc in garments:
            out[epc] = LastMile(
                garment_epc=epc,
                parcel=stop.parcel.label,
                vehicle_kind=stop.route.vehicle.kind,
                vehicle_name=stop.route.vehicle.name,
                route_km=stop.route.km,
                jobs_on_route=max(jobs.get(stop.route_id, 1), 1),
                km_to_door=(Decimal(stop.distance_m) / 1000).quantize(Decimal("0.001")),
                garments_in_parcel=len(garments),
                delivered_at=stop.done_at,
                proof_sha256=proofs.get(stop.pk, ""),
                event_id=accepted.get(stop.parcel.epc_uri, ""),
            )
    return {e: m for e, m in out.items() if e in wanted}


def garment_last_mile(*, garment_epc: str) -> LastMile | None:
    return garment_last_miles([garment_epc]).get(garment_epc)


# Lead time ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreOrderLeadTime:
    preorder: PreOrder
    delivered_at: Any  # None: not yet
    days: Decimal | None


def preorder_lead_times(*, drop: Drop) -> list[PreOrderLeadTime]:
    """Each captured local pre-order of the drop: funded → delivered in days (None while on its way)."""
    rows = []
    preorders = PreOrder.objects.filter(
        drop=drop, local_delivery=True, state=PreOrder.State.CAPTURED
    ).select_related("parcel")
    for po in preorders.order_by("created_at", "pk"):
        parcel = getattr(po, "parcel", None)
        delivered = parcel.delivered_at if parcel is not None else None
        days = None
        if delivered is not None and drop.funded_at is not None:
            days = (Decimal((delivered - drop.funded_at).total_seconds()) / 86400).quantize(Decimal("0.1"))
        rows.append(PreOrderLeadTime(po, delivered, days))
    return rows


def drop_lead_times(*, drop: Drop) -> LeadTimes:
    """Funded → doorstep over the drop's local pre-orders: median, 90th percentile, share within 7 days."""
    rows = preorder_lead_times(drop=drop)
    durations = [
        r.delivered_at - drop.funded_at
        for r in rows
        if r.delivered_at is not None and drop.funded_at is not None
    ]
    return lead_times(durations, local=len(rows))
