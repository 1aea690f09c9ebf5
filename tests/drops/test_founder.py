"""The founder's drop pages: list, form, dashboard with open/close/cancel, cash flow; tenancy and roles."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seamline.drops import tasks
from seamline.drops.models import Drop, DropVariant
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from tests import factories as f
from tests.conftest import Tenant

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _style(brand: Tenant):
    """Chore jacket S/M/L; denim at $12.00/m (1.7/1.8/1.9 m a garment); 4.5 + 30 = 34.5 standard minutes."""
    return f.make_style(brand.org, material=f.make_material(brand.org))


def _drop(brand: Tenant, factory: Tenant, *, style=None, live: bool = True, **kw) -> Drop:
    style = style or _style(brand)
    now = timezone.now()
    args = {
        "title": f"Drop {uuid4().hex[:6]}",
        "prices": {v.sku: "100.00" for v in style.variants.all()},
        "run_cap": 20,
        "threshold_units": 15,
        "per_customer_limit": 5,
        "opens_at": now - timedelta(minutes=30),
        "closes_at": now + timedelta(days=2),
        **kw,
    }
    drop = drop_create(brand=brand.org, factory=factory.org, style=style, **args)
    return drop_open(drop=drop) if live else drop


def _buy(drop: Drop, n: int, **sizes: int):
    basket = {DropVariant.objects.get(drop=drop, variant__size=s).variant.sku: q for s, q in sizes.items()}
    customer = Customer(
        name=f"Buyer {n}", email=f"buyer{n}@example.com", street="1 Sunset Blvd", city="", zip_code="90026"
    )
    return preorder_place(drop=drop, customer=customer, basket=basket, idempotency_key=str(uuid4()))[0]


def _login(org, role: str) -> Client:
    client = Client()
    client.force_login(f.make_member(org, role=role))
    return client


def _detail(drop: Drop) -> str:
    return reverse("drops_founder:drop_detail", args=[drop.slug])


# List and dashboard.


def test_the_owner_sees_the_list_and_the_nav_link(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory, title="Chore jacket, first run")
    _buy(drop, 1, M=2)
    page = brand.client().get(reverse("drops_founder:drop_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chore jacket, first run" in html and _detail(drop) in html
    assert "2 / 20" in html and "13%" in html  # 2 of a 15-unit threshold, rounded down
    assert 'href="/drops/" aria-current="page">Drops</a>' in html


def test_a_factory_has_no_drop_pages_and_no_nav_link(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory)
    client = factory.client()
    assert client.get(reverse("drops_founder:drop_list")).status_code == 403
    assert client.get(reverse("drops_founder:drop_create")).status_code == 403
    assert client.post(reverse("drops_founder:drop_create"), {"title": "x"}).status_code == 403
    assert client.get(_detail(drop)).status_code == 404  # the factory that will make it, too
    assert client.get(reverse("drops_founder:drop_cashflow", args=[drop.slug])).status_code == 404
    assert ">Drops</a>" not in client.get("/").content.decode()


def test_another_brands_drop_is_not_found_anywhere(brand: Tenant, other_brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory)
    client = other_brand.client()
    assert drop.title not in client.get(reverse("drops_founder:drop_list")).content.decode()
    assert client.get(_detail(drop)).status_code == 404
    assert client.get(reverse("drops_founder:drop_cashflow", args=[drop.slug])).status_code == 404
    assert client.post(reverse("drops_founder:drop_cancel", args=[drop.slug])).status_code == 404
    drop.refresh_from_db()
    assert drop.state == "live"


def test_the_dashboard_shows_progress_money_chart_and_latest_preorders(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory)
    _buy(drop, 1, M=2)
    _buy(drop, 2, S=1, L=1)
    _buy(drop, 3, M=3)
    response = brand.client().get(_detail(drop))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="funded-pct">46% funded' in html  # 7 of 15 units
    assert 'data-testid="units-sold">7<' in html
    held = response.context["money"]["held"]
    assert (held["n"], held["units"], held["amount"]) == (3, 7, Decimal("700.00"))
    assert response.context["money"]["captured"]["amount"] == Decimal("0.00")
    assert html.count('data-testid="preorder"') == 3
    assert "Buyer 3" in html and "M Indigo × 3" in html and "S Indigo × 1, L Indigo × 1" in html
    chart = ET.fromstring(str(response.context["chart"]))
    groups = chart.findall(".//{http://www.w3.org/2000/svg}g[@class='series']")
    assert [(g.get("data-series"), g.get("data-points")) for g in groups] == [
        ("S", "1"),
        ("M", "2"),
        ("L", "1"),
    ]
    assert "S · 1" in html and "M · 5" in html and "L · 1" in html
    assert f'action="/drops/{drop.slug}/close/"' in html
    assert f'action="/drops/{drop.slug}/cancel/"' in html
    assert "/open/" not in html


def test_a_funded_drop_links_its_production_order(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory, threshold_units=3)
    _buy(drop, 1, M=2)
    _buy(drop, 2, L=1)
    tasks.drop_fund.call(drop_id=drop.pk)  # what the pre-order that crossed the threshold enqueued
    drop.refresh_from_db()
    assert drop.state == "funded" and drop.production_order is not None
    response = brand.client().get(_detail(drop))
    html = response.content.decode()
    assert reverse("production:order_detail", args=[drop.production_order.pk]) in html
    assert drop.production_order.number in html
    assert 'data-testid="funded-pct">100% funded' in html
    captured = response.context["money"]["captured"]
    assert (captured["n"], captured["amount"]) == (2, Decimal("300.00"))
    assert response.context["money"]["held"]["amount"] == Decimal("0.00")


# Open, close, cancel.


def test_the_buttons_open_close_and_cancel_a_drop(brand: Tenant, factory: Tenant):
    client = brand.client()
    drop = _drop(brand, factory, live=False)
    page = client.get(_detail(drop)).content.decode()
    assert f'action="/drops/{drop.slug}/open/"' in page and "/close/" not in page
    response = client.post(reverse("drops_founder:drop_open", args=[drop.slug]), follow=True)
    assert response.redirect_chain == [(_detail(drop), 302)]
    drop.refresh_from_db()
    assert drop.state == "live"
    assert "is now live." in response.content.decode()
    client.post(reverse("drops_founder:drop_close", args=[drop.slug]))
    drop.refresh_from_db()
    assert drop.state == "closed_unfunded"
    # A closed drop cannot be cancelled: the refusal is shown, nothing changes.
    response = client.post(reverse("drops_founder:drop_cancel", args=[drop.slug]), follow=True)
    assert "it cannot become cancelled" in response.content.decode()
    drop.refresh_from_db()
    assert drop.state == "closed_unfunded"
    other = _drop(brand, factory, live=False)
    client.post(reverse("drops_founder:drop_cancel", args=[other.slug]))
    other.refresh_from_db()
    assert other.state == "cancelled"


def test_actions_are_posts_only(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory, live=False)
    assert brand.client().get(reverse("drops_founder:drop_open", args=[drop.slug])).status_code == 405


@pytest.mark.parametrize("action", ["open", "close", "cancel"])
def test_an_operator_sees_the_dashboard_but_cannot_open_close_or_cancel(
    brand: Tenant, factory: Tenant, action: str
):
    drop = _drop(brand, factory, live=action != "open")
    before = drop.state
    operator = _login(brand.org, "operator")
    page = operator.get(_detail(drop))
    assert page.status_code == 200 and f"/{action}/" not in page.content.decode()
    response = operator.post(reverse(f"drops_founder:drop_{action}", args=[drop.slug]))
    assert response.status_code == 403
    drop.refresh_from_db()
    assert drop.state == before
    assert operator.get(reverse("drops_founder:drop_create")).status_code == 403


# The form.


def _form(style, factory: Tenant, **over) -> dict:
    opens = timezone.localtime() + timedelta(hours=1)
    data = {
        "style": style.pk,
        "factory": factory.org.pk,
        "title": "Chore jacket — second run",
        "slug": "",
        "description": "Selvedge denim, made in LA.",
        "price": "185.00",
        "run_cap": "70",
        "threshold_units": "50",
        "threshold_revenue": "",
        "per_customer_limit": "2",
        "opens_at": opens.strftime(LOCAL_MINUTE),
        "closes_at": (opens + timedelta(days=3)).strftime(LOCAL_MINUTE),
        "overcut_pct": "3",
    }
    for v in style.variants.all():
        data[f"offer_{v.pk}"] = "on"
        data[f"price_{v.pk}"] = ""
        data[f"cap_{v.pk}"] = ""
    return {**data, **over}


def test_the_form_creates_a_draft_drop_with_one_price_or_a_price_per_sku(brand: Tenant, factory: Tenant):
    style = _style(brand)
    sizes = {v.size: v for v in style.variants.all()}
    page = brand.client().get(reverse("drops_founder:drop_create"))
    assert page.status_code == 200 and f'name="price_{sizes["M"].pk}"' in page.content.decode()
    data = _form(style, factory, **{f"price_{sizes['L'].pk}": "195.00", f"cap_{sizes['S'].pk}": "10"})
    del data[f"offer_{sizes['M'].pk}"]  # M is not offered
    response = brand.client().post(reverse("drops_founder:drop_create"), data)
    drop = Drop.objects.get(brand=brand.org)
    assert response.status_code == 302 and response["Location"] == _detail(drop)
    assert (drop.slug, drop.state, drop.run_cap, drop.threshold_units) == (
        "chore-jacket-second-run",
        "draft",
        70,
        50,
    )
    assert timezone.localtime(drop.opens_at).strftime(LOCAL_MINUTE) == data["opens_at"]
    offers = {o.variant.size: (o.price, o.cap) for o in drop.variants.select_related("variant")}
    assert offers == {"S": (Decimal("185.00"), 10), "L": (Decimal("195.00"), None)}


def test_choosing_a_style_swaps_in_its_skus(brand: Tenant, factory: Tenant):
    style = _style(brand)
    _style(brand)  # two styles: none is chosen until the founder picks one
    url = reverse("drops_founder:drop_create")
    assert "Choose a style to pick its SKUs" in brand.client().get(url).content.decode()
    partial = brand.client().get(url, {"style": style.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<fieldset class="sizes" id="drop-variants">')
    assert all(v.sku in partial for v in style.variants.all())


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"threshold_units": "80"}, "threshold_units", "The threshold (80) is above the run cap (70)."),
        ({"threshold_units": ""}, "threshold_units", "Give a funding threshold in units or in revenue."),
        ({"run_cap": "lots"}, "run_cap", "Enter a whole number."),
        ({"per_customer_limit": "0"}, "per_customer_limit", "Must be greater than 0 (got 0)."),
        ({"overcut_pct": "80"}, "overcut_pct", "Must be at most 50 (got 80.00)."),
        ({"price": ""}, "price_SKU", "Give a price here, or one price for every SKU."),
        ({"price": "-5"}, "price_SKU", "Must be greater than 0 (got -5.00)."),
        ({"cap_SKU": "0"}, "cap_SKU", "Must be greater than 0 (got 0)."),
    ],
)
def test_bad_input_is_shown_at_its_field_and_writes_nothing(
    brand: Tenant, factory: Tenant, over: dict, field: str, message: str
):
    style = _style(brand)
    first = style.variants.first()
    over = {k.replace("SKU", str(first.pk)): v for k, v in over.items()}
    field = field.replace("SKU", str(first.pk))
    response = brand.client().post(reverse("drops_founder:drop_create"), _form(style, factory, **over))
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Drop.objects.exists() and not DropVariant.objects.exists()


def test_a_drop_closing_before_it_opens_is_refused(brand: Tenant, factory: Tenant):
    style = _style(brand)
    data = _form(style, factory)
    data["closes_at"] = data["opens_at"]
    response = brand.client().post(reverse("drops_founder:drop_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["closes_at"] == ["The drop must close after it opens."]
    assert not Drop.objects.exists()


def test_a_taken_address_is_refused_at_the_address_field(brand: Tenant, other_brand: Tenant, factory: Tenant):
    _drop(other_brand, factory, title="Spring swim", live=False)
    response = brand.client().post(
        reverse("drops_founder:drop_create"), _form(_style(brand), factory, slug="spring-swim")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["slug"] == ["Already taken."]
    assert Drop.objects.count() == 1


def test_another_brands_style_cannot_be_chosen(brand: Tenant, other_brand: Tenant, factory: Tenant):
    theirs = _style(other_brand)
    data = _form(theirs, factory)
    response = brand.client().post(reverse("drops_founder:drop_create"), data)
    assert response.status_code == 422
    assert "style" in response.context["form"].errors
    assert not Drop.objects.exists()


# Cash flow.


def test_the_cash_flow_page_worked_by_hand(brand: Tenant, factory: Tenant, settings):
    drop = _drop(brand, factory, overcut_pct="10")
    _buy(drop, 1, M=2)
    _buy(drop, 2, S=1)
    _buy(drop, 3, L=3)
    response = brand.client().get(reverse("drops_founder:drop_cashflow", args=[drop.slug]))
    assert response.status_code == 200
    flow = response.context["flow"]
    # 6 sold, 10% overcut rounded up once: 1 more, to L (the largest remainder: 0.5 against 0.33 and 0.17).
    assert flow.cut_by_size == {"S": 1, "M": 2, "L": 4}
    # Denim 1.7×1 + 1.8×2 + 1.9×4 = 12.9 m × $12.00 = $154.80 (from the BOM: no cut plan of the style);
    # payroll 34.5 min × 7 = 241.5 min × $20/h = $80.50.
    assert (flow.materials_total, flow.payroll.amount, flow.costs) == (
        Decimal("154.80"),
        Decimal("80.50"),
        Decimal("235.30"),
    )
    html = response.content.decode()
    assert 'data-testid="captured">$0.00<' in html
    assert 'data-testid="held">$600.00<' in html
    assert 'data-testid="materials">$154.80<' in html
    assert 'data-testid="payroll">$80.50<' in html
    assert 'data-testid="balance">−$235.30<' in html  # a gap until the holds are captured
    assert 'data-testid="balance-if-captured">$364.70<' in html
    assert "12.9 m" in html and "241.5 min" in html
    assert "6 sold + 1 overcut (10% of 6, rounded up once, shared by size)" in html
    assert 'data-testid="cost-source">from the BOM, no marker yet<' in html
    bars = ET.fromstring(str(response.context["chart"])).findall("{http://www.w3.org/2000/svg}g")
    assert [b.get("data-tone") for b in bars] == ["in", "neutral", "out", "out", "gap", "surplus"]

    settings.SEAMLINE_WAGE_PER_HOUR = "30.00"
    flow = brand.client().get(reverse("drops_founder:drop_cashflow", args=[drop.slug])).context["flow"]
    assert flow.payroll.amount == Decimal("120.75")  # 241.5 min × $30/h


def test_the_cash_flow_of_a_funded_drop_counts_captured_deposits(brand: Tenant, factory: Tenant):
    drop = _drop(brand, factory, threshold_units=3, overcut_pct="0")
    _buy(drop, 1, M=2)
    _buy(drop, 2, M=1)
    tasks.drop_fund.call(drop_id=drop.pk)
    flow = brand.client().get(reverse("drops_founder:drop_cashflow", args=[drop.slug])).context["flow"]
    # 3 × M: 5.4 m × $12 = $64.80; 34.5 × 3 = 103.5 min = $34.50; $300 captured - $99.30 = $200.70.
    assert (flow.captured, flow.held) == (Decimal("300.00"), Decimal("0.00"))
    assert (flow.costs, flow.balance) == (Decimal("99.30"), Decimal("200.70"))


# Query counts.


@pytest.mark.parametrize("n", [3, 10])
def test_the_list_costs_the_same_queries_for_3_and_10_drops(
    django_assert_num_queries, brand: Tenant, factory: Tenant, n: int
):
    style = _style(brand)
    for _ in range(n):
        _drop(brand, factory, style=style, live=False)
    client = brand.client()
    # session, user, membership (middleware), memberships (nav); the page count; the page's rows.
    with django_assert_num_queries(6):
        response = client.get(reverse("drops_founder:drop_list"))
    assert len(response.context["rows"]) == n
