"""Every list costs a fixed number of queries, whatever its length (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seamline.catalog.services import certification_add
from tests import factories as f
from tests.conftest import Tenant


def _materials(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    for _ in range(n):
        material = f.make_material(factory.org)
        certification_add(material=material, scheme="GOTS", certificate_number="1", expires_on="2030-01-01")
    return factory


def _rolls(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    facility, material = f.make_facility(factory.org), f.make_material(factory.org)
    for _ in range(n):
        f.make_roll(facility, material)
    return factory


def _styles(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    for _ in range(n):
        f.make_style(brand.org, material=f.make_material(brand.org))
    return brand


def _facilities(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    for _ in range(n):
        f.make_facility(factory.org)
    f.make_order(brand.org, factory.org)
    return brand  # the brand's view joins through its orders


def _orders(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    for _ in range(n):
        f.make_order(brand.org, factory.org)
    return factory


def _factories(brand: Tenant, factory: Tenant, n: int) -> Tenant:
    for _ in range(n):
        f.make_org("factory")
    return brand


# url, data builder, queries of a short page: 1 token lookup + 1 page (+ 1 per prefetched relation).
# A full page costs 1 more, the count (a short page is the last: its offset and length are the count).
LISTS: dict[str, tuple[Callable[[Tenant, Tenant, int], Tenant], int]] = {
    "/api/v1/materials": (_materials, 3),
    "/api/v1/rolls": (_rolls, 2),
    "/api/v1/styles": (_styles, 2),
    "/api/v1/facilities": (_facilities, 2),
    "/api/v1/production-orders": (_orders, 2),
    "/api/v1/factories": (_factories, 2),
}


@pytest.mark.parametrize("n", [3, 10])
@pytest.mark.parametrize("url", list(LISTS))
def test_list_query_count_does_not_grow_with_rows(
    brand, factory, django_assert_num_queries, url: str, n: int
) -> None:
    build, queries = LISTS[url]
    caller = build(brand, factory, n)
    client = caller.api()

    with django_assert_num_queries(queries):
        response = client.get(url)
    with django_assert_num_queries(queries + 1):
        full = client.get(f"{url}?limit=2")

    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) >= n
    assert full.json()["count"] == response.json()["count"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/styles/{style}", 5),  # + variants, BOM lines with materials, operations
        ("/api/v1/production-orders/{order}", 4),  # + lines with variants, transitions with people
    ],
)
def test_detail_query_count_is_fixed(
    brand, factory, django_assert_num_queries, url: str, queries: int
) -> None:
    style = f.make_style(brand.org, material=f.make_material(brand.org))
    order = f.make_order(brand.org, factory.org, style)
    client = brand.api()

    with django_assert_num_queries(queries):
        response = client.get(url.format(style=style.pk, order=order.pk))

    assert response.status_code == 200, response.content
