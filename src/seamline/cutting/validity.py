"""An independent check of a nested marker, with shapely only (it never asks the solver).

It reports overlaps between placed pieces, pieces outside the marker, turns not allowed, pieces whose
placed area differs from their outline, pieces closer than the knife spacing, and demand not met.

    >>> from types import SimpleNamespace as NS
    >>> sq = ((0, 0), (1, 0), (1, 1), (0, 1))
    >>> piece = NS(piece_id="a", copy=0, mirrored=False, turn_deg=0, polygon=sq)
    >>> marker = NS(length_cm=1, placements=(piece,))
    >>> check_marker(marker, usable_width_cm=1)
    []
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shapely import STRtree
from shapely.geometry import Polygon

__all__ = ["check_marker"]

_TURN_TOL_DEG = 1e-3


def check_marker(
    marker: Any,
    *,
    usable_width_cm: float,
    tolerance_cm: float = 0.01,
    allowed_turns: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    pieces: Iterable[Any] | None = None,
    spacing_cm: float = 0.0,
) -> list[str]:
    """Problems found in ``marker`` (an empty list when it is valid).

    ``allowed_turns`` applies to every piece (a sequence) or per piece id (a mapping). ``pieces`` (objects
    with ``id``, ``outline``, ``demand``, ``allowed_turns`` and ``mirror``, such as NestPiece) adds the
    demand, the turns and the placed area of each piece to the check.

    >>> from types import SimpleNamespace as NS
    >>> sq = ((0, 0), (2, 0), (2, 2), (0, 2))
    >>> p = NS(piece_id="a", copy=0, mirrored=False, turn_deg=90, polygon=sq)
    >>> check_marker(NS(length_cm=1, placements=(p,)), usable_width_cm=2, allowed_turns=(0,))
    ['a#0 lies outside [0, 1] × [0, 2]', 'a#0 turned 90° (allowed: 0)']
    """
    placements = tuple(marker.placements)
    polygons = [Polygon(p.polygon) for p in placements]
    turns_by_id = _turns_by_id(allowed_turns, pieces)
    problems = [
        *_outside(placements, polygons, marker.length_cm, usable_width_cm, tolerance_cm),
        *_bad_turns(placements, turns_by_id, allowed_turns),
        *_overlaps(placements, polygons, tolerance_cm, spacing_cm),
    ]
    if pieces is not None:
        problems += _demand_and_area(placements, polygons, list(pieces), tolerance_cm)
    return problems


def _name(p: Any) -> str:
    return f"{p.piece_id}{'~m' if p.mirrored else ''}#{p.copy}"


def _outside(placements, polygons, length: float, width: float, tol: float) -> list[str]:
    out = []
    for p, poly in zip(placements, polygons, strict=True):
        if not poly.is_valid or poly.area <= 0:
            out.append(f"{_name(p)} is not a valid polygon")
            continue
        minx, miny, maxx, maxy = poly.bounds
        if minx < -tol or miny < -tol or maxx > length + tol or maxy > width + tol:
            out.append(f"{_name(p)} lies outside [0, {length:g}] × [0, {width:g}]")
    return out


def _turns_by_id(allowed_turns, pieces) -> dict[str, tuple[float, ...]]:
    turns: dict[str, tuple[float, ...]] = {}
    if isinstance(allowed_turns, Mapping):
        turns.update({k: tuple(v) or (0.0,) for k, v in allowed_turns.items()})
    for piece in pieces or ():
        turns.setdefault(piece.id, tuple(piece.allowed_turns) or (0.0,))
    return turns


def _bad_turns(placements, turns_by_id, allowed_turns) -> list[str]:
    everywhere = None if allowed_turns is None or isinstance(allowed_turns, Mapping) else tuple(allowed_turns)
    out = []
    for p in placements:
        allowed = turns_by_id.get(p.piece_id, everywhere)
        if allowed is None:
            continue
        if not any(abs((p.turn_deg - a + 180) % 360 - 180) < _TURN_TOL_DEG for a in allowed):
            shown = ", ".join(f"{a:g}" for a in allowed)
            out.append(f"{_name(p)} turned {p.turn_deg:g}° (allowed: {shown})")
    return out


def _overlaps(placements, polygons, tol: float, spacing: float) -> list[str]:
    tree = STRtree(polygons)
    out = []
    left, right = tree.query(polygons, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j:
            area = polygons[i].intersection(polygons[j]).area
            if area > tol * tol:
                out.append(f"{_name(placements[i])} overlaps {_name(placements[j])} by {area:.4g} cm²")
    if spacing > 0:
        left, right = tree.query(polygons, predicate="dwithin", distance=spacing - tol)
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i < j and polygons[i].intersection(polygons[j]).area <= tol * tol:
                gap = polygons[i].distance(polygons[j])
                pair = f"{_name(placements[i])} is {gap:.3g} cm from {_name(placements[j])}"
                out.append(f"{pair} (spacing {spacing:g})")
    return out


def _demand_and_area(placements, polygons, pieces, tol: float) -> list[str]:
    out = []
    counts = Counter((p.piece_id, p.mirrored) for p in placements)
    areas = {piece.id: Polygon(piece.outline).area for piece in pieces}
    for piece in pieces:
        for mirrored in (False, True) if piece.mirror else (False,):
            got = counts.pop((piece.id, mirrored), 0)
            if got != piece.demand:
                kind = " (mirror image)" if mirrored else ""
                out.append(f"{piece.id}{kind}: {got} placed, demand {piece.demand}")
    out += [f"{pid}{'~m' if m else ''}: {n} placed, not asked for" for (pid, m), n in counts.items()]
    for p, poly in zip(placements, polygons, strict=True):
        want = areas.get(p.piece_id)
        if want is not None and abs(poly.area - want) > tol * max(1.0, poly.length):
            out.append(f"{_name(p)} has area {poly.area:.4g}, its outline {want:.4g}")
    return out
