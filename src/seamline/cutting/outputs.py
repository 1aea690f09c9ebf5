"""What a nested marker becomes for people and machines: a JSON document and a DXF a cutter reads.

Pure: no Django. The picture is marker_svg.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ezdxf

from .nesting import Marker, NestPiece, Placement
from .pattern import Pattern

__all__ = ["marker_dxf", "marker_json", "pieces_from_pattern", "placement_transform"]

Point = tuple[float, float]


def pieces_from_pattern(
    pattern: Pattern, sizes: Mapping[str, int], *, one_way: bool = False
) -> tuple[list[NestPiece], dict[str, tuple[Point, ...]]]:
    """The pieces of `sizes` ({size: garments}) to nest, and each piece's drill holes by piece id.

    A mirrored pair (Quantity 2, left and right) is nested as its outline plus its mirror image. One-way
    (napped) fabric allows no half turn.

    >>> from seamline.cutting.pattern import Pattern, Piece
    >>> front = Piece(name="Front", size="M", quantity=2, boundary=((0, 0), (30, 0), (30, 60), (0, 60)),
    ...               mirrored_pair=True)
    >>> pattern = Pattern(style_name="T", units="METRIC", sample_size="M", pieces=(front,))
    >>> pieces, _ = pieces_from_pattern(pattern, {"M": 3})
    >>> (pieces[0].id, pieces[0].demand, pieces[0].mirror)
    ('M:Front', 3, True)
    """
    nest_pieces, holes = [], {}
    for size, garments in sizes.items():
        if garments <= 0:
            raise ValueError(f"size {size}: the number of garments must be at least 1 (got {garments})")
        for piece in pattern.pieces_for(size):
            pid = f"{size}:{piece.name}"
            demand = (max(1, piece.quantity // 2) if piece.mirrored_pair else piece.quantity) * garments
            nest_pieces.append(
                NestPiece(
                    id=pid,
                    outline=tuple(piece.boundary),
                    demand=demand,
                    allowed_turns=(0.0,) if one_way else (0.0, 180.0),
                    mirror=piece.mirrored_pair,
                    grain_angle_deg=math.degrees(piece.grain_angle),
                )
            )
            holes[pid] = tuple(piece.drill_holes)
    return nest_pieces, holes


def placement_transform(piece: NestPiece, placement: Placement) -> Callable[[Point], Point]:
    """Maps a point of the piece as drawn to where it lies on the marker (grain turn, mirror, turn, shift)."""
    grain = math.radians(-piece.grain_angle_deg)
    turn = math.radians(placement.turn_deg)

    def transform(point: Point) -> Point:
        x, y = point
        x, y = x * math.cos(grain) - y * math.sin(grain), x * math.sin(grain) + y * math.cos(grain)
        if placement.mirrored:
            y = -y
        x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
        return (x + placement.x_cm, y + placement.y_cm)

    return transform


def marker_json(marker: Marker, *, name: str = "") -> dict[str, Any]:
    """The marker as a JSON-ready document (lengths in cm, areas in cm²)."""
    return {
        "name": name,
        "length_cm": round(marker.length_cm, 3),
        "usable_width_cm": marker.usable_width_cm,
        "fabric_width_cm": marker.fabric_width_cm,
        "utilization": round(marker.utilization, 5),
        "pieces": len(marker.placements),
        "piece_area_cm2": round(marker.piece_area_cm2, 2),
        "waste_area_cm2": round(marker.waste_area_cm2, 2),
        "placements": [
            {
                "piece": p.piece_id,
                "copy": p.copy,
                "mirrored": p.mirrored,
                "turn_deg": p.turn_deg,
                "x_cm": round(p.x_cm, 4),
                "y_cm": round(p.y_cm, 4),
                "polygon": [[round(x, 4), round(y, 4)] for x, y in p.polygon],
            }
            for p in marker.placements
        ],
    }


def marker_dxf(
    marker: Marker,
    path: str | Path,
    *,
    pieces: Sequence[NestPiece] = (),
    drill_holes: Mapping[str, Sequence[Point]] | None = None,
) -> Path:
    """A DXF (R2010, cm) a cutter reads: each placed outline a closed polyline on layer CUT, each drill hole
    a POINT on layer DRILL, the marker's frame on layer MARKER."""
    doc = ezdxf.new("R2010", units=5)  # 5 = centimetres
    for layer, colour in (("CUT", 7), ("DRILL", 1), ("MARKER", 8)):
        doc.layers.add(layer, color=colour)
    msp = doc.modelspace()
    msp.add_lwpolyline(
        [
            (0, 0),
            (marker.length_cm, 0),
            (marker.length_cm, marker.usable_width_cm),
            (0, marker.usable_width_cm),
        ],
        close=True,
        dxfattribs={"layer": "MARKER"},
    )
    by_id = {p.id: p for p in pieces}
    for placement in marker.placements:
        msp.add_lwpolyline(placement.polygon, close=True, dxfattribs={"layer": "CUT"})
        piece = by_id.get(placement.piece_id)
        if piece is None:
            continue
        to_marker = placement_transform(piece, placement)
        for hole in (drill_holes or {}).get(placement.piece_id, ()):
            msp.add_point(to_marker(hole), dxfattribs={"layer": "DRILL"})
    target = Path(path)
    doc.saveas(target)
    return target
