"""One small world for the HTML tests: each brand has a material, a style with a BOM and an order with its
factory; each factory has a facility holding a roll of its brand's fabric."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from seamline.catalog.models import FabricRoll, Material, Style
from seamline.facilities.models import Facility
from seamline.production.models import ProductionOrder
from tests import factories as f
from tests.conftest import Tenant


@dataclass
class Side:
    material: Material
    style: Style
    facility: Facility
    roll: FabricRoll
    order: ProductionOrder


def _side(brand: Tenant, factory: Tenant, tag: str) -> Side:
    material = f.make_material(brand.org, name=f"{tag} selvedge denim")
    facility = f.make_facility(factory.org, name=f"{tag} cutting floor")
    roll = f.make_roll(facility, material, shade_lot=f"{tag}-LOT")
    style = f.make_style(brand.org, material=material, code=f"{tag}-01")
    order = f.make_order(brand.org, factory.org, style)
    return Side(material=material, style=style, facility=facility, roll=roll, order=order)


@dataclass
class World:
    mine: Side  # brand + factory
    theirs: Side  # other_brand + other_factory


@pytest.fixture
def world(brand: Tenant, factory: Tenant, other_brand: Tenant, other_factory: Tenant) -> World:
    return World(mine=_side(brand, factory, "MINE"), theirs=_side(other_brand, other_factory, "THEIRS"))
