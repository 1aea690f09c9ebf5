"""Check a delivery plan against its problem, independently of the solver that made it.

Pure: no Django, and nothing from ``delivery.routing``: every figure is recomputed here from the problem's
matrices, so a solver's mistake (or a misread of its answer) shows up instead of being trusted.

The timing model: a vehicle leaves a place when its service there ends, travels the profile's duration to
the next place and arrives no earlier than that; service begins at ``arrival + waiting`` and must begin
inside one of the stop's windows. A break sits between two places and may be taken anywhere on that leg
(VROOM drives part of a leg while it would otherwise wait for a break's window): the leg's driving fits in
the time before the next arrival that is not break. A vehicle sets off at or after its shift's start and
must be at its end by the shift's end. Parcels (jobs) are all aboard at the
start; a transfer's load is aboard between its pickup and its delivery.

    >>> check_plan(problem, plan)  # doctest: +SKIP
    []
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .problem import Job, Load, Plan, Problem, Route, Stop, Transfer, Vehicle, Visit

__all__ = ["KINDS", "Violation", "check_plan"]

KINDS = (
    "coverage",  # a job or transfer missing, repeated, unknown, or both routed and unassigned
    "route",  # an unknown or repeated vehicle, or a route that does not run start … end
    "location",  # a visit somewhere else than its stop (or the vehicle's start or end)
    "timing",  # an arrival sooner than the travel time allows, or negative waiting
    "window",  # service begins outside every window of the stop
    "service",  # less service time than the stop (or break) needs
    "shift",  # leaving before the shift starts or arriving at the end after it ends
    "break",  # a break missing, repeated, outside its windows or not the vehicle's
    "capacity",  # more aboard than the vehicle carries, at some step
    "load",  # a visit states a load that is not what is aboard
    "range",  # a route longer than the vehicle's range
    "distance",  # a visit or route states a distance that is not the matrix's
    "precedence",  # a transfer delivered before it is picked up, or by another vehicle
    "on_vehicle",  # a parcel already aboard one vehicle delivered by another
    "skills",  # a vehicle lacking a skill the job needs
    "reason",  # an unassigned entry with an unknown reason
)
_REASONS = {"window", "too_heavy", "out_of_range", "skills", "fleet_full"}


@dataclass(frozen=True)
class Violation:
    """One broken rule: its ``kind`` (see KINDS), where (vehicle, job or transfer) and the figures."""

    kind: str
    vehicle: str | None
    item: str | None
    detail: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.vehicle, self.item) if part)
        return f"{self.kind}: {where}: {self.detail}" if where else f"{self.kind}: {self.detail}"


def check_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks for ``problem``; an empty list means the plan is feasible."""
    found = list(_coverage(problem, plan))
    vehicles = {v.id: v for v in problem.vehicles}
    seen: set[str] = set()
    for route in plan.routes:
        vehicle = vehicles.get(route.vehicle)
        if vehicle is None or route.vehicle in seen:
            found.append(Violation("route", route.vehicle, None, "unknown vehicle, or a second route for it"))
            continue
        seen.add(route.vehicle)
        found += _route(problem, vehicle, route)
    return found


def _coverage(problem: Problem, plan: Plan) -> Iterator[Violation]:
    routed = Counter(
        (visit.kind, visit.id)
        for route in plan.routes
        for visit in route.visits
        if visit.kind in ("job", "pickup", "delivery")
    )
    left_out = Counter(u.id for u in plan.unassigned)
    for entry in plan.unassigned:
        if entry.reason not in _REASONS:
            yield Violation("reason", None, entry.id, f"unknown reason {entry.reason!r}")
    known: set[tuple[str, str]] = set()
    for job in problem.jobs:
        known.add(("job", job.id))
        yield from _counted(job.id, (routed["job", job.id],), left_out[job.id])
    for transfer in problem.transfers:
        known |= {("pickup", transfer.id), ("delivery", transfer.id)}
        counts = (routed["pickup", transfer.id], routed["delivery", transfer.id])
        yield from _counted(transfer.id, counts, left_out[transfer.id])
    ids = {item for _, item in known}
    for kind, item in sorted(set(routed) - known, key=str):
        yield Violation("coverage", None, item, f"a {kind} visit that is not in the problem")
    for item in sorted(set(left_out) - ids):
        yield Violation("coverage", None, item, "unassigned but not in the problem")


def _counted(item: str, visits: tuple[int, ...], unassigned: int) -> Iterator[Violation]:
    if unassigned > 1 or any(n > 1 for n in visits):
        yield Violation("coverage", None, item, "served or listed as unassigned more than once")
    elif unassigned and any(visits):
        yield Violation("coverage", None, item, "both in a route and unassigned")
    elif not unassigned and not all(visits):
        yield Violation("coverage", None, item, "neither served nor listed as unassigned")


def _route(problem: Problem, vehicle: Vehicle, route: Route) -> list[Violation]:
    """Walk one route step by step: places, times, loads, distances and the rules of each item."""
    visits = route.visits
    if len(visits) < 2 or visits[0].kind != "start" or visits[-1].kind != "end":
        return [Violation("route", vehicle.id, None, "a route must run from a start visit to an end visit")]
    walk = _Walk(problem, vehicle, visits)
    if any(v.kind in ("start", "end") for v in visits[1:-1]):
        walk.flag("route", None, "a start or end visit in the middle of the route")
    for index, visit in enumerate(visits):
        if visit.kind == "break":
            walk.pause(visit, index)
        else:
            walk.place(visit)
    if route.distance_m != walk.travelled:
        walk.flag("distance", None, f"route states {route.distance_m} m, the matrix gives {walk.travelled} m")
    if vehicle.range_m is not None and walk.travelled > vehicle.range_m:
        walk.flag("range", None, f"{walk.travelled} m driven, the range is {vehicle.range_m} m")
    for b in vehicle.breaks:
        if walk.taken[b.id] != 1:
            walk.flag("break", b.id, f"taken {walk.taken[b.id]} times, once expected")
    return walk.found


class _Walk:
    """The state of a vehicle along its route, as the checker recomputes it.

    ``free_at`` is when the last service or break ended; ``idle`` the time since the last place spent
    before breaks (waiting for a break's window), in which the vehicle may have driven part of the leg.
    """

    def __init__(self, problem: Problem, vehicle: Vehicle, visits: tuple[Visit, ...]) -> None:
        self.vehicle = vehicle
        self.visits = visits
        self.matrix = problem.matrices[vehicle.profile]
        self.jobs = {j.id: j for j in problem.jobs}
        self.transfers = {t.id: t for t in problem.transfers}
        self.breaks = {b.id: b for b in vehicle.breaks}
        self.aboard = sum(
            (self.jobs[v.id].load for v in visits if v.kind == "job" and v.id in self.jobs), Load(0, 0)
        )
        self.where, self.travelled, self.free_at, self.idle = vehicle.start, 0, vehicle.shift.start_s, 0
        self.picked: set[str] = set()
        self.taken: Counter[str] = Counter()
        self.found: list[Violation] = []

    def flag(self, kind: str, item: str | None, detail: str) -> None:
        self.found.append(Violation(kind, self.vehicle.id, item, detail))

    def place(self, visit: Visit) -> None:
        """A visit at a place: the start, a parcel, a pickup or delivery, the end."""
        stop, here = self._stop(visit)
        if here is None:
            self.flag("route", visit.id, f"a {visit.kind} visit with an unknown id")
            return
        if visit.location != here:
            self.flag("location", visit.id, f"{visit.kind} at place {visit.location}, its place is {here}")
        earliest = self.free_at + max(0, self.matrix.durations_s[self.where][here] - self.idle)
        if visit.kind == "start":
            earliest = self.vehicle.shift.start_s
        if visit.arrival_s < earliest:
            self.flag("timing", visit.id, f"arrives at {_t(visit.arrival_s)}, the earliest is {_t(earliest)}")
        self.travelled += self.matrix.distances_m[self.where][here]
        self.where, self.idle = here, 0
        begin = self._begin(visit, stop)
        if visit.kind == "end" and visit.arrival_s > self.vehicle.shift.end_s:
            shift_end = _t(self.vehicle.shift.end_s)
            self.flag("shift", None, f"back at {_t(visit.arrival_s)}, after its shift ends ({shift_end})")
        self.free_at = begin + visit.service_s
        self._carry(visit)
        if visit.distance_m != self.travelled:
            self.flag(
                "distance", visit.id, f"states {visit.distance_m} m from the start, it is {self.travelled} m"
            )

    def pause(self, visit: Visit, index: int) -> None:
        """A break: where the vehicle is, where it goes next, or on the way there."""
        rest = self.breaks.get(visit.id or "")
        if rest is None:
            self.flag("break", visit.id, "not a break of this vehicle")
            return
        self.taken[rest.id] += 1
        following = next(v for v in self.visits[index:] if v.kind != "break")
        _, ahead = self._stop(following)
        if visit.location not in (None, self.where, ahead):
            self.flag("location", visit.id, f"break at place {visit.location}, not on the way")
        leg = self.matrix.distances_m[self.where][ahead] if ahead is not None else 0
        if not self.travelled <= visit.distance_m <= self.travelled + leg:
            self.flag("distance", visit.id, f"states {visit.distance_m} m from the start, not on this leg")
        if visit.arrival_s < self.free_at:
            self.flag("timing", visit.id, f"begins at {_t(visit.arrival_s)}, before {_t(self.free_at)}")
        begin = self._begin(visit, Stop(self.where, rest.service_s, rest.windows))
        self.idle += max(0, begin - self.free_at)
        self.free_at = begin + visit.service_s
        if visit.load != self.aboard:
            self.flag("load", visit.id, f"states {visit.load} aboard, it is {self.aboard}")

    def _begin(self, visit: Visit, stop: Stop | None) -> int:
        """When service begins; flags negative waiting, a missed window and short service."""
        if visit.waiting_s < 0:
            self.flag("timing", visit.id, f"negative waiting {visit.waiting_s} s")
        begin = visit.arrival_s + visit.waiting_s
        if visit.kind == "start" and begin < self.vehicle.shift.start_s:
            shift_start = _t(self.vehicle.shift.start_s)
            self.flag("shift", None, f"leaves at {_t(begin)}, before its shift starts ({shift_start})")
        if stop is not None:
            if stop.windows and not any(w.start_s <= begin <= w.end_s for w in stop.windows):
                spans = ", ".join(f"{_t(w.start_s)}–{_t(w.end_s)}" for w in stop.windows)
                kind = "break" if visit.kind == "break" else "window"
                self.flag(kind, visit.id, f"begins at {_t(begin)}, not in {spans}")
            if visit.service_s < stop.service_s:
                self.flag("service", visit.id, f"{visit.service_s} s of service, {stop.service_s} s needed")
        return begin

    def _stop(self, visit: Visit) -> tuple[Stop | None, int | None]:
        """The stop a visit serves (none at the start and end) and its place (None: unknown id)."""
        if visit.kind == "start":
            return None, self.vehicle.start
        if visit.kind == "end":
            return None, self.vehicle.end
        if visit.kind == "job" and visit.id in self.jobs:
            stop = self.jobs[visit.id].stop
            return stop, stop.location
        if visit.kind in ("pickup", "delivery") and visit.id in self.transfers:
            transfer = self.transfers[visit.id]
            stop = transfer.pickup if visit.kind == "pickup" else transfer.delivery
            return stop, stop.location
        return None, None

    def _carry(self, visit: Visit) -> None:
        """Unload or load at a place; check capacity, the stated load and the item's rules."""
        item: Job | Transfer | None = None
        if visit.kind == "job":
            item = self.jobs[visit.id or ""]
            self.aboard = self.aboard - item.load
            if item.on_vehicle not in (None, self.vehicle.id):
                self.flag("on_vehicle", item.id, f"aboard {item.on_vehicle}, delivered by another vehicle")
        elif visit.kind in ("pickup", "delivery"):
            item = self.transfers[visit.id or ""]
            if visit.kind == "pickup":
                self.aboard = self.aboard + item.load
                self.picked.add(item.id)
            else:
                self.aboard = self.aboard - item.load
                if item.id not in self.picked:
                    self.flag(
                        "precedence", item.id, "delivered before its pickup, or without one on this route"
                    )
        if item is not None and not item.skills <= self.vehicle.skills:
            self.flag(
                "skills", item.id, f"the vehicle lacks {', '.join(sorted(item.skills - self.vehicle.skills))}"
            )
        if not self.aboard.fits(self.vehicle.capacity):
            self.flag(
                "capacity",
                visit.id,
                f"{self.aboard} aboard after this step; capacity {self.vehicle.capacity}",
            )
        if visit.load != self.aboard:
            self.flag("load", visit.id, f"states {visit.load} aboard, it is {self.aboard}")


def _t(seconds: int) -> str:
    """Seconds since midnight as HH:MM:SS (a violation may be off by seconds)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
