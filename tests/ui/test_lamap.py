"""The map of Los Angeles is pure computation: no database, no Django."""

from __future__ import annotations

import math

import pytest

from seamline.core import lamap
from seamline.core.lamap import (
    COASTLINE,
    DOWNTOWN_LA,
    LA_BBOX,
    BBox,
    Place,
    Projection,
    bbox_around,
    la_map,
    place_labels,
    zip_centroids,
)


def _place(label: str = "Cut floor", lat: float = 34.0333, lon: float = -118.2447, kind: str = "cut_and_sew"):
    return Place(label=label, kind=kind, latitude=lat, longitude=lon)


def test_projection_puts_the_north_west_corner_at_the_origin_and_the_south_east_at_width_height():
    p = Projection(LA_BBOX, width=600)
    assert p.project(LA_BBOX.north, LA_BBOX.west) == (0.0, 0.0)
    x, y = p.project(LA_BBOX.south, LA_BBOX.east)
    assert x == pytest.approx(600, abs=0.1)
    assert y == pytest.approx(p.height, abs=0.1)


def test_projection_shrinks_longitude_by_the_cosine_of_the_middle_latitude():
    p = Projection(LA_BBOX, width=600)
    kx = math.cos(math.radians((LA_BBOX.south + LA_BBOX.north) / 2))
    lat_span, lon_span = LA_BBOX.north - LA_BBOX.south, LA_BBOX.east - LA_BBOX.west
    assert p.height == pytest.approx(600 * lat_span / (lon_span * kx), abs=0.1)
    # one degree of latitude and cos(lat) degrees... i.e. equal ground distances get equal SVG lengths
    x0, y0 = p.project(34.0, -118.3)
    x1, _ = p.project(34.0, -118.3 + 0.1 / kx)
    _, y1 = p.project(34.1, -118.3)
    assert x1 - x0 == pytest.approx(y0 - y1, abs=0.2)


def test_east_is_right_and_north_is_up():
    p = Projection(LA_BBOX)
    downtown = p.project(*DOWNTOWN_LA)
    santa_monica = p.project(34.01, -118.50)
    pasadena = p.project(34.1478, -118.1445)
    assert santa_monica[0] < downtown[0] < pasadena[0]
    assert pasadena[1] < downtown[1]


def test_the_coastline_runs_from_malibu_to_seal_beach_past_point_fermin():
    assert COASTLINE[0] == (34.035, -118.680)
    assert (33.705, -118.290) in COASTLINE  # Point Fermin, the southern tip
    assert min(lat for lat, _ in COASTLINE[:-1]) == 33.705
    assert (33.760, -118.190) in COASTLINE  # Long Beach
    assert (33.740, -118.100) in COASTLINE  # Seal Beach
    assert len(COASTLINE) >= 10


def test_the_map_draws_the_coast_the_ocean_and_hundreds_of_zip_centroids():
    m = la_map([])
    assert m.width == 600
    assert len(m.coastline.split()) == len(COASTLINE)
    assert m.ocean.startswith("M") and m.ocean.endswith("Z")
    assert 200 < m.zip_count < 400  # distinct Los Angeles County ZIP centroids within the frame
    assert m.zip_dots.count("M") == m.zip_count
    for chunk in m.zip_dots.split("M")[1:]:
        x, y = (float(v) for v in chunk.removesuffix("h0").split())
        assert 0 <= x <= m.width and 0 <= y <= m.height
    assert m.downtown is not None and 0 < m.downtown[0] < m.width
    assert m.ocean_label is not None
    assert {label.text for label in m.landmarks} >= {"Santa Monica", "Long Beach", "Pasadena"}
    assert m.scale_km == 10 and m.scale_px > 0


def test_zip_centroids_are_read_once_and_cached():
    first = zip_centroids()
    assert zip_centroids() is first
    assert zip_centroids.cache_info().hits >= 1
    assert all(isinstance(lat, float) and isinstance(lon, float) for lat, lon in first)
    assert len(first) == len(set(first))
    assert len(first) > 350  # 528 ZIP codes, PO boxes sharing centroids


def test_places_become_numbered_markers_coloured_by_kind_and_faraway_places_are_listed_apart():
    dye = _place("Vernon dye house", 33.9994, -118.2133, kind="dye_house")
    sf = _place("San Francisco loft", 37.77, -122.42)
    m = la_map([_place(), dye, sf])
    assert [mk.number for mk in m.markers] == [1, 2]
    assert m.markers[1].colour == lamap.kind_colour("dye_house") != m.markers[0].colour
    assert m.outside == (sf,)
    assert lamap.kind_colour("something new") == lamap.DEFAULT_COLOUR


def test_places_at_the_same_zip_centroid_are_spread_apart():
    a, b = _place("Pattern room"), _place("Sample line")
    m = la_map([a, b], spread_radius=9)
    (x1, y1), (x2, y2) = ((mk.x, mk.y) for mk in m.markers)
    assert math.dist((x1, y1), (x2, y2)) == pytest.approx(18, abs=0.3)


def test_bbox_around_holds_every_point_with_a_margin_and_the_asked_aspect():
    pts = [(34.0448, -118.2434), (33.9462, -118.2013), (33.9909, -118.1532)]
    box = bbox_around(pts, margin=0.01, aspect=1.0)
    assert all(box.contains(lat, lon) for lat, lon in pts)
    proj = Projection(box, width=600)
    assert proj.height == pytest.approx(600, abs=1)
    assert box.north - box.south >= 0.0986 + 0.02
    with pytest.raises(ValueError):
        bbox_around([])


def test_a_close_up_leaves_out_what_is_beyond_it():
    box = bbox_around([(33.99, -118.21)], min_span=0.04)
    m = la_map([_place(lat=33.99, lon=-118.21)], bbox=box)
    assert m.downtown is None and m.ocean_label is None and m.landmarks == ()
    assert m.scale_km in {1, 2}
    assert m.zip_count < 20


def test_labels_never_overlap_pins_or_each_other_and_stay_in_the_frame():
    pins = [(100, 100, "Pattern room, Maple Ave"), (118, 100, "Sample line, Maple Ave"), (590, 300, "Dock")]
    labels = place_labels(pins, width=600, height=400)
    assert labels[0] is not None and labels[1] is not None
    boxes = []
    for (x, y, _), label in zip(pins, labels, strict=True):
        w = len(label.text) * lamap.CHAR_WIDTH
        x0 = {"start": x + label.dx, "end": x + label.dx - w, "middle": x - w / 2}[label.anchor]
        top = y + label.dy - 10
        boxes.append((x0, top, x0 + w, top + lamap.LABEL_HEIGHT))
        assert x0 >= 0 and x0 + w <= 600
    assert labels[2].anchor != "start"  # no room on the right at the east edge
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        for x, y, _ in pins:
            assert not (a[0] < x + 8 and x - 8 < a[2] and a[1] < y + 8 and y - 8 < a[3])


def test_a_label_with_no_free_spot_is_left_out():
    crowd = [
        (300 + dx, 200 + dy, "A rather long facility name") for dx in (-20, 0, 20) for dy in (-20, 0, 20)
    ]
    labels = place_labels(crowd, width=600, height=400)
    assert labels[4] is None  # the one in the middle is boxed in


def test_bbox_contains_is_inclusive():
    box = BBox(south=1, north=2, west=-3, east=-2)
    assert box.contains(1, -3) and box.contains(2, -2) and not box.contains(2.01, -2.5)


def test_lamap_imports_no_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(lamap))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any("django" in (m or "") for m in modules | names)
