"""The same plan from PyVRP, for problems it can express: parcels with one window each, capacities, shifts,
ranges and per-profile matrices; no transfers, breaks, skills or parcels already aboard.

Pure: no Django. Kept to measure against VROOM on Solomon's VRPTW instances (``bench/routing.py``); the
city's day needs VROOM (transfers, breaks, skills), so ``routing.solve`` stays the planner. PyVRP minimises
distance; every parcel is required, and a run that ends without a feasible plan is a ValueError.

    >>> c101 = to_problem(read_solomon("tests/data/routing/solomon/C101.txt"))  # doctest: +SKIP
    >>> len(solve(c101, seconds=2).routes)  # doctest: +SKIP
    10
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable

import pyvrp
from pyvrp.stop import MaxRuntime

from .problem import Load, Plan, Problem, Route, Vehicle, Visit
from .routing import validate

__all__ = ["solve", "supports"]


def supports(problem: Problem) -> str | None:
    """Why PyVRP cannot plan ``problem`` (None: it can)."""
    if problem.transfers:
        return "transfers (pickup and delivery pairs)"
    if any(v.breaks for v in problem.vehicles):
        return "breaks"
    if any(j.skills for j in problem.jobs) or any(v.skills for v in problem.vehicles):
        return "skills"
    if any(j.on_vehicle for j in problem.jobs):
        return "parcels already aboard a vehicle"
    if any(len(j.stop.windows) > 1 for j in problem.jobs):
        return "more than one window at a stop"
    return None


def solve(
    problem: Problem,
    *,
    seconds: float = 5.0,
    progress: Callable[[str], None] | None = None,
    seed: int = 1,
) -> Plan:
    """Plan ``problem`` with PyVRP's iterated local search for ``seconds``."""
    say = progress or (lambda _: None)
    started = time.monotonic()
    say("building the problem")
    validate(problem)
    missing = supports(problem)
    if missing is not None:
        raise ValueError(f"PyVRP cannot plan {missing}; use the VROOM planner")
    if not problem.jobs:
        return Plan((), (), solver="pyvrp", seconds=round(time.monotonic() - started, 3))
    model, groups = _model(problem)
    say(f"solving {len(problem.jobs)} jobs on {len(problem.vehicles)} vehicles")
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    if not result.is_feasible():
        raise ValueError(f"PyVRP found no feasible plan in {seconds:g} s")
    free = [list(vehicles) for vehicles in groups]
    routes = []
    for answer in result.best.routes():
        vehicle = free[answer.vehicle_type()].pop(0)
        order = [problem.jobs[a.idx] for a in answer.schedule() if a.is_client()]
        routes.append(_route(problem, vehicle, order))
    say(f"done: {len(routes)} routes, 0 unassigned")
    return Plan(tuple(routes), (), solver="pyvrp", seconds=round(time.monotonic() - started, 3))


def _model(problem: Problem) -> tuple[pyvrp.Model, list[list[Vehicle]]]:
    """PyVRP's model: a location per matrix place, a depot per start or end, vehicle types by likeness."""
    model = pyvrp.Model()
    size = len(next(iter(problem.matrices.values())).durations_s)
    places = [model.add_location(x=float(i), y=0.0) for i in range(size)]
    depots = {}
    for place in sorted({p for v in problem.vehicles for p in (v.start, v.end)}):
        depots[place] = model.add_depot(places[place])
    for job in problem.jobs:
        window = job.stop.windows[0] if job.stop.windows else None
        model.add_client(
            places[job.stop.location],
            delivery=[job.load.parcels, job.load.grams],
            service_duration=job.stop.service_s,
            tw_early=window.start_s if window else 0,
            tw_late=window.end_s if window else max(v.shift.end_s for v in problem.vehicles),
            name=job.id,
        )
    profiles = {name: model.add_profile(name=name) for name in sorted({v.profile for v in problem.vehicles})}
    for name, profile in profiles.items():
        matrix = problem.matrices[name]
        for i, j in itertools.product(range(size), repeat=2):
            if i != j:
                model.add_edge(
                    places[i], places[j], matrix.distances_m[i][j], matrix.durations_s[i][j], profile=profile
                )
    alike: dict[tuple, list[Vehicle]] = defaultdict(list)
    for v in problem.vehicles:
        alike[(v.profile, v.start, v.end, v.capacity, v.shift, v.range_m)].append(v)
    groups = list(alike.values())
    for (profile, start, end, capacity, shift, range_m), vehicles in alike.items():
        limits = {} if range_m is None else {"max_distance": range_m}
        model.add_vehicle_type(
            num_available=len(vehicles),
            capacity=[capacity.parcels, capacity.grams],
            start_depot=depots[start],
            end_depot=depots[end],
            tw_early=shift.start_s,
            tw_late=shift.end_s,
            profile=profiles[profile],
            **limits,
        )
    return model, groups


def _route(problem: Problem, vehicle: Vehicle, order: list) -> Route:
    """The route's times, waiting, distances and loads, leaving at the shift's start."""
    matrix = problem.matrices[vehicle.profile]
    load = sum((job.load for job in order), Load(0, 0))
    visits = [Visit("start", None, vehicle.start, vehicle.shift.start_s, 0, 0, 0, load)]
    where, now, travelled = vehicle.start, vehicle.shift.start_s, 0
    for job in order:
        here = job.stop.location
        arrival = now + matrix.durations_s[where][here]
        travelled += matrix.distances_m[where][here]
        begin = max([arrival, *(w.start_s for w in job.stop.windows)])
        load = load - job.load
        visits.append(
            Visit("job", job.id, here, arrival, begin - arrival, job.stop.service_s, travelled, load)
        )
        where, now = here, begin + job.stop.service_s
    arrival = now + matrix.durations_s[where][vehicle.end]
    travelled += matrix.distances_m[where][vehicle.end]
    visits.append(Visit("end", None, vehicle.end, arrival, 0, 0, travelled, load))
    return Route(vehicle.id, tuple(visits), travelled, arrival - vehicle.shift.start_s)
