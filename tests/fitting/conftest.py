"""Shared by the fitting tests: a brand's style with an approved pattern, a factory with rolls, a sheet."""

from __future__ import annotations

import pytest

from seamline.cutting.services import pattern_import
from seamline.fitting.specs import spec_import

from .. import factories as f
from ..cutting.conftest import dxf_file, pattern_in_code

SHEET = (
    "code,name,how_to_measure,tolerance_cm,critical,subject,S,M,L\n"
    "FNL,Front neck drop,HPS to CF neck seam,0.5,yes,neckline,9.0,9.5,10.0\n"
    "CBL,Centre back length,CB neck to hem,1.0,no,length,60.0,62.0,64.0\n"
    "HEM,Hem width,edge to edge,1.0,no,,48.0,50.0,52.0\n"
)


@pytest.fixture
def studio(brand, factory, tmp_path):
    """The brand's style (S, M, L) with pattern v1 approved and a three-point spec sheet; the factory's
    cut-and-sew floor, no rolls yet (each test lays out its own)."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor = f.make_facility(factory.org, kind="cut_and_sew")
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        v1 = pattern_import(style=style, dxf=dxf)
    spec_import(style=style, text=SHEET, organization=brand.org)
    return {"style": style, "material": material, "floor": floor, "v1": v1, "tmp_path": tmp_path}


def import_v2(studio, *, status="review"):
    """Version 2 of the style, 1 cm wider (the file a pattern-maker sends back), based on v1."""
    path = dxf_file(studio["tmp_path"], pattern_in_code({"S": 1, "M": 3, "L": 5}), name="jacket-v2.dxf")
    with path.open("rb") as dxf:
        return pattern_import(
            style=studio["style"], dxf=dxf, based_on=studio["v1"], change_note="1 cm wider", status=status
        )
