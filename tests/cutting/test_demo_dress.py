"""The slip dress drafted in code: pieces, bias grain, a slip dress's measurements, seams that sew together,
the facings cut to the neck curves, a DXF-AAMA file that reads back the same, one garment nested on silk."""

from __future__ import annotations

import itertools
import math

import pytest
from shapely.geometry import LineString

from seamline.catalog.services import style_create
from seamline.cutting.alteration import lower_neckline, neck_curve, seam_length
from seamline.cutting.demo_dress import SLIP_DRESS_SIZES, SLIP_DRESS_STYLE, slip_dress_dxf, slip_dress_pattern
from seamline.cutting.dxf_aama import read_dxf_aama
from seamline.cutting.nesting import nest
from seamline.cutting.outputs import pieces_from_pattern
from seamline.cutting.selectors import pattern_of
from seamline.cutting.services import pattern_import
from seamline.cutting.validity import check_marker

PIECES = {"Front": 1, "Back": 1, "Front facing": 1, "Back facing": 1, "Strap": 2}


@pytest.fixture(scope="module")
def pattern():
    return slip_dress_pattern()


def piece(pattern, size, name):
    return next(p for p in pattern.pieces_for(size) if p.name == name)


def side_seam(body):
    """Hem corner (vertex 0, bottom right) up to the underarm: the outermost vertex above the waist."""
    boundary = body.boundary
    top = max(y for _, y in boundary)
    upper = [i for i, (_, y) in enumerate(boundary) if top - 25 < y < top - 5]
    underarm = max(upper, key=lambda i: boundary[i][0])
    return boundary[: underarm + 1]


def test_every_size_has_the_five_pieces(pattern):
    assert pattern.style_name == SLIP_DRESS_STYLE == "Bias-Cut Silk Slip Dress"
    assert pattern.sizes() == SLIP_DRESS_SIZES == ("XS", "S", "M", "L", "XL")
    assert (pattern.sample_size, pattern.units) == ("M", "METRIC")
    for size in SLIP_DRESS_SIZES:
        assert {p.name: p.quantity for p in pattern.pieces_for(size)} == PIECES
        assert all(p.grade_rules == () and not p.mirrored_pair for p in pattern.pieces_for(size))


def test_pieces_are_simple_and_cut_on_the_bias(pattern):
    diagonal = (math.sqrt(0.5), math.sqrt(0.5))
    for p in pattern.pieces:
        assert p.polygon().is_valid, (p.size, p.name)
        assert p.grain_vector == pytest.approx(diagonal), (p.size, p.name)
        assert p.polygon().contains(LineString(p.grain_line)), (p.size, p.name)
        # curves sampled about every 2 cm: only the straight hem, strap and facing ends are longer
        long_edges = [
            (a, b)
            for a, b in zip(p.boundary, p.boundary[1:] + p.boundary[:1], strict=True)
            if math.dist(a, b) > 3.5
        ]
        assert all(a[1] == b[1] or a[0] == b[0] for a, b in long_edges), (p.size, p.name, long_edges)


def test_front_and_back_are_symmetric_about_the_centre_line(pattern):
    for size, name in itertools.product(SLIP_DRESS_SIZES, ("Front", "Back", "Front facing", "Back facing")):
        p = piece(pattern, size, name)
        min_x, _, max_x, _ = p.bounds
        for x, y in p.boundary:
            mirror = (min_x + max_x - x, y)
            assert min(math.dist(mirror, q) for q in p.boundary) < 0.002, (size, name, (x, y))


def test_m_has_a_slip_dress_measurements(pattern):
    front, back = piece(pattern, "M", "Front"), piece(pattern, "M", "Back")
    underarm_width = [2 * (side_seam(p)[-1][0] - (p.bounds[0] + p.bounds[2]) / 2) for p in (front, back)]
    assert sum(underarm_width) - 4 * 1.0 == pytest.approx(92.0)  # the bust, less four 1 cm seam allowances
    hem = [p.bounds[2] - p.bounds[0] for p in (front, back)]
    assert sum(hem) - 4 == pytest.approx(120.0)  # the hem sweep
    assert front.bounds[3] == pytest.approx(1 + 85 + 17)  # rolled hem, side length, front armhole
    assert back.bounds[3] == pytest.approx(1 + 85 + 12)
    # the V: 12 cm below the strap points, which are 19 cm apart
    curve = [front.boundary[i] for i in neck_curve(front)]
    assert curve[0][1] == curve[-1][1] == front.bounds[3]
    assert abs(curve[-1][0] - curve[0][0]) == pytest.approx(19.0)
    assert front.bounds[3] - min(y for _, y in curve) == pytest.approx(12.0)
    assert 2.0 < back.bounds[3] - min(y for _, y in [back.boundary[i] for i in neck_curve(back)]) < 4.0


def test_side_seams_of_front_and_back_sew_together(pattern):
    for size in SLIP_DRESS_SIZES:
        front = seam_length(side_seam(piece(pattern, size, "Front")))
        back = seam_length(side_seam(piece(pattern, size, "Back")))
        assert abs(front - back) < 0.01, size
        assert 80 < front < 100


def test_each_facing_is_cut_to_its_neck_curve_and_5_cm_deep(pattern):
    for size, body in itertools.product(SLIP_DRESS_SIZES, ("Front", "Back")):
        body_piece, facing = piece(pattern, size, body), piece(pattern, size, f"{body} facing")
        neck = [body_piece.boundary[i] for i in neck_curve(body_piece)]
        edge = [facing.boundary[i] for i in neck_curve(facing)]
        neck.sort()  # left to right: the boundaries run round the pieces in opposite senses
        edge.sort()
        dx, dy = neck[0][0] - edge[0][0], neck[0][1] - edge[0][1]
        assert len(edge) == len(neck)
        assert all(math.dist((x + dx, y + dy), q) < 0.002 for (x, y), q in zip(edge, neck, strict=True))
        width = facing.bounds[2] - facing.bounds[0]
        assert facing.area_cm2 == pytest.approx(5.0 * width, abs=0.05)  # a band 5 cm deep all along


def test_area_grows_with_size(pattern):
    areas = [pattern.total_area_cm2(size) for size in SLIP_DRESS_SIZES]
    assert areas == sorted(areas) and len(set(areas)) == 5
    assert 9_000 < pattern.total_area_cm2("M") < 11_000


def test_dxf_aama_file_reads_back_the_same_pattern(pattern, tmp_path):
    path = slip_dress_dxf(tmp_path / "SD-02.dxf")
    again = read_dxf_aama(path)
    assert (again.style_name, again.units, again.sample_size) == (SLIP_DRESS_STYLE, "METRIC", "M")
    assert again.pieces == pattern.pieces


def test_one_garment_nests_validly_on_114_cm_silk(pattern):
    pieces, _ = pieces_from_pattern(pattern, {"XL": 1})
    marker = nest(pieces, fabric_width_cm=114, margin_cm=1, time_s=1)
    assert check_marker(marker, usable_width_cm=112, pieces=pieces) == []
    assert len(marker.placements) == 6
    assert marker.piece_area_cm2 == pytest.approx(pattern.total_area_cm2("XL"))


def test_the_pattern_import_stores_it_and_the_stored_version_can_be_altered(brand, tmp_path):
    style = style_create(
        organization=brand.org,
        code="SD-02",
        name=SLIP_DRESS_STYLE,
        category="Dresses",
        sizes=list(SLIP_DRESS_SIZES),
        colourways=["Ivory"],
    )
    with slip_dress_dxf(tmp_path / "SD-02.dxf").open("rb") as dxf:
        version = pattern_import(style=style, dxf=dxf)
    stored = pattern_of(version)
    assert version.sizes == list(SLIP_DRESS_SIZES) and len(stored.pieces) == 25
    assert [p.boundary for p in stored.pieces] == [p.boundary for p in slip_dress_pattern().pieces]
    altered = lower_neckline(stored, piece="Front", facing="Front facing", amount_cm=2)
    assert len(altered.changes) == 10 and all(s.mismatch_mm < 1 for s in altered.seams)
