"""The demo chore jacket: sizes, pieces, a patternmaker's proportions, areas growing with size, a nest."""

from __future__ import annotations

import itertools
import math

import pytest

from seamline.cutting.demo_pattern import CHORE_JACKET_SIZES, chore_jacket_pattern
from seamline.cutting.nesting import nest
from seamline.cutting.outputs import pieces_from_pattern
from seamline.cutting.validity import check_marker

PIECES = {
    "Back": (1, False),
    "Front": (2, True),
    "Sleeve": (2, True),
    "Collar": (2, False),
    "Front facing": (2, True),
    "Patch pocket": (4, False),
    "Cuff": (2, True),
}


@pytest.fixture(scope="module")
def pattern():
    return chore_jacket_pattern()


def test_every_size_has_the_seven_pieces_with_their_quantities(pattern):
    assert pattern.sizes() == ("XS", "S", "M", "L", "XL", "XXL") == CHORE_JACKET_SIZES
    assert pattern.sample_size == "M"
    assert pattern.units == "METRIC"
    for size in CHORE_JACKET_SIZES:
        found = {p.name: (p.quantity, p.mirrored_pair) for p in pattern.pieces_for(size)}
        assert found == PIECES


def test_pieces_are_simple_polygons_with_the_grain_along_the_length(pattern):
    for piece in pattern.pieces:
        assert piece.polygon().is_valid, (piece.size, piece.name)
        assert piece.grain_vector == (0.0, 1.0)
        min_x, _, max_x, _ = piece.bounds
        assert max_x - min_x < 78.0  # fits across 80 cm selvedge denim less its margins


def test_area_grows_with_size_and_m_is_a_plausible_jacket(pattern):
    areas = [pattern.total_area_cm2(size) for size in CHORE_JACKET_SIZES]
    assert areas == sorted(areas)
    assert len(set(areas)) == len(areas)
    assert 16_000 < pattern.total_area_cm2("M") < 20_000
    for name in PIECES:
        by_size = [
            next(p for p in pattern.pieces_for(s) if p.name == name).area_cm2 for s in CHORE_JACKET_SIZES
        ]
        assert by_size == sorted(by_size), name


def piece(pattern, size, name):
    return next(p for p in pattern.pieces_for(size) if p.name == name)


def test_m_has_a_boxy_chore_jackets_proportions(pattern):
    back, front = piece(pattern, "M", "Back"), piece(pattern, "M", "Front")
    # cut widths less 1 cm seam allowances: 116 cm finished chest = back 58 + 2 fronts of 29 to centre front
    back_w = back.bounds[2] - back.bounds[0] - 2
    front_w = front.bounds[2] - front.bounds[0] - 2 - 2.5  # less the button extension
    assert back_w + 2 * front_w == pytest.approx(116, abs=0.5)
    assert 76 <= back.bounds[3] - back.bounds[1] <= 84  # 74 cm back length plus hem and seam


def test_shoulders_slope_and_the_neckline_is_curved(pattern):
    back = piece(pattern, "M", "Back")
    ys = sorted({y for _, y in back.boundary}, reverse=True)
    top = ys[0]  # neck points
    shoulder_points = [(x, y) for x, y in back.boundary if 3.5 <= top - y <= 5.5 and abs(x - 30) > 20]
    assert shoulder_points, "the shoulder drops 4-5 cm from the neck point to the shoulder point"
    neck = [(x, y) for x, y in back.boundary if abs(x - 30) < 9 and y > top - 3]
    assert len(neck) >= 6  # sampled curve, not a notch of straight segments
    front = piece(pattern, "M", "Front")
    neck_front = [(x, y) for x, y in front.boundary if x < 12 and y > front.bounds[3] - 10]
    assert len(neck_front) >= 6


def test_sleeve_cap_is_a_smooth_bell_15_cm_high(pattern):
    for size in ("XS", "M", "XXL"):
        sleeve = piece(pattern, size, "Sleeve")
        min_x, _, max_x, max_y = sleeve.bounds
        corners = [(x, y) for x, y in sleeve.boundary if x in (min_x, max_x)]
        bicep_y = max(y for _, y in corners)
        cap = [(x, y) for x, y in sleeve.boundary if y >= bicep_y]
        assert max_y - bicep_y == pytest.approx(15.0, abs=0.01)
        assert len(cap) >= 20
        assert max(math.dist(a, b) for a, b in itertools.pairwise(cap)) < 3.0
        # the crown is forward of centre: the back half of the cap is fuller
        crown_x = next(x for x, y in cap if y == max_y)
        assert (crown_x - min_x) / (max_x - min_x) == pytest.approx(0.52, abs=0.02)


def test_sleeve_cap_walks_the_armhole_with_a_little_ease(pattern):
    for size in CHORE_JACKET_SIZES:
        sleeve = piece(pattern, size, "Sleeve")
        min_x, _, max_x, _ = sleeve.bounds
        bicep_y = max(y for x, y in sleeve.boundary if x in (min_x, max_x))
        cap = [(x, y) for x, y in sleeve.boundary if y >= bicep_y]
        cap_len = sum(math.dist(a, b) for a, b in itertools.pairwise(cap))
        armholes = 0.0
        for name in ("Back", "Front"):
            body = piece(pattern, size, name)
            side_x = body.bounds[2]
            underarm_y = max(y for x, y in body.boundary if x == side_x)
            # one armhole: from the outer side seam's top up to the shoulder point (highest outer point)
            outer = [(x, y) for x, y in body.boundary if y >= underarm_y and x > side_x - 9]
            outer.sort(key=lambda p: p[1])
            armholes += sum(math.dist(a, b) for a, b in itertools.pairwise(outer))
        ease = cap_len - 2 - armholes  # the cap's cut line runs 1 cm past each underarm seam
        assert 0.5 < ease < 3.0, (size, ease)


def test_one_garment_nests_validly_on_selvedge_denim(pattern):
    pieces, _ = pieces_from_pattern(pattern, {"XS": 1})
    assert sum(p.demand * (2 if p.mirror else 1) for p in pieces) == 15
    marker = nest(pieces, fabric_width_cm=80, margin_cm=1, time_s=1)
    assert check_marker(marker, usable_width_cm=78, pieces=pieces) == []
    assert len(marker.placements) == 15
    assert marker.piece_area_cm2 == pytest.approx(pattern.total_area_cm2("XS"))
