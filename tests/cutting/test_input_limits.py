"""Issue #13 in the cutting room: a pattern's size and piece count are bounded (the API and the page name the
file), the API reads the multipart .rul part, and roll meters are exact Decimals on both databases."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from seamline.catalog.models import FabricRoll
from seamline.catalog.services import roll_meters_take, style_create
from seamline.core.errors import ConflictError
from seamline.cutting.models import PatternVersion
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut
from tests.api.helpers import fields, problem

from .. import factories as f
from .conftest import FAST, dxf_file, pattern_in_code
from .test_grading import _base_file, _write_rul


def _upload(api: Client, style, **files):
    parts = {name: SimpleUploadedFile(path.name, path.read_bytes()) for name, path in files.items()}
    return api.post(f"/api/v1/styles/{style.pk}/patterns", parts)


# Pattern limits -------------------------------------------------------------------------------------------


def test_a_pattern_file_over_the_size_limit_is_422_naming_the_file(brand, tmp_path, settings) -> None:
    path = dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2}), name="big-coat.dxf")
    settings.SEAMLINE_PATTERN_MAX_BYTES = path.stat().st_size - 1

    body = problem(_upload(brand.api(), f.make_style(brand.org), dxf=path), 422)

    assert list(fields(body)) == ["dxf"]
    assert fields(body)["dxf"].startswith("big-coat.dxf: ") and "a pattern file may be" in fields(body)["dxf"]
    assert not PatternVersion.objects.exists()


def test_a_pattern_over_the_piece_limit_is_422_naming_the_file_and_the_count(
    brand, tmp_path, settings
) -> None:
    settings.SEAMLINE_PATTERN_MAX_PIECES = 3
    path = dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2}))  # 2 pieces a size

    body = problem(_upload(brand.api(), f.make_style(brand.org), dxf=path), 422)

    assert fields(body) == {
        "dxf": "jacket.dxf: 4 pieces (every size), more than the 3 a pattern version may hold"
    }
    assert not PatternVersion.objects.exists()


def test_a_name_with_a_nul_character_in_the_file_is_422_naming_the_file(brand, tmp_path) -> None:
    """The guard never reads an upload's bytes; the import refuses the text it would store."""
    pattern = pattern_in_code({"S": 0})
    pieces = tuple(replace(piece, name=f"{piece.name}\x00") for piece in pattern.pieces)
    path = dxf_file(tmp_path, replace(pattern, pieces=pieces), name="coat.dxf")

    body = problem(_upload(brand.api(), f.make_style(brand.org), dxf=path), 422)

    assert fields(body) == {"dxf": "coat.dxf: a name in the file holds a NUL character"}
    assert not PatternVersion.objects.exists()


def test_the_upload_page_shows_the_size_limit_on_the_file_field(brand, tmp_path, settings) -> None:
    path = dxf_file(tmp_path, pattern_in_code({"S": 0}), name="big-coat.dxf")
    settings.SEAMLINE_PATTERN_MAX_BYTES = 100
    style = f.make_style(brand.org)

    response = brand.client().post(
        reverse("cutting:pattern_import", args=[style.pk]),
        {"dxf": SimpleUploadedFile(path.name, path.read_bytes())},
    )

    assert response.status_code == 422
    assert "big-coat.dxf: " in response.content.decode()
    assert response.context["form"].errors["dxf"][0].startswith("big-coat.dxf: ")


def test_a_multipart_request_over_the_upload_limit_is_413_before_it_is_read(
    brand, tmp_path, settings
) -> None:
    path = dxf_file(tmp_path, pattern_in_code({"S": 0}))
    settings.SEAMLINE_UPLOAD_MAX_BYTES = 1000
    style = f.make_style(brand.org)

    api = problem(_upload(brand.api(), style, dxf=path), 413)
    page = brand.client().post(
        reverse("cutting:pattern_import", args=[style.pk]),
        {"dxf": SimpleUploadedFile(path.name, path.read_bytes())},
    )

    assert api["type"].endswith("/too-large") and api["detail"].endswith("at most 1,000 bytes.")
    assert page.status_code == 413 and page["Content-Type"].startswith("text/html")
    assert not PatternVersion.objects.exists()


# The .rul part ------------------------------------------------------------------------------------------


def test_the_api_reads_the_rul_part_and_grades_the_sample_size(brand, tmp_path) -> None:
    style = style_create(
        organization=brand.org,
        code="SM",
        name="Smock",
        category="Tops",
        sizes=["S", "M", "L", "XL"],
        colourways=["Linen"],
    )

    response = _upload(brand.api(), style, dxf=_base_file(tmp_path), rul=_write_rul(tmp_path))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["graded"], body["sizes"], body["source_name"]) == (
        True,
        ["S", "M", "L", "XL"],
        "smock.dxf + smock.rul",
    )


def test_the_openapi_document_has_the_rul_in_the_multipart_body(db) -> None:
    operation = (
        Client().get("/api/v1/openapi.json").json()["paths"]["/api/v1/styles/{style_id}/patterns"]["post"]
    )

    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["properties"]) == {"dxf", "rul"} and body["required"] == ["dxf"]
    assert [p["name"] for p in operation["parameters"]] == ["style_id"]  # no `rul` query parameter
    assert {"413", "422"} <= set(operation["responses"])


# Roll meters ----------------------------------------------------------------------------------------------


def _stored_meters(roll_pk: int) -> Decimal:
    """The column's value as the database holds it (SQLite: a REAL), not as the model's field rounds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT remaining_m FROM catalog_fabricroll WHERE id = %s", [roll_pk])
        return Decimal(str(cursor.fetchone()[0]))


def test_taking_meters_writes_the_exact_decimal(brand, factory) -> None:
    """50 - 9.862 in SQLite's floating point was 40.138000000000005; computed in Decimal it is 40.138."""
    roll = f.make_roll(f.make_facility(factory.org), f.make_material(brand.org), length_m="50.000")

    left = roll_meters_take(roll_pk=roll.pk, meters=Decimal("9.862"))
    for _ in range(7):
        left = roll_meters_take(roll_pk=roll.pk, meters=Decimal("0.1"))

    assert left == Decimal("39.438")
    assert _stored_meters(roll.pk) == Decimal("39.438")


def test_taking_more_than_a_roll_holds_is_a_conflict_and_takes_nothing(brand, factory) -> None:
    roll = f.make_roll(f.make_facility(factory.org), f.make_material(brand.org), length_m="1.000")

    with pytest.raises(ConflictError, match=r"has 1\.000 m left"):
        roll_meters_take(roll_pk=roll.pk, meters=Decimal("1.001"))

    assert FabricRoll.objects.get(pk=roll.pk).remaining_m == Decimal("1.000")


def _drifting(meters: Decimal) -> Decimal:
    """A roll length whose difference with `meters` in floating point (SQLite's arithmetic) is not exact."""
    lengths = (Decimal("40.138") + Decimal(k) / 1000 for k in range(1000))
    return next(r for r in lengths if Decimal(repr(float(r) - float(meters))) != r - meters)


def test_cutting_a_lay_leaves_exact_meters_on_its_rolls(shop, factory) -> None:
    plan = cut_plan_run(cut_plan_request(order=shop["order"], organization=factory.org, **FAST).pk)
    lay = plan.lays.first()
    uses = list(lay.roll_uses.all())
    before = {}
    for use in uses:  # lengths the planner never chose, so that F("remaining_m") - meters would drift
        before[use.roll_id] = _drifting(use.meters)
        FabricRoll.objects.filter(pk=use.roll_id).update(
            length_m=before[use.roll_id], remaining_m=before[use.roll_id]
        )

    lay_cut(lay=lay, organization=factory.org)

    for use in uses:
        assert _stored_meters(use.roll_id) == before[use.roll_id] - use.meters
