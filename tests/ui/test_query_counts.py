"""Each list page costs the same number of queries for 3 rows as for 10 (no N+1), pinned exactly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from seamline.accounts.services import api_token_create
from seamline.catalog.services import certification_add
from tests import factories as f
from tests.conftest import Tenant


def _orders(brand: Tenant, factory: Tenant, n: int) -> None:
    style = f.make_style(brand.org)
    for _ in range(n):
        f.make_order(brand.org, factory.org, style)


def _styles(brand: Tenant, factory: Tenant, n: int) -> None:
    for _ in range(n):
        f.make_style(brand.org)


def _materials(brand: Tenant, factory: Tenant, n: int) -> None:
    for _ in range(n):
        material = f.make_material(brand.org)
        certification_add(
            material=material, scheme="GOTS", certificate_number="CU 1", expires_on="2030-01-01"
        )


def _rolls(brand: Tenant, factory: Tenant, n: int) -> None:
    facility, material = f.make_facility(factory.org), f.make_material(brand.org)
    for _ in range(n):
        f.make_roll(facility, material)


def _facilities(brand: Tenant, factory: Tenant, n: int) -> None:
    for i in range(n):
        f.make_facility(factory.org, zip_code=["90021", "90058", "90033"][i % 3])
    f.make_order(brand.org, factory.org)


def _tokens(brand: Tenant, factory: Tenant, n: int) -> None:
    for i in range(n):
        api_token_create(organization=brand.org, name=f"token {i}", created_by=brand.user)


def _everything(brand: Tenant, factory: Tenant, n: int) -> None:
    _orders(brand, factory, n)
    _rolls(brand, factory, n)
    _facilities(brand, factory, n)


# (page, who looks, builder, queries): 4 of every request are the session, the user, the middleware's
# memberships and the nav's memberships.
PAGES: list[tuple[str, str, Callable[[Tenant, Tenant, int], None], int]] = [
    ("production:order_list", "brand", _orders, 6),
    ("production:order_list", "factory", _orders, 6),
    ("catalog:style_list", "brand", _styles, 6),
    ("catalog:material_list", "brand", _materials, 7),
    ("catalog:roll_list", "factory", _rolls, 7),
    ("facilities:list", "brand", _facilities, 6),
    ("facilities:list", "factory", _facilities, 6),
    ("api_tokens", "brand", _tokens, 6),  # + whether there are facilities to bind a token to
    ("dashboard", "brand", _everything, 8),
    ("dashboard", "factory", _everything, 8),
]


@pytest.mark.parametrize(("name", "who", "build", "queries"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_list_pages_cost_a_fixed_number_of_queries(
    request, django_assert_num_queries, brand: Tenant, factory: Tenant, name, who, build, queries
):
    client = request.getfixturevalue(who).client()
    url = reverse(name)
    build(brand, factory, 3)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    build(brand, factory, 7)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if "page_obj" in (response.context or {}):
        assert len(response.context["page_obj"].object_list) >= 10
