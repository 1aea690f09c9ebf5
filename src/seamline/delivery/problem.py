"""The routing problem and its answer as plain data: what the planner (`delivery.routing`) reads and writes.

Pure module (no Django). Times are whole seconds since midnight of the plan's day (America/Los_Angeles),
distances whole metres, loads whole parcels and grams; places are indices into the travel matrix of the
vehicle's profile ("bike", "van", …), so the same stop may be slower by bike than by van.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "Break",
    "Job",
    "Load",
    "Matrix",
    "Plan",
    "Problem",
    "Route",
    "Stop",
    "Transfer",
    "Unassigned",
    "Vehicle",
    "Visit",
    "Window",
]


@dataclass(frozen=True)
class Window:
    start_s: int
    end_s: int


@dataclass(frozen=True)
class Load:
    parcels: int
    grams: int

    def __add__(self, other: Load) -> Load:
        return Load(self.parcels + other.parcels, self.grams + other.grams)

    def __sub__(self, other: Load) -> Load:
        return Load(self.parcels - other.parcels, self.grams - other.grams)

    def fits(self, capacity: Load) -> bool:
        return 0 <= self.parcels <= capacity.parcels and 0 <= self.grams <= capacity.grams


@dataclass(frozen=True)
class Stop:
    """A place to be at: its matrix index, the time spent there, when one may arrive (none: any time)."""

    location: int
    service_s: int = 0
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Job:
    """A parcel taken from the vehicle's start (the hub) to one stop.

    ``on_vehicle``: when re-planning, the parcel is already aboard that vehicle; it stays there.
    """

    id: str
    stop: Stop
    load: Load
    skills: frozenset[str] = frozenset()
    on_vehicle: str | None = None


@dataclass(frozen=True)
class Transfer:
    """A pickup-and-delivery pair (cut bundles to the dye house): pickup first, both on one vehicle."""

    id: str
    pickup: Stop
    delivery: Stop
    load: Load
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Break:
    id: str
    windows: tuple[Window, ...]
    service_s: int


@dataclass(frozen=True)
class Vehicle:
    """One courier with one vehicle for the day.

    ``shift.start_s`` is when it leaves ``start`` (re-planning: now, from where it is); ``range_m`` is
    what one charge covers (None: no limit).
    """

    id: str
    profile: str
    start: int
    end: int
    capacity: Load
    shift: Window
    breaks: tuple[Break, ...] = ()
    range_m: int | None = None
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Matrix:
    """Travel between every pair of places for one profile: seconds and metres, row = from, column = to."""

    durations_s: tuple[tuple[int, ...], ...]
    distances_m: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Problem:
    vehicles: tuple[Vehicle, ...]
    jobs: tuple[Job, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    matrices: Mapping[str, Matrix] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One step of a route.

    ``kind``: start, job, pickup, delivery, break or end; ``id`` the job's, transfer's or break's (None at
    start and end). ``distance_m`` is cumulative from the start; ``load`` is aboard on leaving.
    """

    kind: str
    id: str | None
    location: int | None
    arrival_s: int
    waiting_s: int
    service_s: int
    distance_m: int
    load: Load


@dataclass(frozen=True)
class Route:
    vehicle: str
    visits: tuple[Visit, ...]
    distance_m: int
    duration_s: int


@dataclass(frozen=True)
class Unassigned:
    """A job or transfer the plan cannot serve.

    ``reason``: window, too_heavy, out_of_range, skills or fleet_full; ``detail`` says it in words.
    """

    id: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    solver: str
    seconds: float
