"""Every failure answers RFC 9457 problem details (application/problem+json) and writes nothing."""

from __future__ import annotations

import pytest

from seamline.catalog.models import FabricRoll, Material, Style
from tests import factories as f

from .helpers import PROBLEM_JSON, fields, post, problem

MATERIAL = {"name": "Canvas", "composition": {"cotton": 100}, "weight_gsm": 340, "usable_width_cm": 150}


@pytest.mark.parametrize(
    "body",
    ['{"name": "Canvas", ', "name=Canvas&kind=fabric", "{'name': 'Canvas'}", b'{"name": "\xc3\x28"}'],
    ids=["truncated", "form-encoded", "single-quotes", "not-utf8"],
)
def test_a_body_that_is_not_json_is_400_naming_the_problem(factory, body: str | bytes) -> None:
    response = post(factory.api(), "/api/v1/materials", body)

    problem_body = problem(response, 400)
    assert problem_body["type"] == "https://seamline.dev/problems/malformed-json"
    assert problem_body["title"] == "Malformed request body"
    assert problem_body["detail"].startswith("The request body is not valid JSON: ")
    assert list(fields(problem_body)) == ["body"]
    assert not Material.objects.exists()


def test_malformed_json_names_where_it_broke(factory) -> None:
    body = problem(post(factory.api(), "/api/v1/materials", '{"name": "Canvas",}'), 400)

    assert "line 1 column 19" in body["detail"]


def test_missing_fields_are_422_naming_each(factory) -> None:
    body = problem(post(factory.api(), "/api/v1/materials", {"kind": "fabric"}), 422)

    assert body["type"] == "https://seamline.dev/problems/validation-error"
    assert fields(body) == {"name": "Field required", "composition": "Field required"}
    assert body["detail"] == "Invalid field(s): name, composition"


def test_an_empty_json_object_is_422(factory) -> None:
    body = problem(post(factory.api(), "/api/v1/styles", {}), 422)

    assert set(fields(body)) == {"code", "name", "category", "sizes", "colourways"}


def test_a_json_array_body_is_422(factory) -> None:
    problem(post(factory.api(), "/api/v1/materials", [MATERIAL]), 422)
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/materials", {**MATERIAL, "weight_gsm": [340]}, "weight_gsm"),
        ("/api/v1/materials", {**MATERIAL, "composition": {"cotton": "most"}}, "composition.cotton"),
        ("/api/v1/materials", {**MATERIAL, "composition": ["cotton"]}, "composition"),
        (
            "/api/v1/styles",
            {"code": "X", "name": "X", "category": "X", "sizes": [["S"]], "colourways": []},
            "sizes[0]",
        ),
        (
            "/api/v1/rolls",
            {"facility_id": "one", "material_id": 1, "roll_id": "R", "length_m": 1},
            "facility_id",
        ),
        (
            "/api/v1/facilities",
            {"name": "X", "kind": "warehouse", "street": "X", "zip_code": 90021},
            "zip_code",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_422_naming_the_field(
    factory, url: str, payload: dict, field: str
) -> None:
    body = problem(post(factory.api(), url, payload), 422)

    assert list(fields(body)) == [field]
    assert not (Material.objects.exists() or Style.objects.exists() or FabricRoll.objects.exists())


def test_a_path_id_that_is_not_a_number_is_422_naming_it(factory) -> None:
    assert list(fields(problem(factory.api().get("/api/v1/materials/abc"), 422))) == ["material_id"]


def test_a_query_parameter_of_the_wrong_type_is_422_naming_it(factory) -> None:
    assert list(fields(problem(factory.api().get("/api/v1/rolls?in_stock=perhaps"), 422))) == ["in_stock"]


def test_a_domain_error_lists_every_bad_field(factory) -> None:
    payload = {**MATERIAL, "name": " ", "country_of_origin": "USA", "currency": "dollars"}

    body = problem(post(factory.api(), "/api/v1/materials", payload), 422)

    assert body["title"] == "Invalid input"
    assert body["detail"] == "The material is not valid"
    assert set(fields(body)) == {"name", "country_of_origin", "currency"}
    assert body["instance"] == "/api/v1/materials"


def test_a_404_is_problem_details_too(factory) -> None:
    body = problem(factory.api().get("/api/v1/production-orders/424242?x=1"), 404)

    assert body == {
        "type": "https://seamline.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such production order.",
        "instance": "/api/v1/production-orders/424242?x=1",
    }


def test_success_is_plain_json(factory) -> None:
    f.make_material(factory.org)

    response = factory.api().get("/api/v1/materials")

    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Type"] != PROBLEM_JSON
