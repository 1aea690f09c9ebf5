"""Planning a day of deliveries: queue a plan, run it in the background (the planner, `routing.solve`, on an
offline travel matrix), and save its routes, stops and unassigned jobs in one transaction.

A new plan of a day that has one already is a re-plan: the stops done (delivered, not delivered) stay as
they were, at the head of their vehicle's route; parcels picked up stay on their vehicle
(``Job.on_vehicle``); each vehicle sets off from where it last stopped, now, with the range it has left.

Times in the problem are seconds since local midnight of the day (America/Los_Angeles), as `problem` says.
Service times: PARCEL_SERVICE_S at a door (finding it, the photo, the code), TRANSFER_SERVICE_S at a
facility (loading or unloading bags of work).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ValidationError
from seamline.core.validation import FieldErrors

from . import problem as pr
from . import tasks
from .feasibility import check_plan
from .hooks import RouteEstimate, route_footprint
from .matrix import PROFILES, SOURCES, GreatCircleProvider, MatrixError, Profile
from .models import Parcel, Plan, Route, Stop, Transfer, Unassigned, Vehicle
from .routing import solve
from .selectors import current_plan

__all__ = [
    "PARCEL_SERVICE_S",
    "TRANSFER_SERVICE_S",
    "Built",
    "plan_build",
    "plan_request",
    "plan_run",
]

PARCEL_SERVICE_S = 180
TRANSFER_SERVICE_S = 300
MAX_SECONDS = 60.0
_PROGRESS_EVERY_S = 0.5
_DONE = (Stop.Status.DELIVERED, Stop.Status.FAILED)


def local_datetime(day: date, seconds: int) -> datetime:
    """``seconds`` of wall-clock time after local midnight of ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(seconds=seconds))


def seconds_of(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@transaction.atomic
def plan_request(
    *, organization: Organization, day: date | str, seconds: Any = 5, by: Any = None, enqueue: bool = True
) -> Plan:
    """Queue the plan of ``day`` (a re-plan when the day has one); the background task runs it."""
    if not organization.is_factory:
        raise ValidationError("Only a factory delivers", fields={"organization": "Not a factory."})
    errors = FieldErrors()
    day = errors.date("day", day)
    if day is not None and day < timezone.localdate():
        errors.add("day", f"{day} is past.")
    budget = errors.decimal("seconds", seconds, places=1, strictly_positive=True, max_value=int(MAX_SECONDS))
    errors.raise_if_any("The plan is not valid")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # one request at a time
    busy = Plan.objects.filter(
        organization=organization, day=day, status__in=[Plan.Status.QUEUED, Plan.Status.RUNNING]
    ).first()
    if busy is not None:
        raise ConflictError(f"Plan {busy.pk} of {day} is {busy.status}", fields={"day": "A plan is running."})
    plan = Plan.objects.create(
        organization=organization,
        day=day,
        seconds=float(budget),
        replan_of=current_plan(organization=organization, day=day),
        created_by=by,
        progress_text="Queued",
    )
    if enqueue:
        transaction.on_commit(lambda: tasks.delivery_plan_run.enqueue(plan_id=plan.pk))
    return plan


@dataclass
class Built:
    """A plan's problem and what its ids and places stand for."""

    problem: pr.Problem
    points: list[tuple[float, float]]
    parcels: dict[str, Parcel]
    transfers: dict[str, Transfer]
    vehicles: dict[str, Vehicle]
    facility_at: dict[int, Any]  # point index -> facility (None: a door or a vehicle's position)
    kept: dict[int, list[Stop]] = field(default_factory=dict)  # vehicle pk -> done stops of the last plan
    kept_m: dict[int, int] = field(default_factory=dict)  # vehicle pk -> metres those took
    kept_s: dict[int, int] = field(default_factory=dict)  # vehicle pk -> seconds from departure to the last
    departed: dict[int, datetime] = field(default_factory=dict)
    aboard: dict[str, str] = field(default_factory=dict)  # job id -> vehicle id (picked up)
    snapshot: dict[int, tuple[str, Any]] = field(default_factory=dict)  # last plan's stops as read
    left_out: list[tuple[str, str, str]] = field(default_factory=list)  # (id, reason, detail) before solving


class _Places:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []
        self.keys: dict[Any, int] = {}
        self.facility_at: dict[int, Any] = {}

    def at(self, key: Any, lat: float, lon: float, facility: Any = None) -> int:
        if key not in self.keys:
            self.keys[key] = len(self.points)
            self.points.append((lat, lon))
            self.facility_at[self.keys[key]] = facility
        return self.keys[key]

    def facility(self, facility: Any) -> int:
        return self.at(("facility", facility.pk), facility.latitude, facility.longitude, facility)


def _profiles(vehicles: list[Vehicle]) -> dict[int, Profile]:
    """Each vehicle's matrix profile: its kind's profile at its own speed (named apart when it differs)."""
    circuity = SOURCES["circuity"].value
    out = {}
    for vehicle in vehicles:
        speed = float(vehicle.speed_kmh)
        known = PROFILES.get(vehicle.profile)
        name = vehicle.profile if known and known.speed_kmh == speed else f"{vehicle.profile}@{speed:g}"
        out[vehicle.pk] = Profile(name, speed, circuity)
    return out


def plan_build(plan: Plan, *, now: datetime | None = None) -> Built:
    """The problem of ``plan``'s day as the database has it now (see the module's docstring)."""
    day, org = plan.day, plan.organization
    now = timezone.localtime(now or timezone.now())
    now_s = seconds_of(now.time()) if day == now.date() else None
    places = _Places()
    built = Built(pr.Problem(()), places.points, {}, {}, {}, places.facility_at)
    previous = plan.replan_of
    last_at: dict[int, tuple[float, float]] = {}
    if previous is not None:
        for stop in (
            Stop.objects.filter(route__plan=previous).select_related("route").order_by("route", "sequence")
        ):
            vehicle_id = stop.route.vehicle_id
            built.snapshot[stop.pk] = (stop.status, stop.arrived_at)
            if stop.route.departed_at:
                built.departed[vehicle_id] = stop.route.departed_at
            if stop.status in _DONE:
                built.kept.setdefault(vehicle_id, []).append(stop)
                built.kept_m[vehicle_id] = stop.distance_m
                if stop.done_at and stop.route.departed_at:
                    elapsed = (stop.done_at - stop.route.departed_at).total_seconds()
                    built.kept_s[vehicle_id] = max(0, int(elapsed))
                last_at[vehicle_id] = (stop.latitude, stop.longitude)
            elif stop.status == Stop.Status.PICKED_UP and stop.kind in (Stop.Kind.PARCEL, Stop.Kind.DROPOFF):
                item = f"parcel:{stop.parcel_id}" if stop.parcel_id else f"transfer:{stop.transfer_id}"
                built.aboard[item] = f"vehicle:{vehicle_id}"
    vehicles = list(
        Vehicle.objects.filter(organization=org, active=True)
        .select_related("start_facility", "end_facility", "courier")
        .order_by("pk")
    )
    profiles = _profiles(vehicles)
    pr_vehicles = []
    for vehicle in vehicles:
        start_s, end_s = seconds_of(vehicle.shift_start), seconds_of(vehicle.shift_end)
        if now_s is not None:
            start_s = max(start_s, now_s)
        if start_s >= end_s:
            continue  # its shift is over
        vid = f"vehicle:{vehicle.pk}"
        built.vehicles[vid] = vehicle
        if vehicle.pk in last_at:
            lat, lon = last_at[vehicle.pk]
            start = places.at(("vehicle", vehicle.pk), lat, lon)
        else:
            start = places.facility(vehicle.start_facility)
        breaks = ()
        if vehicle.break_minutes and vehicle.break_start and vehicle.break_end:
            latest = seconds_of(vehicle.break_end) - vehicle.break_minutes * 60
            earliest = max(seconds_of(vehicle.break_start), start_s)
            if earliest <= latest:
                window = pr.Window(earliest, latest)
                breaks = (pr.Break(f"break:{vehicle.pk}", (window,), vehicle.break_minutes * 60),)
        range_m = None
        if vehicle.range_km is not None:
            range_m = max(int(vehicle.range_km * 1000) - built.kept_m.get(vehicle.pk, 0), 0)
        pr_vehicles.append(
            pr.Vehicle(
                id=vid,
                profile=profiles[vehicle.pk].name,
                start=start,
                end=places.facility(vehicle.end_facility),
                capacity=pr.Load(vehicle.capacity_parcels, int(vehicle.capacity_kg * 1000)),
                shift=pr.Window(start_s, end_s),
                breaks=breaks,
                range_m=range_m,
            )
        )
    done_items = {
        f"parcel:{s.parcel_id}" if s.parcel_id else f"transfer:{s.transfer_id}"
        for stops in built.kept.values()
        for s in stops
    }
    jobs = []
    parcels = (
        Parcel.objects.filter(organization=org)
        .filter(
            Q(status=Parcel.Status.READY)
            | Q(status=Parcel.Status.ON_VEHICLE)
            | Q(status=Parcel.Status.FAILED, next_attempt_on__lte=day)
        )
        .order_by("pk")
    )
    for parcel in parcels:
        jid = f"parcel:{parcel.pk}"
        if jid in done_items:
            continue
        aboard = built.aboard.get(jid)
        if parcel.status == Parcel.Status.ON_VEHICLE and aboard is None:
            continue  # aboard a vehicle of another day's plan: not this plan's to move
        if aboard is not None and aboard not in built.vehicles:
            built.left_out.append((jid, "shift", "aboard a vehicle whose shift is over"))
            built.parcels[jid] = parcel
            continue
        built.parcels[jid] = parcel
        window = pr.Window(seconds_of(parcel.window_start), seconds_of(parcel.window_end))
        stop = pr.Stop(
            places.at(("parcel", parcel.pk), parcel.latitude, parcel.longitude), PARCEL_SERVICE_S, (window,)
        )
        jobs.append(pr.Job(jid, stop, pr.Load(1, int(parcel.weight_kg * 1000)), on_vehicle=aboard))
    transfers = []
    for transfer in (
        Transfer.objects.filter(organization=org, day__lte=day)
        .exclude(status=Transfer.Status.DELIVERED)
        .select_related("origin", "destination")
        .order_by("pk")
    ):
        tid = f"transfer:{transfer.pk}"
        if tid in done_items:
            continue
        aboard = built.aboard.get(tid)
        if transfer.status == Transfer.Status.ON_VEHICLE and aboard is None:
            continue
        built.transfers[tid] = transfer
        load = pr.Load(transfer.parcels, int(transfer.weight_kg * 1000))
        dropoff = pr.Stop(
            places.facility(transfer.destination),
            TRANSFER_SERVICE_S,
            (pr.Window(seconds_of(transfer.dropoff_start), seconds_of(transfer.dropoff_end)),),
        )
        if aboard is not None:  # picked up already: only its delivery is left, on that vehicle
            if aboard in built.vehicles:
                jobs.append(pr.Job(tid, dropoff, load, on_vehicle=aboard))
            else:
                built.left_out.append((tid, "shift", "aboard a vehicle whose shift is over"))
            continue
        pickup = pr.Stop(
            places.facility(transfer.origin),
            TRANSFER_SERVICE_S,
            (pr.Window(seconds_of(transfer.pickup_start), seconds_of(transfer.pickup_end)),),
        )
        transfers.append(pr.Transfer(tid, pickup, dropoff, load))
    wanted = {profiles[built.vehicles[v.id].pk].name: profiles[built.vehicles[v.id].pk] for v in pr_vehicles}
    matrices = GreatCircleProvider(wanted).matrices(places.points, wanted) if pr_vehicles else {}
    built.problem = pr.Problem(tuple(pr_vehicles), tuple(jobs), tuple(transfers), matrices)
    return built


def _progress_saver(plan_id: int, also: Callable[[str], None] | None) -> Callable[[str], None]:
    last = [0.0]

    def save(text: str) -> None:
        if also is not None:
            also(text)
        now = clock.monotonic()
        if now - last[0] >= _PROGRESS_EVERY_S or text.startswith("done"):
            last[0] = now
            Plan.objects.filter(pk=plan_id, status=Plan.Status.RUNNING).update(progress_text=str(text)[:200])

    return save


def plan_run(
    plan_id: int,
    *,
    on_progress: Callable[[str], None] | None = None,
    on_solved: Callable[[pr.Problem, pr.Plan], None] | None = None,
    now: datetime | None = None,
) -> Plan:
    """Build, solve and save a queued plan. The result is checked by `feasibility.check_plan` before it is
    saved: a plan that breaks a window, a capacity or a range never reaches a courier. A failure is saved on
    the plan (status failed, the reason), not raised."""
    claimed = Plan.objects.filter(pk=plan_id, status=Plan.Status.QUEUED).update(
        status=Plan.Status.RUNNING, started_at=timezone.now(), progress_text="Reading parcels and vehicles"
    )
    plan = Plan.objects.select_related("organization", "replan_of").get(pk=plan_id)
    if not claimed:
        return plan
    try:
        built = plan_build(plan, now=now)
        if not built.problem.vehicles:
            raise ValueError("no vehicle has a shift left on this day")
        result = solve(built.problem, seconds=plan.seconds, progress=_progress_saver(plan.pk, on_progress))
        violations = check_plan(built.problem, result)
        if violations:
            raise ValueError("the planner's answer is not feasible: " + "; ".join(map(str, violations[:5])))
        if on_solved is not None:
            on_solved(built.problem, result)
        _save(plan, built, result)
    except (ValueError, MatrixError, _Stale) as exc:
        Plan.objects.filter(pk=plan.pk, status=Plan.Status.RUNNING).update(
            status=Plan.Status.FAILED,
            error=str(exc)[:2000],
            progress_text="Failed",
            finished_at=timezone.now(),
        )
    plan.refresh_from_db()
    return plan


class _Stale(Exception):
    """A courier acted on the last plan while this one was being made."""


def _stop_row(
    route: Route, sequence: int, visit: pr.Visit, built: Built, offset_m: int, where: int | None
) -> Stop:
    """A visit of the planner's answer as a stop (a break on the way is placed where the vehicle last was)."""
    kinds = {
        "start": Stop.Kind.START,
        "end": Stop.Kind.END,
        "break": Stop.Kind.BREAK,
        "pickup": Stop.Kind.PICKUP,
    }
    parcel = transfer = None
    if visit.kind == "job" and visit.id.startswith("parcel:"):
        kind, parcel = Stop.Kind.PARCEL, built.parcels[visit.id]
    elif visit.kind == "job" or visit.kind == "delivery":
        kind, transfer = Stop.Kind.DROPOFF, built.transfers[visit.id]
    else:
        kind = kinds[visit.kind]
        if kind == Stop.Kind.PICKUP:
            transfer = built.transfers[visit.id]
    day = route.plan.day
    lat, lon = built.points[where] if where is not None else (0.0, 0.0)
    facility = built.facility_at.get(visit.location) if visit.location is not None else None
    window = None
    if parcel is not None:
        window = (parcel.window_start, parcel.window_end)
    elif kind == Stop.Kind.PICKUP:
        window = (transfer.pickup_start, transfer.pickup_end)
    elif kind == Stop.Kind.DROPOFF:
        window = (transfer.dropoff_start, transfer.dropoff_end)
    aboard = built.aboard.get(visit.id or "")
    return Stop(
        route=route,
        sequence=sequence,
        kind=kind,
        parcel=parcel,
        transfer=transfer,
        facility=facility,
        latitude=lat,
        longitude=lon,
        planned_arrival=local_datetime(day, visit.arrival_s + visit.waiting_s),
        service_s=visit.service_s,
        window_start=local_datetime(day, seconds_of(window[0])) if window else None,
        window_end=local_datetime(day, seconds_of(window[1])) if window else None,
        distance_m=offset_m + visit.distance_m,
        status=Stop.Status.PICKED_UP if aboard else Stop.Status.PENDING,
    )


@transaction.atomic
def _save(plan: Plan, built: Built, result: pr.Plan) -> None:
    if plan.replan_of_id is not None:
        Plan.objects.select_for_update().filter(pk=plan.replan_of_id).first()  # courier actions wait
        rows = Stop.objects.filter(route__plan_id=plan.replan_of_id).values_list("pk", "status", "arrived_at")
        now = {pk: (status, arrived) for pk, status, arrived in rows}
        if now != built.snapshot:
            raise _Stale("a courier recorded a stop while this plan was made: plan again")
    if Plan.objects.select_for_update().filter(pk=plan.pk, status=Plan.Status.RUNNING).first() is None:
        return
    planned = {r.vehicle: r for r in result.routes}
    vehicles = sorted(
        set(planned) | {f"vehicle:{pk}" for pk in built.kept}, key=lambda v: int(v.split(":")[1])
    )
    routes, stops = [], []
    for number, vid in enumerate(vehicles, start=1):
        vehicle = built.vehicles.get(vid) or Vehicle.objects.get(pk=int(vid.split(":")[1]))
        answer = planned.get(vid)
        kept = built.kept.get(vehicle.pk, [])
        offset = built.kept_m.get(vehicle.pk, 0)
        metres = offset + (answer.distance_m if answer else 0)
        estimate = RouteEstimate(vehicle.kind, (Decimal(metres) / 1000).quantize(Decimal("0.001")))
        route_footprint.run(estimate)  # the footprint's factors (above this context)
        route = Route.objects.create(
            plan=plan,
            vehicle=vehicle,
            courier=vehicle.courier,
            number=number,
            km=estimate.km,
            duration_s=built.kept_s.get(vehicle.pk, 0) + (answer.duration_s if answer else 0),
            co2e_kg=estimate.co2e_kg,
            co2e_basis=estimate.basis[:400],
            co2e_sourced=estimate.sourced,
            departed_at=built.departed.get(vehicle.pk),
        )
        routes.append(route)
        sequence = 0
        for old in kept:  # moved, not copied: a retried action on a done stop still finds it done
            sequence += 1
            Stop.objects.filter(pk=old.pk).update(route=route, sequence=sequence)
        where = None
        for visit in answer.visits if answer else ():
            sequence += 1
            where = visit.location if visit.location is not None else where
            stops.append(_stop_row(route, sequence, visit, built, offset, where))
    Stop.objects.bulk_create(stops)
    unassigned = [*built.left_out, *((u.id, u.reason, u.detail) for u in result.unassigned)]
    Unassigned.objects.bulk_create(
        Unassigned(
            plan=plan,
            parcel=built.parcels.get(item),
            transfer=built.transfers.get(item),
            reason=reason,
            detail=detail[:400],
        )
        for item, reason, detail in unassigned
    )
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.DONE,
        solver=result.solver,
        elapsed_s=result.seconds,
        progress_text=f"Done: {len(routes)} routes, {len(unassigned)} unassigned",
        finished_at=timezone.now(),
    )
