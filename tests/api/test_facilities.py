"""/api/v1/facilities: a factory registers and edits its places of work; a brand reads its factories'."""

from __future__ import annotations

from seamline.facilities.models import Facility
from tests import factories as f

from .helpers import fields, post, problem

URL = "/api/v1/facilities"
DYE_HOUSE = {"name": "Vernon dye house", "kind": "dye_house", "street": "2850 E 44th St", "zip_code": "90058"}


def test_create_geocodes_the_zip(factory) -> None:
    response = post(factory.api(), URL, {**DYE_HOUSE, "solar_share_pct": "35.5"})

    assert response.status_code == 201, response.content
    body = response.json()
    facility = Facility.objects.get()
    assert body["id"] == facility.pk
    assert body["epc_uri"] == f"urn:seamline:facility:{facility.uid}"
    assert (body["city"], body["state"], body["zip_code"]) == ("Los Angeles", "CA", "90058")
    assert isinstance(body["latitude"], float) and isinstance(body["longitude"], float)
    assert body["solar_share_pct"] == "35.50"
    assert body["grid_region"] == "CAMX"
    assert body["organization"] == {"id": factory.org.pk, "name": "Alameda Street Sewing"}


def test_an_unknown_zip_is_422_naming_zip_code_and_writes_nothing(factory) -> None:
    body = problem(post(factory.api(), URL, {**DYE_HOUSE, "zip_code": "00000"}), 422)

    assert fields(body) == {"zip_code": "ZIP code 00000 does not exist"}
    assert not Facility.objects.exists()


def test_an_unknown_kind_is_422_naming_kind(factory) -> None:
    assert list(fields(problem(post(factory.api(), URL, {**DYE_HOUSE, "kind": "spa"}), 422))) == ["kind"]


def test_a_brand_cannot_create_facilities(brand) -> None:
    assert list(fields(problem(post(brand.api(), URL, DYE_HOUSE), 422))) == ["organization"]
    assert not Facility.objects.exists()


def test_list_filters_by_kind_and_text(factory) -> None:
    sewing = f.make_facility(factory.org, name="Olympic sewing", zip_code="90021")
    dock = f.make_facility(factory.org, name="Dock", kind="warehouse", zip_code="90058")
    client = factory.api()

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return [x["id"] for x in response.json()["items"]]

    assert ids("") == [dock.pk, sewing.pk]
    assert ids("?kind=warehouse") == [dock.pk]
    assert ids("?q=olympic") == [sewing.pk]
    assert ids("?q=9005") == [dock.pk]
    assert ids("?kind=dye_house") == []


def test_a_brand_sees_the_facilities_of_the_factories_it_orders_from(brand, factory, other_factory) -> None:
    mine = f.make_facility(factory.org)
    f.make_facility(other_factory.org)
    f.make_order(brand.org, factory.org)

    response = brand.api().get(URL)

    assert [x["id"] for x in response.json()["items"]] == [mine.pk]
    assert brand.api().get(f"{URL}/{mine.pk}").status_code == 200


def test_patch_changes_only_the_fields_sent(factory) -> None:
    facility = f.make_facility(factory.org, name="Olympic sewing", zip_code="90021")

    response = post(
        factory.api(), f"{URL}/{facility.pk}", {"zip_code": "91205", "solar_share_pct": 80}, method="patch"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["city"], response.json()["solar_share_pct"]) == (
        "Olympic sewing",
        "Glendale",
        "80.00",
    )
    facility.refresh_from_db()
    assert (facility.zip_code, facility.city) == ("91205", "Glendale")


def test_patch_with_an_unknown_zip_is_422_and_changes_nothing(factory) -> None:
    facility = f.make_facility(factory.org, zip_code="90021")

    body = problem(post(factory.api(), f"{URL}/{facility.pk}", {"zip_code": "1234"}, method="patch"), 422)

    assert list(fields(body)) == ["zip_code"]
    facility.refresh_from_db()
    assert facility.zip_code == "90021"


def test_a_brand_cannot_patch_its_factorys_facility(brand, factory) -> None:
    facility = f.make_facility(factory.org, name="Olympic sewing")
    f.make_order(brand.org, factory.org)

    problem(post(brand.api(), f"{URL}/{facility.pk}", {"name": "Mine now"}, method="patch"), 403)

    facility.refresh_from_db()
    assert facility.name == "Olympic sewing"


def test_create_accepts_another_city_usps_knows_for_the_zip(factory) -> None:
    response = post(factory.api(), URL, {**DYE_HOUSE, "city": "vernon"})

    assert response.status_code == 201, response.content
    assert (response.json()["city"], response.json()["zip_code"]) == ("Vernon", "90058")


def test_a_city_not_of_the_zip_is_422_naming_city(factory) -> None:
    body = problem(post(factory.api(), URL, {**DYE_HOUSE, "city": "Pasadena"}), 422)

    assert list(fields(body)) == ["city"]
    assert not Facility.objects.exists()
