"""`seamline nest`: a DXF-AAMA pattern in, a valid marker out (JSON, SVG, a DXF for the cutter)."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import ezdxf
import pytest

from seamline.cutting.dxf_aama import read_dxf_aama
from seamline.cutting.outputs import pieces_from_pattern

from .test_dxf_aama import _jacket


def _nest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seamline", "nest", *args], capture_output=True, text=True)


def test_nests_a_pattern_and_writes_every_output(tmp_path):
    pattern_file = _jacket(tmp_path)
    svg, dxf = tmp_path / "marker.svg", tmp_path / "marker.dxf"
    run = _nest(
        str(pattern_file),
        "--width",
        "150",
        "--sizes",
        "S=1,M=2",
        "--time",
        "2",
        "--json",
        "--svg",
        str(svg),
        "--dxf",
        str(dxf),
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    pattern = read_dxf_aama(pattern_file)
    expected, holes = pieces_from_pattern(pattern, {"S": 1, "M": 2})
    count = sum(p.demand * (2 if p.mirror else 1) for p in expected)
    area = sum(p.demand * (2 if p.mirror else 1) * pattern_piece_area(pattern, p.id) for p in expected)
    assert doc["pieces"] == count == len(doc["placements"])
    assert doc["piece_area_cm2"] == pytest.approx(area, rel=1e-6)
    assert doc["utilization"] == pytest.approx(area / (148.0 * doc["length_cm"]), abs=1e-4)  # 1 cm selvedges
    assert "utilization" in run.stderr  # the progress line
    assert len(ET.parse(svg).getroot().findall(".//{http://www.w3.org/2000/svg}polygon")) >= count
    cut = ezdxf.readfile(dxf).modelspace()
    assert len(cut.query('LWPOLYLINE[layer=="CUT"]')) == count
    drilled = sum(len(holes[p["piece"]]) for p in doc["placements"])
    assert len(cut.query('POINT[layer=="DRILL"]')) == drilled


def pattern_piece_area(pattern, piece_id: str) -> float:
    size, _, name = piece_id.partition(":")
    return next(p.area_cm2 for p in pattern.pieces_for(size) if p.name == name)


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    not_dxf = tmp_path / "notes.dxf"
    not_dxf.write_text("these are not the patterns you are looking for")
    run = _nest(str(not_dxf), "--width", "150")
    assert run.returncode == 2 and run.stderr.startswith("seamline: ") and "notes.dxf" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    run = _nest(str(_jacket(tmp_path)), "--width", "150", "--sizes", "S=two")
    assert run.returncode == 2 and "--sizes" in run.stderr
    run = _nest(str(_jacket(tmp_path)), "--width", "150", "--sizes", "XXXL=1")
    assert run.returncode == 2 and "XXXL" in run.stderr
