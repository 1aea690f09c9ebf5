"""The marker picture is well-formed SVG with one outline per placed piece."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from seamline.cutting.marker_svg import marker_svg
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
