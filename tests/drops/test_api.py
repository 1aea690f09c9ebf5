"""/api/v1/drops: the public pre-order (idempotent, rate-limited), its status, and the brand's drops."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seamline.core.ratelimit import Rate, parse_rate, setting_rate
from seamline.drops.models import Drop, PaymentHold, PreOrder
from seamline.drops.services import drop_close
from tests import factories as f
from tests.api.helpers import fields, post, problem

from .fake_stripe import DECLINED_CARD, FakeStripe
from .helpers import make_drop, sku


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The limiter counts in the cache, which outlives a test; every test starts with a clean count."""
    cache.clear()


def _body(drop: Drop, n: int = 1, size: str = "M", **changes) -> dict:
    body = {
        "name": f"Buyer {n}",
        "email": f"buyer{n}@example.com",
        "street": "1 Sunset Blvd",
        "city": "",
        "zip_code": "90026",
        "quantities": {sku(drop, size): 1},
    }
    return body | changes


def _order(drop: Drop, body: dict, key: str | None = "key-1", client: Client | None = None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return (client or Client()).post(
        f"/api/v1/drops/{drop.slug}/preorders",
        json.dumps(body),
        content_type="application/json",
        **headers,
        **extra,
    )


def _nothing_reserved(drop: Drop) -> None:
    drop.refresh_from_db()
    assert (drop.units_sold, drop.revenue) == (0, 0)
    assert not PreOrder.objects.exists()
    assert not PaymentHold.objects.exclude(status__in=["voided", "failed"]).exists()


# --- the public pre-order ---------------------------------------------------------------------------


def test_a_preorder_is_created_then_replayed(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    body = _body(drop, quantities={sku(drop, "M"): 1, sku(drop, "L"): 1})

    created = _order(drop, body)
    replayed = _order(drop, body)

    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["state"], out["units"], out["amount"], out["currency"]) == ("held", 2, "360.00", "USD")
    assert out["local_delivery"] is True
    order = PreOrder.objects.get()
    assert out["id"] == order.pk and out["order_url"].endswith(f"/d/{drop.slug}/orders/{order.access_token}/")
    assert [(line["size"], line["quantity"], line["unit_price"]) for line in out["lines"]] == [
        ("M", 1, "180.00"),
        ("L", 1, "180.00"),
    ]
    assert replayed.status_code == 200 and replayed.json() == out
    drop.refresh_from_db()
    assert drop.units_sold == 2 and PaymentHold.objects.count() == 1


def test_a_reused_key_with_another_body_is_refused_and_reserves_nothing(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    assert _order(drop, _body(drop)).status_code == 201

    body = problem(_order(drop, _body(drop, size="L")), 409)

    assert body["type"].endswith("/idempotency-key-reused")
    drop.refresh_from_db()
    assert drop.units_sold == 1 and PreOrder.objects.count() == 1
    assert list(PaymentHold.objects.values_list("status", flat=True)) == ["authorized"]


def test_a_sold_out_drop_answers_409_without_a_lock_or_a_hold(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org, run_cap=2, threshold=2)
    assert _order(drop, _body(drop, quantities={sku(drop, "M"): 2})).status_code == 201

    body = _body(drop, n=2)
    with CaptureQueriesContext(connection) as queries:
        response = _order(drop, body, key="key-2")

    body = problem(response, 409)
    # The whole run is gone: the drop's counters answer alone (no offers read, no input checks).
    assert body["type"].endswith("/sold-out") and fields(body) == {"run": "1 too many"}
    assert len(queries) == 3  # the drop by slug, the Idempotency-Key replay check, the drop's fresh counters
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == [] and not any("FOR UPDATE" in q["sql"] for q in queries)
    assert PaymentHold.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantities": {"NO-SUCH-SKU": 1}}, "quantities.NO-SUCH-SKU"),
        ({"quantities": {"{M}": 0}}, "quantities.{M}"),
        ({"quantities": {"{M}": 3}}, "quantities"),  # the per-customer limit is 2
        ({"quantities": {}}, "quantities"),
        ({"email": "not-an-email"}, "email"),
        ({"zip_code": "00000"}, "zip_code"),
        ({"zip_code": "9002"}, "zip_code"),
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"quantities": {"X": "many"}}, "quantities.X"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_reserves_nothing(brand, factory, change, field: str) -> None:
    drop = make_drop(brand.org, factory.org)
    m = sku(drop, "M")
    if "quantities" in change:
        change = {"quantities": {k.format(M=m): n for k, n in change["quantities"].items()}}

    body = problem(_order(drop, _body(drop, **change)), 422)

    assert field.format(M=m) in fields(body)
    _nothing_reserved(drop)


@pytest.mark.parametrize("key", [None, "", "k" * 201])
def test_the_idempotency_key_is_required(brand, factory, key: str | None) -> None:
    drop = make_drop(brand.org, factory.org)

    body = problem(_order(drop, _body(drop), key=key), 422)

    assert "Idempotency-Key" in fields(body)
    _nothing_reserved(drop)


def test_a_closed_drop_answers_409_and_a_draft_is_not_public(brand, factory) -> None:
    closed = drop_close(drop=make_drop(brand.org, factory.org))
    draft = make_drop(brand.org, factory.org, live=False)

    assert problem(_order(closed, _body(closed)), 409)["type"].endswith("/drop-closed")
    assert problem(_order(draft, _body(draft)), 404)
    assert problem(Client().get(f"/api/v1/drops/{draft.slug}/status"), 404)
    assert problem(Client().get("/api/v1/drops/no-such-drop/status"), 404)
    _nothing_reserved(closed)


def test_a_declined_card_is_402_and_reserves_nothing(brand, factory, settings) -> None:
    fake = FakeStripe().start()
    settings.SEAMLINE_PAYMENT_PROVIDER = "stripe"
    settings.SEAMLINE_STRIPE_SECRET_KEY, settings.SEAMLINE_STRIPE_API_BASE = "sk_test_x", fake.url
    settings.SEAMLINE_STRIPE_PAYMENT_METHOD = DECLINED_CARD
    drop = make_drop(brand.org, factory.org)
    try:
        body = problem(_order(drop, _body(drop)), 402)
    finally:
        fake.stop()
    assert body["type"].endswith("/payment-failed")
    _nothing_reserved(drop)


# --- rate limit ---------------------------------------------------------------------------------------


def test_preorders_are_rate_limited_per_client_ip(brand, factory, settings) -> None:
    settings.SEAMLINE_PREORDER_RATE = "2/60s"
    drop = make_drop(brand.org, factory.org, per_customer=5)
    for n in (1, 2):
        assert _order(drop, _body(drop, n=n), key=f"k{n}").status_code == 201

    limited = _order(drop, _body(drop, n=3), key="k3")
    spoofed = _order(drop, _body(drop, n=3), key="k3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    elsewhere = _order(drop, _body(drop, n=3), key="k3", REMOTE_ADDR="198.51.100.7")

    body = problem(limited, 429)
    assert body["type"].endswith("/throttled") and 1 <= int(limited["Retry-After"]) <= 60
    assert spoofed.status_code == 429  # X-Forwarded-For is not trusted unless a setting says so
    assert elsewhere.status_code == 201
    assert Client().get(f"/api/v1/drops/{drop.slug}/status").status_code == 200  # reads are not limited
    assert PreOrder.objects.count() == 3


def test_behind_a_trusted_proxy_the_last_forwarded_address_counts(brand, factory, settings) -> None:
    settings.SEAMLINE_PREORDER_RATE, settings.SEAMLINE_TRUST_X_FORWARDED_FOR = "1/60s", True
    drop = make_drop(brand.org, factory.org)

    first = _order(drop, _body(drop, n=1), key="a", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    same = _order(drop, _body(drop, n=2), key="b", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9")
    other = _order(drop, _body(drop, n=3), key="c", HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert (first.status_code, same.status_code, other.status_code) == (201, 429, 201)


def test_the_rate_setting(settings) -> None:
    assert parse_rate("30/10s") == Rate(30, 10) and parse_rate("100/m") == Rate(100, 60)
    assert parse_rate("5/2h") == Rate(5, 7200) and parse_rate("off") is None
    with pytest.raises(ValueError):
        parse_rate("fast")
    settings.SEAMLINE_PREORDER_RATE = "500/s"
    assert setting_rate("SEAMLINE_PREORDER_RATE", "30/10s") == Rate(500, 1)
    settings.SEAMLINE_PREORDER_RATE = "off"
    assert setting_rate("SEAMLINE_PREORDER_RATE", "30/10s") is None


# --- status -------------------------------------------------------------------------------------------


def test_the_status_counts_what_was_sold(brand, factory, django_assert_num_queries) -> None:
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6, caps={"S": 1})
    _order(drop, _body(drop, n=1, quantities={sku(drop, "M"): 2}), key="a")
    _order(drop, _body(drop, n=2, quantities={sku(drop, "S"): 1}), key="b")

    with django_assert_num_queries(2):  # the drop by slug, then its offers with fresh counters
        response = Client().get(f"/api/v1/drops/{drop.slug}/status")

    assert response.status_code == 200
    status = response.json()
    assert status == {
        "slug": drop.slug,
        "state": "live",
        "units_sold": 3,
        "run_cap": 10,
        "threshold_units": 6,
        "threshold_revenue": None,
        "revenue": "540.00",
        "funded_pct": 50,
        "left": {sku(drop, "S"): 0, sku(drop, "M"): 7, sku(drop, "L"): 7},
        "closes_at": status["closes_at"],
    }
    closes_at = datetime.fromisoformat(status["closes_at"])  # JSON times carry milliseconds
    assert timedelta(0) <= drop.closes_at - closes_at < timedelta(milliseconds=1)


# --- the brand's drops --------------------------------------------------------------------------------


def _operator(org) -> Client:
    client = Client()
    client.force_login(f.make_member(org, role="operator"))
    return client


def _new_drop(brand, factory, **changes) -> dict:
    style = f.make_style(brand.org)
    now = timezone.now()
    return {
        "style_id": style.pk,
        "factory_id": factory.org.pk,
        "title": "Chore Jacket, Indigo",
        "prices": {v.sku: "180.00" for v in style.variants.all()},
        "run_cap": 70,
        "threshold_units": 50,
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=2)).isoformat(),
    } | changes


def test_a_brand_creates_and_runs_a_drop(brand, factory) -> None:
    client = brand.api()
    created = post(client, "/api/v1/drops", _new_drop(brand, factory, variant_caps={}))
    assert created.status_code == 201, created.content
    drop = created.json()
    assert (drop["slug"], drop["state"], drop["run_cap"], drop["funded_pct"]) == (
        "chore-jacket-indigo",
        "draft",
        70,
        0,
    )
    assert [(v["size"], v["price"], v["left"]) for v in drop["variants"]] == [
        ("S", "180.00", 70),
        ("M", "180.00", 70),
        ("L", "180.00", 70),
    ]
    url = f"/api/v1/drops/{drop['slug']}"

    assert client.post(f"{url}/open").json()["state"] == "live"
    assert client.get(url).json()["state"] == "live"
    assert client.post(f"{url}/cancel").json()["state"] == "cancelled"
    assert fields(problem(client.post(f"{url}/open"), 409)) == {"state": "Not from cancelled."}


def test_closing_a_live_drop_below_its_threshold_leaves_it_unfunded(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    assert brand.api().post(f"/api/v1/drops/{drop.slug}/close").json()["state"] == "closed_unfunded"


def test_drop_input_is_checked(brand, factory, other_brand) -> None:
    bad = _new_drop(brand, factory, style_id=f.make_style(other_brand.org).pk, factory_id=brand.org.pk)
    assert set(fields(problem(post(brand.api(), "/api/v1/drops", bad), 422))) == {"style_id", "factory_id"}

    bad = _new_drop(brand, factory, run_cap=10, threshold_units=20, prices={"NOPE": "1"})
    assert set(fields(problem(post(brand.api(), "/api/v1/drops", bad), 422))) == {
        "threshold_units",
        "prices.NOPE",
    }
    assert not Drop.objects.exists()


def test_drops_are_the_brands_own(brand, other_brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    make_drop(other_brand.org, factory.org)
    url = f"/api/v1/drops/{drop.slug}"

    assert [d["slug"] for d in brand.api().get("/api/v1/drops").json()["items"]] == [drop.slug]
    for client in (other_brand.api(), factory.api()):
        assert problem(client.get(url), 404)
        assert problem(client.get(f"{url}/preorders"), 404)
        assert problem(client.post(f"{url}/cancel"), 404)
    assert problem(Client().get("/api/v1/drops"), 401)
    assert Drop.objects.get(pk=drop.pk).state == "live"


def test_an_operator_reads_drops_but_does_not_change_them(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org)
    operator = _operator(brand.org)

    assert operator.get(f"/api/v1/drops/{drop.slug}").status_code == 200
    assert problem(operator.post(f"/api/v1/drops/{drop.slug}/cancel"), 403)
    assert problem(post(operator, "/api/v1/drops", _new_drop(brand, factory)), 403)
    assert Drop.objects.get(pk=drop.pk).state == "live" and Drop.objects.count() == 1


def test_the_brand_lists_the_preorders_of_its_drop(brand, factory) -> None:
    drop = make_drop(brand.org, factory.org, per_customer=2)
    _order(drop, _body(drop, n=1, quantities={sku(drop, "M"): 2}), key="a")
    _order(drop, _body(drop, n=2, size="L"), key="b")

    page = brand.api().get(f"/api/v1/drops/{drop.slug}/preorders").json()
    held = brand.api().get(f"/api/v1/drops/{drop.slug}/preorders?state=captured").json()

    assert page["count"] == 2 and held == {"items": [], "count": 0}
    newest = page["items"][0]
    assert (newest["email"], newest["units"], newest["amount"]) == ("buyer2@example.com", 1, "180.00")
    assert [line["size"] for line in newest["lines"]] == ["L"]
    assert Decimal(page["items"][1]["amount"]) == Decimal("360.00")


@pytest.mark.parametrize("n", [3, 8])
def test_list_query_counts_do_not_grow(brand, factory, django_assert_num_queries, n: int) -> None:
    drops = [make_drop(brand.org, factory.org, run_cap=20, threshold=20) for _ in range(n)]
    for i in range(n):
        _order(drops[0], _body(drops[0], n=i, size="SML"[i % 3]), key=f"k{i}")
    client = brand.api()

    with django_assert_num_queries(2):  # token, page
        assert len(client.get("/api/v1/drops").json()["items"]) == n
    with django_assert_num_queries(3):  # token, page, count
        assert client.get("/api/v1/drops?limit=2").json()["count"] == n
    with django_assert_num_queries(4):  # token, drop, page, lines with their variants
        assert len(client.get(f"/api/v1/drops/{drops[0].slug}/preorders").json()["items"]) == n
