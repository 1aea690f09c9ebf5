"""Forms write through the services; bad input shows next to the right field (422) and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seamline.catalog.models import BomLine, FabricRoll, Material, Style
from seamline.facilities.models import Facility
from seamline.production.models import ProductionOrder
from tests import factories as f
from tests.conftest import Tenant
from tests.ui.conftest import World

MATERIAL = {
    "name": "Organic cotton poplin",
    "kind": "fabric",
    "composition": "organic cotton 97\nelastane 3%",
    "weight_gsm": "120",
    "usable_width_cm": "145",
    "supplier": "LA Fabric Mart",
    "mill": "",
    "country_of_origin": "in",
    "price_per_m": "9.50",
    "currency": "USD",
}


def _errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_a_material_is_created_from_the_form(brand: Tenant):
    response = brand.client().post(reverse("catalog:material_create"), MATERIAL)
    material = Material.objects.get(organization=brand.org, name="Organic cotton poplin")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:material_detail", args=[material.pk])
    assert material.composition == {"organic cotton": "97.00", "elastane": "3.00"}
    assert material.country_of_origin == "IN"
    page = brand.client().get(response["Location"]).content.decode()
    assert "97% organic cotton, 3% elastane" in page and "120 g/m²" in page and "145 cm" in page


def test_a_composition_not_summing_to_100_is_shown_at_the_composition_field(brand: Tenant):
    response = brand.client().post(
        reverse("catalog:material_create"), {**MATERIAL, "composition": "cotton 90"}
    )
    assert response.status_code == 422
    assert _errors(response, "composition") == ["Fibre percentages must sum to 100 (they sum to 90)."]
    html = response.content.decode()
    assert 'class="field has-error' in html and "they sum to 90" in html
    assert not Material.objects.exists()


def test_a_composition_line_that_is_not_fibre_and_percent_is_refused(brand: Tenant):
    response = brand.client().post(
        reverse("catalog:material_create"), {**MATERIAL, "composition": "mostly cotton"}
    )
    assert response.status_code == 422
    assert "write a fibre and its percentage" in _errors(response, "composition")[0]
    assert not Material.objects.exists()


def test_a_fabric_without_weight_is_refused_at_that_field(brand: Tenant):
    response = brand.client().post(reverse("catalog:material_create"), {**MATERIAL, "weight_gsm": ""})
    assert response.status_code == 422
    assert _errors(response, "weight_gsm") == ["A fabric needs this."]
    assert "The material is not valid" in response.context["form"].non_field_errors()
    assert not Material.objects.exists()


def _roll(factory: Tenant, world: World, **changes) -> dict:
    return {
        "facility": world.mine.facility.pk,
        "material": world.mine.material.pk,
        "roll_id": "IBR-77",
        "length_m": "48.250",
        "width_cm": "",
        "shade_lot": "B",
        **changes,
    }


def test_a_roll_is_received_at_one_of_the_factorys_facilities(factory: Tenant, world: World):
    response = factory.client().post(reverse("catalog:roll_receive"), _roll(factory, world))
    roll = FabricRoll.objects.get(roll_id="IBR-77")
    assert response.status_code == 302
    assert (str(roll.length_m), str(roll.remaining_m)) == ("48.250", "48.250")
    assert roll.facility == world.mine.facility and roll.shade_lot == "B"
    assert str(roll.width_cm) == "150.0"  # the material's usable width


def test_a_negative_length_is_refused_at_the_length_field(factory: Tenant, world: World):
    before = FabricRoll.objects.count()
    response = factory.client().post(reverse("catalog:roll_receive"), _roll(factory, world, length_m="-5"))
    assert response.status_code == 422
    assert _errors(response, "length_m") == ["Must be greater than 0 (got -5.000)."]
    assert FabricRoll.objects.count() == before


def test_a_roll_cannot_be_received_at_another_organizations_facility(factory: Tenant, world: World):
    data = _roll(factory, world, facility=world.theirs.facility.pk)
    response = factory.client().post(reverse("catalog:roll_receive"), data)
    assert response.status_code == 422
    assert _errors(response, "facility")
    assert not FabricRoll.objects.filter(roll_id="IBR-77").exists()


def test_a_brand_without_facilities_is_told_where_rolls_are_received(brand: Tenant):
    html = brand.client().get(reverse("catalog:roll_receive")).content.decode()
    assert "has none" in html


def test_a_style_is_created_with_a_variant_per_size_and_colourway(brand: Tenant):
    data = {
        "code": "sd-02",
        "name": "Slip dress",
        "category": "Dresses",
        "sizes": "XS, S, M",
        "colourways": "Ivory,Ink",
    }
    response = brand.client().post(reverse("catalog:style_create"), data)
    style = Style.objects.get(organization=brand.org, code="SD-02")
    assert response.status_code == 302
    assert style.sizes == ["XS", "S", "M"] and style.colourways == ["Ivory", "Ink"]
    assert style.variants.count() == 6
    html = brand.client().get(response["Location"]).content.decode()
    assert "SD-02-INK-XS" in html


def test_a_size_listed_twice_is_shown_at_the_sizes_field(brand: Tenant):
    data = {"code": "X1", "name": "Tee", "category": "Tops", "sizes": "S, S", "colourways": "Ecru"}
    response = brand.client().post(reverse("catalog:style_create"), data)
    assert response.status_code == 422
    assert _errors(response, "sizes") == ["A size is listed twice."]
    assert not Style.objects.exists()


def test_a_factory_cannot_create_styles(factory: Tenant):
    assert factory.client().get(reverse("catalog:style_create")).status_code == 403


def test_a_bom_line_is_added_with_consumption_per_size(brand: Tenant, world: World):
    url = reverse("catalog:bom_line_create", args=[world.mine.style.pk])
    data = {"material": world.mine.material.pk, "placement": "pocketing", "size_0": "0.25", "size_1": "0.25"}
    response = brand.client().post(url, {**data, "size_2": "0.3"})
    assert response.status_code == 302
    line = BomLine.objects.get(style=world.mine.style, placement="pocketing")
    assert line.consumption == {"S": "0.250", "M": "0.250", "L": "0.300"}


def test_a_zero_consumption_is_shown_at_that_sizes_input(brand: Tenant, world: World):
    url = reverse("catalog:bom_line_create", args=[world.mine.style.pk])
    data = {
        "material": world.mine.material.pk,
        "placement": "lining",
        "size_0": "0.5",
        "size_1": "0",
        "size_2": "1",
    }
    response = brand.client().post(url, data)
    assert response.status_code == 422
    assert _errors(response, "size_1") == ["Must be greater than 0 (got 0.000)."]
    assert not BomLine.objects.filter(placement="lining").exists()


def test_the_routing_is_replaced_from_the_textarea(brand: Tenant, world: World):
    url = reverse("catalog:routing_edit", args=[world.mine.style.pk])
    ops = "Cut | 4.5 | cut_and_sew | Straight knife | 3\nSew | 30\nPress | 2.5 | finishing"
    response = brand.client().post(url, {"operations": ops})
    assert response.status_code == 302
    style = world.mine.style
    assert [(o.name, str(o.sam)) for o in style.operations.order_by("sequence")] == [
        ("Cut", "4.50"),
        ("Sew", "30.00"),
        ("Press", "2.50"),
    ]
    html = brand.client().get(reverse("catalog:style_detail", args=[style.pk])).content.decode()
    assert "37 min" in html  # total SAM


def test_a_bad_routing_line_names_its_line(brand: Tenant, world: World):
    url = reverse("catalog:routing_edit", args=[world.mine.style.pk])
    response = brand.client().post(url, {"operations": "Cut | 4.5\nSew | -1"})
    assert response.status_code == 422
    assert _errors(response, "operations") == ["Line 2 (sam): Must be greater than 0 (got -1.00)."]
    assert world.mine.style.operations.count() == 2  # unchanged


FACILITY = {
    "name": "Boyle Heights laser wash",
    "kind": "laser_wash",
    "street": "2222 E 1st St",
    "zip_code": "90033",
    "city": "",
    "grid_region": "CAMX",
    "solar_share_pct": "12.5",
}


def test_a_factory_registers_a_facility_geocoded_from_its_zip(factory: Tenant):
    response = factory.client().post(reverse("facilities:create"), FACILITY)
    facility = Facility.objects.get(name="Boyle Heights laser wash")
    assert response.status_code == 302
    assert facility.organization == factory.org
    assert (facility.city, facility.state) == ("Los Angeles", "CA")
    assert 34.0 < facility.latitude < 34.1


def test_an_unknown_zip_is_shown_at_the_zip_field(factory: Tenant):
    response = factory.client().post(reverse("facilities:create"), {**FACILITY, "zip_code": "00000"})
    assert response.status_code == 422
    assert _errors(response, "zip_code") == ["ZIP code 00000 does not exist"]
    assert not Facility.objects.filter(name="Boyle Heights laser wash").exists()


def test_a_brand_cannot_register_facilities(brand: Tenant):
    response = brand.client().post(reverse("facilities:create"), FACILITY)
    assert response.status_code == 403
    assert not Facility.objects.exists()


def test_a_facility_is_edited_and_a_bad_solar_share_leaves_it_unchanged(factory: Tenant, world: World):
    facility = world.mine.facility
    url = reverse("facilities:edit", args=[facility.pk])
    data = {**FACILITY, "name": "Renamed floor", "kind": facility.kind, "zip_code": "90058", "city": "Vernon"}
    assert factory.client().post(url, {**data, "solar_share_pct": "140"}).status_code == 422
    facility.refresh_from_db()
    assert facility.name != "Renamed floor"
    response = factory.client().post(url, data)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.name, facility.zip_code, facility.city) == ("Renamed floor", "90058", "Vernon")


def _order_data(world: World, **quantities) -> dict:
    style = world.mine.style
    data = {
        "style": style.pk,
        "factory": world.mine.order.factory_id,
        "due_date": (date.today() + timedelta(days=20)).isoformat(),
        "notes": "Drop #3",
    }
    for v in style.variants.all():
        data[f"qty_{v.pk}"] = quantities.get(v.size, "")
    return data


def test_a_production_order_is_created_with_a_quantity_per_variant(brand: Tenant, world: World):
    response = brand.client().post(reverse("production:order_create"), _order_data(world, S=4, M=8, L=0))
    order = ProductionOrder.objects.exclude(pk=world.mine.order.pk).get(brand=brand.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("production:order_detail", args=[order.pk])
    assert {line.variant.size: line.quantity for line in order.lines.all()} == {"S": 4, "M": 8}
    assert order.state == "draft" and order.notes == "Drop #3"
    assert order.transitions.get().by == brand.user


def test_an_order_without_quantities_is_refused(brand: Tenant, world: World):
    before = ProductionOrder.objects.count()
    response = brand.client().post(reverse("production:order_create"), _order_data(world))
    assert response.status_code == 422
    assert "Give a quantity for at least one size." in response.context["form"].non_field_errors()
    assert ProductionOrder.objects.count() == before


def test_a_negative_quantity_is_shown_at_that_variants_input(brand: Tenant, world: World):
    before = ProductionOrder.objects.count()
    response = brand.client().post(reverse("production:order_create"), _order_data(world, S=5, M=-2))
    medium = world.mine.style.variants.get(size="M")
    assert response.status_code == 422
    assert _errors(response, f"qty_{medium.pk}") == ["Must be greater than 0 (got -2)."]
    assert ProductionOrder.objects.count() == before


def test_an_order_cannot_use_another_brands_style(brand: Tenant, world: World):
    data = {**_order_data(world, S=1), "style": world.theirs.style.pk}
    response = brand.client().post(reverse("production:order_create"), data)
    assert response.status_code == 422
    assert _errors(response, "style")


def test_choosing_a_style_fetches_its_quantity_grid_with_htmx(brand: Tenant, world: World):
    f.make_style(brand.org, code="SECOND")
    url = reverse("production:order_create") + f"?style={world.mine.style.pk}"
    response = brand.client().get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<fieldset class="sizes" id="variant-quantities">')
    assert html.count('class="qty"') == 3


def test_a_factory_cannot_place_orders(factory: Tenant):
    assert factory.client().get(reverse("production:order_create")).status_code == 403


def test_an_api_token_is_shown_once_and_can_be_revoked(brand: Tenant):
    client = brand.client()
    response = client.post(reverse("api_tokens"), {"name": "Shopify sync"})
    assert response.status_code == 201
    key = response.context["plain_key"]
    assert key.startswith("sl_") and key in response.content.decode()
    again = client.get(reverse("api_tokens")).content.decode()
    assert "Shopify sync" in again and key not in again
    token = brand.org.api_tokens.get(name="Shopify sync")
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_needs_a_name(brand: Tenant):
    before = brand.org.api_tokens.count()
    response = brand.client().post(reverse("api_tokens"), {"name": ""})
    assert response.status_code == 422
    assert brand.org.api_tokens.count() == before


def test_another_organizations_token_cannot_be_revoked(brand: Tenant, other_brand: Tenant):
    token = other_brand.org.api_tokens.get()
    assert brand.client().post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_operator_sees_tokens_but_cannot_make_one(factory: Tenant):
    operator = f.make_member(factory.org, role="operator")
    client = Client()
    client.force_login(operator)
    assert client.get(reverse("api_tokens")).status_code == 200
    assert client.post(reverse("api_tokens"), {"name": "sneaky"}).status_code == 403
    assert not factory.org.api_tokens.filter(name="sneaky").exists()


def test_a_country_that_does_not_exist_is_shown_at_the_country_field(brand: Tenant):
    response = brand.client().post(
        reverse("catalog:material_create"), {**MATERIAL, "country_of_origin": "ZZ"}
    )
    assert response.status_code == 422
    assert _errors(response, "country_of_origin") == [
        "'ZZ' is not an ISO 3166-1 country code (two letters, e.g. JP or US)."
    ]
    assert not Material.objects.exists()


def test_an_absurd_material_width_is_shown_at_the_width_field(brand: Tenant):
    response = brand.client().post(
        reverse("catalog:material_create"), {**MATERIAL, "usable_width_cm": "1450"}
    )
    assert response.status_code == 422
    assert _errors(response, "usable_width_cm") == ["Must be at most 400 cm (got 1450.0 cm)."]
    assert not Material.objects.exists()


def test_a_roll_wider_than_its_material_is_shown_at_the_width_field(factory: Tenant, world: World):
    before = FabricRoll.objects.count()
    response = factory.client().post(reverse("catalog:roll_receive"), _roll(factory, world, width_cm="1000"))
    assert response.status_code == 422
    assert _errors(response, "width_cm") == [
        "MINE selvedge denim is 150 cm wide: a roll of it cannot be wider (got 1000.0 cm)."
    ]
    assert FabricRoll.objects.count() == before


def test_an_absurd_quantity_is_shown_at_that_variants_input(brand: Tenant, world: World):
    before = ProductionOrder.objects.count()
    response = brand.client().post(
        reverse("production:order_create"), _order_data(world, S=5, M=99_999_999_999)
    )
    medium = world.mine.style.variants.get(size="M")
    assert response.status_code == 422
    assert _errors(response, f"qty_{medium.pk}") == ["At most 10,000 units an order (got 99,999,999,999)."]
    assert ProductionOrder.objects.count() == before


def test_an_order_over_ten_thousand_units_in_all_is_refused(brand: Tenant, world: World):
    before = ProductionOrder.objects.count()
    response = brand.client().post(
        reverse("production:order_create"), _order_data(world, S=4000, M=4000, L=4000)
    )
    assert response.status_code == 422
    errors = response.context["form"].non_field_errors()
    assert "An order holds at most 10,000 units (these add up to 12,000)." in errors
    assert ProductionOrder.objects.count() == before


def test_a_due_date_in_the_past_is_shown_at_the_due_date_field(brand: Tenant, world: World):
    before = ProductionOrder.objects.count()
    data = {**_order_data(world, S=5), "due_date": "2020-03-02"}
    response = brand.client().post(reverse("production:order_create"), data)
    assert response.status_code == 422
    [error] = _errors(response, "due_date")
    assert error.startswith("2020-03-02 is in the past: a new order is due today")
    assert ProductionOrder.objects.count() == before


def test_the_order_form_hints_the_bounds_to_the_browser(brand: Tenant, world: World):
    url = reverse("production:order_create") + f"?style={world.mine.style.pk}"
    html = brand.client().get(url).content.decode()
    assert f'type="date" name="due_date" min="{timezone.localdate().isoformat()}"' in html
    assert html.count('max="10000"') == 3


def test_the_cut_plan_errors_read_as_sentences(factory: Tenant, world: World):
    data = {
        "colour": "Indigo",
        "fabric_width_cm": "150",
        "margin_cm": "1",
        "spacing_cm": "0.3",
        "max_plies": "30",
        "max_marker_length_cm": "1200",
        "setup_cost_cm": "50",
        "overcut_max": "1",
        "seconds_per_garment": "1",
    }
    url = reverse("cutting:cut_plan_create", args=[world.mine.order.pk])
    response = factory.client().post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<li>The cut plan cannot be made.</li>" in html
    assert f"<li>{world.mine.style.code} has no pattern yet: import its DXF-AAMA file first.</li>" in html
    assert reverse("cutting:pattern_import", args=[world.mine.style.pk]) in html
