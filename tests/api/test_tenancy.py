"""One organization never reads or writes another's records: they answer 404, exactly like missing ones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from seamline.catalog.models import BomLine, Certification, FabricRoll, Operation
from seamline.facilities.models import Facility
from seamline.production.models import OrderTransition, ProductionOrder
from tests import factories as f
from tests.conftest import Tenant

from .helpers import post, problem


@dataclass
class World:
    """A brand's material, style and order with its factory; the factory's facility, material and roll."""

    brand_material: int
    style: int
    order: int
    facility: int
    factory_material: int
    roll: int


@pytest.fixture
def world(brand: Tenant, factory: Tenant) -> World:
    brand_material, factory_material = f.make_material(brand.org), f.make_material(factory.org)
    style = f.make_style(brand.org, material=brand_material)
    facility = f.make_facility(factory.org)
    return World(
        brand_material=brand_material.pk,
        style=style.pk,
        order=f.make_order(brand.org, factory.org, style).pk,
        facility=facility.pk,
        factory_material=factory_material.pk,
        roll=f.make_roll(facility, factory_material).pk,
    )


INTRUDERS = ["other_brand", "other_factory"]
READS = [
    "/api/v1/materials/{w.brand_material}",
    "/api/v1/materials/{w.factory_material}",
    "/api/v1/rolls/{w.roll}",
    "/api/v1/styles/{w.style}",
    "/api/v1/facilities/{w.facility}",
    "/api/v1/production-orders/{w.order}",
]
LISTS = [
    "/api/v1/materials",
    "/api/v1/rolls",
    "/api/v1/styles",
    "/api/v1/facilities",
    "/api/v1/production-orders",
]
CONSUMPTION = {"S": "1", "M": "1", "L": "1"}


def _snapshot() -> tuple:
    """Everything a stray write could touch."""
    return (
        Certification.objects.count(),
        BomLine.objects.count(),
        list(Operation.objects.values_list("pk", "name", "sam")),
        list(Facility.objects.values_list("pk", "name", "zip_code")),
        list(ProductionOrder.objects.values_list("pk", "state")),
        OrderTransition.objects.count(),
        FabricRoll.objects.count(),
    )


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize("url", READS)
def test_reading_another_organizations_record_is_404(request, world: World, intruder: str, url: str) -> None:
    tenant = request.getfixturevalue(intruder)

    body = problem(tenant.api().get(url.format(w=world)), 404)

    assert body["type"] == "https://seamline.dev/problems/not-found"


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize("url", LISTS)
def test_lists_never_show_another_organizations_records(
    request, world: World, intruder: str, url: str
) -> None:
    tenant = request.getfixturevalue(intruder)

    assert tenant.api().get(url).json() == {"items": [], "count": 0}


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        (
            "post",
            "/api/v1/materials/{w.brand_material}/certifications",
            {"scheme": "GOTS", "certificate_number": "1", "expires_on": "2030-01-01"},
        ),
        (
            "post",
            "/api/v1/materials/{w.factory_material}/certifications",
            {"scheme": "GOTS", "certificate_number": "1", "expires_on": "2030-01-01"},
        ),
        (
            "post",
            "/api/v1/styles/{w.style}/bom-lines",
            {"material_id": 2**31, "placement": "lining", "consumption": CONSUMPTION},
        ),
        ("put", "/api/v1/styles/{w.style}/routing", {"operations": [{"name": "Hack", "sam": 1}]}),
        ("patch", "/api/v1/facilities/{w.facility}", {"name": "Taken over"}),
        ("post", "/api/v1/production-orders/{w.order}/transitions", {"target": "cancelled"}),
    ],
)
def test_writing_another_organizations_record_is_404_and_writes_nothing(
    request, world: World, intruder: str, method: str, url: str, payload: dict
) -> None:
    tenant = request.getfixturevalue(intruder)
    before = _snapshot()

    problem(post(tenant.api(), url.format(w=world), payload, method=method), 404)

    assert _snapshot() == before


@pytest.mark.parametrize("intruder", INTRUDERS)
def test_a_body_naming_another_organizations_records_is_refused(request, world: World, intruder: str) -> None:
    tenant = request.getfixturevalue(intruder)
    own_facility = f.make_facility(tenant.org) if tenant.org.is_factory else None
    before = _snapshot()
    roll = {
        "facility_id": own_facility.pk if own_facility else world.facility,
        "material_id": world.factory_material,
        "roll_id": "R-X",
        "length_m": 10,
    }
    order = {
        "style_id": world.style,
        "factory_id": f.make_org("factory").pk,
        "due_date": "2030-01-01",
        "quantities": {"X": 1},
    }

    problem(post(tenant.api(), "/api/v1/rolls", roll), 422)
    problem(post(tenant.api(), "/api/v1/production-orders", order), 422)

    assert _snapshot() == before


def test_the_brand_and_its_factory_share_the_order(brand, factory, world: World) -> None:
    for tenant in (brand, factory):
        assert tenant.api().get(f"/api/v1/production-orders/{world.order}").status_code == 200
        assert tenant.api().get(f"/api/v1/styles/{world.style}").status_code == 200
    # The factory reads the fabric of the order it makes (to receive its rolls), but cannot change it.
    assert factory.api().get(f"/api/v1/materials/{world.brand_material}").status_code == 200
    assert brand.api().get(f"/api/v1/rolls/{world.roll}").status_code == 404
