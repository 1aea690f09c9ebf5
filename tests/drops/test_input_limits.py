"""What a pre-order refuses before any payment hold (issue #13): text the database cannot store (a NUL, a key
longer than the hold's column), and too many tries from one address, on the API and the checkout form."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from seamline.core.errors import ValidationError
from seamline.drops.models import PaymentHold, PreOrder
from seamline.drops.preorders import IDEMPOTENCY_KEY_MAX_LENGTH, Customer, preorder_place
from tests.api.helpers import fields, problem

from .helpers import buyer, make_drop, sku


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def _api_order(drop, *, key: str, **changes):
    body = {
        "name": "Ana Reyes",
        "email": "ana@example.com",
        "street": "1200 Sunset Blvd",
        "city": "",
        "zip_code": "90026",
        "quantities": {sku(drop, "M"): 1},
    } | changes
    return Client().post(
        f"/api/v1/drops/{drop.slug}/preorders",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _form(drop, **changes) -> dict:
    return {
        "variant": sku(drop, "M"),
        "quantity": "1",
        "name": "Ana Reyes",
        "email": "ana@example.com",
        "street": "1200 Sunset Blvd",
        "city": "Los Angeles",
        "zip_code": "90026",
        "idempotency_key": uuid.uuid4().hex,
    } | changes


def _nothing_held(drop) -> None:
    drop.refresh_from_db()
    assert drop.units_sold == 0
    assert not PreOrder.objects.exists() and not PaymentHold.objects.exists()


# Text the database cannot store ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "email", "street", "city", "zip_code"])
def test_a_nul_in_the_customer_is_refused_before_any_payment_hold(brand, factory, field: str) -> None:
    drop = make_drop(brand.org, factory.org)
    customer = buyer(1).__dict__ | {field: "90026\x00" if field == "zip_code" else "Ana\x00 Reyes"}

    with pytest.raises(ValidationError) as refused:
        preorder_place(
            drop=drop, customer=Customer(**customer), basket={sku(drop, "M"): 1}, idempotency_key="k-1"
        )

    assert refused.value.fields[field] == "Must not contain the NUL character."
    _nothing_held(drop)


def test_a_nul_in_the_api_body_is_a_400_and_nothing_is_held(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)

    body = problem(_api_order(drop, key="k-1", name="Ana\x00"), 400)

    assert body["type"].endswith("/nul-character")
    _nothing_held(drop)


def test_a_customer_field_longer_than_its_column_is_refused_before_any_hold(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    customer = Customer(**(buyer(1).__dict__ | {"city": "L" * 101}))

    with pytest.raises(ValidationError) as refused:
        preorder_place(drop=drop, customer=customer, basket={sku(drop, "M"): 1}, idempotency_key="k-1")

    assert refused.value.fields == {"city": "At most 100 characters (got 101)."}
    _nothing_held(drop)


def test_an_idempotency_key_longer_than_the_hold_can_store_is_422_naming_the_header(brand, factory) -> None:
    """The hold's key is "<drop id>:<key>" in 200 characters: a 200-character key overflowed it (a 500 on
    PostgreSQL after the hold row was asked for)."""
    drop = make_drop(brand.org, factory.org)

    body = problem(_api_order(drop, key="k" * 200), 422)

    assert list(fields(body)) == ["Idempotency-Key"]
    _nothing_held(drop)
    longest = _api_order(drop, key="k" * IDEMPOTENCY_KEY_MAX_LENGTH)
    assert longest.status_code == 201, longest.content
    assert PaymentHold.objects.get().idempotency_key == f"{drop.pk}:{'k' * IDEMPOTENCY_KEY_MAX_LENGTH}"


def test_the_service_bounds_the_key_too(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)

    for key in ("k" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1), "", "k\x00"):
        with pytest.raises(ValidationError) as refused:
            preorder_place(drop=drop, customer=buyer(1), basket={sku(drop, "M"): 1}, idempotency_key=key)
        assert list(refused.value.fields) == ["idempotency_key"]
    _nothing_held(drop)


def test_a_nul_in_the_checkout_form_is_a_plain_400_page_and_nothing_is_held(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)

    response = Client().post(f"/d/{drop.slug}/", _form(drop, name="Ana\x00 Reyes"))

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert b"NUL character" in response.content
    _nothing_held(drop)


@pytest.mark.parametrize(
    "path", ["/d/{slug}/orders/a%00b/", "/d/{slug}/?ref=%00", "/d/{slug}/status.json%00"]
)
def test_a_nul_in_a_public_address_is_a_plain_400(brand, factory, path: str) -> None:
    drop = make_drop(brand.org, factory.org)

    response = Client().get(path.format(slug=drop.slug))

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


# Too many tries from one address --------------------------------------------------------------------------


def test_the_checkout_form_is_rate_limited_per_client_ip(brand, factory, settings) -> None:
    settings.SEAMLINE_PREORDER_RATE = "2/60s"
    drop = make_drop(brand.org, factory.org, per_customer=5)
    page = f"/d/{drop.slug}/"
    placed = [Client().post(page, _form(drop, email=f"b{n}@example.com")) for n in (1, 2)]

    limited = Client().post(page, _form(drop, email="b3@example.com", name="Cleo Park"))
    elsewhere = Client().post(page, _form(drop, email="b3@example.com"), REMOTE_ADDR="198.51.100.7")

    assert [r.status_code for r in placed] == [302, 302]
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    html = limited.content.decode()
    assert f"try again in {limited['Retry-After']} s" in html
    assert 'value="Cleo Park"' in html  # the form comes back as it was typed
    assert elsewhere.status_code == 302
    assert Client().get(page).status_code == 200  # the page itself is not limited
    assert PreOrder.objects.count() == 3


def test_the_form_and_the_api_share_one_count(brand, factory, settings) -> None:
    settings.SEAMLINE_PREORDER_RATE = "2/60s"
    drop = make_drop(brand.org, factory.org, per_customer=5)

    api = _api_order(drop, key="k-1", email="b1@example.com")
    form = Client().post(f"/d/{drop.slug}/", _form(drop, email="b2@example.com"))
    over = Client().post(f"/d/{drop.slug}/", _form(drop, email="b3@example.com"))
    api_over = _api_order(drop, key="k-2", email="b4@example.com")

    assert (api.status_code, form.status_code, over.status_code) == (201, 302, 429)
    problem(api_over, 429)
