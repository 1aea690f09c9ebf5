"""DXF-AAMA import and export, on files written here with ezdxf."""

from __future__ import annotations

import io
import math
from pathlib import Path

import ezdxf
import pytest

from seamline.cutting.dxf_aama import read_dxf_aama, write_dxf_aama
from seamline.cutting.pattern import Pattern, PatternError, Piece

IN2 = 2.54**2
WIDTHS_IN = {"S": 9.0, "M": 10.0, "L": 11.0}


def _texts(block, **fields: object) -> None:
    for i, (key, value) in enumerate(fields.items()):
        block.add_text(
            f"{key.replace('_', ' ').title()}: {value}",
            height=0.2,
            dxfattribs={"layer": "1", "insert": (0, -1 - i)},
        )


def _new_doc(units: str = "ENGLISH", style: str = "Chore Jacket", sample: str = "M"):
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    for i, line in enumerate((f"Style Name: {style}", f"Units: {units}", f"Sample Size: {sample}")):
        msp.add_text(line, height=0.2, dxfattribs={"insert": (0, -i)})
    return doc


def _add_front(doc, size: str, w: float) -> None:
    """Rectangle w x 20 in with a half-circle of radius w/2 on top, two drill holes, a notch."""
    block = doc.blocks.new(f"FRONT_{size}")
    block.add_lwpolyline(
        [(0, 0, 0), (w, 0, 0), (w, 20, 1), (0, 20, 0)], format="xyb", close=True, dxfattribs={"layer": "1"}
    )
    block.add_line((w / 2, 1), (w / 2, 19), dxfattribs={"layer": "7"})
    block.add_point((w / 2, 5), dxfattribs={"layer": "13"})
    block.add_point((w / 2, 10), dxfattribs={"layer": "13"})
    block.add_line((0.25, 10), (0, 10), dxfattribs={"layer": "4"})
    block.add_lwpolyline([(2, 2), (2, 8)], dxfattribs={"layer": "8"})
    block.add_lwpolyline(
        [(0.5, 0.5), (w - 0.5, 0.5), (w - 0.5, 19.5), (0.5, 19.5)], close=True, dxfattribs={"layer": "14"}
    )
    _texts(block, piece_name="Front", size=size, quantity=1, category="Shell", material="Selvedge denim")
    doc.modelspace().add_blockref(block.name, (0, 0))


def _add_sleeve(doc, size: str, w: float) -> None:
    """Trapezoid drawn as four LINEs in mixed directions; a mirrored left/right pair."""
    block = doc.blocks.new(f"SLEEVE_{size}")
    a, b, c, d = (0, 0), (w + 6, 0), (w + 4, 24), (2, 24)
    for start, end in ((a, b), (c, b), (c, d), (a, d)):
        block.add_line(start, end, dxfattribs={"layer": "1"})
    block.add_line((w / 2 + 3, 2), (w / 2 + 3, 22), dxfattribs={"layer": "7"})
    _texts(
        block,
        piece_name="Sleeve",
        size=size,
        quantity=2,
        category="shell",
        material="Selvedge denim",
        mirrored="Yes",
    )
    doc.modelspace().add_blockref(block.name, (0, 0))


def _add_facing(doc, size: str, w: float) -> None:
    """A fusing strip as an old-style closed POLYLINE."""
    block = doc.blocks.new(f"FACING_{size}")
    block.add_polyline2d([(0, 0), (3, 0), (3, w + 10), (0, w + 10)], close=True, dxfattribs={"layer": "1"})
    _texts(block, piece_name="Facing", size=size, quantity=2, category="fusing", material="Woven fusible")
    doc.modelspace().add_blockref(block.name, (0, 0))


def _jacket(tmp_path: Path) -> Path:
    doc = _new_doc()
    for size, w in WIDTHS_IN.items():
        _add_front(doc, size, w)
        _add_sleeve(doc, size, w)
        _add_facing(doc, size, w)
    path = tmp_path / "jacket.dxf"
    doc.saveas(path)
    return path


def _one_piece(tmp_path: Path, name: str, *, units: str = "METRIC", **texts: object) -> Path:
    doc = _new_doc(units=units)
    block = doc.blocks.new("P")
    block.add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], close=True, dxfattribs={"layer": "1"})
    _texts(block, piece_name=name, **texts)
    doc.modelspace().add_blockref("P", (0, 0))
    path = tmp_path / f"{name.lower()}.dxf"
    doc.saveas(path)
    return path


def _flat(value) -> list[float]:
    """Nested tuples of coordinates as one flat list, for pytest.approx."""
    if isinstance(value, int | float):
        return [float(value)]
    return [x for item in value for x in _flat(item)]


def _front_area_in2(w: float) -> float:
    return 20 * w + math.pi * (w / 2) ** 2 / 2


def test_reads_style_sizes_and_counts(tmp_path):
    pattern = read_dxf_aama(_jacket(tmp_path))
    assert (pattern.style_name, pattern.units, pattern.sample_size) == ("Chore Jacket", "ENGLISH", "M")
    assert pattern.sizes() == ("S", "M", "L")
    assert len(pattern.pieces) == 9
    assert [p.name for p in pattern.pieces_for("L")] == ["Front", "Sleeve", "Facing"]
    assert [(p.quantity, p.category, p.mirrored_pair) for p in pattern.pieces_for("S")] == [
        (1, "shell", False),
        (2, "shell", True),
        (2, "fusing", False),
    ]
    assert pattern.pieces_for("M")[0].material == "Selvedge denim"


def test_straight_pieces_have_exact_areas_in_cm2(tmp_path):
    pattern = read_dxf_aama(_jacket(tmp_path))
    for size, w in WIDTHS_IN.items():
        _, sleeve, facing = pattern.pieces_for(size)
        assert sleeve.area_cm2 == pytest.approx((w + 4) * 24 * IN2, abs=1e-9)
        assert facing.area_cm2 == pytest.approx(3 * (w + 10) * IN2, abs=1e-9)
        assert len(sleeve.boundary) == 4


def test_arc_is_flattened_within_tolerance(tmp_path):
    pattern = read_dxf_aama(_jacket(tmp_path))
    for size, w in WIDTHS_IN.items():
        front = pattern.pieces_for(size)[0]
        exact = _front_area_in2(w) * IN2
        arc_length_cm = math.pi * w / 2 * 2.54
        # every chord is within 0.05 cm of the arc, so the lost area is under length x 0.05
        assert exact - arc_length_cm * 0.05 < front.area_cm2 < exact
        assert len(front.boundary) > 8
        top = max(y for _, y in front.boundary)
        assert top == pytest.approx((20 + w / 2) * 2.54, abs=0.05)


def test_grain_drill_holes_notches_and_lines_in_cm(tmp_path):
    front, sleeve, facing = read_dxf_aama(_jacket(tmp_path)).pieces_for("M")
    assert _flat(front.grain_line) == pytest.approx([12.7, 2.54, 12.7, 19 * 2.54])
    assert front.grain_vector == pytest.approx((0.0, 1.0))
    assert sleeve.grain_vector == pytest.approx((0.0, 1.0))
    assert facing.grain_line is None
    assert _flat(front.drill_holes) == pytest.approx([12.7, 12.7, 12.7, 25.4])
    assert _flat(front.notches) == pytest.approx([0.0, 25.4])
    assert _flat(front.internal_lines) == pytest.approx([5.08, 5.08, 5.08, 20.32])
    assert len(front.sew_line) == 5
    assert front.sew_line[0] == pytest.approx(front.sew_line[-1])


def test_reads_a_binary_stream(tmp_path):
    data = _jacket(tmp_path).read_bytes()
    pattern = read_dxf_aama(io.BytesIO(data))
    assert len(pattern.pieces) == 9


def test_metric_insunits_millimetres(tmp_path):
    doc = _new_doc(units="METRIC")
    doc.header["$INSUNITS"] = 4
    block = doc.blocks.new("P")
    block.add_lwpolyline([(0, 0), (100, 0), (100, 50), (0, 50)], close=True, dxfattribs={"layer": "1"})
    _texts(block, piece_name="Pocket", size="M", quantity=2)
    path = tmp_path / "mm.dxf"
    doc.saveas(path)
    assert read_dxf_aama(path).pieces[0].area_cm2 == pytest.approx(50.0, abs=1e-12)


def test_round_trip_keeps_every_piece(tmp_path):
    first = read_dxf_aama(_jacket(tmp_path))
    out = tmp_path / "out.dxf"
    write_dxf_aama(first, out)
    second = read_dxf_aama(out)
    assert (second.style_name, second.units, second.sample_size) == ("Chore Jacket", "ENGLISH", "M")
    assert len(second.pieces) == len(first.pieces)
    for a, b in zip(first.pieces, second.pieces, strict=True):
        assert (a.name, a.size, a.quantity, a.category, a.material, a.mirrored_pair) == (
            b.name,
            b.size,
            b.quantity,
            b.category,
            b.material,
            b.mirrored_pair,
        )
        assert b.area_cm2 == pytest.approx(a.area_cm2, abs=1e-6)
        assert _flat(b.boundary) == pytest.approx(_flat(a.boundary), abs=1e-9)
        assert _flat(b.drill_holes) == pytest.approx(_flat(a.drill_holes), abs=1e-9)
        assert _flat(b.notches) == pytest.approx(_flat(a.notches), abs=1e-9)
        assert (b.grain_line is None) == (a.grain_line is None)
        if a.grain_line:
            assert _flat(b.grain_line) == pytest.approx(_flat(a.grain_line), abs=1e-9)


def test_round_trip_metric_pattern_built_in_code(tmp_path):
    piece = Piece(
        name="Yoke",
        size="XL",
        quantity=1,
        category="lining",
        material="Cotton voile",
        boundary=((0.0, 0.0), (30.0, 0.0), (30.0, 12.5), (0.0, 12.5)),
        grain_line=((15.0, 1.0), (15.0, 11.0)),
        grade_rules=(1, 2, 3, 4),
    )
    out = tmp_path / "yoke.dxf"
    write_dxf_aama(Pattern(style_name="Shirt", units="METRIC", sample_size="XL", pieces=(piece,)), out)
    back = read_dxf_aama(out).pieces[0]
    assert back == piece


def test_not_a_dxf_file_names_the_file(tmp_path):
    path = tmp_path / "notes.dxf"
    path.write_text("these are not the pieces you are looking for\n")
    with pytest.raises(PatternError, match=r"notes\.dxf.*not a DXF"):
        read_dxf_aama(path)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(PatternError, match=r"gone\.dxf"):
        read_dxf_aama(tmp_path / "gone.dxf")


def test_open_boundary_names_the_piece(tmp_path):
    doc = _new_doc(units="METRIC")
    block = doc.blocks.new("P")
    block.add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], close=False, dxfattribs={"layer": "1"})
    _texts(block, piece_name="Pocket", size="M", quantity=1)
    path = tmp_path / "open.dxf"
    doc.saveas(path)
    with pytest.raises(PatternError, match=r"open\.dxf: piece 'Pocket': open boundary"):
        read_dxf_aama(path)


def test_self_intersecting_boundary_names_the_piece(tmp_path):
    doc = _new_doc(units="METRIC")
    block = doc.blocks.new("P")
    block.add_lwpolyline([(0, 0), (10, 10), (10, 0), (0, 10)], close=True, dxfattribs={"layer": "1"})
    _texts(block, piece_name="Bowtie", size="M", quantity=1)
    path = tmp_path / "bow.dxf"
    doc.saveas(path)
    with pytest.raises(PatternError, match=r"piece 'Bowtie': self-intersecting"):
        read_dxf_aama(path)


def test_zero_quantity_names_the_piece(tmp_path):
    with pytest.raises(PatternError, match=r"piece 'Cuff': quantity must be a positive"):
        read_dxf_aama(_one_piece(tmp_path, "Cuff", size="M", quantity=0))


def test_missing_quantity_names_the_piece(tmp_path):
    with pytest.raises(PatternError, match=r"cuff\.dxf: piece 'Cuff': missing Quantity"):
        read_dxf_aama(_one_piece(tmp_path, "Cuff", size="M"))


def test_unknown_unit_names_the_file(tmp_path):
    with pytest.raises(PatternError, match=r"cuff\.dxf: unknown unit 'FURLONGS'"):
        read_dxf_aama(_one_piece(tmp_path, "Cuff", units="FURLONGS", size="M", quantity=1))


def test_unknown_category_names_the_piece(tmp_path):
    with pytest.raises(PatternError, match=r"piece 'Cuff': unknown category 'velvet'"):
        read_dxf_aama(_one_piece(tmp_path, "Cuff", size="M", quantity=1, category="Velvet"))


def test_no_pieces_for_a_size(tmp_path):
    pattern = read_dxf_aama(_jacket(tmp_path))
    with pytest.raises(PatternError, match=r"jacket\.dxf: no pieces for size 'XXL'"):
        pattern.pieces_for("XXL")


def test_metric_defaults_to_centimetres(tmp_path):
    (cuff,) = read_dxf_aama(_one_piece(tmp_path, "Cuff", size="M", quantity=1)).pieces
    assert cuff.area_cm2 == pytest.approx(100.0, abs=1e-12)
    assert (cuff.category, cuff.material, cuff.mirrored_pair) == ("shell", "", False)


def test_boundary_of_lines_and_an_arc_entity(tmp_path):
    doc = _new_doc(units="METRIC")
    block = doc.blocks.new("P")
    block.add_line((0, 0), (10, 0), dxfattribs={"layer": "1"})
    block.add_arc((10, 5), 5, -90, 90, dxfattribs={"layer": "1"})
    block.add_line((0, 10), (10, 10), dxfattribs={"layer": "1"})
    block.add_line((0, 10), (0, 0), dxfattribs={"layer": "1"})
    _texts(block, piece_name="Tab", size="M", quantity=4, category="lining")
    path = tmp_path / "tab.dxf"
    doc.saveas(path)
    (tab,) = read_dxf_aama(path).pieces
    exact = 100 + math.pi * 25 / 2
    assert exact - math.pi * 5 * 0.05 < tab.area_cm2 < exact
    assert max(x for x, _ in tab.boundary) == pytest.approx(15.0, abs=0.05)
    assert (tab.quantity, tab.category) == (4, "lining")


def test_write_refuses_an_unknown_unit(tmp_path):
    piece = Piece(name="Tab", size="M", quantity=1, boundary=((0, 0), (1, 0), (1, 1)))
    with pytest.raises(PatternError, match="unknown unit 'PARSECS'"):
        write_dxf_aama(
            Pattern(style_name="X", units="PARSECS", sample_size="M", pieces=(piece,)), tmp_path / "x.dxf"
        )
