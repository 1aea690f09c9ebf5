"""/api/v1/styles: create with SKUs, list, read with BOM and routing, add BOM lines, replace the routing."""

from __future__ import annotations

from seamline.catalog.models import BomLine, Operation, Style
from tests import factories as f

from .helpers import fields, post, problem

URL = "/api/v1/styles"
JACKET = {
    "code": "cj-01",
    "name": "Chore jacket",
    "category": "Outerwear",
    "sizes": ["S", "M"],
    "colourways": ["Ecru"],
}
CONSUMPTION = {"S": "1.700", "M": 1.8, "L": "1.9"}


def test_create_answers_201_with_one_variant_per_size_and_colour(brand) -> None:
    response = post(brand.api(), URL, JACKET)

    assert response.status_code == 201, response.content
    body = response.json()
    style = Style.objects.get()
    assert body["id"] == style.pk
    assert body["code"] == "CJ-01"
    assert body["variant_count"] == 2
    assert [(v["sku"], v["size"], v["colour"]) for v in body["variants"]] == [
        ("CJ-01-ECRU-S", "S", "Ecru"),
        ("CJ-01-ECRU-M", "M", "Ecru"),
    ]
    assert body["bom_lines"] == [] and body["operations"] == []
    assert body["total_sam"] == "0"
    assert body["organization"] == {"id": brand.org.pk, "name": "Echo Park Atelier"}


def test_a_duplicate_code_is_409(brand) -> None:
    assert post(brand.api(), URL, JACKET).status_code == 201

    assert fields(problem(post(brand.api(), URL, JACKET), 409)) == {"code": "Already used by another style."}
    assert Style.objects.count() == 1


def test_a_factory_cannot_create_styles(factory) -> None:
    assert list(fields(problem(post(factory.api(), URL, JACKET), 422))) == ["organization"]
    assert not Style.objects.exists()


def test_sizes_must_be_a_list_of_strings(brand) -> None:
    body = problem(post(brand.api(), URL, {**JACKET, "sizes": "S,M"}), 422)

    assert list(fields(body)) == ["sizes"]


def test_list_filters_by_text_and_category(brand) -> None:
    jacket = f.make_style(brand.org, code="CJ")
    f.make_style(brand.org, code="TS")
    Style.objects.filter(code="TS").update(category="Tops", name="Tee")
    client = brand.api()

    def codes(query: str) -> list[str]:
        response = client.get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return [s["code"] for s in response.json()["items"]]

    assert codes("") == ["CJ", "TS"]
    assert codes("?q=chore") == ["CJ"]
    assert codes("?q=ts") == ["TS"]
    assert codes("?category=outerwear") == ["CJ"]
    assert codes("?category=tops&q=cj") == []
    assert client.get(URL).json()["items"][0]["variant_count"] == jacket.variants.count() == 3


def test_detail_has_variants_bom_and_routing(brand) -> None:
    material = f.make_material(brand.org)
    style = f.make_style(brand.org, material=material)

    response = brand.api().get(f"{URL}/{style.pk}")

    assert response.status_code == 200
    body = response.json()
    assert [v["size"] for v in body["variants"]] == ["S", "M", "L"]
    assert body["bom_lines"] == [
        {
            "id": style.bom_lines.get().pk,
            "material": {"id": material.pk, "name": material.name},
            "placement": "shell",
            "consumption": {"S": "1.700", "M": "1.800", "L": "1.900"},
        }
    ]
    assert [(o["sequence"], o["name"], o["sam"], o["facility_kind"]) for o in body["operations"]] == [
        (1, "Cut", "4.50", "cut_and_sew"),
        (2, "Sew", "30.00", "cut_and_sew"),
    ]
    assert body["total_sam"] == "34.50"


def test_bom_line_add_answers_201(brand) -> None:
    style, material = f.make_style(brand.org), f.make_material(brand.org)
    payload = {"material_id": material.pk, "placement": "shell", "consumption": CONSUMPTION}

    response = post(brand.api(), f"{URL}/{style.pk}/bom-lines", payload)

    assert response.status_code == 201, response.content
    assert response.json()["consumption"] == {"S": "1.700", "M": "1.800", "L": "1.900"}
    assert response.json()["material"] == {"id": material.pk, "name": material.name}


def test_a_bom_line_must_cover_every_size(brand) -> None:
    style, material = f.make_style(brand.org), f.make_material(brand.org)
    payload = {"material_id": material.pk, "placement": "shell", "consumption": {"S": "1.7"}}

    body = problem(post(brand.api(), f"{URL}/{style.pk}/bom-lines", payload), 422)

    assert fields(body) == {"consumption": "No consumption for size(s) M, L."}
    assert not BomLine.objects.exists()


def test_a_bom_line_of_someone_elses_material_is_422_naming_material_id(brand, other_brand) -> None:
    style, material = f.make_style(brand.org), f.make_material(other_brand.org)
    payload = {"material_id": material.pk, "placement": "shell", "consumption": CONSUMPTION}

    assert list(fields(problem(post(brand.api(), f"{URL}/{style.pk}/bom-lines", payload), 422))) == [
        "material_id"
    ]
    assert not BomLine.objects.exists()


def test_routing_put_replaces_the_operations(brand) -> None:
    style = f.make_style(brand.org)
    payload = {
        "operations": [
            {"name": "Cut", "sam": 5},
            {"name": "Sew", "sam": "41.25", "machine": "single needle", "skill_level": 3},
            {"name": "Press", "sam": "3", "facility_kind": "finishing"},
        ]
    }

    response = post(brand.api(), f"{URL}/{style.pk}/routing", payload, method="put")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(o["sequence"], o["name"], o["facility_kind"]) for o in body["operations"]] == [
        (1, "Cut", "cut_and_sew"),
        (2, "Sew", "cut_and_sew"),
        (3, "Press", "finishing"),
    ]
    assert body["total_sam"] == "49.25"
    assert Operation.objects.filter(style=style).count() == 3


def test_a_bad_routing_is_422_naming_the_operation_and_keeps_the_old_one(brand) -> None:
    style = f.make_style(brand.org)
    payload = {"operations": [{"name": "Cut", "sam": 5}, {"name": "Sew", "sam": 0}]}

    body = problem(post(brand.api(), f"{URL}/{style.pk}/routing", payload, method="put"), 422)

    assert list(fields(body)) == ["operations[1].sam"]
    assert list(style.operations.values_list("name", "sam")) == [("Cut", 4.5), ("Sew", 30)]


def test_an_empty_routing_is_422(brand) -> None:
    style = f.make_style(brand.org)

    body = problem(post(brand.api(), f"{URL}/{style.pk}/routing", {"operations": []}, method="put"), 422)

    assert list(fields(body)) == ["operations"]


def test_a_factory_reads_the_style_it_makes_but_cannot_change_it(brand, factory) -> None:
    style, material = f.make_style(brand.org), f.make_material(factory.org)
    f.make_order(brand.org, factory.org, style)
    client = factory.api()

    assert client.get(f"{URL}/{style.pk}").status_code == 200
    assert [s["id"] for s in client.get(URL).json()["items"]] == [style.pk]
    bom = {"material_id": material.pk, "placement": "shell", "consumption": CONSUMPTION}
    problem(post(client, f"{URL}/{style.pk}/bom-lines", bom), 403)
    problem(
        post(client, f"{URL}/{style.pk}/routing", {"operations": [{"name": "X", "sam": 1}]}, method="put"),
        403,
    )
    assert not BomLine.objects.exists()
    assert style.operations.count() == 2
