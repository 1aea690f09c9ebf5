"""The demo chore jacket: sizes, pieces, plausible areas that grow with size, and a quick valid nest."""

from __future__ import annotations

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
    assert 15_000 < pattern.total_area_cm2("M") < 18_000
    for name in PIECES:
        by_size = [
            next(p for p in pattern.pieces_for(s) if p.name == name).area_cm2 for s in CHORE_JACKET_SIZES
        ]
        assert by_size == sorted(by_size), name


def test_one_garment_nests_validly_on_selvedge_denim(pattern):
    pieces, _ = pieces_from_pattern(pattern, {"XS": 1})
    assert sum(p.demand * (2 if p.mirror else 1) for p in pieces) == 15
    marker = nest(pieces, fabric_width_cm=80, margin_cm=1, time_s=1)
    assert check_marker(marker, usable_width_cm=78, pieces=pieces) == []
    assert len(marker.placements) == 15
    assert marker.piece_area_cm2 == pytest.approx(pattern.total_area_cm2("XS"))
