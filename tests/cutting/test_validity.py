"""check_marker on hand-made markers: it finds each kind of problem, with no solver involved."""

from __future__ import annotations

from seamline.cutting.nesting import Marker, NestPiece, Placement
from seamline.cutting.validity import check_marker

SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def _at(x: float, y: float, *, piece_id: str = "a", copy: int = 0, turn: float = 0.0, mirrored=False):
    polygon = tuple((px + x, py + y) for px, py in SQUARE)
    return Placement(piece_id, copy, mirrored, turn, x, y, polygon)


def _marker(*placements: Placement, length: float = 30.0) -> Marker:
    area = 100.0 * len(placements)
    return Marker(length, 10.0, area / (10.0 * length), 10.0 * length - area, area, placements)


def test_a_valid_marker_has_no_problems():
    marker = _marker(_at(0, 0), _at(10, 0, copy=1), _at(20, 0, piece_id="b", turn=180.0))
    pieces = [NestPiece("a", SQUARE, demand=2), NestPiece("b", SQUARE, demand=1)]
    assert check_marker(marker, usable_width_cm=10.0, pieces=pieces) == []


def test_overlap_beyond_tolerance_is_reported_and_a_touch_is_not():
    touching = _marker(_at(0, 0), _at(10.005, 0, copy=1))
    assert check_marker(touching, usable_width_cm=10.0) == []
    overlapping = _marker(_at(0, 0), _at(9.0, 0, copy=1))
    assert check_marker(overlapping, usable_width_cm=10.0) == ["a#0 overlaps a#1 by 10 cm²"]


def test_pieces_outside_the_strip_are_reported():
    marker = _marker(_at(25, 0), _at(0, 0.5, piece_id="b"))
    assert check_marker(marker, usable_width_cm=10.0) == [
        "a#0 lies outside [0, 30] × [0, 10]",
        "b#0 lies outside [0, 30] × [0, 10]",
    ]


def test_turns_not_allowed_are_reported_globally_and_per_piece():
    marker = _marker(_at(0, 0, turn=180.0), _at(10, 0, piece_id="b", turn=90.0))
    assert check_marker(marker, usable_width_cm=10.0, allowed_turns=(0.0, 180.0)) == [
        "b#0 turned 90° (allowed: 0, 180)"
    ]
    assert check_marker(marker, usable_width_cm=10.0, allowed_turns={"a": (0.0,)}) == [
        "a#0 turned 180° (allowed: 0)"
    ]


def test_demand_not_met_and_pieces_not_asked_for_are_reported():
    marker = _marker(_at(0, 0), _at(10, 0, piece_id="c"))
    pieces = [NestPiece("a", SQUARE, demand=1, mirror=True)]
    assert check_marker(marker, usable_width_cm=10.0, pieces=pieces) == [
        "a (mirror image): 0 placed, demand 1",
        "c: 1 placed, not asked for",
    ]


def test_a_placed_piece_of_the_wrong_size_is_reported():
    marker = _marker(_at(0, 0))
    pieces = [NestPiece("a", ((0.0, 0.0), (12.0, 0.0), (12.0, 10.0), (0.0, 10.0)))]
    assert check_marker(marker, usable_width_cm=10.0, pieces=pieces) == ["a#0 has area 100, its outline 120"]


def test_pieces_closer_than_the_knife_spacing_are_reported():
    marker = _marker(_at(0, 0), _at(10.2, 0, copy=1))
    assert check_marker(marker, usable_width_cm=10.0, spacing_cm=0.2) == []
    assert check_marker(marker, usable_width_cm=10.0, spacing_cm=0.5) == [
        "a#0 is 0.2 cm from a#1 (spacing 0.5)"
    ]
