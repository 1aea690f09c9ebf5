"""The nesting adapter on a tiny garment instance, checked independently by check_marker."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from seamline.cutting.nesting import Marker, NestPiece, Progress, nest, prepared_outline
from seamline.cutting.validity import check_marker

RECT = ((0.0, 0.0), (30.0, 0.0), (30.0, 20.0), (0.0, 20.0))
ELL = ((0.0, 0.0), (20.0, 0.0), (20.0, 6.0), (6.0, 6.0), (6.0, 25.0), (0.0, 25.0))
SLEEVE = ((0.0, 0.0), (35.0, 0.0), (30.0, 15.0), (8.0, 18.0))
TALL = ((0.0, 0.0), (10.0, 0.0), (10.0, 40.0), (0.0, 40.0))

PIECES = (
    NestPiece("back", RECT, demand=2),
    NestPiece("yoke", ELL, demand=2, allowed_turns=(0.0,)),
    NestPiece("sleeve", SLEEVE, demand=1, mirror=True),
    NestPiece("placket", TALL, demand=1, grain_angle_deg=90.0),
)
SPACING_CM = 0.5


@pytest.fixture(scope="module")
def nested() -> tuple[Marker, list[Progress]]:
    reports: list[Progress] = []
    marker = nest(
        PIECES, fabric_width_cm=62, margin_cm=1.0, spacing_cm=SPACING_CM, time_s=2, on_progress=reports.append
    )
    return marker, reports


def test_marker_is_valid_with_every_copy_placed(nested):
    marker, _ = nested
    assert marker.usable_width_cm == 60.0
    problems = check_marker(
        marker, usable_width_cm=marker.usable_width_cm, pieces=PIECES, spacing_cm=SPACING_CM
    )
    assert problems == []
    assert len(marker.placements) == 7
    assert sorted((p.piece_id, p.mirrored) for p in marker.placements) == [
        ("back", False),
        ("back", False),
        ("placket", False),
        ("sleeve", False),
        ("sleeve", True),
        ("yoke", False),
        ("yoke", False),
    ]


def test_turns_stay_within_what_each_piece_allows(nested):
    marker, _ = nested
    assert {p.turn_deg for p in marker.placements if p.piece_id == "yoke"} == {0.0}
    assert {p.turn_deg for p in marker.placements} <= {0.0, 180.0}


def test_placed_polygon_is_the_outline_turned_and_moved(nested):
    marker, _ = nested
    for p in marker.placements:
        piece = next(q for q in PIECES if q.id == p.piece_id)
        placed = Polygon(p.polygon)
        assert placed.area == pytest.approx(Polygon(piece.outline).area, rel=1e-9)
    placket = next(p for p in marker.placements if p.piece_id == "placket")
    minx, miny, maxx, maxy = Polygon(placket.polygon).bounds
    # Grain at 90°: the 40 cm side now runs along the marker length.
    assert (maxx - minx, maxy - miny) == (pytest.approx(40.0), pytest.approx(10.0))


def test_mirror_image_is_reflected_across_the_grain_line():
    piece = PIECES[2]
    plain, mirrored = prepared_outline(piece), prepared_outline(piece, mirrored=True)
    assert mirrored.area == pytest.approx(plain.area)
    assert not mirrored.equals(plain)
    assert {(x, -y) for x, y in plain.exterior.coords} == {(x, y) for x, y in mirrored.exterior.coords}


def test_utilization_is_piece_area_over_usable_width_times_length(nested):
    marker, _ = nested
    area = sum(Polygon(o).area * n for o, n in ((RECT, 2), (ELL, 2), (SLEEVE, 2), (TALL, 1)))
    assert marker.piece_area_cm2 == pytest.approx(area)
    assert marker.utilization == pytest.approx(area / (60.0 * marker.length_cm))
    assert marker.waste_area_cm2 == pytest.approx(60.0 * marker.length_cm - area)
    assert max(x for p in marker.placements for x, _ in p.polygon) <= marker.length_cm + 1e-6


def test_progress_is_reported_ending_with_the_final_length(nested):
    marker, reports = nested
    assert reports
    assert reports[-1].phase == "final"
    assert reports[-1].best_length_cm == pytest.approx(marker.length_cm, abs=1e-3)
    assert all(r.best_length_cm >= marker.length_cm - 1e-3 for r in reports)


def test_piece_wider_than_usable_width_in_every_turn_is_refused():
    wide = NestPiece("hem-band", ((0, 0), (20, 0), (20, 70), (0, 70)), allowed_turns=(0.0, 180.0))
    with pytest.raises(ValueError, match="hem-band"):
        nest([wide, PIECES[0]], fabric_width_cm=62, time_s=1)


def test_a_long_piece_fits_once_its_grain_runs_along_the_length():
    strap = NestPiece("strap", ((0, 0), (10, 0), (10, 70), (0, 70)), grain_angle_deg=90.0)
    marker = nest([strap], fabric_width_cm=62, time_s=1)
    assert marker.length_cm == pytest.approx(70.0, abs=0.01)
    assert check_marker(marker, usable_width_cm=60.0, pieces=[strap]) == []


def test_bad_demand_and_margins_are_refused():
    with pytest.raises(ValueError, match="back"):
        nest([NestPiece("back", RECT, demand=0)], fabric_width_cm=62, time_s=1)
    with pytest.raises(ValueError, match="usable width"):
        nest([PIECES[0]], fabric_width_cm=2, margin_cm=1.0, time_s=1)
