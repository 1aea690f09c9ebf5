"""Shared by the delivery tests: a funded drop whose garments are cut, sewn, inspected and packed through the
real services, a courier hub, two couriers (a bike and a van), and a planner run that checks every plan with
the independent feasibility checker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from seamline.cutting.models import Bundle
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import
from seamline.delivery import planning
from seamline.delivery.feasibility import check_plan
from seamline.delivery.models import Plan, Vehicle
from seamline.delivery.services import courier_create, parcels_create, vehicle_create
from seamline.drops.models import Drop, PreOrder
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from seamline.facilities.models import Facility
from seamline.floor import services as floor
from seamline.production.models import ProductionOrder

from .. import factories as f
from ..cutting.conftest import FAST, dxf_file, pattern_in_code

# (name, ZIP, size, units, window): three local customers and one in New York (it ships).
BUYERS = [
    ("Ana Ruiz", "90026", "M", 1, ""),
    ("Dev Patel", "90232", "L", 2, "17:00-20:00"),
    ("Jo Tanaka", "90042", "S", 1, ""),
    ("Marco Bianchi", "10001", "M", 1, ""),
]


@dataclass
class Shop:
    drop: Drop
    order: ProductionOrder
    hub: Facility
    dock: Facility
    preorders: dict[str, PreOrder]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def shop(brand, factory, tmp_path, immediate_tasks, django_capture_on_commit_callbacks) -> Shop:
    """The drop funded by its four buyers, its order cut, sewn, inspected and packed at the dock."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor_ = f.make_facility(factory.org, name="Olympic Blvd floor")
    dock = f.make_facility(factory.org, kind="warehouse", zip_code="90040", name="Commerce dock")
    hub = f.make_facility(factory.org, kind="courier_hub", zip_code="90013", name="Arts District hub")
    for lot in ("A", "A", "B"):
        f.make_roll(floor_, material, length_m="6.000", shade_lot=lot)
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    skus = {v.size: v.sku for v in style.variants.all()}
    now = timezone.now()
    drop = drop_open(
        drop=drop_create(
            brand=brand.org,
            factory=factory.org,
            style=style,
            title="Chore jacket drop",
            prices=dict.fromkeys(skus.values(), "180.00"),
            run_cap=10,
            threshold_units=5,
            opens_at=now - timedelta(minutes=5),
            closes_at=now + timedelta(hours=1),
        )
    )
    preorders = {}
    with django_capture_on_commit_callbacks(execute=True):
        for i, (name, zip_code, size, units, window) in enumerate(BUYERS):
            customer = Customer(
                name=name,
                email=f"buyer{i}@example.com",
                street=f"{100 + i} Main St",
                city="",
                zip_code=zip_code,
                delivery_window=window,
            )
            preorders[name], _ = preorder_place(
                drop=drop, customer=customer, basket={skus[size]: units}, idempotency_key=f"k{i}"
            )
    drop.refresh_from_db()
    order = drop.production_order
    assert order is not None, "the drop funded and placed its order"
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory.org)
    for bundle in Bundle.objects.filter(lay__plan=plan):
        floor.bundle_sew(bundle=bundle, organization=factory.org)
    floor.garments_inspect(order=order, organization=factory.org, facility=floor_)
    floor.garments_pack(order=order, organization=factory.org, facility=dock, per_carton=4)
    return Shop(drop, order, hub, dock, preorders)


@pytest.fixture
def fleet(shop, factory):
    """Bea on an e-cargo bike and Sol in an e-van, both from the hub, 9 to 5."""
    bea = courier_create(
        organization=factory.org, name="Bea", email="bea@couriers.example", password=f.PASSWORD
    )
    sol = courier_create(organization=factory.org, name="Sol", company="Eastside Vans LLC")
    bike = vehicle_create(
        organization=factory.org, name="Bike 1", kind="e_cargo_bike", start_facility=shop.hub, courier=bea
    )
    van = vehicle_create(
        organization=factory.org, name="Van 1", kind="e_van", start_facility=shop.hub, courier=sol
    )
    return {"bea": bea, "sol": sol, "bike": bike, "van": van}


@pytest.fixture
def parcels(shop, factory):
    return parcels_create(order=shop.order, organization=factory.org).parcels


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def plan_day(organization, day: date | None = None, *, seconds: float = 1, now=None) -> Plan:
    """Request and run a plan in this process; every plan the planner makes is checked apart."""
    plan = planning.plan_request(
        organization=organization, day=day or tomorrow(), seconds=seconds, enqueue=False
    )

    def checked(problem, result) -> None:
        violations = check_plan(problem, result)
        assert violations == [], violations

    return planning.plan_run(plan.pk, on_solved=checked, now=now)


__all__ = ["Vehicle", "plan_day", "tomorrow"]
