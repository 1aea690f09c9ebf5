"""ASTM/AAMA .rul grade rules: parsing, and a base size graded into every size."""

from __future__ import annotations

import io
from pathlib import Path

import ezdxf
import pytest

from seamline.cutting.dxf_aama import read_dxf_aama, write_dxf_aama
from seamline.cutting.grading import grade_piece, parse_rul, read_rul
from seamline.cutting.pattern import PatternError, Piece

RUL = """ASTM/D6673/AAMA-RUL-V1.0
CREATION DATE: 11/27/2026
CREATION TIME: 10:20:04
AUTHOR: Seamline tests
UNITS: METRIC
GRADE RULE TABLE: BODY
NUMBER OF SIZES: 4
SIZE LIST: S M L XL
SAMPLE SIZE: M
RULE: DELTA 1
 0.000, 0.000   0.000, 0.000   0.000, 0.000   0.000, 0.000
RULE: DELTA 2
-2.000, 0.000   0.000, 0.000   2.000, 0.000   4.000, 0.000
RULE: DELTA 3
-2.000,-3.000   0.000, 0.000   2.000, 3.000
 4.000, 6.000
RULE: DELTA 4
 0.000,-3.000   0.000, 0.000   0.000, 3.000   0.000, 6.000
END
"""

# per size: (width, height) of the graded 40 x 60 cm body
BODY_CM = {"S": (38.0, 57.0), "M": (40.0, 60.0), "L": (42.0, 63.0), "XL": (44.0, 66.0)}


def _base_file(
    tmp_path: Path, *, units: str = "METRIC", rules: dict | None = None, scale: float = 1.0
) -> Path:
    """Base size M: a 40 x 60 body whose top edge has an ungraded midpoint, a drill hole, a grain line."""
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    for i, line in enumerate(("Style Name: Smock", f"Units: {units}", "Sample Size: M")):
        msp.add_text(line, height=0.5, dxfattribs={"insert": (0, -i)})
    block = doc.blocks.new("BODY")
    corners = [(0, 0), (40, 0), (40, 60), (20, 60), (0, 60)]
    block.add_lwpolyline([(x / scale, y / scale) for x, y in corners], close=True, dxfattribs={"layer": "1"})
    rules = {(0, 0): 1, (40, 0): 2, (40, 60): 3, (0, 60): 4} if rules is None else rules
    for (x, y), number in rules.items():
        block.add_text(f"#{number}", height=0.5, dxfattribs={"layer": "2", "insert": (x / scale, y / scale)})
    block.add_point((5 / scale, 30 / scale), dxfattribs={"layer": "13"})
    block.add_line((20 / scale, 10 / scale), (20 / scale, 50 / scale), dxfattribs={"layer": "7"})
    for i, line in enumerate(("Piece Name: Body", "Quantity: 1", "Category: shell", "Material: Linen")):
        block.add_text(line, height=0.5, dxfattribs={"layer": "1", "insert": (0, -5 - i)})
    msp.add_blockref("BODY", (0, 0))
    path = tmp_path / "smock.dxf"
    doc.saveas(path)
    return path


def _write_rul(tmp_path: Path, text: str = RUL) -> Path:
    path = tmp_path / "smock.rul"
    path.write_text(text)
    return path


def test_parse_rul_header_sizes_and_deltas():
    table = parse_rul(RUL)
    assert (table.units, table.name, table.sizes, table.sample_size) == (
        "METRIC",
        "BODY",
        ("S", "M", "L", "XL"),
        "M",
    )
    assert [rule.number for rule in table.rules] == [1, 2, 3, 4]
    assert table.rule(3).deltas == ((-2.0, -3.0), (0.0, 0.0), (2.0, 3.0), (4.0, 6.0))
    assert table.delta(2, "XL") == (4.0, 0.0)


def test_read_rul_from_path_and_stream(tmp_path):
    assert read_rul(_write_rul(tmp_path)).sizes == ("S", "M", "L", "XL")
    assert read_rul(io.BytesIO(RUL.encode())).rule(4).deltas[0] == (0.0, -3.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (RUL.replace("UNITS: METRIC", "UNITS: CUBITS"), "unknown unit 'CUBITS'"),
        (RUL.replace("SAMPLE SIZE: M", "SAMPLE SIZE: XXL"), "sample size 'XXL' is not in the size list"),
        (RUL.replace(" 0.000,-3.000   0.000, 0.000", " 0.000,-3.000"), "rule #4 has 6 values, expected 8"),
        (RUL.replace("SIZE LIST: S M L XL", "SIZE LIST:"), "no SIZE LIST"),
    ],
)
def test_bad_rul_files_raise(tmp_path, text, message):
    with pytest.raises(PatternError, match=rf"smock\.rul: {message}"):
        read_rul(_write_rul(tmp_path, text))


def test_base_size_and_rul_give_every_size(tmp_path):
    pattern = read_dxf_aama(_base_file(tmp_path), rul=_write_rul(tmp_path))
    assert pattern.sizes() == ("S", "M", "L", "XL")
    assert pattern.sample_size == "M"
    for size, (w, h) in BODY_CM.items():
        (body,) = pattern.pieces_for(size)
        assert (body.name, body.quantity, body.material) == ("Body", 1, "Linen")
        assert body.area_cm2 == pytest.approx(w * h, abs=1e-9)
        assert body.boundary == ((0.0, 0.0), (w, 0.0), (w, h), (w / 2, h), (0.0, h))
        assert body.grade_rules == (1, 2, 3, None, 4)


def test_features_move_with_the_nearest_boundary_point(tmp_path):
    pattern = read_dxf_aama(_base_file(tmp_path), rul=_write_rul(tmp_path))
    (small,) = pattern.pieces_for("S")
    # (5, 30) is nearest the left edge halfway between rule 4 (0, -3) and rule 1 (0, 0)
    assert len(small.drill_holes) == 1
    assert small.drill_holes[0] == pytest.approx((5.0, 28.5), abs=1e-9)
    # the grain line keeps its direction
    assert small.grain_vector == pytest.approx((0.0, 1.0))


def test_english_base_and_english_rul_convert_to_cm(tmp_path):
    rul = RUL.replace("UNITS: METRIC", "UNITS: ENGLISH")
    pattern = read_dxf_aama(_base_file(tmp_path, units="ENGLISH", scale=2.54), rul=_write_rul(tmp_path, rul))
    (large,) = pattern.pieces_for("L")
    assert large.area_cm2 == pytest.approx((40 + 2 * 2.54) * (60 + 3 * 2.54), abs=1e-9)


def test_graded_pattern_round_trips_as_every_size(tmp_path):
    graded = read_dxf_aama(_base_file(tmp_path), rul=_write_rul(tmp_path))
    out = tmp_path / "every_size.dxf"
    write_dxf_aama(graded, out)
    back = read_dxf_aama(out)
    assert back.sizes() == graded.sizes()
    for a, b in zip(graded.pieces, back.pieces, strict=True):
        assert (a.name, a.size, a.grade_rules) == (b.name, b.size, b.grade_rules)
        assert b.area_cm2 == pytest.approx(a.area_cm2, abs=1e-6)


def test_rule_missing_from_table_names_the_piece(tmp_path):
    base = _base_file(tmp_path, rules={(0, 0): 1, (40, 0): 9})
    with pytest.raises(PatternError, match=r"piece 'Body': grade rule #9 is not in the rule table"):
        read_dxf_aama(base, rul=_write_rul(tmp_path))


def test_rule_text_off_the_boundary_names_the_piece(tmp_path):
    base = _base_file(tmp_path, rules={(10, 10): 1})
    with pytest.raises(
        PatternError, match=r"smock\.dxf: piece 'Body': grade rule #1 at .* is not on a boundary vertex"
    ):
        read_dxf_aama(base)


def test_several_sizes_with_a_rul_is_refused(tmp_path):
    base = _base_file(tmp_path)
    table = parse_rul(RUL.replace("SAMPLE SIZE: M", "SAMPLE SIZE: L"))
    with pytest.raises(
        PatternError, match=r"piece 'Body': size 'M' given with a rule table whose sample size is 'L'"
    ):
        read_dxf_aama(base, rul=table)


def test_grading_that_folds_the_piece_over_raises():
    table = parse_rul(
        "UNITS: METRIC\nSIZE LIST: M XS\nSAMPLE SIZE: M\n"
        "RULE: DELTA 1\n0,0 0,0\nRULE: DELTA 2\n0,0 -5,10\nEND"
    )
    base = Piece(
        name="Tab",
        size="M",
        quantity=1,
        boundary=((0, 0), (10, 0), (10, 5), (0, 5)),
        grade_rules=(1, 2, 1, 1),
    )
    with pytest.raises(PatternError, match=r"piece 'Tab': boundary self-intersects when graded to size 'XS'"):
        grade_piece(base, table, "XS")
