"""The public drop page (no login): what it shows, its checkout form, the status JSON and the order page."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from seamline.drops.models import PaymentHold, PreOrder
from seamline.drops.services import drop_cancel, drop_close

from .helpers import buy, make_drop, sku


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The checkout form counts tries per address in the cache, which outlives a test."""
    cache.clear()


def _form(drop, size="M", **changes) -> dict:
    data = {
        "variant": sku(drop, size),
        "quantity": "1",
        "name": "Ana Reyes",
        "email": "ana@example.com",
        "street": "1200 Sunset Blvd",
        "city": "Los Angeles",
        "zip_code": "90026",
        "idempotency_key": uuid.uuid4().hex,
    }
    return data | changes


def _page(drop) -> str:
    return f"/d/{drop.slug}/"


def test_the_page_shows_the_drop_and_its_counts(brand, factory, django_assert_num_queries):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6, description="Selvedge, 13.5 oz.")
    buy(drop, "M", 2)
    with django_assert_num_queries(3):  # the drop with style and brand; its offers; what its fittings changed
        response = Client().get(_page(drop))
    assert response.status_code == 200
    html = response.content.decode()
    assert drop.title in html and "Chore Jacket" in html and "Selvedge, 13.5 oz." in html
    assert '<strong data-testid="price">$180.00</strong>' in html
    assert 'data-testid="units-sold">2<' in html and 'data-testid="units-left">8<' in html
    assert 'data-testid="funded-pct">33<' in html
    assert 'style="width: 20%"' in html and 'style="left: 60%"' in html  # sold of the cap; the goal
    assert re.search(rf'data-left="{sku(drop, "S")}">8 left<', html)
    assert 'name="csrfmiddlewaretoken"' in html and re.search(r'name="idempotency_key" value="\w{32}"', html)
    assert 'data-banner="funded" data-testid="banner-funded" hidden' in html


def test_a_sold_out_size_is_disabled(brand, factory):
    drop = make_drop(brand.org, factory.org, caps={"S": 1})
    buy(drop, "S", 1)
    html = Client().get(_page(drop)).content.decode()
    s, m = sku(drop, "S"), sku(drop, "M")
    assert f'value="{s}" disabled>' in html and f'data-left="{s}">Sold out<' in html
    assert f'value="{m}">' in html


def test_the_page_of_a_funded_drop_says_production_started(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=2)
    buy(drop, "L", 2)
    html = Client().get(_page(drop)).content.decode()
    assert 'data-testid="banner-funded">Funded — production started' in html
    assert 'data-testid="funded-pct">100<' in html
    assert "Pre-order</button>" in html  # a funded drop sells on up to its cap


def test_checkout_places_a_preorder_and_shows_its_private_page(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6)
    response = Client().post(_page(drop), _form(drop, "L", quantity="2"))
    preorder = PreOrder.objects.get(drop=drop)
    assert response.status_code == 302
    assert response["Location"] == f"/d/{drop.slug}/orders/{preorder.access_token}/?placed=1"
    assert (preorder.name, preorder.email, preorder.zip_code, preorder.units) == (
        "Ana Reyes",
        "ana@example.com",
        "90026",
        2,
    )
    assert [(line.offer.variant.size, line.quantity) for line in preorder.lines.all()] == [("L", 2)]
    assert PaymentHold.objects.get(preorder=preorder).status == "authorized"

    page = Client().get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert "Thank you, Ana Reyes!" in html
    assert 'data-testid="payment-state">Payment held<' in html
    assert 'data-testid="amount">$360.00<' in html
    assert "Local courier" in html and sku(drop, "L") in html


def test_the_customer_picks_a_delivery_window_at_checkout(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6)
    html = Client().get(_page(drop)).content.decode()
    assert "Morning, 09:00–13:00" in html and "Afternoon, 13:00–18:00" in html
    Client().post(_page(drop), _form(drop, delivery_window="13:00-18:00"))
    chosen = PreOrder.objects.get(drop=drop)
    assert (f"{chosen.delivery_window_start:%H:%M}", f"{chosen.delivery_window_end:%H:%M}") == (
        "13:00",
        "18:00",
    )
    Client().post(_page(drop), _form(drop, email="bo@example.com"))  # no choice: the drop's own window
    assert PreOrder.objects.get(email="bo@example.com").delivery_window_start is None
    response = Client().post(_page(drop), _form(drop, email="cy@example.com", delivery_window="20:00-23:00"))
    assert response.status_code == 422 and response.context["form"].errors["delivery_window"]


def test_an_address_outside_the_courier_zone_ships(brand, factory):
    drop = make_drop(brand.org, factory.org)
    response = Client().post(_page(drop), _form(drop, zip_code="10001", city="New York"))
    html = Client().get(response["Location"]).content.decode()
    assert "Ships by post" in html and "New York 10001" in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "ana-at-example"}, "email", "is not an e-mail address"),
        ({"zip_code": "9002"}, "zip_code", "not a 5-digit ZIP code"),
        ({"zip_code": "00000"}, "zip_code", "does not exist"),
        ({"quantity": "0"}, "quantity", "Choose at least 1."),
        ({"quantity": "3"}, "quantity", "At most 2 per customer."),
        ({"variant": ""}, "variant", "Choose a size."),
        ({"name": " "}, "name", "required"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_writes_nothing(brand, factory, change, field, message):
    drop = make_drop(brand.org, factory.org, per_customer=2)
    response = Client().post(_page(drop), _form(drop, **change))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="field-error' in response.content.decode()
    assert not PreOrder.objects.exists() and not PaymentHold.objects.exists()
    drop.refresh_from_db()
    assert drop.units_sold == 0


def test_a_form_shown_again_gets_a_fresh_key(brand, factory):
    """A corrected form is a new attempt; only a double submit of one rendered form reuses its key."""
    drop = make_drop(brand.org, factory.org)
    data = _form(drop, email="nope")
    html = Client().post(_page(drop), data).content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', html).group(1)
    assert key != data["idempotency_key"]


def test_a_double_submit_is_one_order(brand, factory):
    drop = make_drop(brand.org, factory.org)
    data = _form(drop, quantity="2")
    first, second = Client().post(_page(drop), data), Client().post(_page(drop), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert PreOrder.objects.filter(drop=drop).count() == 1
    drop.refresh_from_db()
    assert drop.units_sold == 2


def test_the_same_form_sent_with_other_details_is_refused(brand, factory):
    drop = make_drop(brand.org, factory.org)
    data = _form(drop)
    assert Client().post(_page(drop), data).status_code == 302
    response = Client().post(_page(drop), data | {"quantity": "2"})
    assert response.status_code == 409
    assert "already sent with other details" in response.content.decode()
    assert PreOrder.objects.get(drop=drop).units == 1


def test_a_sold_out_drop_has_no_form(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=2, threshold=2)
    buy(drop, "S", 2)
    html = Client().get(_page(drop)).content.decode()
    assert "Sold out — all 2 are spoken for." in html and "Pre-order</button>" not in html


def test_a_size_sold_out_meanwhile_is_a_message(brand, factory):
    drop = make_drop(brand.org, factory.org, caps={"S": 1})
    buy(drop, "S", 1, n=2)
    response = Client().post(_page(drop), _form(drop, "S"))
    assert response.status_code == 409
    assert "Not enough left: Indigo S is sold out." in response.context["form"].non_field_errors()
    assert PreOrder.objects.filter(drop=drop).count() == 1


@pytest.mark.parametrize("end", [drop_close, drop_cancel])
def test_a_closed_drop_refuses_and_says_so(brand, factory, end):
    drop = make_drop(brand.org, factory.org)
    data = _form(drop)
    end(drop=drop)
    response = Client().post(_page(drop), data)
    assert response.status_code == 409
    assert "not taking pre-orders" in response.content.decode()
    assert not PreOrder.objects.exists()
    html = Client().get(_page(drop)).content.decode()
    assert "Pre-order</button>" not in html
    state = "closed_unfunded" if end is drop_close else "cancelled"
    assert re.search(rf'data-banner="{state}">', html)


def test_a_draft_or_unknown_drop_is_not_found(brand, factory):
    draft = make_drop(brand.org, factory.org, live=False)
    assert Client().get(_page(draft)).status_code == 404
    assert Client().get("/d/no-such-drop/").status_code == 404
    assert Client().get("/d/no-such-drop/status.json").status_code == 404


def test_status_json_has_the_counters(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6, caps={"S": 3})
    buy(drop, "S", 2)
    buy(drop, "M", 1, n=2)
    response = Client().get(f"/d/{drop.slug}/status.json")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body == {
        "slug": drop.slug,
        "state": "live",
        "units_sold": 3,
        "run_cap": 10,
        "threshold_units": 6,
        "threshold_revenue": None,
        "revenue": "540.00",
        "funded_pct": 50,
        "left": {sku(drop, "S"): 1, sku(drop, "M"): 7, sku(drop, "L"): 7},
        "closes_at": drop.closes_at.isoformat(),
    }


def test_the_order_page_needs_the_right_token(brand, factory):
    drop = make_drop(brand.org, factory.org)
    other = make_drop(brand.org, factory.org)
    preorder, _ = buy(drop, "M", 1)
    assert Client().get(f"/d/{drop.slug}/orders/{preorder.access_token}/").status_code == 200
    token = preorder.access_token
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")
    assert Client().get(f"/d/{drop.slug}/orders/{wrong}/").status_code == 404
    assert Client().get(f"/d/{other.slug}/orders/{preorder.access_token}/").status_code == 404
