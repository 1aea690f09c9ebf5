"""Plan the couriers' day with VROOM (through pyvroom): parcels from the hub, transfers between facilities.

Pure: no Django. ``solve`` turns a ``Problem`` into VROOM's input (parcels are VROOM jobs with a
``delivery`` amount, so they are aboard from the start; transfers are VROOM shipments, picked up before
they are delivered by the same vehicle), lets VROOM search for about ``seconds`` (passes at rising
exploration levels, see ``_search``), and reads the best answer back into a ``Plan``. Loads have two
dimensions, parcels and grams. Each vehicle drives on the matrix of its profile (a bike and a van see
different times and distances to the same stop); ``range_m`` is VROOM's ``max_distance``.

Re-planning: a parcel with ``on_vehicle=X`` is already aboard X; it gets a skill only X has and the top
priority, so VROOM keeps it on X and serves it before any other parcel when not all fit.

Whatever VROOM leaves out comes back in ``Plan.unassigned`` with a reason found by looking at the parcel on
its own (``diagnose``): skills, too_heavy, out_of_range, window, else fleet_full (it could be served alone,
the day is just full). Nothing is dropped silently: every id of the problem is in a route or unassigned.

    >>> from seamline.delivery.problem import Job, Load, Matrix, Problem, Stop, Vehicle, Window
    >>> m = Matrix(((0, 60), (60, 0)), ((0, 300), (300, 0)))
    >>> van = Vehicle("v1", "van", 0, 0, Load(10, 10_000), Window(8 * 3600, 17 * 3600))
    >>> p = Problem((van,), (Job("p1", Stop(1, 120), Load(1, 500)),), matrices={"van": m})
    >>> [v.kind for v in solve(p, seconds=1).routes[0].visits]  # doctest: +SKIP
    ['start', 'job', 'end']
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import vroom

from .problem import (
    Job,
    Load,
    Plan,
    Problem,
    Route,
    Stop,
    Unassigned,
    Vehicle,
    Visit,
)

__all__ = ["REASONS", "clock", "diagnose", "solve", "validate"]

REASONS = ("skills", "too_heavy", "out_of_range", "window", "fleet_full")
_TOP_PRIORITY = 100  # VROOM's highest: parcels already aboard are served first when not all fit
_EXPLORATION = 5  # VROOM's deepest search level


def solve(
    problem: Problem,
    *,
    seconds: float = 5.0,
    progress: Callable[[str], None] | None = None,
    threads: int = 2,
) -> Plan:
    """Plan routes for ``problem`` within about ``seconds``; ValueError names what is wrong with the input.

    ``progress`` receives short lines ("solving 500 jobs and 20 transfers on 12 vehicles").
    """
    say = progress or (lambda _: None)
    started = time.monotonic()
    say("building the problem")
    validate(problem)
    if not problem.jobs and not problem.transfers:
        say("done: nothing to deliver")
        return Plan((), (), solver="vroom", seconds=round(time.monotonic() - started, 3))
    what = f"{len(problem.jobs)} jobs"
    what += f" and {len(problem.transfers)} transfers" if problem.transfers else ""
    say(f"solving {what} on {len(problem.vehicles)} vehicles")
    solution = _search(problem, deadline=started + seconds, threads=threads, say=say)
    routes = tuple(_route(problem, answer) for answer in solution["routes"])
    left_out = sorted({_unassigned_id(problem, entry) for entry in solution["unassigned"]})
    unassigned = tuple(Unassigned(item_id, *diagnose(problem, item_id)) for item_id in left_out)
    _assert_complete(problem, routes, unassigned)
    say(f"done: {len(routes)} routes, {len(unassigned)} unassigned")
    return Plan(routes, unassigned, solver="vroom", seconds=round(time.monotonic() - started, 3))


def _search(problem: Problem, *, deadline: float, threads: int, say: Callable[[str], None]) -> dict:
    """VROOM at rising exploration levels while time is left; the best answer of the passes.

    A deep level on a large day needs minutes to finish (500 parcels: level 5 ran 144 s here), and cut
    short by its timeout it is worse than a shallow level run to the end (858 km against 706 km at about
    5 s), while a small instance (Solomon's 100 customers) finishes every level in a few seconds and gains
    from the deep ones. So: level 0, then deeper ones while the time left is at least twice the last
    pass (a pass's construction phase is not bound by the timeout, so a late start would overrun).
    """
    best: dict | None = None
    took = 0.0
    for level in range(_EXPLORATION + 1):
        left = deadline - time.monotonic()
        if best is not None and left < 2 * took:
            break
        begun = time.monotonic()
        try:
            answer = (
                _vroom_input(problem)
                .solve(
                    exploration_level=level, nb_threads=threads, timeout=timedelta(seconds=max(left, 0.05))
                )
                .to_dict()
            )
        except vroom._vroom.VroomInputException as exc:  # e.g. breaks VROOM cannot order
            raise ValueError(f"VROOM refused the problem: {exc}") from exc
        took = time.monotonic() - begun
        summary = answer["summary"]
        say(f"pass {level + 1}: {summary['unassigned']} unassigned, {summary['distance'] / 1000:.1f} km")
        if best is None or _rank(answer) < _rank(best):
            best = answer
    assert best is not None
    return best


def _rank(answer: dict) -> tuple[int, int, int]:
    """VROOM's own order: the most priority served, then the most tasks, then the lowest cost."""
    summary = answer["summary"]
    return (-summary["priority"], summary["unassigned"], summary["cost"])


def validate(problem: Problem) -> None:
    """Raise ValueError when the problem cannot be planned as given (ids, matrices, locations)."""
    if not problem.vehicles:
        raise ValueError("no vehicles to plan with")
    vehicle_ids = [v.id for v in problem.vehicles]
    if len(set(vehicle_ids)) != len(vehicle_ids):
        raise ValueError("two vehicles share an id")
    item_ids = [j.id for j in problem.jobs] + [t.id for t in problem.transfers]
    if len(set(item_ids)) != len(item_ids):
        raise ValueError("two jobs or transfers share an id")
    sizes = set()
    for profile in {v.profile for v in problem.vehicles}:
        matrix = problem.matrices.get(profile)
        if matrix is None:
            raise ValueError(f"no travel matrix for profile {profile!r}")
        n = len(matrix.durations_s)
        if any(len(row) != n for row in (*matrix.durations_s, *matrix.distances_m)) or (
            len(matrix.distances_m) != n
        ):
            raise ValueError(f"the {profile!r} matrix is not square in both durations and distances")
        sizes.add(n)
    size = min(sizes)
    places = [(f"vehicle {v.id}", (v.start, v.end)) for v in problem.vehicles]
    places += [(f"job {j.id}", (j.stop.location,)) for j in problem.jobs]
    places += [(f"transfer {t.id}", (t.pickup.location, t.delivery.location)) for t in problem.transfers]
    for name, locations in places:
        if any(not 0 <= loc < size for loc in locations):
            raise ValueError(f"{name}: a location outside the travel matrix (0..{size - 1})")
    for job in problem.jobs:
        if job.on_vehicle is not None and job.on_vehicle not in vehicle_ids:
            raise ValueError(f"job {job.id} is aboard {job.on_vehicle!r}, a vehicle not in the problem")
    for vehicle in problem.vehicles:
        shift = vehicle.shift
        if shift.end_s < shift.start_s:
            raise ValueError(f"vehicle {vehicle.id}: its shift ends before it starts")
        for b in vehicle.breaks:
            if not any(
                w.start_s <= shift.end_s - b.service_s and w.end_s >= shift.start_s for w in b.windows
            ):
                raise ValueError(f"vehicle {vehicle.id}: break {b.id} has no window inside the shift")


def _vroom_input(problem: Problem) -> vroom.Input:
    skill_ids = _skill_ids(problem)
    aboard = {j.on_vehicle for j in problem.jobs if j.on_vehicle is not None}
    # A parcel aboard X needs a skill only X has: one private skill number per vehicle, after the named ones.
    private = {v.id: len(skill_ids) + 1 + i for i, v in enumerate(problem.vehicles)}
    vroom_input = vroom.Input()
    for profile in sorted({v.profile for v in problem.vehicles}):
        matrix = problem.matrices[profile]
        vroom_input.set_durations_matrix(profile, [list(row) for row in matrix.durations_s])
        vroom_input.set_distances_matrix(profile, [list(row) for row in matrix.distances_m])
    for index, v in enumerate(problem.vehicles):
        skills = {skill_ids[s] for s in v.skills} | ({private[v.id]} if v.id in aboard else set())
        limits = {} if v.range_m is None else {"max_distance": v.range_m}
        vroom_input.add_vehicle(
            vroom.Vehicle(
                index,
                start=v.start,
                end=v.end,
                profile=v.profile,
                capacity=_amount(v.capacity),
                skills=skills,
                time_window=vroom.TimeWindow(v.shift.start_s, v.shift.end_s),
                breaks=[
                    vroom.Break(
                        number,
                        time_windows=[vroom.TimeWindow(w.start_s, w.end_s) for w in b.windows],
                        service=b.service_s,
                    )
                    for number, b in enumerate(v.breaks)
                ],
                **limits,
            )
        )
    for index, job in enumerate(problem.jobs):
        skills = {skill_ids[s] for s in job.skills}
        if job.on_vehicle is not None:
            skills.add(private[job.on_vehicle])
        vroom_input.add_job(
            vroom.Job(
                index,
                location=job.stop.location,
                default_service=job.stop.service_s,
                delivery=_amount(job.load),
                skills=skills,
                priority=_TOP_PRIORITY if job.on_vehicle is not None else 0,
                time_windows=_windows(job.stop),
            )
        )
    for index, transfer in enumerate(problem.transfers):
        vroom_input.add_job(
            vroom.Shipment(
                _step(index, transfer.pickup),
                _step(index, transfer.delivery),
                amount=_amount(transfer.load),
                skills={skill_ids[s] for s in transfer.skills},
            )
        )
    return vroom_input


def _skill_ids(problem: Problem) -> dict[str, int]:
    names: set[str] = set()
    for item in (*problem.vehicles, *problem.jobs, *problem.transfers):
        names |= item.skills
    return {name: number for number, name in enumerate(sorted(names), start=1)}


def _amount(load: Load) -> list[int]:
    return [load.parcels, load.grams]


def _windows(stop: Stop) -> list[vroom.TimeWindow]:
    return [vroom.TimeWindow(w.start_s, w.end_s) for w in stop.windows]


def _step(index: int, stop: Stop) -> vroom.ShipmentStep:
    return vroom.ShipmentStep(
        index, location=stop.location, default_service=stop.service_s, time_windows=_windows(stop)
    )


def _unassigned_id(problem: Problem, entry: dict) -> str:
    if entry["type"] == "job":
        return problem.jobs[entry["id"]].id
    return problem.transfers[entry["id"]].id


def _route(problem: Problem, answer: dict) -> Route:
    """One VROOM route as a Route: VROOM's times; distances and loads recomputed from the problem."""
    vehicle = problem.vehicles[answer["vehicle"]]
    distances = problem.matrices[vehicle.profile].distances_m
    steps = answer["steps"]
    load = sum((problem.jobs[s["id"]].load for s in steps if s["type"] == "job"), Load(0, 0))
    visits: list[Visit] = []
    where, travelled, last = vehicle.start, 0, steps[0]
    for index, step in enumerate(steps):
        kind = step["type"]
        if kind == "break":
            following = next(s for s in steps[index:] if s["type"] != "break")
            visits.append(_break_visit(vehicle, step, last, following, where, travelled, load))
            continue
        item_id: str | None = None
        if kind == "job":
            item_id = problem.jobs[step["id"]].id
            load = load - problem.jobs[step["id"]].load
        elif kind in ("pickup", "delivery"):
            transfer = problem.transfers[step["id"]]
            item_id = transfer.id
            load = load + transfer.load if kind == "pickup" else load - transfer.load
        travelled += distances[where][step["location_index"]]
        where, last = step["location_index"], step
        visits.append(_visit(step, kind, item_id, where, travelled, load))
    return Route(
        vehicle=vehicle.id,
        visits=tuple(visits),
        distance_m=travelled,
        duration_s=visits[-1].arrival_s - visits[0].arrival_s,
    )


def _break_visit(
    vehicle: Vehicle, step: dict, last: dict, following: dict, where: int, travelled: int, load: Load
) -> Visit:
    """VROOM may drive some or all of a leg before the break (its cumulative travel says how much): the
    break is where the vehicle was, where it is going, or on the way (no place)."""
    location: int | None = None
    if step["duration"] == last["duration"]:
        location = where
    elif step["duration"] == following["duration"]:
        location = following["location_index"]
    on_the_way = step["distance"] - last["distance"]
    return _visit(step, "break", vehicle.breaks[step["id"]].id, location, travelled + on_the_way, load)


def _visit(
    step: dict, kind: str, item_id: str | None, location: int | None, travelled: int, load: Load
) -> Visit:
    return Visit(
        kind=kind,
        id=item_id,
        location=location,
        arrival_s=step["arrival"],
        waiting_s=step["waiting_time"],
        service_s=step["service"],
        distance_m=travelled,
        load=load,
    )


def _assert_complete(problem: Problem, routes: Sequence[Route], unassigned: Sequence[Unassigned]) -> None:
    served = [v.id for r in routes for v in r.visits if v.kind in ("job", "pickup")]
    wanted = {j.id for j in problem.jobs} | {t.id for t in problem.transfers}
    accounted = served + [u.id for u in unassigned]
    if sorted(accounted) != sorted(wanted):
        missing = sorted(wanted - set(accounted))
        raise AssertionError(f"the plan lost or repeated jobs (missing: {missing[:5]})")


def diagnose(problem: Problem, item_id: str) -> tuple[str, str]:
    """Why a job or transfer cannot be served, looking at it alone: (reason, detail in words).

    The vehicles are narrowed step by step, and the step that leaves none names the reason: the ones with
    the skills (and, re-planning, the one it is aboard), then those it fits in, those whose range covers
    start → stops → end, those that can be there in time going straight from their start within their
    shift. When some vehicle passes every step the parcel only lost to the others: ``fleet_full``.
    """
    item = next(i for i in (*problem.jobs, *problem.transfers) if i.id == item_id)
    stops = (item.stop,) if isinstance(item, Job) else (item.pickup, item.delivery)
    aboard = item.on_vehicle if isinstance(item, Job) else None
    capable = [v for v in problem.vehicles if item.skills <= v.skills and aboard in (None, v.id)]
    if not capable:
        if aboard is not None:
            return "skills", f"aboard {aboard}, which lacks {_names(item.skills)}"
        return "skills", f"needs {_names(item.skills)}; no vehicle has them all"
    fitting = [v for v in capable if item.load.fits(v.capacity)]
    if not fitting:
        best = max(capable, key=lambda v: (v.capacity.grams, v.capacity.parcels))
        return "too_heavy", (
            f"{_load_text(item.load)}; the largest vehicle able to take it ({best.id}) carries "
            f"{_load_text(best.capacity)}"
        )
    in_range = [v for v in fitting if v.range_m is None or _trip_m(problem, v, stops) <= v.range_m]
    if not in_range:
        shortest = min(_trip_m(problem, v, stops) for v in fitting)
        longest = max(v.range_m or 0 for v in fitting)
        return "out_of_range", (
            f"start → stop → end is at least {shortest / 1000:.1f} km; the longest range on one charge is "
            f"{longest / 1000:.1f} km"
        )
    timings = [_straight_timing(problem, v, stops) for v in in_range]
    if any(not t.late for t in timings):
        return "fleet_full", "it fits a vehicle on its own, but the day's routes have no room left for it"
    best, vehicle = min(zip(timings, in_range, strict=True), key=lambda tv: tv[0].first_s)
    windows = ", ".join(f"{clock(w.start_s)}–{clock(w.end_s)}" for s in stops for w in s.windows)
    straight = f"{vehicle.id} straight from its start at {clock(vehicle.shift.start_s)}"
    if best.missed_window:
        return "window", f"window {windows}; the earliest arrival is {clock(best.first_s)} ({straight})"
    return "window", (
        f"{straight} arrives at {clock(best.first_s)} but is back only at {clock(best.back_s)}, after its "
        f"shift ends at {clock(vehicle.shift.end_s)}"
    )


def _names(skills: Iterable[str]) -> str:
    return "skills " + ", ".join(sorted(skills))


def _load_text(load: Load) -> str:
    return f"{load.parcels} parcel{'s' if load.parcels != 1 else ''}, {load.grams / 1000:.1f} kg"


def _trip_m(problem: Problem, vehicle: Vehicle, stops: Sequence[Stop]) -> int:
    distances = problem.matrices[vehicle.profile].distances_m
    path = [vehicle.start, *(s.location for s in stops), vehicle.end]
    return sum(distances[a][b] for a, b in itertools.pairwise(path))


@dataclass(frozen=True)
class _Timing:
    first_s: int
    back_s: int
    missed_window: bool
    late: bool


def _straight_timing(problem: Problem, vehicle: Vehicle, stops: Sequence[Stop]) -> _Timing:
    """Going straight from the start at the shift's start to the stops and back to the end: when it first
    arrives, when it is back, whether it misses a window or the shift's end."""
    durations = problem.matrices[vehicle.profile].durations_s
    now, where, first, missed = vehicle.shift.start_s, vehicle.start, None, False
    for stop in stops:
        now += durations[where][stop.location]
        where = stop.location
        first = now if first is None else first
        begin = _earliest_begin(stop, now)
        missed = missed or begin is None
        now = (now if begin is None else begin) + stop.service_s
    back = now + durations[where][vehicle.end]
    return _Timing(first or now, back, missed, missed or back > vehicle.shift.end_s)


def _earliest_begin(stop: Stop, arrival: int) -> int | None:
    if not stop.windows:
        return arrival
    begins = [max(arrival, w.start_s) for w in stop.windows if max(arrival, w.start_s) <= w.end_s]
    return min(begins) if begins else None


def clock(seconds: int) -> str:
    """Seconds since midnight as HH:MM (past midnight: 24:30 and on).

    >>> clock(9 * 3600 + 5 * 60)
    '09:05'
    """
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
