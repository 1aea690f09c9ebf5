"""The ESICUP instances shipped with the benchmark load with their published piece counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seamline.cutting.esicup import load_instance

DATA = Path(__file__).resolve().parents[2] / "bench" / "data" / "nesting"

# name: (strip height, item types, pieces, turns)
EXPECTED = {
    "albano": (4900.0, 8, 24, (0.0, 180.0)),
    "dagli": (60.0, 10, 30, (0.0, 180.0)),
    "mao": (2550.0, 9, 20, (0.0, 90.0, 180.0, 270.0)),
    "marques": (104.0, 8, 24, (0.0, 90.0, 180.0, 270.0)),
    "shirts": (40.0, 8, 99, (0.0, 180.0)),
    "swim": (5752.0, 10, 48, (0.0, 180.0)),
    "trousers": (79.0, 17, 64, (0.0, 180.0)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_instance_loads_with_its_counts(name):
    inst = load_instance(DATA / f"{name}.json")
    height, types, pieces, turns = EXPECTED[name]
    assert inst.name == name
    assert inst.strip_height == height
    assert len(inst.pieces) == types
    assert sum(p.demand for p in inst.pieces) == pieces
    assert {p.allowed_turns for p in inst.pieces} == {turns}
    assert all(p.outline[0] != p.outline[-1] and len(p.outline) >= 3 for p in inst.pieces)


def test_the_licence_travels_with_the_instances():
    assert "MIT" in (DATA / "LICENSE-sparrow-MIT.txt").read_text()


def test_a_file_that_is_not_an_instance_names_the_file(tmp_path):
    bad = tmp_path / "circles.json"
    bad.write_text(
        json.dumps({"strip_height": 5, "items": [{"id": 1, "demand": 1, "shape": {"type": "circle"}}]})
    )
    with pytest.raises(ValueError, match=r"circles\.json"):
        load_instance(bad)
