"""Test data built through the real services (no fakes of our own parts)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.contrib.auth.models import User

from seamline.accounts.models import Membership, Organization
from seamline.accounts.services import api_token_create, member_add, organization_create
from seamline.catalog.models import FabricRoll, Material, Style
from seamline.catalog.services import bom_line_add, material_create, roll_receive, routing_set, style_create
from seamline.facilities.models import Facility
from seamline.facilities.services import facility_create
from seamline.production.models import ProductionOrder
from seamline.production.services import production_order_create

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_org(kind: str, name: str | None = None) -> Organization:
    n = next(_seq)
    return organization_create(name=name or f"{kind.title()} {n}", kind=kind, slug=f"{kind}-{n}")


def make_member(org: Organization, role: str = Membership.Role.OWNER, email: str | None = None) -> User:
    email = email or f"user{next(_seq)}@{org.slug}.example"
    return member_add(organization=org, email=email, password=PASSWORD, role=role, name="Test User").user


def make_token(org: Organization) -> str:
    return api_token_create(organization=org, name="tests")[1]


def make_facility(
    org: Organization, *, kind: str = "cut_and_sew", zip_code: str = "90021", name: str = ""
) -> Facility:
    return facility_create(
        organization=org,
        name=name or f"Facility {next(_seq)}",
        kind=kind,
        street="1251 E Olympic Blvd",
        zip_code=zip_code,
    )


def make_material(org: Organization, *, name: str = "", width_cm: str = "150") -> Material:
    return material_create(
        organization=org,
        name=name or f"Cotton twill {next(_seq)}",
        composition={"cotton": 98, "elastane": 2},
        weight_gsm="280",
        usable_width_cm=width_cm,
        country_of_origin="US",
        price_per_m="12.00",
    )


def make_roll(
    facility: Facility, material: Material, *, length_m: str = "50.000", shade_lot: str = "A"
) -> FabricRoll:
    return roll_receive(
        facility=facility,
        material=material,
        roll_id=f"R-{next(_seq)}",
        length_m=length_m,
        shade_lot=shade_lot,
    )


def make_style(brand: Organization, *, material: Material | None = None, code: str = "") -> Style:
    style = style_create(
        organization=brand,
        code=code or f"ST-{next(_seq)}",
        name="Chore Jacket",
        category="Outerwear",
        sizes=["S", "M", "L"],
        colourways=["Indigo"],
    )
    if material is not None:
        bom_line_add(
            style=style,
            material=material,
            placement="shell",
            consumption={"S": "1.700", "M": "1.800", "L": "1.900"},
        )
    routing_set(style=style, operations=[{"name": "Cut", "sam": "4.5"}, {"name": "Sew", "sam": "30"}])
    return style


def make_order(
    brand: Organization, factory: Organization, style: Style | None = None, **quantities: int
) -> ProductionOrder:
    style = style or make_style(brand)
    qty = quantities or {"S": 5, "M": 10, "L": 5}
    skus = {v.size: v.sku for v in style.variants.all()}
    return production_order_create(
        brand=brand,
        factory=factory,
        style=style,
        due_date=date.today() + timedelta(days=30),
        quantities={skus[size]: n for size, n in qty.items()},
    )
