"""Shared by the cutting room's app tests: a small pattern drafted in code, and a shop to cut it in."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from seamline.cutting.dxf_aama import write_dxf_aama
from seamline.cutting.pattern import Pattern, Piece
from seamline.cutting.services import pattern_import

from .. import factories as f

GSM = Decimal("280")  # factories.make_material


def pattern_in_code(sizes: dict[str, float], *, body_width: float = 30.0) -> Pattern:
    """A body (left/right pair, slanted top, a drill hole) and a patch pocket, per size (extra width)."""
    pieces = []
    for size, extra in sizes.items():
        w = body_width + extra
        pieces.append(
            Piece(
                name="Body",
                size=size,
                quantity=2,
                boundary=((0, 0), (w, 0), (w, 38), (0, 42)),
                grain_line=((w / 2, 2), (w / 2, 36)),
                drill_holes=((10, 20),),
                mirrored_pair=True,
            )
        )
        pieces.append(
            Piece(
                name="Pocket",
                size=size,
                quantity=2,
                boundary=((0, 0), (10, 0), (10, 12), (0, 12)),
                grain_line=((5, 1), (5, 11)),
            )
        )
    return Pattern(style_name="Test jacket", units="METRIC", sample_size="S", pieces=tuple(pieces))


def dxf_file(tmp_path: Path, pattern: Pattern, name: str = "jacket.dxf") -> Path:
    path = tmp_path / name
    write_dxf_aama(pattern, path)
    return path


@pytest.fixture
def shop(brand, factory, tmp_path):
    """A brand's style with a pattern, an order of S 3 and M 2 with the factory, denim rolls in two lots."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor = f.make_facility(factory.org, kind="cut_and_sew")
    recycler = f.make_facility(
        factory.org, kind="fibre_recycler", zip_code="90280", name="South Gate recycler"
    )
    rolls = [
        f.make_roll(floor, material, length_m="5.000", shade_lot="A"),
        f.make_roll(floor, material, length_m="5.000", shade_lot="A"),
        f.make_roll(floor, material, length_m="6.000", shade_lot="B"),
    ]
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        version = pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=3, M=2)
    return {
        "material": material,
        "style": style,
        "version": version,
        "order": order,
        "rolls": rolls,
        "recycler": recycler,
    }


# A 1 m table holds two-garment markers; a 60 cm one only single garments (two 1 s nests: fast tests).
SETTINGS = {"max_marker_length_cm": "100", "seconds_per_garment": 1, "max_plies": 3, "overcut_max": 1}
FAST = {**SETTINGS, "max_marker_length_cm": "60"}
