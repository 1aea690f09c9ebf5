"""The API keeps the same role rules as the pages: a signed-in operator works the floor, nothing else."""

import json

from django.test import Client

from seamline.catalog.models import Material
from tests import factories as f


def _operator(org) -> Client:
    client = Client()
    client.force_login(f.make_member(org, role="operator"))
    return client


def test_operator_session_cannot_write_the_catalog(brand):
    body = {"name": "Denim", "composition": {"cotton": 100}, "weight_gsm": "450", "usable_width_cm": "80"}
    response = _operator(brand.org).post(
        "/api/v1/materials", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403
    problem = response.json()
    assert (
        problem["type"].endswith("/forbidden")
        and problem["detail"] == "Your role (operator) may not edit catalog."
    )
    assert Material.objects.count() == 0


def test_operator_session_moves_an_order(brand, factory):
    order = f.make_order(brand.org, factory.org)
    brand.api().post(
        f"/api/v1/production-orders/{order.pk}/transitions",
        {"target": "planned"},
        content_type="application/json",
    )
    response = _operator(factory.org).post(
        f"/api/v1/production-orders/{order.pk}/transitions",
        {"target": "cutting"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "cutting"


def test_a_token_acts_as_staff(brand):
    body = {"name": "Denim", "composition": {"cotton": 100}, "weight_gsm": "450", "usable_width_cm": "80"}
    response = brand.api().post("/api/v1/materials", json.dumps(body), content_type="application/json")
    assert response.status_code == 201


def test_operator_session_neither_places_nor_cancels(brand, factory):
    order = f.make_order(brand.org, factory.org)
    url = f"/api/v1/production-orders/{order.pk}/transitions"

    def move(client: Client, target: str):
        return client.post(url, {"target": target}, content_type="application/json")

    response = move(_operator(brand.org), "planned")
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role (operator) may not place orders."
    assert move(_operator(brand.org), "cancelled").status_code == 403
    assert move(brand.api(), "planned").status_code == 200  # a token acts as staff
    assert move(_operator(factory.org), "cancelled").status_code == 403
    assert move(_operator(factory.org), "draft").status_code == 403
    order.refresh_from_db()
    assert order.state == "planned"
    assert move(factory.api(), "cancelled").json()["state"] == "cancelled"
