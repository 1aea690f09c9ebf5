"""Every list answers {"items": [...], "count": N}, paged by ?limit= (default 50, max 200) and ?offset=."""

from __future__ import annotations

import pytest

from seamline.catalog.models import Material
from tests import factories as f

from .helpers import fields, problem

URL = "/api/v1/materials"


@pytest.fixture
def names(factory) -> list[str]:
    """Five materials of the factory, in the list's order (by name)."""
    for i in (3, 1, 5, 2, 4):
        f.make_material(factory.org, name=f"Twill {i}")
    return [f"Twill {i}" for i in range(1, 6)]


def test_a_list_answers_items_and_count(factory, names) -> None:
    body = factory.api().get(URL).json()

    assert set(body) == {"items", "count"}
    assert body["count"] == 5
    assert [m["name"] for m in body["items"]] == names


def test_limit_and_offset_page_through_the_list(factory, names) -> None:
    client = factory.api()

    first = client.get(f"{URL}?limit=2").json()
    second = client.get(f"{URL}?limit=2&offset=2").json()
    last = client.get(f"{URL}?limit=2&offset=4").json()
    beyond = client.get(f"{URL}?limit=2&offset=10").json()

    assert [m["name"] for m in first["items"] + second["items"] + last["items"]] == names
    assert [len(p["items"]) for p in (first, second, last, beyond)] == [2, 2, 1, 0]
    assert {p["count"] for p in (first, second, last, beyond)} == {5}


@pytest.mark.parametrize(("query", "items"), [("limit=5", 5), ("limit=3&offset=2", 3), ("limit=50", 5)])
def test_the_count_is_the_same_for_a_full_and_a_short_last_page(
    factory, names, query: str, items: int
) -> None:
    body = factory.api().get(f"{URL}?{query}").json()

    assert (len(body["items"]), body["count"]) == (items, 5)


def test_an_empty_list_counts_zero(factory) -> None:
    assert factory.api().get(URL).json() == {"items": [], "count": 0}
    assert factory.api().get(f"{URL}?offset=3").json() == {"items": [], "count": 0}


def test_the_count_follows_the_filters(factory, names) -> None:
    body = factory.api().get(f"{URL}?q=Twill 3&limit=1").json()

    assert body["count"] == 1
    assert [m["name"] for m in body["items"]] == ["Twill 3"]


def test_the_default_page_is_50(factory) -> None:
    Material.objects.bulk_create(
        Material(organization=factory.org, name=f"Trim {i:02d}", kind="trim", composition={"nylon": "100.00"})
        for i in range(55)
    )

    body = factory.api().get(URL).json()

    assert (body["count"], len(body["items"])) == (55, 50)
    assert len(factory.api().get(f"{URL}?limit=200").json()["items"]) == 55


@pytest.mark.parametrize(
    ("query", "field"), [("limit=201", "limit"), ("limit=0", "limit"), ("offset=-1", "offset")]
)
def test_out_of_range_paging_is_422_naming_the_parameter(factory, query: str, field: str) -> None:
    body = problem(factory.api().get(f"{URL}?{query}"), 422)

    assert list(fields(body)) == [field]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/materials",
        "/api/v1/rolls",
        "/api/v1/styles",
        "/api/v1/facilities",
        "/api/v1/production-orders",
        "/api/v1/factories",
    ],
)
def test_every_list_is_paginated(brand, url: str) -> None:
    response = brand.api().get(f"{url}?limit=1&offset=0")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"items", "count"}
