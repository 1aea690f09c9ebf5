"""Every page renders for its owner; another organization's records answer 404 and never show in lists."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from seamline.accounts.services import api_token_create
from seamline.production.services import production_order_transition
from tests import factories as f
from tests.conftest import Tenant
from tests.ui.conftest import World

LISTS = [
    "dashboard",
    "production:order_list",
    "catalog:style_list",
    "catalog:material_list",
    "catalog:roll_list",
    "facilities:list",
    "api_tokens",
]


@pytest.mark.parametrize("who", ["brand", "factory"])
@pytest.mark.parametrize("name", LISTS)
def test_list_pages_render_for_each_kind_of_organization(request, world: World, who: str, name: str):
    tenant: Tenant = request.getfixturevalue(who)
    response = tenant.client().get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert tenant.org.name in html  # the nav names the organization acted for
    assert "htmx" in html


def _details(world: World, side: str) -> dict[str, str]:
    s = getattr(world, side)
    return {
        "material": reverse("catalog:material_detail", args=[s.material.pk]),
        "roll": reverse("catalog:roll_detail", args=[s.roll.pk]),
        "style": reverse("catalog:style_detail", args=[s.style.pk]),
        "facility": reverse("facilities:detail", args=[s.facility.pk]),
        "order": reverse("production:order_detail", args=[s.order.pk]),
    }


def test_detail_pages_render_for_the_brand(brand: Tenant, world: World):
    client = brand.client()
    for what, url in _details(world, "mine").items():
        response = client.get(url)
        assert response.status_code == 200, what
    order_html = client.get(_details(world, "mine")["order"]).content.decode()
    assert world.mine.order.number in order_html
    assert "Place order" in order_html  # draft -> planned is the brand's to do


def test_detail_pages_render_for_the_factory_including_the_brands_fabric(factory: Tenant, world: World):
    client = factory.client()
    for what, url in _details(world, "mine").items():
        assert client.get(url).status_code == 200, what


@pytest.mark.parametrize("who", ["brand", "factory"])
def test_another_organizations_records_answer_404(request, world: World, who: str):
    client = request.getfixturevalue(who).client()
    for what, url in _details(world, "theirs").items():
        assert client.get(url).status_code == 404, what


def test_write_pages_of_another_organizations_records_answer_404(
    brand: Tenant, factory: Tenant, world: World
):
    theirs = world.theirs
    assert factory.client().get(reverse("facilities:edit", args=[theirs.facility.pk])).status_code == 404
    client = brand.client()
    assert client.get(reverse("catalog:bom_line_create", args=[theirs.style.pk])).status_code == 404
    assert client.get(reverse("catalog:routing_edit", args=[theirs.style.pk])).status_code == 404
    url = reverse("production:order_transition", args=[theirs.order.pk])
    assert client.post(url, {"target": "planned"}).status_code == 404
    theirs.order.refresh_from_db()
    assert theirs.order.state == "draft"


def test_a_brand_sees_a_factorys_facility_but_cannot_edit_it(brand: Tenant, world: World):
    assert brand.client().get(reverse("facilities:edit", args=[world.mine.facility.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "name", "mine", "theirs"),
    [
        ("brand", "production:order_list", "MINE-01", "THEIRS-01"),
        ("factory", "production:order_list", "MINE-01", "THEIRS-01"),
        ("brand", "catalog:style_list", "MINE-01", "THEIRS-01"),
        ("factory", "catalog:style_list", "MINE-01", "THEIRS-01"),
        ("brand", "catalog:material_list", "MINE selvedge", "THEIRS selvedge"),
        ("factory", "catalog:material_list", "MINE selvedge", "THEIRS selvedge"),
        ("brand", "catalog:roll_list", "MINE-LOT", "THEIRS-LOT"),
        ("factory", "catalog:roll_list", "MINE-LOT", "THEIRS-LOT"),
        ("brand", "facilities:list", "MINE cutting floor", "THEIRS cutting floor"),
        ("factory", "facilities:list", "MINE cutting floor", "THEIRS cutting floor"),
        ("brand", "dashboard", "MINE selvedge", "THEIRS selvedge"),
        ("factory", "dashboard", "MINE cutting floor", "THEIRS cutting floor"),
    ],
)
def test_lists_show_only_the_organizations_own_rows(request, world: World, who, name, mine, theirs):
    html = request.getfixturevalue(who).client().get(reverse(name)).content.decode()
    assert mine in html
    assert theirs not in html


def test_the_token_list_shows_only_the_organizations_tokens(brand: Tenant, other_brand: Tenant):
    api_token_create(organization=other_brand.org, name="their secret integration")
    api_token_create(organization=brand.org, name="our shopify sync")
    html = brand.client().get(reverse("api_tokens")).content.decode()
    assert "our shopify sync" in html
    assert "their secret integration" not in html


def test_the_dashboard_counts_open_orders_by_state_and_draws_the_map(
    brand: Tenant, factory: Tenant, world: World
):
    f.make_order(brand.org, factory.org, world.mine.style)
    response = brand.client().get(reverse("dashboard"))
    counts = dict((state, n) for state, n, _ in response.context["counts"])
    assert counts == {"draft": 2, "planned": 0, "cutting": 0, "sewing": 0, "finishing": 0, "packed": 0}
    html = response.content.decode()
    assert 'data-testid="count-draft">2<' in html
    assert "<svg" in html and "Downtown LA" in html and "Pacific Ocean" in html
    assert "MINE cutting floor" in html  # the factory's facility, pinned with a tooltip
    assert response.context["lamap"].zip_count > 200
    assert "MINE selvedge denim" in html and "50.0 m" in html  # fabric on hand


def test_pages_need_a_signed_in_user(world: World):
    response = Client().get(reverse("production:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_an_organization_gets_a_page_that_says_so(db):
    client = Client()
    client.force_login(User.objects.create_user(username="drifter@example.com", password=f.PASSWORD))
    for name in ["dashboard", "production:order_list", "api_tokens"]:
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "not part of an organization" in response.content.decode()


def test_dates_are_shown_in_los_angeles_time(brand: Tenant, world: World):
    html = brand.client().get(reverse("production:order_detail", args=[world.mine.order.pk])).content.decode()
    assert " PST" in html or " PDT" in html


def test_lists_page_by_50_and_keep_their_filter_in_the_page_links(brand: Tenant, factory: Tenant):
    style = f.make_style(brand.org)
    for _ in range(51):
        f.make_order(brand.org, factory.org, style, S=1)
    client = brand.client()
    first = client.get(reverse("production:order_list"), {"state": "draft"})
    assert len(first.context["page_obj"].object_list) == 50
    assert "?state=draft&amp;page=2" in first.content.decode()
    second = client.get(reverse("production:order_list"), {"state": "draft", "page": 2})
    assert len(second.context["page_obj"].object_list) == 1
    assert "Page 2 of 2" in second.content.decode()


def test_the_order_list_filters_by_state(brand: Tenant, factory: Tenant, world: World):
    placed = f.make_order(brand.org, factory.org, world.mine.style)
    production_order_transition(order=placed, target="planned", organization=brand.org)
    client = brand.client()
    planned = client.get(reverse("production:order_list"), {"state": "planned"})
    assert [o.pk for o in planned.context["page_obj"]] == [placed.pk]
    open_ = client.get(reverse("production:order_list"), {"state": "open"})
    assert {o.pk for o in open_.context["page_obj"]} == {placed.pk, world.mine.order.pk}


def test_materials_and_facilities_are_searchable(brand: Tenant, factory: Tenant, world: World):
    f.make_material(brand.org, name="Silk charmeuse")
    materials = brand.client().get(reverse("catalog:material_list"), {"q": "charm"})
    assert [m.name for m in materials.context["page_obj"]] == ["Silk charmeuse"]
    f.make_facility(factory.org, name="Vernon dye house", kind="dye_house", zip_code="90058")
    client = factory.client()
    dye = client.get(reverse("facilities:list"), {"kind": "dye_house"})
    assert [x.name for x in dye.context["page_obj"]] == ["Vernon dye house"]
    by_zip = client.get(reverse("facilities:list"), {"q": "90058"})
    assert [x.name for x in by_zip.context["page_obj"]] == ["Vernon dye house"]


def test_rolls_filter_by_material_and_stock(factory: Tenant, brand: Tenant, world: World):
    other = f.make_material(brand.org, name="Pocketing")
    f.make_roll(world.mine.facility, other, shade_lot="P1")
    client = factory.client()
    rolls = client.get(reverse("catalog:roll_list"), {"material": other.pk})
    assert [r.shade_lot for r in rolls.context["page_obj"]] == ["P1"]
    assert list(client.get(reverse("catalog:roll_list"), {"in_stock": "no"}).context["page_obj"]) == []
