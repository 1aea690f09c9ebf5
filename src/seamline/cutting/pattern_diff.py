"""What changed between two versions of a pattern: per piece and size, the area and whether the outline moved,
and a small overlay picture of the old outline over the new. Pure: no Django.

    >>> from seamline.cutting.alteration import lower_neckline
    >>> from seamline.cutting.demo_dress import slip_dress_pattern
    >>> before = slip_dress_pattern()
    >>> after = lower_neckline(before, piece="Front", facing="Front facing", amount_cm=2).pattern
    >>> sorted({row.name for row in diff_patterns(before, after).changed})
    ['Front', 'Front facing']
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from shapely.geometry import LinearRing, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from .pattern import Pattern, Piece

__all__ = ["PatternDiff", "PieceDiff", "diff_patterns", "overlay_svg"]

_AREA_CM2 = 0.5  # an area change smaller than this is drafting noise...
_MOVE_CM = 0.05  # ...unless some vertex moved more than half a millimetre


@dataclass(frozen=True)
class PieceDiff:
    """One piece of one size in both versions."""

    name: str
    size: str
    area_before_cm2: float
    area_after_cm2: float
    moved_mm: float  # the furthest any vertex of either outline is from the other outline
    changed: bool

    @property
    def delta_cm2(self) -> float:
        return self.area_after_cm2 - self.area_before_cm2

    @property
    def delta_pct(self) -> float:
        return 100.0 * self.delta_cm2 / self.area_before_cm2 if self.area_before_cm2 else 0.0


@dataclass(frozen=True)
class PatternDiff:
    """Rows for the pieces in both versions (in the new version's order); (name, size) added and removed."""

    rows: tuple[PieceDiff, ...]
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> tuple[PieceDiff, ...]:
        return tuple(row for row in self.rows if row.changed)

    @property
    def unchanged(self) -> bool:
        return not self.changed and not self.added and not self.removed


def diff_patterns(before: Pattern, after: Pattern) -> PatternDiff:
    """Compare two versions piece by piece, matching pieces by name and size.

    A piece has changed when its area moved by more than 0.5 cm² or any vertex of either outline is more
    than 0.5 mm from the other outline (a piece merely re-sampled along the same line has not changed).
    """
    old = {(p.name, p.size): p for p in before.pieces}
    new = {(p.name, p.size): p for p in after.pieces}
    rows = []
    for key, piece in new.items():
        if key not in old:
            continue
        was = old[key]
        moved = LinearRing(was.boundary).hausdorff_distance(LinearRing(piece.boundary))
        area_before, area_after = was.area_cm2, piece.area_cm2
        changed = (
            abs(area_after - area_before) > _AREA_CM2 or moved > _MOVE_CM or was.quantity != piece.quantity
        )
        rows.append(PieceDiff(key[0], key[1], area_before, area_after, moved * 10.0, changed))
    return PatternDiff(
        rows=tuple(rows),
        added=tuple(key for key in new if key not in old),
        removed=tuple(key for key in old if key not in new),
    )


def overlay_svg(before: Piece, after: Piece, *, width_px: int = 220) -> str:
    """A small picture: the old outline dashed, the new one filled, what changed between them highlighted.

    The change is the symmetric difference of the two shapes: cut away (was in the old, not the new) and
    added (in the new only) alike. Text is escaped and there is no script, so the SVG can be embedded as is.

    >>> sq = Piece(name="Patch", size="M", quantity=1, boundary=((0, 0), (10, 0), (10, 10), (0, 10)))
    >>> "<title>" in overlay_svg(sq, sq)
    True
    """
    old, new = before.polygon(), after.polygon()
    min_x = min(old.bounds[0], new.bounds[0])
    min_y = min(old.bounds[1], new.bounds[1])
    max_x = max(old.bounds[2], new.bounds[2])
    max_y = max(old.bounds[3], new.bounds[3])
    w, h = max(max_x - min_x, 1e-6), max(max_y - min_y, 1e-6)
    pad = max(w, h) * 0.04
    height_px = max(1, round(width_px * (h + 2 * pad) / (w + 2 * pad)))
    stroke = max(w, h) / 220  # about one pixel at the default width

    def at(x: float, y: float) -> str:
        return f"{x:.2f},{max_y + min_y - y:.2f}"  # drafted y up, SVG y down

    def ring_path(coords) -> str:
        pts = list(coords)[:-1]
        return "M" + " L".join(at(x, y) for x, y in pts) + " Z"

    def shape_path(geometry: BaseGeometry) -> str:
        polygons = (
            list(geometry.geoms)
            if isinstance(geometry, MultiPolygon)
            else [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, Polygon)]
        )
        parts = []
        for polygon in polygons:
            if polygon.is_empty:
                continue
            parts.append(ring_path(polygon.exterior.coords))
            parts.extend(ring_path(hole.coords) for hole in polygon.interiors)
        return " ".join(parts)

    delta = after.area_cm2 - before.area_cm2
    title = (
        f"{after.name}, size {after.size}: area {before.area_cm2:,.0f} cm² before, {after.area_cm2:,.0f} cm² "
        f"after ({delta:+,.0f} cm²). Dashed: the old outline; filled: the new one; orange: what changed."
    )
    changed = shape_path(old.symmetric_difference(new)) if old.is_valid and new.is_valid else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pattern-overlay" width="{width_px}" '
        f'height="{height_px}" viewBox="{min_x - pad:.2f} {min_y - pad:.2f} {w + 2 * pad:.2f} '
        f'{h + 2 * pad:.2f}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<path class="after" d="{ring_path([*after.boundary, after.boundary[0]])}" fill="#dbe7f5" '
        f'stroke="#1b2733" stroke-width="{stroke:.3f}"/>',
    ]
    if changed:
        out.append(
            f'<path class="changed" d="{changed}" fill="#f59e0b" fill-opacity="0.75" fill-rule="evenodd"/>'
        )
    out.append(
        f'<path class="before" d="{ring_path([*before.boundary, before.boundary[0]])}" fill="none" '
        f'stroke="#b45309" stroke-width="{stroke:.3f}" stroke-dasharray="{stroke * 4:.3f} {stroke * 3:.3f}"/>'
    )
    out.append("</svg>")
    return "".join(out)
