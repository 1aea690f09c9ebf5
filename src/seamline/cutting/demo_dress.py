"""The fit-session demo style: a bias-cut silk slip dress (SD-02) drafted in code, sizes XS to XL, in cm.

Used by the demo's fit session (the neckline its audience asks to lower) and by the alteration tests. The
draft, size M: 92 cm finished bust, 80 cm waist, 100 cm hip and a 120 cm hem sweep, front and back alike
(each a quarter of the round plus a 1 cm seam allowance either side of the centre line); 85 cm from the
underarm to the hem (plus a 1 cm rolled hem), the waist 18 cm and the hip 38 cm below the underarm. Thin
straps leave the front 17 cm above the underarm and the back 12 cm above it; the inner strap points are
19 cm apart and each strap is 1.5 cm wide where it is sewn on. The front neckline is a soft V 12 cm deep
below the strap points; the back neck a shallow scoop 3 cm deep. Armholes curve from the strap down to
the side seam, which they meet square. The facings are bands 5 cm deep (measured down the dress) whose
top edge is exactly the neck curve of their piece; the straps are bias strips 3 cm wide (a rouleau) and
42 cm long. Boundaries are cut lines; curves are cubic Béziers sampled about every 2 cm.

Front and back are full pieces, symmetric about their centre line, cut once each, and the side seams of
front and back are the same curve, so they sew together. Every piece is cut on the bias: its grain line
runs at 45° to the centre line (the length of the dress). Grading from M per size: 5 cm of bust, waist,
hip and hem, 1.5 cm of length, 0.5 cm of armhole depth and of neck width, 0.5 cm of V depth, 1 cm of
strap; each size is drafted from its own measurements, so the pieces carry no grade rules.

    >>> pattern = slip_dress_pattern()
    >>> pattern.sizes()
    ('XS', 'S', 'M', 'L', 'XL')
    >>> [p.name for p in pattern.pieces_for("M")]
    ['Front', 'Back', 'Front facing', 'Back facing', 'Strap']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import LineString, Polygon
from shapely.geometry import Point as ShapelyPoint

from .dxf_aama import write_dxf_aama
from .pattern import Pattern, Piece, Point, bezier_points

__all__ = ["SLIP_DRESS_SIZES", "SLIP_DRESS_STYLE", "slip_dress_dxf", "slip_dress_pattern"]

SLIP_DRESS_SIZES = ("XS", "S", "M", "L", "XL")
SLIP_DRESS_STYLE = "Bias-Cut Silk Slip Dress"
_BASE = "M"
_SA = 1.0  # seam allowance, cm
_HEM = 1.0  # rolled hem
_FACING_DEPTH = 5.0
_MATERIAL = "19 momme silk charmeuse"


@dataclass(frozen=True)
class _Measures:
    """Finished measurements of one size, cm."""

    bust: float
    waist: float
    hip: float
    sweep: float  # hem circumference
    side_length: float  # underarm to hem
    front_armhole: float  # strap point down to the underarm, front
    back_armhole: float
    neck_width: float  # between the inner strap points
    front_neck_depth: float  # strap points down to the bottom of the V
    back_neck_depth: float
    strap_length: float


def _measures(grade: int) -> _Measures:
    return _Measures(
        bust=92.0 + 5.0 * grade,
        waist=80.0 + 5.0 * grade,
        hip=100.0 + 5.0 * grade,
        sweep=120.0 + 5.0 * grade,
        side_length=85.0 + 1.5 * grade,
        front_armhole=17.0 + 0.5 * grade,
        back_armhole=12.0 + 0.5 * grade,
        neck_width=19.0 + 0.5 * grade,
        front_neck_depth=12.0 + 0.5 * grade,
        back_neck_depth=3.0,
        strap_length=40.0 + 1.0 * grade,
    )


def slip_dress_pattern() -> Pattern:
    """The slip dress's pieces for every size (METRIC, sample size M)."""
    pieces: list[Piece] = []
    for index, size in enumerate(SLIP_DRESS_SIZES):
        pieces.extend(_pieces(size, _measures(index - SLIP_DRESS_SIZES.index(_BASE))))
    return Pattern(style_name=SLIP_DRESS_STYLE, units="METRIC", sample_size=_BASE, pieces=tuple(pieces))


def slip_dress_dxf(path: str | Path) -> Path:
    """Write the slip dress as a DXF-AAMA file (every size a block) that the pattern import reads."""
    write_dxf_aama(slip_dress_pattern(), path)
    return Path(path)


def _pieces(size: str, m: _Measures) -> list[Piece]:
    underarm = _HEM + m.side_length
    front_top = underarm + m.front_armhole
    back_top = underarm + m.back_armhole
    front_neck = _neck(m.neck_width / 2, front_top, m.front_neck_depth, vee=True)
    back_neck = _neck(m.neck_width / 2, back_top, m.back_neck_depth, vee=False)
    side = _side_seam(m)
    waist_notch = (m.waist / 4 + _SA, underarm - 18.0)
    front = _body(side, _armhole(m.neck_width / 2, front_top, underarm, m), front_neck)
    back = _body(side, _armhole(m.neck_width / 2, back_top, underarm, m), back_neck)
    notches = (waist_notch, (-waist_notch[0], waist_notch[1]))
    return [
        _piece("Front", size, 1, front, notches=notches),
        _piece("Back", size, 1, back, notches=notches),
        _piece("Front facing", size, 1, _facing(front_neck)),
        _piece("Back facing", size, 1, _facing(back_neck)),
        _piece("Strap", size, 2, _strap(m)),
    ]


def _piece(
    name: str, size: str, quantity: int, boundary: Sequence[Point], *, notches: Sequence[Point] = ()
) -> Piece:
    xs = [x for x, _ in boundary]
    ys = [y for _, y in boundary]
    dx, dy = -min(xs), -min(ys)  # every piece drawn from (0, 0)
    points: list[Point] = []
    for x, y in boundary:  # drop repeated points where curves meet straight seams
        point = (round(x + dx, 3), round(y + dy, 3))
        if not points or math.dist(point, points[-1]) > 0.01:
            points.append(point)
    if math.dist(points[0], points[-1]) <= 0.01:
        points.pop()
    return Piece(
        name=name,
        size=size,
        quantity=quantity,
        boundary=tuple(points),
        grain_line=_bias_grain(points),
        notches=tuple((round(x + dx, 3), round(y + dy, 3)) for x, y in notches),
        material=_MATERIAL,
    )


def _bias_grain(points: Sequence[Point]) -> tuple[Point, Point]:
    """A grain line at 45° to the centre line, inside the piece, through the middle of its bounding box.

    On a V-shaped facing the middle of the box is outside the band, so the line sits half-way down the
    band a quarter of the way across instead; it is shortened until it lies inside the piece.
    """
    polygon = Polygon(points)
    min_x, min_y, max_x, max_y = polygon.bounds
    centre = ((min_x + max_x) / 2, (min_y + max_y) / 2)
    if not polygon.contains(ShapelyPoint(centre)):
        x = min_x + (max_x - min_x) / 4
        inside = [
            y
            for y in (min_y + (max_y - min_y) * k / 200 for k in range(201))
            if polygon.contains(ShapelyPoint(x, y))
        ]
        centre = (x, (min(inside) + max(inside)) / 2)
    half = 15.0
    while half > 0.2:
        line = ((centre[0] - half, centre[1] - half), (centre[0] + half, centre[1] + half))
        if polygon.contains(LineString(line)):
            break
        half *= 0.8
    (x, y), half = (round(centre[0], 3), round(centre[1], 3)), round(half, 3)  # rounded, still at 45°
    return ((x - half, y - half), (x + half, y + half))


def _side_seam(m: _Measures) -> list[Point]:
    """Right side seam from the hem corner up to the underarm, through hip and waist (x from the centre line).

    A Catmull-Rom curve through the four points: tangents run along the neighbours' chord, so the seam
    bends smoothly at the hip and the waist.
    """
    underarm = _HEM + m.side_length
    knots = [
        (m.sweep / 4 + _SA, 0.0),
        (m.hip / 4 + _SA, underarm - 38.0),
        (m.waist / 4 + _SA, underarm - 18.0),
        (m.bust / 4 + _SA, underarm),
    ]
    out: list[Point] = [knots[0]]
    for i in range(len(knots) - 1):
        before = knots[max(0, i - 1)]
        a, b = knots[i], knots[i + 1]
        after = knots[min(len(knots) - 1, i + 2)]
        c1 = (a[0] + (b[0] - before[0]) / 6, a[1] + (b[1] - before[1]) / 6)
        c2 = (b[0] - (after[0] - a[0]) / 6, b[1] - (after[1] - a[1]) / 6)
        out.extend(bezier_points(a, c1, c2, b)[1:])
    return out


def _armhole(half_neck: float, top: float, underarm: float, m: _Measures) -> list[Point]:
    """Outer strap point down to the underarm, leaving the strap steeply and meeting the side seam square."""
    strap = (half_neck + 1.5, top)
    side = (m.bust / 4 + _SA, underarm)
    depth = top - underarm
    return bezier_points(
        strap, (strap[0] + 1.0, top - depth * 0.6), (side[0] - (side[0] - strap[0]) * 0.45, underarm), side
    )


def _neck(half: float, top: float, depth: float, *, vee: bool) -> list[Point]:
    """Right half of a neckline, centre line (x = 0, the lowest point) up to the inner strap point."""
    if vee:  # a soft V: nearly straight from the centre, easing into the strap
        return bezier_points(
            (0.0, top - depth),
            (half * 0.4, top - depth * 0.6),
            (half * 0.85, top - depth * 0.12),
            (half, top),
        )
    return bezier_points(
        (0.0, top - depth), (half * 0.55, top - depth), (half * 0.8, top - depth * 0.3), (half, top)
    )


def _body(side: list[Point], armhole: list[Point], neck: list[Point]) -> list[Point]:
    """A full body piece: right hem corner, side seam, armhole, strap top, neckline to centre; mirrored."""
    # up the side seam and the armhole, across the strap, down the neckline to the centre line
    right = [*side, *list(reversed(armhole))[1:], *reversed(neck)]
    left = [(-x, y) for x, y in reversed(right[:-1])]
    return right + left


def _facing(neck: list[Point]) -> list[Point]:
    """A band under the whole neckline: its top edge is the neck curve, its lower edge 5 cm below it."""
    curve = [(-x, y) for x, y in reversed(neck)] + neck[1:]  # left strap point, centre, right strap point
    lower = [(x, y - _FACING_DEPTH) for x, y in reversed(curve)]
    return curve + lower


def _strap(m: _Measures) -> list[Point]:
    width, length = 3.0, m.strap_length + 2 * _SA
    return [(0.0, 0.0), (width, 0.0), (width, length), (0.0, length)]
