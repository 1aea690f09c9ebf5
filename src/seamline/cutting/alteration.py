"""The common pattern alterations, made on the graded pattern itself: lower or raise a neckline, lengthen or
shorten at a line across the pieces. Pure: plain `Pattern` in, a new `Pattern` out (the input is untouched).

Every alteration is applied to every size (or to the `sizes` asked for) by the same amount, so the grading
between sizes is kept: the difference between two sizes' points is the same after as before. A result that
would make a piece cross itself, or leave two pieces that sew together with seams of different lengths, is
refused with an `AlterationError` naming the piece, the size and the parameter at fault; nothing is returned.

    >>> from seamline.cutting.demo_dress import slip_dress_pattern
    >>> altered = lower_neckline(slip_dress_pattern(), piece="Front", facing="Front facing", amount_cm=2)
    >>> altered.note
    'Front neckline 2 cm deeper, all sizes (Front facing follows)'
    >>> all(seam.mismatch_mm < 1 for seam in altered.seams)
    True
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import shapely
from shapely.geometry import LinearRing, Polygon
from shapely.validation import explain_validity

from .pattern import Pattern, PatternError, Piece, Point, Polyline

__all__ = [
    "AlterationError",
    "Altered",
    "PieceChange",
    "SeamCheck",
    "change_length",
    "lower_neckline",
    "neck_curve",
    "seam_length",
]

_ON_HULL_CM = 0.01  # a vertex this close to the convex hull's outline is on it
_SYMMETRY_CM = 0.2  # a full piece mirrored about its centre line lands within this of itself
_SEAM_CM = 0.1  # seams that sew together: equal within 1 mm
_CORNER_DEG = 35.0  # a turn sharper than this ends a seam (curves are sampled every ~2 cm, turning less)
_NEAR_CURVE_CM = 2.5  # sew-line points this close to a moved neck curve move with it (its allowance)


class AlterationError(PatternError):
    """An alteration that cannot be made; the message names the piece, the size and the reason.

    `field` is the parameter at fault: "amount_cm", "piece", "facing", "above_hem_cm", "pieces" or "sizes".

    >>> err = AlterationError("no neckline", field="piece", piece="Strap", size="M")
    >>> str(err), err.field
    ('Strap, size M: no neckline', 'piece')
    """

    def __init__(
        self, message: str, *, field: str, piece: str | None = None, size: str | None = None
    ) -> None:
        super().__init__(message, piece=piece)
        self.field = field
        self.size = size
        where = ", ".join(part for part in (piece, f"size {size}" if size else None) if part)
        self.args = (f"{where}: {message}" if where else message,)


@dataclass(frozen=True)
class PieceChange:
    """One altered piece of one size and its area before and after, cm²."""

    name: str
    size: str
    area_before_cm2: float
    area_after_cm2: float

    @property
    def delta_cm2(self) -> float:
        return self.area_after_cm2 - self.area_before_cm2


@dataclass(frozen=True)
class SeamCheck:
    """Two seams that sew together (piece `a`'s and piece `b`'s), their lengths after the alteration, cm."""

    name: str
    size: str
    a: str
    b: str
    a_cm: float
    b_cm: float

    @property
    def mismatch_mm(self) -> float:
        return abs(self.a_cm - self.b_cm) * 10.0


@dataclass(frozen=True)
class Altered:
    """The altered pattern, what changed per piece and size, the seams checked, and a one-line note."""

    pattern: Pattern
    changes: tuple[PieceChange, ...]
    seams: tuple[SeamCheck, ...]
    note: str


def seam_length(points: Sequence[Point]) -> float:
    """Length of an open polyline, cm.

    >>> seam_length([(0, 0), (3, 4), (3, 5)])
    6.0
    """
    return sum(math.dist(a, b) for a, b in itertools.pairwise(points))


# --- necklines -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Neck:
    indices: tuple[int, ...]
    cx: float  # the piece's centre line
    centre_y: float  # where the neckline crosses it
    half_left: float  # centre line to the strap point on each side
    half_right: float

    def weight(self, x: float) -> float:
        """½(1 + cos(π·|x − cx| / h)): 1 on the centre line, 0 with zero slope at the strap points."""
        d = x - self.cx
        h = self.half_right if d >= 0 else self.half_left
        u = min(1.0, abs(d) / h)
        return 0.5 * (1.0 + math.cos(math.pi * u))


def neck_curve(piece: Piece) -> tuple[int, ...]:
    """Boundary indices of a full symmetric piece's neck curve, from one strap point to the other.

    The centre line is the vertical through the middle of the piece's width. Where it meets the boundary
    highest is the centre front (or back) neck point. From there the boundary is walked both ways, vertex by
    vertex, until a vertex lies on the piece's convex hull: those two are the strap (or shoulder) points,
    and everything in between dips below the hull (a neckline is a hollow in the outline). The indices run
    in boundary order, possibly through index 0.

    Raises AlterationError (field "piece") when the piece is not symmetric or the centre neck point is on
    the hull itself (no neckline dips there: a strap, a skirt, a half piece cut on the fold).

    >>> vee = Piece(name="Top", size="M", quantity=1,
    ...             boundary=((0, 0), (20, 0), (20, 30), (15, 30), (10, 24), (5, 30), (0, 30)))
    >>> neck_curve(vee)
    (3, 4, 5)
    """
    return _neck(piece).indices


def _neck(piece: Piece) -> _Neck:
    boundary = piece.boundary
    n = len(boundary)
    min_x, _, max_x, _ = piece.bounds
    cx = (min_x + max_x) / 2

    def fail(reason: str) -> AlterationError:
        return AlterationError(reason, field="piece", piece=piece.name, size=piece.size)

    mirrored = LinearRing([(2 * cx - x, y) for x, y in boundary])
    if LinearRing(boundary).hausdorff_distance(mirrored) > _SYMMETRY_CM:
        raise fail(
            "the piece is not symmetric about its centre line, so its neckline cannot be found: "
            "import the edited DXF instead"
        )
    top: tuple[float, int, int] | None = None  # (y, index before, index after) of the highest crossing
    for i in range(n):
        (x1, y1), (x2, y2) = boundary[i], boundary[(i + 1) % n]
        if abs(x1 - cx) <= 1e-6:
            crossing = (y1, i, i)
        elif (x1 - cx) * (x2 - cx) < 0:
            crossing = (y1 + (y2 - y1) * (cx - x1) / (x2 - x1), i, (i + 1) % n)
        else:
            continue
        if top is None or crossing[0] > top[0]:
            top = crossing
    if top is None:
        raise fail("the centre line does not meet the outline")
    hull = Polygon(boundary).convex_hull.exterior
    distances = shapely.distance(hull, shapely.points(boundary))
    on_hull = [bool(d <= _ON_HULL_CM) for d in distances]
    _, start, end = top
    if on_hull[start] and on_hull[end]:
        raise fail(
            "no neckline dips below the outline's hull at the centre line (a straight top edge): "
            "import the edited DXF instead"
        )
    while not on_hull[start]:
        start = (start - 1) % n
    while not on_hull[end]:
        end = (end + 1) % n
    indices = tuple((start + k) % n for k in range((end - start) % n + 1))
    left, right = sorted((boundary[start][0], boundary[end][0]))
    if not left < cx < right:
        raise fail("the neckline does not straddle the centre line: import the edited DXF instead")
    return _Neck(indices=indices, cx=cx, centre_y=top[0], half_left=cx - left, half_right=right - cx)


def lower_neckline(
    pattern: Pattern,
    *,
    piece: str,
    facing: str | None,
    amount_cm: float,
    sizes: Sequence[str] | None = None,
) -> Altered:
    """Lower `piece`'s neckline by `amount_cm` at the centre (negative raises it), in every size or `sizes`.

    Each vertex of the neck curve (see `neck_curve`) moves straight down the piece (−y, the garment's
    length) by amount × w, w = ½(1 + cos(π·|x − cx| / h)), h being the centre line's distance to the strap
    point on that side. w is 1 at the centre and 0 at the strap points, and its slope is zero at both: the
    centre neck point drops by exactly `amount_cm`, the moved curve stays smooth, and it leaves the strap
    (shoulder) points with the tangent it had, so it meets them as before. The area taken out is
    amount × h (the integral of w), exactly so where the curve is sampled evenly across.

    The `facing` moves as a whole by the same function of its own x (its neck edge and its lower edge
    alike: its depth is kept), so its neck edge stays the same curve as the piece's and the neck seam
    stays equal. Without `facing`, a piece named "<piece> facing" whose neck edge matched the piece's
    neckline is an error: the seam would no longer match.
    """
    amount = _amount(amount_cm)
    chosen = _sizes(pattern, sizes)
    names = {p.name for p in pattern.pieces}
    if piece not in names:
        raise AlterationError(
            f"no piece named {piece!r} (pieces: {', '.join(sorted(names))})", field="piece", piece=piece
        )
    if facing is not None and (facing not in names or facing == piece):
        raise AlterationError(
            f"no facing named {facing!r} other than the piece (pieces: {', '.join(sorted(names))})",
            field="facing",
            piece=facing,
        )
    replaced: dict[tuple[str, str], Piece] = {}
    changes: list[PieceChange] = []
    seams: list[SeamCheck] = []
    for size in chosen:
        target = _find(pattern, piece, size, field="piece")
        neck = _neck(target)
        lowered = _lower(target, neck, amount)
        _check_valid(lowered, f"{'lowering' if amount > 0 else 'raising'} the neckline {abs(amount):g} cm")
        replaced[(piece, size)] = lowered
        changes.append(PieceChange(piece, size, target.area_cm2, lowered.area_cm2))
        neck_before = seam_length([target.boundary[i] for i in neck.indices])
        neck_after = seam_length([lowered.boundary[i] for i in neck.indices])
        if facing is None:
            _refuse_left_out_facing(pattern, target, neck_before, neck_after)
            continue
        band = _find(pattern, facing, size, field="facing")
        try:
            band_neck = _neck(band)
        except AlterationError as exc:
            raise AlterationError(exc.reason, field="facing", piece=facing, size=size) from exc
        moved = _shift_by(band, lambda x, _y, f=band_neck: -amount * f.weight(x))
        _check_valid(moved, f"moving the facing {abs(amount):g} cm")
        band_after = seam_length([moved.boundary[i] for i in band_neck.indices])
        if abs(band_after - neck_after) > _SEAM_CM:
            raise AlterationError(
                f"the neck seam would not match: {piece}'s neckline {neck_after:.1f} cm, "
                f"{facing}'s neck edge {band_after:.1f} cm",
                field="facing",
                piece=facing,
                size=size,
            )
        replaced[(facing, size)] = moved
        changes.append(PieceChange(facing, size, band.area_cm2, moved.area_cm2))
        seams.append(SeamCheck("neck seam", size, piece, facing, neck_after, band_after))
    which = "deeper" if amount > 0 else "higher"
    follows = f" ({facing} follows)" if facing else ""
    note = f"{piece} neckline {abs(amount):g} cm {which}, {_sizes_text(pattern, chosen)}{follows}"
    return Altered(_replaced(pattern, replaced), tuple(changes), tuple(seams), note)


def _lower(piece: Piece, neck: _Neck, amount: float) -> Piece:
    boundary = list(piece.boundary)
    for i in neck.indices:
        x, y = boundary[i]
        boundary[i] = (x, y - amount * neck.weight(x))
    straps = min(piece.boundary[neck.indices[0]][1], piece.boundary[neck.indices[-1]][1])
    if amount < 0 and neck.centre_y - amount >= straps:
        raise AlterationError(
            f"raising the neckline {-amount:g} cm would lift its centre to or above the strap points "
            f"(it is {straps - neck.centre_y:.1f} cm below them)",
            field="amount_cm",
            piece=piece.name,
            size=piece.size,
        )
    curve = shapely.LineString([piece.boundary[i] for i in neck.indices])

    def follow(points: Sequence[Point], within: float) -> tuple[Point, ...]:
        out = []
        for x, y in points:
            near = curve.distance(shapely.Point(x, y)) <= within and abs(x - neck.cx) < max(
                neck.half_left, neck.half_right
            )
            out.append((x, y - amount * neck.weight(x)) if near else (x, y))
        return tuple(out)

    return replace(
        piece,
        boundary=tuple(boundary),
        notches=follow(piece.notches, 0.05),
        drill_holes=follow(piece.drill_holes, 0.05),
        sew_line=follow(piece.sew_line, _NEAR_CURVE_CM),
    )


def _shift_by(piece: Piece, dy: Callable[[float, float], float]) -> Piece:
    """Every point moved up or down by dy(x, y); the grain line by its middle's (so never turned)."""

    def move(points: Sequence[Point]) -> tuple[Point, ...]:
        return tuple((x, y + dy(x, y)) for x, y in points)

    grain = piece.grain_line
    if grain is not None:
        (x1, y1), (x2, y2) = grain
        shift = dy((x1 + x2) / 2, (y1 + y2) / 2)
        grain = ((x1, y1 + shift), (x2, y2 + shift))
    return replace(
        piece,
        boundary=move(piece.boundary),
        notches=move(piece.notches),
        drill_holes=move(piece.drill_holes),
        internal_lines=tuple(move(line) for line in piece.internal_lines),
        sew_line=move(piece.sew_line),
        grain_line=grain,
    )


def _refuse_left_out_facing(pattern: Pattern, target: Piece, neck_before: float, neck_after: float) -> None:
    wanted = f"{target.name} facing".casefold()
    for other in pattern.pieces_for(target.size):
        if other.name.casefold() != wanted:
            continue
        try:
            neck = _neck(other)
        except AlterationError:
            return
        edge = seam_length([other.boundary[i] for i in neck.indices])
        if abs(edge - neck_before) <= _SEAM_CM:
            raise AlterationError(
                f"the neck seam would not match: {target.name}'s neckline {neck_after:.1f} cm, "
                f"{other.name}'s neck edge {edge:.1f} cm: alter {other.name} too (facing={other.name!r})",
                field="facing",
                piece=target.name,
                size=target.size,
            )


# --- length ----------------------------------------------------------------------------------------------


def change_length(
    pattern: Pattern,
    *,
    pieces: Sequence[str],
    above_hem_cm: float,
    amount_cm: float,
    sizes: Sequence[str] | None = None,
) -> Altered:
    """Lengthen `pieces` by `amount_cm` (negative shortens) at a line `above_hem_cm` above their hem.

    The line is horizontal, `above_hem_cm` above each piece's lowest point. Lengthening splits the edges
    it crosses and moves everything below it down by the amount: each seam crossing the line grows by
    exactly the amount (a straight insert) and the area by amount × the piece's width at the line.
    Shortening removes a band that deep below the line and closes it (vertices inside the band are
    dropped, the seams trued straight across); a seam running straight down through the band shrinks by
    exactly the amount. Notches, drill holes, internal and sew lines move with the part they are in; the
    grain line is moved, never turned. Grade rules stay parallel to the boundary (None for new vertices).

    The seams crossing the line are the side seams. A piece of the same size left out whose side seam
    matched an altered piece's (within 1 mm) is an error: the seams would no longer sew together.
    """
    amount = _amount(amount_cm)
    chosen = _sizes(pattern, sizes)
    names = list(dict.fromkeys(pieces))
    if not names:
        raise AlterationError("name at least one piece to lengthen or shorten", field="pieces")
    known = {p.name for p in pattern.pieces}
    for name in names:
        if name not in known:
            raise AlterationError(
                f"no piece named {name!r} (pieces: {', '.join(sorted(known))})", field="pieces", piece=name
            )
    if not math.isfinite(above_hem_cm) or above_hem_cm <= 0:
        raise AlterationError(
            f"the line must be above the hem (above_hem_cm > 0), got {above_hem_cm}", field="above_hem_cm"
        )
    replaced: dict[tuple[str, str], Piece] = {}
    changes: list[PieceChange] = []
    seams: list[SeamCheck] = []
    verb = "lengthening" if amount > 0 else "shortening"
    for size in chosen:
        sides: dict[str, tuple[list[float], list[float]]] = {}  # name -> (side seams before, after)
        for name in names:
            target = _find(pattern, name, size, field="pieces")
            _, min_y, _, max_y = target.bounds
            line = min_y + above_hem_cm
            if line >= max_y:
                raise AlterationError(
                    f"the line {above_hem_cm:g} cm above the hem is above the piece "
                    f"(it is {max_y - min_y:.1f} cm long)",
                    field="above_hem_cm",
                    piece=name,
                    size=size,
                )
            if amount < 0 and -amount >= above_hem_cm:
                raise AlterationError(
                    f"shortening {-amount:g} cm at {above_hem_cm:g} cm above the hem would cut away the hem",
                    field="amount_cm",
                    piece=name,
                    size=size,
                )
            altered, before, after = _cut_piece(target, line, amount)
            _check_valid(altered, f"{verb} {abs(amount):g} cm at {above_hem_cm:g} cm above the hem")
            replaced[(name, size)] = altered
            changes.append(PieceChange(name, size, target.area_cm2, altered.area_cm2))
            sides[name] = (before, after)
        for other in pattern.pieces_for(size):
            if other.name in sides:
                continue
            _, min_y, _, max_y = other.bounds
            if min_y + above_hem_cm >= max_y:
                continue
            theirs = [length for _, length in _side_seams(other, min_y + above_hem_cm)]
            for name, (before, _) in sides.items():
                if any(abs(a - b) <= _SEAM_CM for a in before for b in theirs):
                    which = "longer" if amount < 0 else "shorter"
                    raise AlterationError(
                        f"{other.name}'s side seams would be {abs(amount):.1f} cm {which} than {name}'s: "
                        f"alter {other.name} too",
                        field="pieces",
                        piece=other.name,
                        size=size,
                    )
        for first, second in itertools.combinations(names, 2):
            (before_a, after_a), (before_b, after_b) = sides[first], sides[second]
            pairs = [
                (i, j)
                for i, j in itertools.product(range(len(before_a)), range(len(before_b)))
                if abs(before_a[i] - before_b[j]) <= _SEAM_CM
            ]
            for i, j in pairs:
                if abs(after_a[i] - after_b[j]) > _SEAM_CM:
                    raise AlterationError(
                        f"the side seams would not match: {first}'s {after_a[i]:.1f} cm, "
                        f"{second}'s {after_b[j]:.1f} cm",
                        field="pieces",
                        piece=second,
                        size=size,
                    )
            if pairs:
                worst = max(pairs, key=lambda p: abs(after_a[p[0]] - after_b[p[1]]))
                seams.append(
                    SeamCheck("side seam", size, first, second, after_a[worst[0]], after_b[worst[1]])
                )
    which = "longer" if amount > 0 else "shorter"
    note = (
        f"{_joined(names)} {abs(amount):g} cm {which} at {above_hem_cm:g} cm above the hem, "
        f"{_sizes_text(pattern, chosen)}"
    )
    return Altered(_replaced(pattern, replaced), tuple(changes), tuple(seams), note)


# A boundary vertex after a cut, with where it came from: its position along the old boundary (vertex k
# is k, a point inserted on edge k at parameter t is k + t) and its grade rule.
_Cut = tuple[Point, float, int | None]


def _cut_line(
    points: Sequence[Point], closed: bool, line: float, amount: float, rules: Sequence
) -> list[_Cut]:
    """Split at the line and move what is below: down by `amount` (> 0), or remove the band (< 0)."""
    bottom = line + min(amount, 0.0)  # shortening removes the band (line - |amount|, line)

    def kind(y: float) -> int:  # 1 kept where it is, -1 moved by the amount, 0 inside the removed band
        if y >= line:
            return 1
        return -1 if amount > 0 or y <= bottom else 0

    out: list[_Cut] = []
    n = len(points)
    for k in range(n if closed else n - 1):
        (x1, y1), (x2, y2) = points[k], points[(k + 1) % n]
        if kind(y1) != 0:
            out.append(
                ((x1, y1 - amount) if kind(y1) < 0 else (x1, y1), float(k), rules[k] if rules else None)
            )
        crossings: list[tuple[float, list[Point]]] = []
        if (y1 >= line) != (y2 >= line):
            t = (line - y1) / (y2 - y1)
            x = x1 + (x2 - x1) * t
            if amount > 0:  # both copies: the upper stays on the line, the lower moves down
                pair = [(x, line), (x, line - amount)]
                crossings.append((t, pair if y1 >= line else pair[::-1]))
            else:
                crossings.append((t, [(x, line)]))
        if amount < 0 and (y1 <= bottom) != (y2 <= bottom):
            t = (bottom - y1) / (y2 - y1)
            crossings.append((t, [(x1 + (x2 - x1) * t, line)]))  # the band's lower edge closes up to the line
        for t, pts in sorted(crossings, key=lambda c: c[0]):
            out.extend((p, k + t, None) for p in pts)
    if not closed:
        x, y = points[-1]
        if kind(y) != 0:
            out.append(
                ((x, y - amount) if kind(y) < 0 else (x, y), float(n - 1), rules[n - 1] if rules else None)
            )
    deduped: list[_Cut] = []
    for item in out:
        if deduped and math.dist(item[0], deduped[-1][0]) < 1e-9:
            last = deduped[-1]
            deduped[-1] = (last[0], last[1], last[2] if last[2] is not None else item[2])
            continue
        deduped.append(item)
    if closed and len(deduped) > 1 and math.dist(deduped[0][0], deduped[-1][0]) < 1e-9:
        last = deduped.pop()
        if deduped[0][2] is None:
            deduped[0] = (deduped[0][0], deduped[0][1], last[2])
    return deduped


def _cut_piece(piece: Piece, line: float, amount: float) -> tuple[Piece, list[float], list[float]]:
    """The piece cut at the line, and its side seams' lengths before and after (same order)."""
    cut = _cut_line(piece.boundary, True, line, amount, piece.grade_rules)
    boundary = tuple(p for p, _, _ in cut)
    rules = tuple(r for _, _, r in cut) if piece.grade_rules else ()

    def point_moved(p: Point) -> Point | None:
        x, y = p
        if y >= line:
            return p
        if amount > 0:
            return (x, y - amount)
        return (x, y - amount) if y <= line + amount else None  # inside the removed band: gone

    def points(ps: Sequence[Point]) -> tuple[Point, ...]:
        return tuple(q for q in (point_moved(p) for p in ps) if q is not None)

    grain = piece.grain_line
    if grain is not None:
        (x1, y1), (x2, y2) = grain
        middle = point_moved(((x1 + x2) / 2, (y1 + y2) / 2))
        shift = 0.0 if middle is None else middle[1] - (y1 + y2) / 2
        grain = ((x1, y1 + shift), (x2, y2 + shift))
    altered = replace(
        piece,
        boundary=boundary,
        grade_rules=rules,
        notches=points(piece.notches),
        drill_holes=points(piece.drill_holes),
        internal_lines=tuple(
            line_
            for line_ in (
                tuple(p for p, _, _ in _cut_line(il, False, line, amount, ())) for il in piece.internal_lines
            )
            if len(line_) >= 2
        ),
        sew_line=tuple(p for p, _, _ in _cut_line(piece.sew_line, True, line, amount, ()))
        if piece.sew_line
        else (),
        grain_line=grain,
    )
    before, after = [], []
    positions = [pos for _, pos, _ in cut]
    for (start, end), length in _side_seams(piece, line):
        before.append(length)
        after.append(_run_length(boundary, positions, start, end, len(piece.boundary)))
    return altered, before, after


def _side_seams(piece: Piece, line: float) -> list[tuple[tuple[int, int], float]]:
    """The seams the line crosses: corner-to-corner runs of the boundary, as ((start, end), length)."""
    boundary = piece.boundary
    n = len(boundary)
    corner = [_turn_deg(boundary[i - 1], boundary[i], boundary[(i + 1) % n]) > _CORNER_DEG for i in range(n)]
    seams = []
    seen = set()
    for k in range(n):
        y1, y2 = boundary[k][1], boundary[(k + 1) % n][1]
        if (y1 >= line) == (y2 >= line):
            continue
        start, end = k, (k + 1) % n
        steps = 0
        while not corner[start] and steps < n:
            start, steps = (start - 1) % n, steps + 1
        while not corner[end] and steps < 2 * n:
            end, steps = (end + 1) % n, steps + 1
        if (start, end) in seen:
            continue
        seen.add((start, end))
        run = [boundary[(start + j) % n] for j in range((end - start) % n + 1)]
        seams.append(((start, end), seam_length(run)))
    return seams


def _run_length(boundary: Polyline, positions: Sequence[float], start: int, end: int, n_before: int) -> float:
    """Length along the new boundary between the points that came from old vertices `start` to `end`."""
    span = (end - start) % n_before

    def inside(pos: float) -> bool:
        return (pos - start) % n_before <= span + 1e-12

    m = len(boundary)
    first = next((i for i in range(m) if inside(positions[i]) and not inside(positions[i - 1])), 0)
    run = [boundary[first]]
    i = (first + 1) % m
    while inside(positions[i]) and i != first:
        run.append(boundary[i])
        i = (i + 1) % m
    return seam_length(run)


def _turn_deg(a: Point, b: Point, c: Point) -> float:
    v1 = (b[0] - a[0], b[1] - a[1])
    v2 = (c[0] - b[0], c[1] - b[1])
    return abs(math.degrees(math.atan2(v1[0] * v2[1] - v1[1] * v2[0], v1[0] * v2[0] + v1[1] * v2[1])))


# --- shared -------------------------------------------------------------------------------------------


def _amount(amount_cm: float) -> float:
    amount = float(amount_cm)
    if not math.isfinite(amount) or amount == 0:
        raise AlterationError(
            f"the amount must be a number of cm other than 0, got {amount_cm}", field="amount_cm"
        )
    return amount


def _sizes(pattern: Pattern, sizes: Sequence[str] | None) -> tuple[str, ...]:
    every = pattern.sizes()
    if sizes is None:
        return every
    chosen = tuple(dict.fromkeys(sizes))
    unknown = [s for s in chosen if s not in every]
    if unknown or not chosen:
        raise AlterationError(
            f"unknown sizes {', '.join(unknown) or '(none given)'} (sizes: {', '.join(every)})", field="sizes"
        )
    return tuple(s for s in every if s in chosen)


def _sizes_text(pattern: Pattern, chosen: Sequence[str]) -> str:
    if tuple(chosen) == pattern.sizes():
        return "all sizes"
    return ("size " if len(chosen) == 1 else "sizes ") + ", ".join(chosen)


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _find(pattern: Pattern, name: str, size: str, *, field: str) -> Piece:
    for piece in pattern.pieces:
        if piece.name == name and piece.size == size:
            return piece
    raise AlterationError(f"the pattern has no {name!r} in this size", field=field, piece=name, size=size)


_WHERE = re.compile(r"\[\s*([-+\d.eE]+)\s+([-+\d.eE]+)\s*\]")


def _check_valid(piece: Piece, doing: str) -> None:
    polygon = Polygon(piece.boundary)
    if polygon.is_valid and polygon.area > 0:
        return
    reason = explain_validity(polygon)
    match = _WHERE.search(reason)
    where = f" near ({float(match.group(1)):.1f}, {float(match.group(2)):.1f}) cm" if match else ""
    raise AlterationError(
        f"{doing} would make the piece cross itself{where} ({reason.split('[')[0].strip().lower()})",
        field="amount_cm",
        piece=piece.name,
        size=piece.size,
    )


def _replaced(pattern: Pattern, replaced: dict[tuple[str, str], Piece]) -> Pattern:
    pieces = tuple(replaced.get((p.name, p.size), p) for p in pattern.pieces)
    return replace(pattern, pieces=pieces)
