"""Marker nesting: garment pieces packed on a fabric strip by sparrow (through spyrrow).

The strip's fixed dimension is the usable fabric width (fabric width less both selvedge margins); the
solver minimises the other one, the marker length. Every piece is first turned so its grain runs along
the marker length, then placed only in its allowed turns (0/180 for most fabric, 0 only for napped or
one-way fabric). A mirrored piece (a left/right pair) is nested as two items: the outline and its mirror
image across the grain line.

Coordinates of a placed piece: ``x`` runs along the marker length, ``y`` across the usable width, both
from 0. A placement maps a point ``p`` of the piece's outline to ``T(x, y) · R(turn) · M · G(p)``, where
``G`` turns the grain to the length (rotation by ``-grain_angle_deg`` about the origin), ``M`` is the
mirror ``y -> -y`` (mirrored copies only) and ``R`` the turn about the origin.

    >>> front = NestPiece("front", ((0, 0), (40, 0), (40, 30), (0, 30)), demand=2)
    >>> marker = nest([front], fabric_width_cm=62, time_s=1)  # doctest: +SKIP
    >>> round(marker.length_cm)  # doctest: +SKIP
    60
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import spyrrow
from shapely import affinity
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

__all__ = [
    "MIRROR_SUFFIX",
    "Marker",
    "NestPiece",
    "Placement",
    "Progress",
    "nest",
    "prepared_outline",
]

MIRROR_SUFFIX = "~m"
_FEASIBLE = (spyrrow.ReportType.ExplFeas, spyrrow.ReportType.CmprFeas, spyrrow.ReportType.Final)
_TURN_SNAP_DEG = 1e-3
_PROGRESS_EVERY_S = 0.2

Point = tuple[float, float]


@dataclass(frozen=True)
class NestPiece:
    """A pattern piece to cut ``demand`` times (and as many mirror images when ``mirror``).

    >>> NestPiece("sleeve", ((0, 0), (50, 0), (45, 20), (5, 20)), demand=2, mirror=True).mirror
    True
    """

    id: str
    outline: tuple[Point, ...]
    demand: int = 1
    allowed_turns: tuple[float, ...] = (0.0, 180.0)
    mirror: bool = False
    grain_angle_deg: float = 0.0


@dataclass(frozen=True)
class Placement:
    """Where one copy of a piece lies on the marker; ``polygon`` is the outline as placed."""

    piece_id: str
    copy: int
    mirrored: bool
    turn_deg: float
    x_cm: float
    y_cm: float
    polygon: tuple[Point, ...]


@dataclass(frozen=True)
class Marker:
    """A nested marker: its length, the usable width it was nested in, and the placements."""

    length_cm: float
    usable_width_cm: float
    utilization: float
    waste_area_cm2: float
    piece_area_cm2: float
    placements: tuple[Placement, ...]
    fabric_width_cm: float = 0.0
    margin_cm: float = 0.0


@dataclass(frozen=True)
class Progress:
    """A solver report: the best feasible length so far and what the solver is doing."""

    elapsed_s: float
    best_length_cm: float
    utilization: float
    phase: str


def prepared_outline(piece: NestPiece, *, mirrored: bool = False) -> Polygon:
    """The piece's outline with its grain along x (and mirrored across the grain line when asked).

    >>> p = NestPiece("a", ((0, 0), (10, 0), (10, 40), (0, 40)), grain_angle_deg=90)
    >>> [round(v) for v in prepared_outline(p).bounds]
    [0, -10, 40, 0]
    """
    poly = Polygon(piece.outline)
    if not poly.is_valid or poly.area <= 0:
        raise ValueError(f"piece {piece.id!r}: outline is not a simple polygon with area")
    poly = affinity.rotate(poly, -piece.grain_angle_deg, origin=(0, 0))
    if mirrored:
        poly = affinity.scale(poly, xfact=1.0, yfact=-1.0, origin=(0, 0))
    return orient(poly, 1.0)


def nest(
    pieces: Sequence[NestPiece],
    *,
    fabric_width_cm: float,
    margin_cm: float = 1.0,
    spacing_cm: float = 0.0,
    time_s: float = 10,
    seed: int = 1,
    workers: int = 2,
    on_progress: Callable[[Progress], None] | None = None,
) -> Marker:
    """Nest ``pieces`` on fabric ``fabric_width_cm`` wide within ``time_s`` seconds.

    Raises ValueError for an empty list, a bad demand or outline, or a piece wider than the usable
    width in every allowed turn.

    >>> pieces = [NestPiece("back", ((0, 0), (60, 0), (60, 50), (0, 50)))]
    >>> nest(pieces, fabric_width_cm=150, time_s=1).placements[0].piece_id  # doctest: +SKIP
    'back'
    """
    usable = fabric_width_cm - 2 * margin_cm
    if usable <= 0:
        raise ValueError(f"no usable width: fabric {fabric_width_cm} cm less 2 × {margin_cm} cm margin")
    if not pieces:
        raise ValueError("no pieces to nest")
    shapes = _prepare(pieces, usable_width_cm=usable)
    items = [
        spyrrow.Item(key, list(shape.exterior.coords)[:-1], demand, list(turns))
        for key, (shape, demand, turns) in shapes.items()
    ]
    piece_area = sum(shape.area * demand for shape, demand, _ in shapes.values())
    instance = spyrrow.StripPackingInstance("marker", usable, items)
    config = spyrrow.StripPackingConfig(
        total_computation_time=max(1, round(time_s)),
        seed=seed,
        num_workers=workers,
        min_items_separation=spacing_cm if spacing_cm > 0 else None,
    )
    solution = _solve(
        instance, config, piece_area=piece_area, usable_width_cm=usable, on_progress=on_progress
    )
    placements = _placements(solution.placed_items, shapes)
    length = max([solution.width, *(max(x for x, _ in p.polygon) for p in placements)])
    return Marker(
        length_cm=length,
        usable_width_cm=usable,
        utilization=piece_area / (usable * length),
        waste_area_cm2=usable * length - piece_area,
        piece_area_cm2=piece_area,
        placements=placements,
        fabric_width_cm=fabric_width_cm,
        margin_cm=margin_cm,
    )


def _prepare(
    pieces: Sequence[NestPiece], *, usable_width_cm: float
) -> dict[str, tuple[Polygon, int, tuple[float, ...]]]:
    """Solver items by key: the prepared outline, its demand and its allowed turns."""
    shapes: dict[str, tuple[Polygon, int, tuple[float, ...]]] = {}
    for piece in pieces:
        if piece.demand < 1:
            raise ValueError(f"piece {piece.id!r}: demand must be at least 1, not {piece.demand}")
        if MIRROR_SUFFIX in piece.id or piece.id in shapes:
            raise ValueError(f"piece {piece.id!r}: duplicate id or id containing {MIRROR_SUFFIX!r}")
        turns = tuple(t % 360 for t in piece.allowed_turns) or (0.0,)
        shape = prepared_outline(piece)
        _check_fits(piece.id, shape, turns, usable_width_cm=usable_width_cm)
        shapes[piece.id] = (shape, piece.demand, turns)
        if piece.mirror:
            shapes[piece.id + MIRROR_SUFFIX] = (prepared_outline(piece, mirrored=True), piece.demand, turns)
    return shapes


def _check_fits(piece_id: str, shape: Polygon, turns: tuple[float, ...], *, usable_width_cm: float) -> None:
    widths = []
    for turn in turns:
        _, miny, _, maxy = affinity.rotate(shape, turn, origin=(0, 0)).bounds
        widths.append(maxy - miny)
    if min(widths) > usable_width_cm:
        raise ValueError(
            f"piece {piece_id!r} is {min(widths):.1f} cm across the fabric in its best allowed turn, "
            f"wider than the usable width {usable_width_cm:.1f} cm"
        )


def _solve(
    instance: spyrrow.StripPackingInstance,
    config: spyrrow.StripPackingConfig,
    *,
    piece_area: float,
    usable_width_cm: float,
    on_progress: Callable[[Progress], None] | None,
) -> spyrrow.StripPackingSolution:
    """Run the solver in a thread while this one drains its progress queue into ``on_progress``."""
    queue = spyrrow.ProgressQueue()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["solution"] = instance.solve(config, progress=queue)
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=run, name="spyrrow-solve", daemon=True)
    worker.start()
    best = math.inf
    last_phase = ""
    last_emit = -math.inf
    while True:
        done = not worker.is_alive()
        for report, sol in queue.drain():
            if report not in _FEASIBLE:
                continue
            phase = report.phase_name()
            improved = sol.width < best
            best = min(best, sol.width)
            elapsed = time.monotonic() - started
            # The solver reports every small shrink of the strip; a progress bar needs a few a second.
            due = improved and elapsed - last_emit >= _PROGRESS_EVERY_S
            if on_progress is not None and (due or phase != last_phase):
                on_progress(Progress(elapsed, best, piece_area / (usable_width_cm * best), phase))
                last_emit = elapsed
            last_phase = phase
        if done:
            break
        worker.join(0.1)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["solution"]  # type: ignore[return-value]


def _placements(
    placed: Sequence[spyrrow.PlacedItem], shapes: dict[str, tuple[Polygon, int, tuple[float, ...]]]
) -> tuple[Placement, ...]:
    copies: dict[str, int] = {}
    out = []
    for item in sorted(placed, key=lambda p: (p.id, p.translation[0], p.translation[1])):
        shape, _, turns = shapes[item.id]
        turn = _snap_turn(item.rotation, turns)
        x, y = item.translation
        poly = affinity.translate(affinity.rotate(shape, item.rotation, origin=(0, 0)), x, y)
        copy = copies.get(item.id, 0)
        copies[item.id] = copy + 1
        mirrored = item.id.endswith(MIRROR_SUFFIX)
        piece_id = item.id.removesuffix(MIRROR_SUFFIX) if mirrored else item.id
        coords = tuple((float(px), float(py)) for px, py in poly.exterior.coords[:-1])
        out.append(Placement(piece_id, copy, mirrored, turn, float(x), float(y), coords))
    return tuple(out)


def _snap_turn(rotation: float, turns: tuple[float, ...]) -> float:
    """The solver's rotation as one of the allowed turns when it is one (it may say -180 for 180)."""
    turn = rotation % 360
    for allowed in turns:
        if abs((turn - allowed + 180) % 360 - 180) < _TURN_SNAP_DEG:
            return allowed
    return turn
