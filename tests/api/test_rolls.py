"""/api/v1/rolls: receive a roll at one of your own facilities, list with filters, read."""

from __future__ import annotations

from decimal import Decimal

from seamline.catalog.models import FabricRoll
from seamline.catalog.services import material_create
from tests import factories as f

from .helpers import fields, post, problem

URL = "/api/v1/rolls"


def _payload(facility, material, **changes) -> dict:
    return {
        "facility_id": facility.pk,
        "material_id": material.pk,
        "roll_id": "R-100",
        "length_m": "52.35",
    } | changes


def test_receive_answers_201_with_the_full_length_on_hand(factory) -> None:
    facility, material = f.make_facility(factory.org, name="Olympic cutting"), f.make_material(factory.org)
    payload = _payload(facility, material, shade_lot="B2", received_at="2025-03-01T08:30:00-08:00")

    response = post(factory.api(), URL, payload)

    assert response.status_code == 201, response.content
    roll = FabricRoll.objects.get()
    assert response.json() == {
        "id": roll.pk,
        "uid": str(roll.uid),
        "epc_uri": f"urn:seamline:roll:{roll.uid}",
        "roll_id": "R-100",
        "material": {"id": material.pk, "name": material.name},
        "facility": {"id": facility.pk, "name": "Olympic cutting"},
        "length_m": "52.350",
        "remaining_m": "52.350",
        "width_cm": "150.0",
        "shade_lot": "B2",
        "received_at": "2025-03-01T16:30:00Z",
    }


def test_a_naive_received_at_is_422(factory) -> None:
    payload = _payload(
        f.make_facility(factory.org), f.make_material(factory.org), received_at="2025-03-01T08:30:00"
    )

    assert list(fields(problem(post(factory.api(), URL, payload), 422))) == ["received_at"]


def test_a_negative_length_is_422_naming_length_m_and_writes_nothing(factory) -> None:
    payload = _payload(f.make_facility(factory.org), f.make_material(factory.org), length_m=-3)

    body = problem(post(factory.api(), URL, payload), 422)

    assert fields(body) == {"length_m": "Must be greater than 0 (got -3.000)."}
    assert not FabricRoll.objects.exists()


def test_a_length_that_is_not_a_number_is_422_naming_length_m(factory) -> None:
    payload = _payload(f.make_facility(factory.org), f.make_material(factory.org), length_m="fifty")

    assert list(fields(problem(post(factory.api(), URL, payload), 422))) == ["length_m"]


def test_a_facility_of_another_organization_is_422_naming_facility_id(factory, other_factory) -> None:
    payload = _payload(f.make_facility(other_factory.org), f.make_material(factory.org))

    body = problem(post(factory.api(), URL, payload), 422)

    assert list(fields(body)) == ["facility_id"]
    assert not FabricRoll.objects.exists()


def test_a_brand_cannot_receive_rolls_at_its_factorys_facility(brand, factory) -> None:
    f.make_order(brand.org, factory.org)
    payload = _payload(f.make_facility(factory.org), f.make_material(brand.org))

    assert list(fields(problem(post(brand.api(), URL, payload), 422))) == ["facility_id"]


def test_a_material_not_visible_is_422_naming_material_id(factory, other_factory) -> None:
    payload = _payload(f.make_facility(factory.org), f.make_material(other_factory.org))

    body = problem(post(factory.api(), URL, payload), 422)

    assert list(fields(body)) == ["material_id"]
    assert not FabricRoll.objects.exists()


def test_a_trim_is_not_received_on_rolls(factory) -> None:
    trim = material_create(organization=factory.org, name="Zip", kind="trim", composition={"nylon": 100})
    payload = _payload(f.make_facility(factory.org), trim)

    assert (
        fields(problem(post(factory.api(), URL, payload), 422))["material"]
        == "Zip is a trim, not a fabric on rolls."
    )


def test_the_same_roll_twice_is_409(factory) -> None:
    payload = _payload(f.make_facility(factory.org), f.make_material(factory.org))
    assert post(factory.api(), URL, payload).status_code == 201

    body = problem(post(factory.api(), URL, payload), 409)

    assert body["type"] == "https://seamline.dev/problems/conflict"
    assert fields(body) == {"roll_id": "Already received."}
    assert FabricRoll.objects.count() == 1


def test_list_filters(factory) -> None:
    cutting, dock = f.make_facility(factory.org), f.make_facility(factory.org, kind="warehouse")
    twill, denim = f.make_material(factory.org), f.make_material(factory.org)
    a = f.make_roll(cutting, twill, shade_lot="A")
    b = f.make_roll(dock, twill, shade_lot="B")
    c = f.make_roll(dock, denim, shade_lot="A")
    FabricRoll.objects.filter(pk=c.pk).update(remaining_m=Decimal(0))  # cut to the end
    client = factory.api()

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["items"]}

    assert ids("") == {a.pk, b.pk, c.pk}
    assert ids(f"?material_id={twill.pk}") == {a.pk, b.pk}
    assert ids(f"?facility_id={dock.pk}") == {b.pk, c.pk}
    assert ids("?shade_lot=A") == {a.pk, c.pk}
    assert ids("?in_stock=true") == {a.pk, b.pk}
    assert ids("?in_stock=false") == {c.pk}
    assert ids(f"?facility_id={dock.pk}&shade_lot=A&in_stock=false") == {c.pk}


def test_a_brand_sees_rolls_of_its_fabric_at_the_factory(brand, factory) -> None:
    roll = f.make_roll(f.make_facility(factory.org), f.make_material(brand.org))

    assert [r["id"] for r in brand.api().get(URL).json()["items"]] == [roll.pk]
    assert brand.api().get(f"{URL}/{roll.pk}").status_code == 200


def test_detail_and_404(factory) -> None:
    roll = f.make_roll(f.make_facility(factory.org), f.make_material(factory.org), length_m="10")

    response = factory.api().get(f"{URL}/{roll.pk}")

    assert response.status_code == 200
    assert response.json()["remaining_m"] == "10.000"
    problem(factory.api().get(f"{URL}/{roll.pk + 1}"), 404)


def test_a_roll_wider_than_its_material_is_422_naming_width_cm(factory) -> None:
    material = f.make_material(factory.org, name="Selvedge denim", width_cm="80")
    payload = _payload(f.make_facility(factory.org), material, width_cm="1000")

    body = problem(post(factory.api(), URL, payload), 422)

    assert fields(body) == {
        "width_cm": "Selvedge denim is 80 cm wide: a roll of it cannot be wider (got 1000.0 cm)."
    }
    assert not FabricRoll.objects.exists()


def test_a_roll_longer_than_a_thousand_meters_is_422_naming_length_m(factory) -> None:
    payload = _payload(f.make_facility(factory.org), f.make_material(factory.org), length_m="50000")

    assert fields(problem(post(factory.api(), URL, payload), 422)) == {
        "length_m": "Must be at most 1000 m (got 50000.000 m)."
    }
