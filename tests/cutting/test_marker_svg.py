"""The marker picture is well-formed SVG with one outline per placed piece."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from seamline.cutting.marker_svg import marker_from_document, marker_svg, marker_tiles
from seamline.cutting.nesting import Marker, Placement

SVG = "{http://www.w3.org/2000/svg}"


def _marker() -> Marker:
    square = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    placements = tuple(
        Placement(pid, copy, mirrored, turn, x, 0.0, tuple((px + x, py) for px, py in square))
        for pid, copy, mirrored, turn, x in (
            ("front", 0, False, 0.0, 0.0),
            ("front", 0, True, 180.0, 10.0),
            ("cuff & band", 0, False, 0.0, 20.0),
        )
    )
    return Marker(30.0, 10.0, 1.0, 0.0, 300.0, placements, fabric_width_cm=12.0, margin_cm=1.0)


def test_svg_parses_with_one_polygon_per_placement():
    root = ET.fromstring(marker_svg(_marker()))
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}polygon")) == 3


def test_svg_labels_pieces_and_shows_the_length_and_the_grain():
    svg = marker_svg(_marker(), labels={"front": "Front · M"})
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Front · M", "Front · M (mirror)", "cuff & band", "30.0 cm"]
    arrows = [ln for ln in root.iter(f"{SVG}line") if ln.get("marker-end") == "url(#grain)"]
    assert len(arrows) == 4  # one per piece and the length dimension
    turned = arrows[1]
    assert float(turned.get("x2")) < float(turned.get("x1"))  # a piece turned 180° points back
    usable = root.find(f".//{SVG}rect[@class='usable']")
    assert (usable.get("y"), usable.get("height")) == ("1.000", "10.000")


def _long_marker(length: float = 1195.0) -> Marker:
    """Squares every 40 cm along a 12 m marker, like a long lay."""
    square = ((0.0, 0.0), (30.0, 0.0), (30.0, 30.0), (0.0, 30.0))
    placements = tuple(
        Placement(f"M:Piece {i}", 0, False, 0.0, x, 0.0, tuple((px + x, py) for px, py in square))
        for i, x in enumerate(range(0, int(length) - 30, 40))
    )
    return Marker(length, 78.0, 0.8, 0.0, 0.0, placements, fabric_width_cm=80.0, margin_cm=1.0)


def test_a_long_marker_is_tiled_into_overlapping_lengths_that_cover_it():
    marker = _long_marker()
    tiles = marker_tiles(marker, tile_cm=230.0, overlap_cm=5.0)
    assert tiles[0].start_cm == 0 and tiles[-1].end_cm == marker.length_cm
    assert all(t.end_cm - t.start_cm <= 230.0 for t in tiles)
    assert all(b.start_cm == a.end_cm - 5.0 for a, b in itertools.pairwise(tiles))
    for tile in tiles:
        root = ET.fromstring(tile.svg)
        drawn = {g.get("data-piece") for g in root.iter(f"{SVG}g") if g.get("class") == "piece"}
        expected = {
            p.piece_id
            for p in marker.placements
            if min(x for x, _ in p.polygon) < tile.end_cm and max(x for x, _ in p.polygon) > tile.start_cm
        }
        assert drawn == expected
        ruler = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith(" cm")]
        assert ruler and all(int(t.split()[0]) % 50 == 0 for t in ruler)
        # every tile has the same text size, so the sheet reads the same at one print scale
        assert root.get("font-size") == ET.fromstring(tiles[0].svg).get("font-size")


def test_tiles_redrawn_from_the_stored_document_match_the_marker():
    from seamline.cutting.outputs import marker_json

    marker = _long_marker(600.0)
    again = marker_from_document(marker_json(marker))
    assert (again.length_cm, again.margin_cm, len(again.placements)) == (600.0, 1.0, len(marker.placements))
    assert [t.svg for t in marker_tiles(again)] == [t.svg for t in marker_tiles(marker)]
