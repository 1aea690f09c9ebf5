"""Input the database cannot store is refused before it reaches a query (issue #13): NUL characters (400, from
core.middleware), numbers past what a column or an id holds (422 naming the parameter), and JSON values of
the wrong type, which the input schemas no longer convert (422 naming the field)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from seamline.catalog.models import Certification, Material, Style
from seamline.core.schemas import MAX_ID, MAX_INT
from seamline.cutting.models import PatternVersion
from seamline.drops.models import Drop
from tests import factories as f

from .helpers import fields, post, problem

MATERIAL = {"name": "Canvas", "composition": {"cotton": 100}, "weight_gsm": 340, "usable_width_cm": 150}
STYLE = {
    "code": "CJ",
    "name": "Chore jacket",
    "category": "Outerwear",
    "sizes": ["M"],
    "colourways": ["Ecru"],
}


def _nul_refused(response) -> None:
    body = problem(response, 400)
    assert body["type"] == "https://seamline.dev/problems/nul-character"
    assert "NUL" in body["detail"]


# NUL characters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/materials?q=a%00b",
        "/api/v1/styles?q=%00",
        "/api/v1/drops/a%00b/status",
        "/api/v1/facilities?kind=warehouse&q=x%00",
    ],
)
def test_a_nul_in_the_path_or_query_is_a_400_problem(factory, url: str) -> None:
    _nul_refused(factory.api().get(url))


def test_the_epcis_interface_answers_a_nul_with_a_problem_too(factory) -> None:
    response = factory.api().get("/epcis/events?EQ_bizStep=%00")

    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")
    assert response.json()["type"] == "https://seamline.dev/problems/nul-character"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/materials", {**MATERIAL, "name": "Can\x00vas"}),
        ("/api/v1/materials", {**MATERIAL, "composition": {"cot\x00ton": 100}}),
        ("/api/v1/styles", {**STYLE, "name": "Chore\x00jacket"}),
        ("/api/v1/styles", {**STYLE, "sizes": ["M\x00"]}),
    ],
)
def test_a_nul_in_a_json_body_is_a_400_problem_and_nothing_is_written(brand, url: str, body: dict) -> None:
    _nul_refused(post(brand.api(), url, body))  # json.dumps writes the NUL as \u0000

    assert not Material.objects.exists() and not Style.objects.exists()


def test_a_raw_nul_byte_in_a_body_is_a_400_problem(brand) -> None:
    _nul_refused(post(brand.api(), "/api/v1/styles", json.dumps(STYLE).encode().replace(b"CJ", b"C\x00J")))


def test_a_json_nul_is_found_whatever_the_content_type_says(factory) -> None:
    """ninja reads a body as JSON whatever its Content-Type: the guard reads it as sent."""
    facility = f.make_facility(factory.org)
    body = json.dumps({"name": "Floor\x00"})

    response = factory.api().patch(
        f"/api/v1/facilities/{facility.pk}", body, content_type="application/x-www-form-urlencoded"
    )

    _nul_refused(response)


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(brand) -> None:
    """`"C:\\\\u0000"` in JSON is the six characters `C:\\u0000`: stored as they are."""
    response = post(brand.api(), "/api/v1/styles", json.dumps({**STYLE, "name": "C:\\u0000"}))

    assert response.status_code == 201, response.content
    assert Style.objects.get().name == "C:\\u0000"


def test_a_nul_in_a_header_is_a_400_problem(brand) -> None:
    _nul_refused(Client(HTTP_AUTHORIZATION=f"Bearer {brand.token}\x00").get("/api/v1/me"))


def test_an_uploaded_files_bytes_may_hold_nul_but_not_a_form_field(brand) -> None:
    """The file's content is the parser's to judge (a 422 naming the file), never read by the guard."""
    style = f.make_style(brand.org)
    url = f"/api/v1/styles/{style.pk}/patterns"

    content = brand.api().post(url, {"dxf": SimpleUploadedFile("coat.dxf", b"0\nSECTION\n\x00\x00")})
    field = brand.api().post(url, {"dxf": SimpleUploadedFile("coat.dxf", b"0\nEOF\n"), "note": "a\x00"})

    assert fields(problem(content, 422)).keys() == {"dxf"}
    _nul_refused(field)
    assert not PatternVersion.objects.exists()


# Numbers past what the database holds ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/factories", "/api/v1/rolls", "/api/v1/styles", "/api/v1/drops"])
def test_an_offset_past_the_largest_is_422_naming_it(brand, url: str) -> None:
    body = problem(brand.api().get(f"{url}?offset={2**63}"), 422)

    assert list(fields(body)) == ["offset"]
    assert brand.api().get(f"{url}?offset={MAX_INT}").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (f"/api/v1/production-orders?style_id={MAX_ID + 1}", "style_id"),
        (f"/api/v1/rolls?material_id={MAX_ID + 1}", "material_id"),
        (f"/api/v1/styles/{MAX_ID + 1}", "style_id"),
        (f"/api/v1/materials/{MAX_ID + 1}", "material_id"),
        (f"/api/v1/patterns/{MAX_ID + 1}", "pattern_id"),
        ("/api/v1/rolls/0", "roll_id"),
    ],
)
def test_an_id_outside_what_a_key_holds_is_422_naming_it(brand, url: str, name: str) -> None:
    assert list(fields(problem(brand.api().get(url), 422))) == [name]


def test_the_largest_id_is_just_missing(brand) -> None:
    problem(brand.api().get(f"/api/v1/styles/{MAX_ID}"), 404)


def test_a_count_past_its_column_is_422_naming_it(brand, factory) -> None:
    style = f.make_style(brand.org)
    sku = style.variants.first().sku
    drop = {
        "style_id": style.pk,
        "factory_id": factory.org.pk,
        "title": "Too many",
        "prices": {sku: "180.00"},
        "run_cap": MAX_INT + 1,
        "threshold_units": 1,
        "opens_at": "2030-01-01T09:00:00Z",
        "closes_at": "2030-01-02T09:00:00Z",
    }

    assert list(fields(problem(post(brand.api(), "/api/v1/drops", drop), 422))) == ["run_cap"]
    assert not Drop.objects.exists()


# JSON types taken as they are -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        (
            "/api/v1/rolls",
            {"facility_id": "1", "material_id": 1, "roll_id": "R", "length_m": 1},
            "facility_id",
        ),
        (
            "/api/v1/rolls",
            {"facility_id": True, "material_id": 1, "roll_id": "R", "length_m": 1},
            "facility_id",
        ),
        ("/api/v1/rolls", {"facility_id": 1, "material_id": 1, "roll_id": "R", "length_m": True}, "length_m"),
        (
            "/api/v1/rolls",
            {"facility_id": 1, "material_id": 1, "roll_id": "R", "length_m": 1, "received_at": 1700000000},
            "received_at",
        ),
        ("/api/v1/materials", {**MATERIAL, "composition": {"cotton": True}}, "composition.cotton"),
        ("/api/v1/materials", {**MATERIAL, "name": 7}, "name"),
    ],
)
def test_a_value_of_another_json_type_is_not_converted(factory, url: str, payload: dict, field: str) -> None:
    assert field in fields(problem(post(factory.api(), url, payload), 422))


@pytest.mark.parametrize("expires_on", [0, 1767225600, "2030-01-01T00:00:00", "20300101", "2030-02-30"])
def test_a_date_is_only_an_iso_date(factory, expires_on) -> None:
    material = f.make_material(factory.org)
    payload = {"scheme": "GOTS", "certificate_number": "CU-1", "expires_on": expires_on}

    body = problem(post(factory.api(), f"/api/v1/materials/{material.pk}/certifications", payload), 422)

    assert list(fields(body)) == ["expires_on"]
    assert not Certification.objects.exists()


def test_an_iso_date_is_taken(factory) -> None:
    material = f.make_material(factory.org)
    payload = {"scheme": "GOTS", "certificate_number": "CU-1", "expires_on": "2030-01-01"}

    response = post(factory.api(), f"/api/v1/materials/{material.pk}/certifications", payload)

    assert response.status_code == 201, response.content
    assert response.json()["expires_on"] == "2030-01-01"
