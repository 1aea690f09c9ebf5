"""Solomon's VRPTW benchmark instances as routing problems, to measure the planner against the literature.

Pure: no Django. A Solomon file lists the vehicles (how many, one capacity) and the customers: number, x, y,
demand, ready time, due date, service time; customer 0 is the depot, whose due date ends the day. Travel
time is the Euclidean distance. The solvers work in integers, so ``to_problem`` scales times and distances
by ``SCALE`` (hundredths) and rounds travel times *up*: a plan that keeps every window on the scaled
matrix keeps it with the exact distances too. Distances come back in Solomon's units, computed in floating
point from the coordinates (``routes_distance``), as the best-known values are.

    >>> inst = read_solomon("tests/data/routing/solomon/C101.txt")  # doctest: +SKIP
    >>> inst.name, inst.vehicles, inst.capacity, len(inst.customers)  # doctest: +SKIP
    ('C101', 25, 200, 100)
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .problem import Job, Load, Matrix, Plan, Problem, Stop, Vehicle, Window

__all__ = [
    "PROFILE",
    "SCALE",
    "BestKnown",
    "Customer",
    "Instance",
    "plan_routes",
    "read_best_known",
    "read_solomon",
    "routes_distance",
    "to_problem",
]

SCALE = 100
PROFILE = "solomon"


@dataclass(frozen=True)
class Customer:
    number: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    depot: Customer
    customers: tuple[Customer, ...]


@dataclass(frozen=True)
class BestKnown:
    """The best known: fewest vehicles first, then distance (hierarchical); and distance alone."""

    hier_vehicles: int
    hier_distance: float
    distance_vehicles: int
    distance: float


def read_solomon(path: str | Path) -> Instance:
    """Read a Solomon file; ValueError names the file and line when it is not one."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    words = [line.split() for line in lines]
    name = next((w[0] for w in words if w), "")
    fleet = _after(words, ["NUMBER", "CAPACITY"], path.name)
    if len(fleet[1]) != 2 or not all(w.isdigit() for w in fleet[1]):
        raise ValueError(f"{path.name}: line {fleet[0] + 1}: expected the vehicle number and capacity")
    vehicles, capacity = map(int, fleet[1])
    start = _after(words, ["CUST", "NO."], path.name)[0]
    customers = []
    for number, row in enumerate(words[start:], start=start + 1):
        if not row:
            continue
        try:
            values = [float(v) for v in row]
        except ValueError:
            values = []
        if len(values) != 7:
            raise ValueError(f"{path.name}: line {number}: expected 7 numbers, found {' '.join(row)!r}")
        cust, x, y, demand, ready, due, service = values
        customers.append(Customer(int(cust), x, y, int(demand), int(ready), int(due), int(service)))
    if not customers or customers[0].number != 0:
        raise ValueError(f"{path.name}: no depot (customer 0) first in the CUSTOMER section")
    if len({c.number for c in customers}) != len(customers):
        raise ValueError(f"{path.name}: two customers share a number")
    return Instance(name, vehicles, capacity, customers[0], tuple(customers[1:]))


def _after(words: list[list[str]], heading: list[str], name: str) -> tuple[int, list[str]]:
    """The first non-empty line after the line that starts with ``heading`` (its index and words)."""
    for index, row in enumerate(words):
        if row[: len(heading)] == heading:
            following = next(((i, r) for i, r in enumerate(words[index + 1 :], index + 1) if r), None)
            if following is not None:
                return following
    raise ValueError(f"{name}: not a Solomon instance (no {' '.join(heading)} heading)")


def to_problem(instance: Instance, *, scale: int = SCALE) -> Problem:
    """The instance as a Problem: place = customer number, one job per customer (id: its number)."""
    places = (instance.depot, *instance.customers)
    exact = [[_euclid(a, b) * scale for b in places] for a in places]
    matrix = Matrix(
        durations_s=tuple(tuple(math.ceil(d - 1e-9) for d in row) for row in exact),
        distances_m=tuple(tuple(round(d) for d in row) for row in exact),
    )
    depot = instance.depot
    shift = Window(depot.ready * scale, depot.due * scale)
    vehicles = tuple(
        Vehicle(f"v{i}", PROFILE, 0, 0, Load(instance.capacity, 0), shift)
        for i in range(1, instance.vehicles + 1)
    )
    jobs = tuple(
        Job(
            str(c.number),
            Stop(place, c.service * scale, (Window(c.ready * scale, c.due * scale),)),
            Load(c.demand, 0),
        )
        for place, c in enumerate(instance.customers, start=1)
    )
    return Problem(vehicles, jobs, matrices={PROFILE: matrix})


def _euclid(a: Customer, b: Customer) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def plan_routes(plan: Plan) -> list[list[int]]:
    """Each route's customers in order, by number."""
    return [[int(v.id) for v in route.visits if v.kind == "job" and v.id] for route in plan.routes]


def routes_distance(instance: Instance, routes: Sequence[Sequence[int]]) -> float:
    """Total length of the routes (each from the depot and back), exact, to 2 decimals."""
    by_number = {c.number: c for c in (instance.depot, *instance.customers)}
    total = 0.0
    for route in routes:
        path = [instance.depot, *(by_number[n] for n in route), instance.depot]
        total += sum(_euclid(a, b) for a, b in itertools.pairwise(path))
    return round(total, 2)


def read_best_known(path: str | Path) -> dict[str, BestKnown]:
    """bks.csv: the best-known vehicles and distance of each instance, hierarchical and distance only."""
    with Path(path).open(newline="") as handle:
        return {
            row["instance"]: BestKnown(
                int(row["hier_BKS_vehicles"]),
                float(row["hier_BKS_distance"]),
                int(row["distance_BKS_vehicles"]),
                float(row["distance_BKS_distance"]),
            )
            for row in csv.DictReader(handle)
        }
