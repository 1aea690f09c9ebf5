"""/api/v1/materials: create, list with filters, read, certify."""

from __future__ import annotations

from seamline.catalog.models import Certification, Material
from seamline.catalog.services import certification_add, material_create
from tests import factories as f

from .helpers import fields, post, problem

URL = "/api/v1/materials"
TWILL = {
    "name": "Organic cotton twill",
    "composition": {"Cotton": 98, "elastane": "2"},
    "weight_gsm": "280",
    "usable_width_cm": 148.5,
    "mill": "Candiani",
    "country_of_origin": "it",
    "price_per_m": "12.5",
}


def test_create_answers_201_with_the_material(factory) -> None:
    response = post(factory.api(), URL, TWILL)

    assert response.status_code == 201, response.content
    body = response.json()
    material = Material.objects.get()
    assert body == {
        "id": material.pk,
        "name": "Organic cotton twill",
        "kind": "fabric",
        "composition": {"cotton": "98.00", "elastane": "2.00"},
        "weight_gsm": "280.0",
        "usable_width_cm": "148.5",
        "supplier": "",
        "mill": "Candiani",
        "country_of_origin": "IT",
        "price_per_m": "12.50",
        "currency": "USD",
        "construction": "",
        "dyeing": "",
        "warp_share_pct": None,
        "yarn_dtex": None,
        "mill_port": "",
        "organization": {"id": factory.org.pk, "name": "Alameda Street Sewing"},
        "certifications": [],
        "created_at": body["created_at"],
    }
    assert body["created_at"].endswith("Z")


def test_the_construction_is_recorded_and_checked(factory) -> None:
    denim = {
        **TWILL,
        "construction": "woven_shuttle",
        "dyeing": "warp_indigo_rope",
        "warp_share_pct": "61",
        "yarn_dtex": 844,
        "mill_port": "jpukb",
    }
    body = post(factory.api(), URL, denim).json()
    assert (body["construction"], body["warp_share_pct"], body["yarn_dtex"], body["mill_port"]) == (
        "woven_shuttle",
        "61.00",
        "844.0",
        "JPUKB",
    )
    bad = {**denim, "construction": "felted", "warp_share_pct": 0, "mill_port": "Kobe!"}
    response = post(factory.api(), URL, bad)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"construction", "warp_share_pct", "mill_port"} <= fields and Material.objects.count() == 1


def test_a_composition_not_summing_to_100_is_422_and_writes_nothing(factory) -> None:
    response = post(factory.api(), URL, {**TWILL, "composition": {"cotton": 90, "elastane": 2}})

    body = problem(response, 422)
    assert fields(body) == {"composition": "Fibre percentages must sum to 100 (they sum to 92)."}
    assert body["type"] == "https://seamline.dev/problems/validation-error"
    assert not Material.objects.exists()


def test_a_fabric_needs_weight_and_width(factory) -> None:
    response = post(factory.api(), URL, {"name": "Jersey", "composition": {"cotton": 100}})

    assert set(fields(problem(response, 422))) == {"weight_gsm", "usable_width_cm"}
    assert not Material.objects.exists()


def test_a_trim_needs_no_weight(factory) -> None:
    response = post(
        factory.api(), URL, {"name": "Corozo button", "kind": "trim", "composition": {"corozo": 100}}
    )

    assert response.status_code == 201, response.content
    assert response.json()["weight_gsm"] is None


def test_an_unknown_kind_is_422_naming_kind(factory) -> None:
    response = post(factory.api(), URL, {**TWILL, "kind": "leather"})

    assert list(fields(problem(response, 422))) == ["kind"]


def test_list_filters_by_kind_and_text(factory) -> None:
    twill = f.make_material(factory.org, name="Cotton twill")
    denim = f.make_material(factory.org, name="Selvedge denim")
    button = material_create(
        organization=factory.org, name="Denim button", kind="trim", composition={"corozo": 100}
    )
    client = factory.api()

    def names(query: str) -> list[str]:
        response = client.get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return [m["name"] for m in response.json()["items"]]

    assert names("") == [twill.name, button.name, denim.name]
    assert names("?kind=trim") == ["Denim button"]
    assert names("?q=denim") == ["Denim button", "Selvedge denim"]
    assert names("?q=denim&kind=fabric") == ["Selvedge denim"]
    assert names("?q=wool") == []


def test_detail_answers_the_material_with_its_certifications(brand) -> None:
    material = f.make_material(brand.org)
    certification_add(material=material, scheme="GOTS", certificate_number="CU-1", expires_on="2030-01-31")

    response = brand.api().get(f"{URL}/{material.pk}")

    assert response.status_code == 200
    assert response.json()["certifications"] == [
        {
            "id": material.certifications.get().pk,
            "scheme": "GOTS",
            "certificate_number": "CU-1",
            "expires_on": "2030-01-31",
        }
    ]


def test_an_unknown_material_is_404(brand) -> None:
    body = problem(brand.api().get(f"{URL}/999999"), 404)

    assert body["type"] == "https://seamline.dev/problems/not-found"


def test_certification_add_answers_201(brand) -> None:
    material = f.make_material(brand.org)
    payload = {
        "scheme": "OEKO-TEX Standard 100",
        "certificate_number": "23.HUS.12345",
        "expires_on": "2027-06-30",
    }

    response = post(brand.api(), f"{URL}/{material.pk}/certifications", payload)

    assert response.status_code == 201, response.content
    assert response.json() == {"id": material.certifications.get().pk, **payload}


def test_certification_with_a_bad_date_is_422_naming_expires_on(brand) -> None:
    material = f.make_material(brand.org)
    payload = {"scheme": "GOTS", "certificate_number": "1", "expires_on": "next spring"}

    response = post(brand.api(), f"{URL}/{material.pk}/certifications", payload)

    assert list(fields(problem(response, 422))) == ["expires_on"]
    assert not Certification.objects.exists()


def test_a_factory_reads_but_cannot_certify_a_brands_fabric_it_holds(brand, factory) -> None:
    material = f.make_material(brand.org)
    f.make_roll(f.make_facility(factory.org), material)
    payload = {"scheme": "GOTS", "certificate_number": "1", "expires_on": "2030-01-01"}

    assert factory.api().get(f"{URL}/{material.pk}").status_code == 200
    response = post(factory.api(), f"{URL}/{material.pk}/certifications", payload)

    assert problem(response, 403)["type"] == "https://seamline.dev/problems/forbidden"
    assert not Certification.objects.exists()


def test_a_country_that_does_not_exist_is_422_naming_country_of_origin(factory) -> None:
    response = post(factory.api(), URL, {**TWILL, "country_of_origin": "ZZ"})

    assert fields(problem(response, 422)) == {
        "country_of_origin": "'ZZ' is not an ISO 3166-1 country code (two letters, e.g. JP or US)."
    }
    assert not Material.objects.exists()


def test_an_absurd_width_or_weight_is_422_naming_the_field(factory) -> None:
    response = post(factory.api(), URL, {**TWILL, "usable_width_cm": 1000, "weight_gsm": 28000})

    assert fields(problem(response, 422)) == {
        "usable_width_cm": "Must be at most 400 cm (got 1000.0 cm).",
        "weight_gsm": "Must be at most 2000 g/m² (got 28000.0 g/m²).",
    }
    assert not Material.objects.exists()
