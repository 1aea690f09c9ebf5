"""Page-shaped reads of local delivery for the HTML views: a day's plan on the map of Los Angeles (one colour
a route, numbered stops, the hubs) and on a timeline per route, the courier behind a login, the stop their
page puts first, and a customer's proof photo.

Plain data out; the templates draw the SVG from it, as core.lamap's facility maps are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.lamap import (
    LA_BBOX,
    LaMap,
    PinLabel,
    Projection,
    bbox_around,
    la_map,
    place_labels,
    spread,
)

from .models import Courier, Parcel, Plan, Proof, Route, Stop, Transfer
from .selectors import DELIVERABLE, CourierDay, plan_list

__all__ = [
    "ROUTE_COLOURS",
    "Pin",
    "RouteLine",
    "RouteMap",
    "Timeline",
    "TimelineRow",
    "courier_focus",
    "courier_of",
    "day_backlog",
    "latest_plan",
    "proof_photo",
    "route_colour",
    "route_map",
    "route_timelines",
    "stop_label",
]

# Distinct on the map's beige land and for the common colour blindnesses in the first four.
ROUTE_COLOURS = (
    "#2563eb",
    "#dc2626",
    "#16a34a",
    "#9333ea",
    "#ea580c",
    "#0891b2",
    "#ca8a04",
    "#db2777",
    "#4d7c0f",
    "#7c2d12",
)
MAP_WIDTH = 600.0
MIN_SPAN_DEG = 0.1  # about 10 km: enough of the city round a few stops to find one's way
PIN_SPREAD = 8.0  # pins at one ZIP centroid are set round it, this far apart, so each number shows


def route_colour(number: int) -> str:
    return ROUTE_COLOURS[(number - 1) % len(ROUTE_COLOURS)]


def stop_label(stop: Stop) -> str:
    """What a stop is about, in a few words (its parcel and ZIP, or the transfer and the facility)."""
    if stop.kind == Stop.Kind.PARCEL:
        return f"{stop.parcel.label} · {stop.parcel.zip_code} {stop.parcel.city}".strip()
    if stop.kind == Stop.Kind.PICKUP:
        return f"Pick up {stop.transfer.label} at {stop.transfer.origin.name}"
    if stop.kind == Stop.Kind.DROPOFF:
        return f"Drop {stop.transfer.label} at {stop.transfer.destination.name}"
    return stop.facility.name if stop.facility_id else stop.get_kind_display()


def _work(route: Route) -> list[Stop]:
    return [s for s in route.stops.all() if s.kind in DELIVERABLE]


# The map --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    number: int  # the stop's place among the route's parcels and transfers, from 1
    x: float
    y: float
    title: str
    done: bool
    label: PinLabel | None = None  # its ZIP (or facility) beside it, where there is room


@dataclass(frozen=True)
class RouteLine:
    route: Route
    colour: str
    points: str  # SVG polyline: the hub, each stop in order, the end
    pins: tuple[Pin, ...]


@dataclass(frozen=True)
class HubPin:
    name: str
    x: float
    y: float


@dataclass(frozen=True)
class RouteMap:
    base: LaMap  # the coast, the ZIP centroids, the landmarks (no markers of its own)
    lines: tuple[RouteLine, ...]
    hubs: tuple[HubPin, ...]


def _where(stop: Stop) -> tuple[float, float] | None:
    # A break is placed where the vehicle last was: not a place of its own.
    return None if stop.kind == Stop.Kind.BREAK else (stop.latitude, stop.longitude)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def _pin_name(stop: Stop) -> str:
    if stop.kind == Stop.Kind.PARCEL:
        return stop.parcel.zip_code
    return (stop.transfer.origin if stop.kind == Stop.Kind.PICKUP else stop.transfer.destination).name


def _pin_title(route: Route, number: int, stop: Stop) -> str:
    window = f" · window {_local(stop.window_start)}–{_local(stop.window_end)}" if stop.window_start else ""
    return (
        f"Route {route.number}, stop {number}: {stop_label(stop)}{window} · "
        f"arrives {_local(stop.planned_arrival)} · {stop.get_status_display().lower()}"
    )


def route_map(routes: Sequence[Route], *, width: float = MAP_WIDTH) -> RouteMap | None:
    """The routes (stops prefetched in order) on a map framed round their stops; None without a place."""
    places = [p for r in routes for s in r.stops.all() if (p := _where(s)) is not None]
    if not places:
        return None
    la = Projection(LA_BBOX, width=width)
    frame = bbox_around(places, margin=0.015, min_span=MIN_SPAN_DEG, aspect=la.height / la.width)
    proj = Projection(frame, width=width)
    # Pins of every route are spread together: two routes may serve one ZIP.
    work = [stop for route in routes for stop in _work(route)]
    # (the first pin of a shared ZIP above it, the others round it clockwise)
    xys = [proj.project(s.latitude, s.longitude) for s in work]
    spread_at = spread(xys, radius=PIN_SPREAD, first_angle=-math.pi / 2)
    at = {stop.pk: xy for stop, xy in zip(work, spread_at, strict=True)}
    hubs: dict[int, HubPin] = {}
    for route in routes:
        for stop in route.stops.all():
            if stop.kind in (Stop.Kind.START, Stop.Kind.END) and stop.facility_id:
                hubs[stop.facility_id] = HubPin(
                    stop.facility.name, *proj.project(stop.latitude, stop.longitude)
                )
    base = la_map([], bbox=frame, width=width)
    # Downtown's diamond and its name (drawn up and to the left of it), as core.lamap keeps them clear.
    dt = base.downtown
    downtown = [] if dt is None else [(dt[0] - 80, dt[1] - 20, dt[0] + 7, dt[1] + 7)]
    # Each pin is named by its ZIP (a facility by its name) where that covers no other pin, name or hub.
    names = place_labels(
        [(*xy, _pin_name(stop)) for stop, xy in zip(work, spread_at, strict=True)],
        width=width,
        height=proj.height,
        obstacles=[(h.x - 8, h.y - 8, h.x + 8, h.y + 8) for h in hubs.values()] + downtown,
    )
    label_of = {stop.pk: label for stop, label in zip(work, names, strict=True)}
    lines = []
    for route in routes:
        points = []
        for stop in route.stops.all():
            where = _where(stop)
            if where is not None:
                x, y = at.get(stop.pk) or proj.project(*where)
                points.append(f"{x},{y}")
        pins = [
            Pin(n, *at[stop.pk], _pin_title(route, n, stop), stop.is_done, label_of[stop.pk])
            for n, stop in enumerate(_work(route), start=1)
        ]
        lines.append(RouteLine(route, route_colour(route.number), " ".join(points), tuple(pins)))
    return RouteMap(base, tuple(lines), tuple(hubs.values()))


# The timelines --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    stop: Stop
    number: int
    label: str
    y: float  # the row's top
    window: tuple[float, float] | None  # x and width of the stop's window
    arrival_x: float
    service_w: float
    late: bool  # planned after its window closes (a kept stop of an earlier plan may be)
    status: str
    title: str


@dataclass(frozen=True)
class Timeline:
    route: Route
    colour: str
    width: float
    height: float
    left: float  # where the time axis starts (the labels are left of it)
    top: float  # the first row's top (the hour labels are above it)
    row_h: float
    ticks: tuple[tuple[float, str], ...]
    span: tuple[float, float]  # x from leaving the start to reaching the end
    span_y: float
    breaks: tuple[tuple[float, float], ...]  # x and width of each break
    rows: tuple[TimelineRow, ...]


TIMELINE_WIDTH = 760.0
TIMELINE_LEFT = 210.0
TIMELINE_RIGHT = 14.0
ROW_H = 20.0
TOP = 22.0
LABEL_CHARS = 32


def _bounds(routes: Iterable[Route]) -> tuple[datetime, datetime] | None:
    """The whole hours round every planned arrival, service and window of the routes: one axis for all."""
    moments: list[datetime] = []
    for route in routes:
        for stop in route.stops.all():
            moments.append(stop.planned_arrival)
            moments.append(stop.planned_arrival + timedelta(seconds=stop.service_s))
            moments += [m for m in (stop.window_start, stop.window_end) if m is not None]
    if not moments:
        return None
    first, last = timezone.localtime(min(moments)), timezone.localtime(max(moments))
    start = first.replace(minute=0, second=0, microsecond=0)
    end = last.replace(minute=0, second=0, microsecond=0)
    if end < last:
        end += timedelta(hours=1)
    return start, max(end, start + timedelta(hours=1))


def route_timelines(routes: Sequence[Route]) -> list[Timeline]:
    """Each route's stops as rows on one time axis shared by all routes: the window as a band, the planned
    arrival as a dot and the time spent there as a bar; the top row is the route from start to end, with
    its breaks."""
    bounds = _bounds(routes)
    if bounds is None:
        return []
    t0, t1 = bounds
    scale = (TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT) / (t1 - t0).total_seconds()

    def x(moment: datetime) -> float:
        return round(TIMELINE_LEFT + (moment - t0).total_seconds() * scale, 1)

    def w(seconds: float) -> float:
        return round(max(seconds * scale, 1.5), 1)

    hours = int((t1 - t0).total_seconds() // 3600)
    step = 1 if hours <= 12 else 2
    ticks = tuple(
        (x(t0 + timedelta(hours=h)), f"{(t0 + timedelta(hours=h)).hour}:00")
        for h in range(0, hours + 1, step)
    )
    out = []
    for route in routes:
        stops = list(route.stops.all())
        rows = []
        for number, stop in enumerate(_work(route), start=1):
            window = None
            if stop.window_start and stop.window_end:
                window = (x(stop.window_start), w((stop.window_end - stop.window_start).total_seconds()))
            label = f"{number}. {stop_label(stop)}"
            if len(label) > LABEL_CHARS:
                label = label[: LABEL_CHARS - 1].rstrip() + "…"
            rows.append(
                TimelineRow(
                    stop=stop,
                    number=number,
                    label=label,
                    y=TOP + ROW_H * number,
                    window=window,
                    arrival_x=x(stop.planned_arrival),
                    service_w=w(stop.service_s),
                    late=stop.window_end is not None and stop.planned_arrival > stop.window_end,
                    status=stop.status,
                    title=_pin_title(route, number, stop),
                )
            )
        span = (x(stops[0].planned_arrival), x(stops[-1].planned_arrival)) if stops else (TIMELINE_LEFT,) * 2
        out.append(
            Timeline(
                route=route,
                colour=route_colour(route.number),
                width=TIMELINE_WIDTH,
                height=TOP + ROW_H * (len(rows) + 1) + 4,
                left=TIMELINE_LEFT,
                top=TOP,
                row_h=ROW_H,
                ticks=ticks,
                span=span,
                span_y=TOP + ROW_H / 2,
                breaks=tuple(
                    (x(s.planned_arrival), w(s.service_s)) for s in stops if s.kind == Stop.Kind.BREAK
                ),
                rows=tuple(rows),
            )
        )
    return out


# The dispatcher's other reads ---------------------------------------------------------------------------


def latest_plan(*, organization: Organization, day: date) -> Plan | None:
    """The day's newest plan whatever its state (queued, running, failed or done)."""
    return plan_list(organization=organization, day=day).first()


@dataclass(frozen=True)
class Backlog:
    parcels_ready: int  # at the hub, not yet planned for a day
    parcels_retry: int  # not delivered, with a next attempt due by the day
    transfers: int  # between facilities, due by the day


def day_backlog(*, organization: Organization, day: date) -> Backlog:
    """What a plan of ``day`` would take (the planner's own choice of jobs, counted)."""
    parcels = Parcel.objects.filter(organization=organization)
    return Backlog(
        parcels_ready=parcels.filter(status=Parcel.Status.READY).count(),
        parcels_retry=parcels.filter(status=Parcel.Status.FAILED, next_attempt_on__lte=day).count(),
        transfers=Transfer.objects.filter(organization=organization, day__lte=day)
        .filter(~Q(status=Transfer.Status.DELIVERED))
        .count(),
    )


# The courier's page ---------------------------------------------------------------------------------------


def courier_of(*, organization: Organization, user: Any) -> Courier | None:
    """The organization's active courier who signs in as ``user``; None for anyone else."""
    if user is None or not user.is_authenticated:
        return None
    return Courier.objects.filter(organization=organization, user=user, active=True).first()


def courier_focus(day: CourierDay, wanted: int | None = None) -> Stop | None:
    """The stop the courier's page puts first: the one asked for (a stop of theirs), else the next one with
    something left to do, else (still at the hub) the first parcel to pick up."""
    work = [s for s in day.stops if s.kind in DELIVERABLE]
    if wanted is not None:
        chosen = next((s for s in work if s.pk == wanted), None)
        if chosen is not None:
            return chosen
    if day.next_stop is not None:
        return day.next_stop
    return next((s for s in day.to_pick_up if s.route.departed_at is None), None)


def proof_photo(*, token: str) -> Proof | None:
    """The latest proof, photo included, of the parcel of the pre-order behind a private link (its token)."""
    if not token:
        return None
    return Proof.objects.filter(parcel__preorder__access_token=token).order_by("-at").first()
