from decimal import Decimal

from seamline.catalog.selectors import (
    fabric_on_hand,
    material_get,
    material_list,
    roll_get,
    roll_list,
    style_get,
    style_list,
)
from tests import factories as f


def test_material_visibility(brand, other_brand, factory, other_factory):
    mine = f.make_material(brand.org, name="Denim")
    theirs = f.make_material(other_brand.org, name="Silk")
    assert list(material_list(organization=brand.org)) == [mine]
    assert material_get(organization=brand.org, pk=theirs.pk) is None
    # The factory sees the brand's fabric once a roll of it is at one of its facilities.
    assert list(material_list(organization=factory.org)) == []
    f.make_roll(f.make_facility(factory.org), mine)
    f.make_roll(f.make_facility(factory.org), mine)
    assert list(material_list(organization=factory.org)) == [mine]
    assert list(material_list(organization=other_factory.org)) == []


def test_roll_visibility(brand, other_brand, factory, other_factory):
    denim = f.make_material(brand.org)
    roll = f.make_roll(f.make_facility(factory.org), denim)
    assert list(roll_list(organization=factory.org)) == [roll]
    assert list(roll_list(organization=brand.org)) == [roll]  # the brand's own fabric, at the factory
    assert roll_get(organization=other_factory.org, pk=roll.pk) is None
    assert roll_get(organization=other_brand.org, pk=roll.pk) is None


def test_fabric_on_hand_sums_meters_per_material(brand, factory):
    fac = f.make_facility(factory.org)
    denim, silk = f.make_material(brand.org, name="Denim"), f.make_material(brand.org, name="Silk")
    f.make_roll(fac, denim, length_m="45.700")
    f.make_roll(fac, denim, length_m="46.250")
    f.make_roll(fac, silk, length_m="30.000")
    rows = fabric_on_hand(organization=factory.org)
    assert [(r["material"], r["rolls"], r["meters"]) for r in rows] == [
        ("Denim", 2, Decimal("91.950")),
        ("Silk", 1, Decimal("30.000")),
    ]


def test_style_visibility(brand, other_brand, factory, other_factory):
    style = f.make_style(brand.org)
    f.make_style(other_brand.org)
    assert list(style_list(organization=brand.org)) == [style]
    assert style_list(organization=brand.org)[0].variant_count == 3
    assert list(style_list(organization=factory.org)) == []
    f.make_order(brand.org, factory.org, style)
    f.make_order(brand.org, factory.org, style)
    assert list(style_list(organization=factory.org)) == [style]
    assert style_get(organization=other_factory.org, pk=style.pk) is None


def test_style_detail_loads_in_fixed_queries(brand, django_assert_num_queries):
    style = f.make_style(brand.org, material=f.make_material(brand.org))
    with django_assert_num_queries(4):  # style, variants, BOM lines (with material), operations
        s = style_get(organization=brand.org, pk=style.pk)
        assert [v.size for v in s.variants.all()] == ["S", "M", "L"]
        assert [b.material.name for b in s.bom_lines.all()]
        assert s.total_sam == Decimal("34.5")


def test_a_factory_sees_the_fabric_of_orders_placed_with_it(brand, factory):
    denim = f.make_material(brand.org, name="Denim")
    style = f.make_style(brand.org, material=denim)
    assert material_get(organization=factory.org, pk=denim.pk) is None
    f.make_order(brand.org, factory.org, style)
    f.make_order(brand.org, factory.org, style)
    assert list(material_list(organization=factory.org)) == [denim]  # once, however many orders
