"""Garment pattern pieces in centimetres: the pure data model the cutting room works on.

A `Pattern` is one style's pieces for every size; a `Piece` is one cut shape of one size.
Coordinates are centimetres, x across and y along the piece as drafted; a boundary is a
closed polygon listed without repeating its first point.

    >>> front = Piece(name="Front", size="M", quantity=1, boundary=((0, 0), (40, 0), (40, 60), (0, 60)))
    >>> front.area_cm2
    2400.0
    >>> Pattern(style_name="Jacket", units="METRIC", sample_size="M", pieces=(front,)).sizes()
    ('M',)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import Polygon

__all__ = [
    "CATEGORIES",
    "Pattern",
    "PatternError",
    "Piece",
    "Point",
    "Polyline",
    "Segment",
    "bezier_points",
    "polygon_area",
]

Point = tuple[float, float]
Segment = tuple[Point, Point]
Polyline = tuple[Point, ...]

CATEGORIES = ("shell", "lining", "fusing")


class PatternError(ValueError):
    """A pattern file or piece that cannot be used; the message names the file and the piece.

    >>> str(PatternError("open boundary", file="jacket.dxf", piece="Front"))
    "jacket.dxf: piece 'Front': open boundary"
    """

    def __init__(self, message: str, *, file: str | None = None, piece: str | None = None) -> None:
        self.reason = message
        self.file = file
        self.piece = piece
        where = [file] if file else []
        if piece is not None:
            where.append(f"piece {piece!r}")
        super().__init__(": ".join([*where, message]))


def polygon_area(points: Polyline) -> float:
    """Unsigned shoelace area of a closed polygon given without its closing point.

    >>> polygon_area(((0, 0), (2, 0), (2, 3)))
    3.0
    """
    twice = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        twice += x1 * y2 - x2 * y1
    return abs(twice) / 2.0


def bezier_points(p0: Point, p1: Point, p2: Point, p3: Point, *, step_cm: float = 2.0) -> list[Point]:
    """A cubic Bézier from p0 to p3 sampled about every ``step_cm`` (both ends included): a point every ~2 cm
    keeps a drafted curve smooth for the nester and the cutter.

    >>> bezier_points((0, 0), (0, 0), (4, 0), (4, 0))[::2]
    [(0.0, 0.0), (2.0, 0.0), (4.0, 0.0)]
    """
    rough = math.dist(p0, p1) + math.dist(p1, p2) + math.dist(p2, p3)
    steps = max(4, math.ceil(rough / step_cm))
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        out.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return out


@dataclass(frozen=True, kw_only=True)
class Piece:
    """One pattern piece of one size, in centimetres.

    `quantity` is how many are cut per garment; a `mirrored_pair` is cut as left and right
    (half of `quantity` each). `grade_rules` is empty or parallel to `boundary`: the ASTM
    grade-rule number of each vertex (None for vertices that are not grade points).

    >>> p = Piece(name="Sleeve", size="M", quantity=2, boundary=((0, 0), (4, 0), (4, 2), (0, 2)),
    ...           grain_line=((2, 0), (2, 2)), mirrored_pair=True)
    >>> p.area_cm2, p.grain_vector
    (8.0, (0.0, 1.0))
    """

    name: str
    size: str
    quantity: int
    boundary: Polyline
    category: str = "shell"
    material: str = ""
    grain_line: Segment | None = None
    notches: tuple[Point, ...] = ()
    drill_holes: tuple[Point, ...] = ()
    internal_lines: tuple[Polyline, ...] = ()
    sew_line: Polyline = ()
    mirrored_pair: bool = False
    grade_rules: tuple[int | None, ...] = ()

    @property
    def area_cm2(self) -> float:
        """Area of the cut shape in cm²."""
        return polygon_area(self.boundary)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) of the boundary."""
        xs = [x for x, _ in self.boundary]
        ys = [y for _, y in self.boundary]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def grain_vector(self) -> Point | None:
        """Unit vector from the grain line's first point to its second, or None without one."""
        if self.grain_line is None:
            return None
        (x1, y1), (x2, y2) = self.grain_line
        length = math.hypot(x2 - x1, y2 - y1)
        if length == 0:
            return None
        return ((x2 - x1) / length, (y2 - y1) / length)

    @property
    def grain_angle(self) -> float:
        """Angle of the grain line from the x axis in radians (0 without a grain line)."""
        vector = self.grain_vector
        return 0.0 if vector is None else math.atan2(vector[1], vector[0])

    def polygon(self) -> Polygon:
        """The boundary as a shapely polygon."""
        return Polygon(self.boundary)

    def rule_of(self, index: int) -> int | None:
        """Grade-rule number of boundary vertex `index`, None when it has none."""
        return self.grade_rules[index] if self.grade_rules else None


@dataclass(frozen=True, kw_only=True)
class Pattern:
    """One style's pieces over all its sizes.

    `units` is the unit the file was drafted in (METRIC or ENGLISH); the pieces are in cm
    either way.

    >>> sq = Piece(name="Patch", size="S", quantity=1, boundary=((0, 0), (1, 0), (1, 1), (0, 1)))
    >>> Pattern(style_name="Tee", units="METRIC", sample_size="S", pieces=(sq,)).pieces_for("S")[0].name
    'Patch'
    """

    style_name: str
    units: str
    sample_size: str
    pieces: tuple[Piece, ...]
    source: str = ""

    def sizes(self) -> tuple[str, ...]:
        """Sizes in the order they first appear among the pieces."""
        return tuple(dict.fromkeys(piece.size for piece in self.pieces))

    def pieces_for(self, size: str) -> tuple[Piece, ...]:
        """The pieces of one size; PatternError when the pattern has none."""
        found = tuple(piece for piece in self.pieces if piece.size == size)
        if not found:
            raise PatternError(
                f"no pieces for size {size!r} (sizes: {', '.join(self.sizes())})",
                file=self.source or self.style_name,
            )
        return found

    def total_area_cm2(self, size: str) -> float:
        """Fabric area of one garment of `size`: each piece's area times its quantity."""
        return sum(piece.area_cm2 * piece.quantity for piece in self.pieces_for(size))
