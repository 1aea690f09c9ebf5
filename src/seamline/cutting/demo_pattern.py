"""The demo style: a selvedge chore jacket drafted in code, sizes XS to XXL, in centimetres.

Used by the demo and by bench/cutplan.py. The draft is a boxy work jacket, size M: 116 cm finished chest
(the back 58 cm across, each front 29 cm from centre front to side seam, plus a 2.5 cm button extension),
74 cm back length, a 16 cm shoulder sloping 4.5 cm (back) and 5 cm (front) from neck point to shoulder
point, a 23 cm deep armhole (27.5 cm below the neck point), and a one-piece sleeve with a bell-shaped cap
15 cm high whose seam is 1.5 cm longer than the armhole (the ease a denim sleeve head takes). Boundaries
are cut lines: 1 cm seam allowance on every seam, 3 cm hem turn-ups. Curves (necklines, armholes, sleeve
cap, collar, pocket corners) are cubic Béziers sampled about every 2 cm.

Every piece is drafted with its grain along y (the garment's length); the back is cut on the fold and
modelled as one full piece; fronts, sleeves, facings and cuffs are mirrored pairs (Quantity 2, left and
right); the collar is upper and under (Quantity 2); the four patch pockets (two chest, two hip) share one
shape (Quantity 4). Grading from M per size: 5 cm of chest, 1.5 cm of body length, 1 cm of sleeve
length, 0.5 cm of shoulder, 0.6 cm of armhole depth, 1.25 cm of neckline.

    >>> pattern = chore_jacket_pattern()
    >>> pattern.sizes()
    ('XS', 'S', 'M', 'L', 'XL', 'XXL')
    >>> 16_000 < pattern.total_area_cm2("M") < 20_000
    True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .pattern import Pattern, Piece, Point, bezier_points

__all__ = ["CHORE_JACKET_SIZES", "chore_jacket_pattern"]

CHORE_JACKET_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
_BASE = "M"
_SA = 1.0  # seam allowance, cm
_HEM = 3.0  # hem turn-up of body and pockets, cm
_CAP_EASE = 1.5  # sleeve cap seam longer than the armhole, cm: denim takes little ease


@dataclass(frozen=True)
class _Measures:
    """Finished measurements of one size, cm."""

    chest: float  # full finished chest
    back_length: float  # centre back neck to hem
    shoulder: float  # neck point to shoulder point along the seam
    armhole_depth: float  # shoulder point (back) down to the underarm
    neck_width: float  # half neck: centre back to neck point
    sleeve_length: float  # shoulder point to wrist, cuff included
    cuff_length: float  # finished cuff around the wrist
    cuff_height: float  # finished cuff depth
    pocket: tuple[float, float]  # finished patch pocket width, height


def _measures(grade: int) -> _Measures:
    return _Measures(
        chest=116.0 + 5.0 * grade,
        back_length=74.0 + 1.5 * grade,
        shoulder=16.0 + 0.5 * grade,
        armhole_depth=23.0 + 0.6 * grade,
        neck_width=8.0 + 0.2 * grade,
        sleeve_length=63.0 + 1.0 * grade,
        cuff_length=26.0 + 1.0 * grade,
        cuff_height=6.0,
        pocket=(17.0 + 0.5 * grade, 18.0 + 0.5 * grade),
    )


def chore_jacket_pattern() -> Pattern:
    """The chore jacket's shell pieces for every size (METRIC, sample size M)."""
    pieces: list[Piece] = []
    for index, size in enumerate(CHORE_JACKET_SIZES):
        pieces.extend(_pieces(size, _measures(index - CHORE_JACKET_SIZES.index(_BASE))))
    return Pattern(
        style_name="Selvedge chore jacket", units="METRIC", sample_size=_BASE, pieces=tuple(pieces)
    )


def _pieces(size: str, m: _Measures) -> list[Piece]:
    back, back_armhole = _back(m)
    front, front_armhole, neckline = _front(m)
    return [
        _piece("Back", size, 1, back),
        _piece("Front", size, 2, front, mirrored=True),
        _piece("Sleeve", size, 2, _sleeve(m, armhole=back_armhole + front_armhole), mirrored=True),
        _piece("Collar", size, 2, _collar(neck=2 * neckline + 2 * _back_neck_length(m))),
        _piece("Front facing", size, 2, _facing(m), mirrored=True),
        _piece("Patch pocket", size, 4, _pocket(*m.pocket)),
        _piece("Cuff", size, 2, _cuff(m), mirrored=True),
    ]


def _piece(
    name: str, size: str, quantity: int, boundary: Sequence[Point], *, mirrored: bool = False
) -> Piece:
    xs = [x for x, _ in boundary]
    ys = [y for _, y in boundary]
    middle = (min(xs) + max(xs)) / 2
    grain = ((middle, min(ys) + 2.0), (middle, max(ys) - 2.0))
    points: list[Point] = []
    for x, y in boundary:  # drop repeated points where curves meet straight seams
        point = (round(x, 3), round(y, 3))
        if not points or math.dist(point, points[-1]) > 0.01:
            points.append(point)
    if math.dist(points[0], points[-1]) <= 0.01:
        points.pop()
    return Piece(
        name=name,
        size=size,
        quantity=quantity,
        boundary=tuple(points),
        grain_line=grain,
        mirrored_pair=mirrored,
        material="13.5 oz selvedge denim",
    )


def _length(points: Sequence[Point]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))


def _back_neck_length(m: _Measures) -> float:
    return _length(_back_neck(m))


def _back_neck(m: _Measures) -> list[Point]:
    """Half back neckline on the sew line, centre back (x = 0) to neck point; 2.5 cm deep, square at CB."""
    return bezier_points((0.0, -2.5), (m.neck_width * 0.55, -2.5), (m.neck_width, -1.4), (m.neck_width, 0.0))


def _shoulder_and_armhole(
    *,
    neck_x: float,
    top: float,
    shoulder: float,
    drop: float,
    side_x: float,
    underarm_y: float,
    hollow: float,
) -> tuple[list[Point], float]:
    """Neck point -> shoulder point -> underarm (side seam), and the armhole's seam length.

    The shoulder slopes ``drop`` cm from neck point to shoulder point. The armhole leaves the shoulder
    square to the seam, runs nearly straight down (across back or front), then turns out to meet the side
    seam square; ``hollow`` (0..1) is how deep the scoop is (the front is scooped more than the back).
    """
    run = math.sqrt(shoulder**2 - drop**2)
    sp = (neck_x + run, top - drop)
    depth = sp[1] - underarm_y
    # square to the shoulder seam at the shoulder point: the tangent leans back by the slope angle
    reach = depth * 0.3
    p1 = (sp[0] - reach * drop / shoulder, sp[1] - reach * run / shoulder)
    p2 = (sp[0] + (side_x - sp[0]) * (0.15 + 0.25 * (1 - hollow)), underarm_y + depth * 0.02)
    armhole = bezier_points(sp, p1, p2, (side_x, underarm_y))
    return [(neck_x, top), *armhole], _length(armhole)


def _back(m: _Measures) -> tuple[list[Point], float]:
    """The full back (cut on the fold), symmetric about its centre line; and its armhole seam length."""
    half = m.chest / 4 + _SA
    neck_x = m.neck_width + _SA * 0.3  # the cut line sits outside the sew line on the curve
    top = _HEM + m.back_length + 2.5 + _SA  # neck point height; CB neck is 2.5 cm lower
    underarm = top - 4.5 - m.armhole_depth - _SA
    upper, armhole = _shoulder_and_armhole(
        neck_x=neck_x,
        top=top,
        shoulder=m.shoulder + _SA,
        drop=4.5,
        side_x=half,
        underarm_y=underarm,
        hollow=0.3,
    )
    neck = bezier_points((0.0, top - 2.5), (neck_x * 0.55, top - 2.5), (neck_x, top - 1.4), (neck_x, top))[
        :-1
    ]
    right = [(half, 0.0), *reversed(upper), *reversed(neck)]  # side hem up to centre back neck
    left = [(-x, y) for x, y in reversed(right[:-1])]
    return [(x + half, y) for x, y in right + left], armhole


def _front(m: _Measures) -> tuple[list[Point], float, float]:
    """Right front: front edge (2.5 cm button extension + seam) at x = 0, side seam at the far x.

    Returns the boundary, the armhole seam length and the front neckline length (for the collar).
    """
    cf = 2.5 + _SA  # centre front line
    side = cf + m.chest / 4 + _SA
    neck_x = cf + m.neck_width - 0.5  # front neck a touch narrower than the back: the collar sits flat
    back_top = _HEM + m.back_length + 2.5 + _SA
    top = back_top + 1.0  # the front is 1 cm longer to the neck point (shoulder seam sits forward)
    underarm = back_top - 4.5 - m.armhole_depth - _SA  # side seams match
    upper, armhole = _shoulder_and_armhole(
        neck_x=neck_x,
        top=top,
        shoulder=m.shoulder + _SA - 0.3,
        drop=5.0,
        side_x=side,
        underarm_y=underarm,
        hollow=0.7,
    )
    neck_depth = 9.0 + 0.2 * (m.neck_width - 8.0) / 0.2
    # front neck: square at centre front, a quarter-ellipse up to the neck point
    neckline = bezier_points(
        (cf, top - neck_depth),
        (cf + (neck_x - cf) * 0.6, top - neck_depth),
        (neck_x, top - neck_depth * 0.45),
        (neck_x, top),
    )
    boundary = [(0.0, 0.0), (side, 0.0), *reversed(upper), *reversed(neckline), (0.0, top - neck_depth)]
    return boundary, armhole, _length(neckline)


def _sleeve(m: _Measures, *, armhole: float) -> list[Point]:
    """A one-piece sleeve with a bell-shaped cap, fuller at the back (so left and right differ).

    Cap height is fixed at 15 cm (a jacket's); the bicep is widened until the cap's seam is the armhole's
    plus _CAP_EASE, as a patternmaker walks the cap along the armhole.
    """
    cap = 15.0
    length = m.sleeve_length - m.cuff_height + 2 * _SA  # shoulder point to the cuff seam, cut
    wrist = m.cuff_length + 4.0 + 2 * _SA  # two 2 cm pleats into the cuff

    def cap_curve(bicep: float) -> list[Point]:
        top_x = bicep * 0.52  # crown a touch forward of centre: the back half is fuller
        base = length - cap
        back = bezier_points(
            (0.0, base), (top_x * 0.38, base + cap * 0.1), (top_x * 0.55, length), (top_x, length)
        )
        front = bezier_points(
            (top_x, length),
            (top_x + (bicep - top_x) * 0.42, length),
            (bicep - (bicep - top_x) * 0.45, base + cap * 0.02),
            (bicep, base),
        )
        return back + front[1:]

    bicep = 30.0
    for _ in range(60):  # widen the bicep until cap seam = armhole + ease (a few mm is enough)
        excess = _length(cap_curve(bicep)) - 2 * _SA - (armhole + _CAP_EASE)
        if abs(excess) < 0.05:
            break
        bicep -= excess * 0.8
    inset = (bicep - wrist) / 2
    return [(inset, 0.0), (bicep - inset, 0.0), *reversed(cap_curve(bicep))]


def _collar(*, neck: float) -> list[Point]:
    """Point collar: neck edge curved up 1 cm at the ends so it rolls, 9 cm stand-and-fall, pointed."""
    length = neck + 2 * _SA
    height = 9.0 + 2 * _SA
    half = length / 2
    neck_edge = bezier_points((0.0, 1.0), (half * 0.5, 0.0), (half * 0.8, 0.0), (half, 0.0))
    outer = bezier_points((half, height), (half * 0.6, height), (3.0, height + 0.2), (-1.0, height + 1.2))
    right = [(length - x, y) for x, y in reversed(neck_edge[:-1])]
    right_outer = [(length - x, y) for x, y in outer]
    return [*neck_edge, *right, *reversed(right_outer[1:]), *outer[1:]]


def _facing(m: _Measures) -> list[Point]:
    """Front facing: front edge from hem to neck, following the neckline to a 4 cm shoulder."""
    cf = 2.5 + _SA
    back_top = _HEM + m.back_length + 2.5 + _SA
    top = back_top + 1.0
    neck_x = cf + m.neck_width - 0.5
    neck_depth = 9.0 + 0.2 * (m.neck_width - 8.0) / 0.2
    width = 8.0 + _SA  # inside edge 8 cm in from the front edge at the hem
    neckline = bezier_points(
        (cf, top - neck_depth),
        (cf + (neck_x - cf) * 0.6, top - neck_depth),
        (neck_x, top - neck_depth * 0.45),
        (neck_x, top),
    )
    shoulder = (neck_x + 4.0, top - 1.3)  # 4 cm along the sloped shoulder
    inside = bezier_points(shoulder, (neck_x + 3.0, top - 12.0), (width, top - 18.0), (width, top - 26.0))
    return [(0.0, 0.0), (width, 0.0), *reversed(inside), *reversed(neckline), (0.0, top - neck_depth)]


def _pocket(width: float, height: float) -> list[Point]:
    """Patch pocket: 3 cm facing turned at the top, rounded 2 cm corners at the bottom."""
    w, h = width + 2 * _SA, height + _SA + _HEM
    corner_left = bezier_points((0.0, 3.0), (0.0, 1.3), (1.3, 0.0), (3.0, 0.0))
    corner_right = [(w - x, y) for x, y in reversed(corner_left)]
    return [*corner_left, *corner_right, (w, h), (0.0, h)]


def _cuff(m: _Measures) -> list[Point]:
    """A cuff cut double (folded), with a pointed button tab at one end (so left and right differ)."""
    length = m.cuff_length + 3.0 + 2 * _SA  # 3 cm button overlap
    height = 2 * m.cuff_height + 2 * _SA
    return [(0.0, 0.0), (length, 0.0), (length + 2.5, height / 2), (length, height), (0.0, height)]
