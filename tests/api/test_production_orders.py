"""/api/v1/production-orders: a brand places an order with a factory; both move it through its states."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seamline.production.models import OrderTransition, ProductionOrder
from seamline.production.services import production_order_transition
from tests import factories as f

from .helpers import fields, post, problem

URL = "/api/v1/production-orders"
DUE = (date.today() + timedelta(days=21)).isoformat()


def _payload(style, factory_org, **quantities: int) -> dict:
    skus = {v.size: v.sku for v in style.variants.all()}
    qty = quantities or {"S": 4, "M": 8}
    return {
        "style_id": style.pk,
        "factory_id": factory_org.pk,
        "due_date": DUE,
        "quantities": {skus[s]: n for s, n in qty.items()},
    }


def _move(order: ProductionOrder, tenant, *targets: str) -> None:
    for target in targets:
        production_order_transition(order=order, target=target, organization=tenant.org)


def test_create_answers_201_with_lines_and_the_first_transition(brand, factory) -> None:
    style = f.make_style(brand.org, code="CJ")

    response = post(brand.api(), URL, {**_payload(style, factory.org), "notes": "Rush"})

    assert response.status_code == 201, response.content
    body = response.json()
    order = ProductionOrder.objects.get()
    assert body["id"] == order.pk
    assert body["number"] == f"PO-{order.pk:05d}"
    assert (body["state"], body["units"], body["due_date"], body["notes"]) == ("draft", 12, DUE, "Rush")
    assert body["style"] == {"id": style.pk, "code": "CJ", "name": "Chore Jacket"}
    assert body["brand"] == {"id": brand.org.pk, "name": "Echo Park Atelier"}
    assert body["factory"] == {"id": factory.org.pk, "name": "Alameda Street Sewing"}
    assert body["allowed_transitions"] == ["planned", "cancelled"]
    assert body["lines"] == [
        {"sku": "CJ-INDIGO-S", "size": "S", "colour": "Indigo", "quantity": 4},
        {"sku": "CJ-INDIGO-M", "size": "M", "colour": "Indigo", "quantity": 8},
    ]
    assert [(t["source"], t["target"], t["organization"]["id"]) for t in body["transitions"]] == [
        ("", "draft", brand.org.pk)
    ]
    assert body["transitions"][0]["by"] is None  # the test token names no creator
    assert body["created_at"].endswith("Z") and body["transitions"][0]["at"].endswith("Z")


def test_an_unknown_sku_is_422_naming_it_and_writes_nothing(brand, factory) -> None:
    style = f.make_style(brand.org, code="CJ")
    payload = _payload(style, factory.org)
    payload["quantities"]["CJ-INDIGO-XXL"] = 3

    body = problem(post(brand.api(), URL, payload), 422)

    assert fields(body) == {"quantities.CJ-INDIGO-XXL": "CJ-INDIGO-XXL is not a variant of CJ."}
    assert not ProductionOrder.objects.exists()


def test_a_quantity_of_the_wrong_type_is_422_naming_it(brand, factory) -> None:
    payload = _payload(f.make_style(brand.org, code="CJ"), factory.org)
    payload["quantities"]["CJ-INDIGO-S"] = "lots"

    assert list(fields(problem(post(brand.api(), URL, payload), 422))) == ["quantities.CJ-INDIGO-S"]


def test_a_zero_quantity_and_a_bad_date_are_both_named(brand, factory) -> None:
    payload = {**_payload(f.make_style(brand.org, code="CJ"), factory.org, S=0), "due_date": "2025-02-30"}

    assert list(fields(problem(post(brand.api(), URL, payload), 422))) == ["due_date"]
    payload["due_date"] = DUE
    assert list(fields(problem(post(brand.api(), URL, payload), 422))) == ["quantities.CJ-INDIGO-S"]
    assert not ProductionOrder.objects.exists()


def test_the_factory_must_be_a_factory_and_the_style_the_brands(brand, other_brand, factory) -> None:
    mine, theirs = f.make_style(brand.org), f.make_style(other_brand.org)

    assert list(fields(problem(post(brand.api(), URL, _payload(mine, other_brand.org)), 422))) == [
        "factory_id"
    ]
    assert list(fields(problem(post(brand.api(), URL, _payload(theirs, factory.org)), 422))) == ["style_id"]
    assert not ProductionOrder.objects.exists()


def test_a_factory_cannot_place_orders(brand, factory, other_factory) -> None:
    style = f.make_style(brand.org)
    f.make_order(brand.org, factory.org, style)

    body = problem(post(factory.api(), URL, _payload(style, other_factory.org)), 422)

    assert "brand" in fields(body)
    assert ProductionOrder.objects.count() == 1


def test_list_filters_by_state_style_and_open(brand, factory) -> None:
    jacket, tee = f.make_style(brand.org), f.make_style(brand.org)
    draft = f.make_order(brand.org, factory.org, jacket)
    planned = f.make_order(brand.org, factory.org, tee)
    cancelled = f.make_order(brand.org, factory.org, jacket)
    _move(planned, brand, "planned")
    _move(cancelled, brand, "cancelled")
    client = brand.api()

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}{query}")
        assert response.status_code == 200, response.content
        return {o["id"] for o in response.json()["items"]}

    assert ids("") == {draft.pk, planned.pk, cancelled.pk}
    assert ids("?state=planned") == {planned.pk}
    assert ids(f"?style_id={jacket.pk}") == {draft.pk, cancelled.pk}
    assert ids("?open=true") == {draft.pk, planned.pk}
    assert ids(f"?open=true&style_id={jacket.pk}") == {draft.pk}
    assert list(fields(problem(client.get(f"{URL}?state=lost"), 422))) == ["state"]


def test_allowed_transitions_depend_on_who_asks(brand, factory) -> None:
    order = f.make_order(brand.org, factory.org)
    _move(order, brand, "planned")

    as_brand = brand.api().get(f"{URL}/{order.pk}").json()
    as_factory = factory.api().get(URL).json()["items"][0]

    assert as_brand["allowed_transitions"] == ["draft", "cancelled"]
    assert as_factory["allowed_transitions"] == ["cutting", "draft", "cancelled"]
    assert as_factory["units"] == 20


def test_transitions_move_the_order_and_record_the_timeline(brand, factory) -> None:
    order = f.make_order(brand.org, factory.org)

    placed = post(brand.api(), f"{URL}/{order.pk}/transitions", {"target": "planned", "note": "Go"})
    cutting = post(factory.api(), f"{URL}/{order.pk}/transitions", {"target": "cutting"})

    assert placed.status_code == 200, placed.content
    assert placed.json()["state"] == "planned"
    assert cutting.status_code == 200, cutting.content
    body = cutting.json()
    assert body["state"] == "cutting"
    assert body["allowed_transitions"] == ["sewing", "cancelled"]
    assert [(t["source"], t["target"], t["note"]) for t in body["transitions"]] == [
        ("", "draft", ""),
        ("draft", "planned", "Go"),
        ("planned", "cutting", ""),
    ]
    assert body["transitions"][2]["organization"]["id"] == factory.org.pk


@pytest.mark.parametrize(
    ("moves", "caller", "target"),
    [
        ((), "brand", "sewing"),
        (("planned", "cutting"), "brand", "sewing"),
        (("planned", "cutting"), "brand", "cancelled"),
        (("cancelled",), "factory", "planned"),
    ],
)
def test_an_illegal_transition_is_409_and_leaves_the_state(brand, factory, moves, caller, target) -> None:
    order = f.make_order(brand.org, factory.org)
    for move in moves:
        _move(order, brand if move in ("planned", "cancelled") else factory, move)
    before = ProductionOrder.objects.get(pk=order.pk).state
    count = OrderTransition.objects.count()
    tenant = brand if caller == "brand" else factory

    body = problem(post(tenant.api(), f"{URL}/{order.pk}/transitions", {"target": target}), 409)

    assert body["type"] == "https://seamline.dev/problems/conflict"
    assert fields(body) == {"target": f"Not allowed from {before}."}
    assert ProductionOrder.objects.get(pk=order.pk).state == before
    assert OrderTransition.objects.count() == count


def test_an_unknown_target_is_422_naming_target(brand, factory) -> None:
    order = f.make_order(brand.org, factory.org)

    body = problem(post(brand.api(), f"{URL}/{order.pk}/transitions", {"target": "shipped"}), 422)

    assert list(fields(body)) == ["target"]
    assert ProductionOrder.objects.get(pk=order.pk).state == "draft"


def test_a_session_transition_records_who_made_it(brand, factory) -> None:
    order = f.make_order(brand.org, factory.org)

    response = post(brand.client(), f"{URL}/{order.pk}/transitions", {"target": "planned"})

    assert response.status_code == 200, response.content
    assert response.json()["transitions"][-1]["by"] == "Test User"
    assert OrderTransition.objects.get(target="planned").by == brand.user


def test_an_absurd_quantity_is_422_naming_its_sku_and_writes_nothing(brand, factory) -> None:
    payload = _payload(f.make_style(brand.org, code="CJ"), factory.org)
    payload["quantities"]["CJ-INDIGO-S"] = 99_999_999_999

    body = problem(post(brand.api(), URL, payload), 422)

    assert fields(body) == {"quantities.CJ-INDIGO-S": "At most 10,000 units an order (got 99,999,999,999)."}
    assert not ProductionOrder.objects.exists()


def test_a_due_date_in_the_past_is_422_naming_due_date(brand, factory) -> None:
    payload = {**_payload(f.make_style(brand.org, code="CJ"), factory.org), "due_date": "2020-01-15"}

    body = problem(post(brand.api(), URL, payload), 422)

    assert list(fields(body)) == ["due_date"]
    assert fields(body)["due_date"].startswith("2020-01-15 is in the past")
    assert not ProductionOrder.objects.exists()
