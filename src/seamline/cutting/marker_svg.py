"""An SVG picture of a nested marker: the fabric, the usable width, each piece outlined and labelled
with a grain arrow, and the marker length.

The picture is drawn in marker units (cm) with x along the length, so it scales to any screen size.

    >>> from types import SimpleNamespace as NS
    >>> sq = ((0, 0), (10, 0), (10, 5), (0, 5))
    >>> p = NS(piece_id="cuff", copy=0, mirrored=False, turn_deg=0.0, polygon=sq)
    >>> m = NS(length_cm=10, usable_width_cm=5, utilization=1.0, placements=(p,))
    >>> marker_svg(m).startswith("<svg")
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from shapely.geometry import Polygon

__all__ = ["MarkerTile", "marker_from_document", "marker_svg", "marker_tiles"]

_FILLS = ("#dbe9f6", "#fde2cf", "#dff2dc", "#f3dcef", "#fbf3c9", "#e1e0f5", "#d8f0ef", "#f6dada")


def marker_svg(marker: Any, *, labels: Mapping[str, str] | None = None, title: str = "") -> str:
    """The marker as an SVG document (a string).

    ``labels`` maps a piece id to the text written on it (name and size, say); by default the id.
    ``marker`` needs ``length_cm``, ``usable_width_cm``, ``placements`` and may carry ``margin_cm``,
    ``fabric_width_cm`` and ``utilization`` (a Marker does).

    >>> from types import SimpleNamespace as NS
    >>> m = NS(length_cm=4, usable_width_cm=2, placements=())
    >>> "4.0 cm" in marker_svg(m)
    True
    """
    length = float(marker.length_cm)
    usable = float(marker.usable_width_cm)
    margin = float(getattr(marker, "margin_cm", 0.0) or 0.0)
    fabric = float(getattr(marker, "fabric_width_cm", 0.0) or 0.0) or usable + 2 * margin
    unit = max(length, fabric) / 120  # text and strokes in proportion to the marker, not in cm
    pad = 6 * unit
    width, height = length + 2 * pad, fabric + 2 * pad + 4 * unit
    colour = _colours(marker.placements)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-pad:.3f} {-pad:.3f} {width:.3f} {height:.3f}" '
        f'font-family="sans-serif" font-size="{1.6 * unit:.3f}">',
        f"<title>{escape(title or _summary(marker))}</title>",
        _ARROW_DEFS,
        f'<rect class="fabric" x="0" y="0" width="{length:.3f}" height="{fabric:.3f}" fill="#f4f1ea"/>',
        f'<rect class="usable" x="0" y="{margin:.3f}" width="{length:.3f}" height="{usable:.3f}" '
        f'fill="#fff" stroke="#999" stroke-width="{0.15 * unit:.3f}" stroke-dasharray="{unit:.3f}"/>',
    ]
    for p in marker.placements:
        parts.append(_piece(p, margin, unit, colour[p.piece_id], labels or {}))
    parts.append(_length_dimension(length, fabric, unit))
    parts.append("</svg>")
    return "\n".join(parts)


def _summary(marker: Any) -> str:
    util = getattr(marker, "utilization", None)
    text = f"Marker {marker.length_cm:.1f} cm × {marker.usable_width_cm:.1f} cm"
    return text if util is None else f"{text}, utilization {100 * util:.1f}%"


def _colours(placements: Any) -> dict[str, str]:
    ids = sorted({p.piece_id for p in placements})
    return {pid: _FILLS[i % len(_FILLS)] for i, pid in enumerate(ids)}


_ARROW_DEFS = (
    '<defs><marker id="grain" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>'
)


def _piece(p: Any, margin: float, unit: float, fill: str, labels: Mapping[str, str]) -> str:
    poly = Polygon(p.polygon)
    points = " ".join(f"{x:.3f},{y + margin:.3f}" for x, y in p.polygon)
    text = labels.get(p.piece_id, p.piece_id) + (" (mirror)" if p.mirrored else "")
    spot = poly.representative_point()
    cx, cy = spot.x, spot.y + margin
    minx, _, maxx, _ = poly.bounds
    half = min(0.3 * (maxx - minx), 6 * unit)
    # The grain runs along the length; a piece turned 180° has its arrow pointing back.
    sign = -1 if abs((p.turn_deg % 360) - 180) < 1e-3 else 1
    x0, x1 = cx - sign * half, cx + sign * half
    arrow_y = cy + 1.2 * unit
    return (
        f'<g class="piece" data-piece={quoteattr(p.piece_id)} data-copy="{p.copy}">'
        f'<polygon points="{points}" fill="{fill}" fill-opacity="0.8" stroke="#234" '
        f'stroke-width="{0.2 * unit:.3f}"/>'
        f'<line x1="{x0:.3f}" y1="{arrow_y:.3f}" x2="{x1:.3f}" y2="{arrow_y:.3f}" stroke="#333" '
        f'stroke-width="{0.15 * unit:.3f}" marker-end="url(#grain)"/>'
        f'<text x="{cx:.3f}" y="{cy:.3f}" text-anchor="middle">{escape(text)}</text></g>'
    )


def _length_dimension(length: float, fabric: float, unit: float) -> str:
    y = fabric + 2.5 * unit
    return (
        f'<g class="length"><line x1="0" y1="{y:.3f}" x2="{length:.3f}" y2="{y:.3f}" stroke="#333" '
        f'stroke-width="{0.15 * unit:.3f}" marker-start="url(#grain)" marker-end="url(#grain)"/>'
        f'<text x="{length / 2:.3f}" y="{y + 2 * unit:.3f}" text-anchor="middle">{length:.1f} cm</text></g>'
    )


# Tiles: a marker is ten to twenty times longer than wide, so a lay sheet prints it in lengths, at one scale.


@dataclass(frozen=True)
class MarkerTile:
    """One length of a marker, ``start_cm`` to ``end_cm`` along it, drawn on its own."""

    start_cm: float
    end_cm: float
    svg: str
    view_width_cm: float  # the picture's own size, margins and ruler included: prints at one scale
    view_height_cm: float


def marker_tiles(
    marker: Any,
    *,
    tile_cm: float = 250.0,
    overlap_cm: float = 5.0,
    labels: Mapping[str, str] | None = None,
) -> list[MarkerTile]:
    """The marker in lengths of ``tile_cm`` that overlap by ``overlap_cm``, each with text and strokes sized
    for its own length (readable when printed at one scale) and a ruler in cm. Pieces that cross a tile's
    edge are clipped there; the overlap lets the cutter line the sheets up.

    >>> from types import SimpleNamespace as NS
    >>> m = NS(length_cm=600, usable_width_cm=78, placements=())
    >>> [(t.start_cm, t.end_cm) for t in marker_tiles(m)]
    [(0.0, 250.0), (245.0, 495.0), (490.0, 600.0)]
    """
    if tile_cm <= overlap_cm:
        raise ValueError(f"tile_cm ({tile_cm}) must be longer than overlap_cm ({overlap_cm})")
    length = float(marker.length_cm)
    tiles, start = [], 0.0
    while True:
        end = min(start + tile_cm, length)
        svg, view = _tile_svg(marker, start, end, tile_cm, labels or {})
        tiles.append(MarkerTile(start, end, svg, *view))
        if end >= length:
            return tiles
        start = end - overlap_cm


def _tile_svg(
    marker: Any, start: float, end: float, tile_cm: float, labels: Mapping[str, str]
) -> tuple[str, tuple[float, float]]:
    usable = float(marker.usable_width_cm)
    margin = float(getattr(marker, "margin_cm", 0.0) or 0.0)
    fabric = float(getattr(marker, "fabric_width_cm", 0.0) or 0.0) or usable + 2 * margin
    unit = max(tile_cm, fabric) / 120  # every tile at the same text size, the last short one too
    pad = 1.5 * unit  # tight, so a printed sheet holds two or three lengths
    side = 2.5 * unit  # room for the ruler's first and last labels
    width, height = (end - start) + 2 * side, fabric + pad + 4.5 * unit  # the ruler below the fabric
    colour = _colours(marker.placements)
    clip = f"tile-{start:.0f}"
    shown = [p for p in marker.placements if _overlaps(p.polygon, start, end)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="marker-tile" '
        f'viewBox="{start - side:.3f} {-pad:.3f} {width:.3f} {height:.3f}" '
        f'font-family="sans-serif" font-size="{1.6 * unit:.3f}" data-from-cm="{start:.1f}" '
        f'data-to-cm="{end:.1f}">',
        f"<title>{escape(f'{_summary(marker)}: {start:.0f} to {end:.0f} cm')}</title>",
        _ARROW_DEFS,
        f'<defs><clipPath id="{clip}"><rect x="{start:.3f}" y="{-pad:.3f}" width="{end - start:.3f}" '
        f'height="{fabric + pad:.3f}"/></clipPath></defs>',
        f'<rect class="fabric" x="{start:.3f}" y="0" width="{end - start:.3f}" height="{fabric:.3f}" '
        f'fill="#f4f1ea"/>',
        f'<rect class="usable" x="{start:.3f}" y="{margin:.3f}" width="{end - start:.3f}" '
        f'height="{usable:.3f}" fill="#fff" stroke="#999" stroke-width="{0.15 * unit:.3f}" '
        f'stroke-dasharray="{unit:.3f}"/>',
        f'<g clip-path="url(#{clip})">',
        *(_piece(p, margin, unit, colour[p.piece_id], labels) for p in shown),
        "</g>",
        _ruler(start, end, fabric + 1.5 * unit, unit),
        "</svg>",
    ]
    return "\n".join(parts), (width, height)


def _overlaps(polygon: Any, start: float, end: float) -> bool:
    xs = [x for x, _ in polygon]
    return min(xs) < end and max(xs) > start


def _ruler(start: float, end: float, y: float, unit: float) -> str:
    """Ticks every 10 cm (longer every 50) and the distance from the marker's start every 50 cm."""
    out = [
        f'<g class="ruler" stroke="#333" stroke-width="{0.12 * unit:.3f}">'
        f'<line x1="{start:.3f}" y1="{y:.3f}" x2="{end:.3f}" y2="{y:.3f}"/>'
    ]
    first = int(-(-start // 10)) * 10
    for cm in range(first, int(end) + 1, 10):
        tall = unit * (1.2 if cm % 50 == 0 else 0.6)
        out.append(f'<line x1="{cm}" y1="{y:.3f}" x2="{cm}" y2="{y + tall:.3f}"/>')
        if cm % 50 == 0:
            out.append(
                f'<text x="{cm}" y="{y + 3 * unit:.3f}" text-anchor="middle" stroke="none" '
                f'fill="#333">{cm} cm</text>'
            )
    out.append("</g>")
    return "".join(out)


def marker_from_document(document: Mapping[str, Any]) -> Any:
    """A drawable marker from its stored JSON document (``outputs.marker_json``)."""
    usable, fabric = float(document["usable_width_cm"]), float(document["fabric_width_cm"])
    return SimpleNamespace(
        length_cm=float(document["length_cm"]),
        usable_width_cm=usable,
        fabric_width_cm=fabric,
        margin_cm=(fabric - usable) / 2,
        utilization=document.get("utilization"),
        placements=tuple(
            SimpleNamespace(
                piece_id=p["piece"],
                copy=p["copy"],
                mirrored=p["mirrored"],
                turn_deg=p["turn_deg"],
                polygon=tuple((float(x), float(y)) for x, y in p["polygon"]),
            )
            for p in document["placements"]
        ),
    )
