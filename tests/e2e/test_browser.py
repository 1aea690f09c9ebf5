"""One walk through the real app in a real browser: sign in, order production, see it on the dashboard."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect, sync_playwright

from seamline.production.models import ProductionOrder
from tests import factories as f
from tests.conftest import Tenant

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-dashboard.png"


@pytest.mark.e2e
def test_a_brand_orders_production_and_sees_it_on_the_dashboard(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant
):
    f.make_style(brand.org, material=f.make_material(brand.org), code="CJ-01")
    f.make_style(brand.org, code="SD-02")
    f.make_facility(factory.org, name="Olympic Blvd cut-and-sew floor", zip_code="90021")
    due = (date.today() + timedelta(days=21)).isoformat()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("E-mail").fill(brand.user.username)
            page.get_by_label("Password").fill(f.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(brand.org.name)

            page.get_by_role("link", name="New production order").click()
            # Picking a style fetches its size grid over HTMX.
            page.get_by_label("Style").select_option(label="CJ-01 Chore Jacket")
            quantities = page.locator("#variant-quantities input.qty")
            expect(quantities).to_have_count(3)
            page.get_by_label("Factory").select_option(label=factory.org.name)
            page.get_by_label("Due date").fill(due)
            for label, units in [("Indigo S", "6"), ("Indigo M", "12"), ("Indigo L", "8")]:
                page.get_by_label(label, exact=True).fill(units)
            page.get_by_role("button", name="Save draft order").click()

            # No ORM calls in here: under Playwright's event loop they would open a second connection.
            expect(page).to_have_url(re.compile(r"/production/orders/\d+/$"))
            number = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
            assert re.fullmatch(r"PO-\d{5}", number)
            expect(page.get_by_test_id("order-state")).to_have_text("Draft")
            expect(page.locator("tfoot")).to_contain_text("26")

            page.get_by_role("link", name="Dashboard").click()
            expect(page.get_by_test_id("count-draft")).to_have_text("1")
            expect(page.get_by_test_id("count-planned")).to_have_text("0")
            expect(page.get_by_role("link", name=number)).to_be_visible()
            expect(page.locator(".lamap svg .pin")).to_have_count(2)  # overview and close-up
            page.screenshot(path=SCREENSHOT, full_page=True)

            # Placing the order is an HTMX post (CSRF header from <body hx-headers>) that swaps the panel.
            page.get_by_role("link", name=number).click()
            page.get_by_role("button", name="Place order").click()
            expect(page.get_by_test_id("order-state")).to_have_text("Planned")
            expect(page.locator(".timeline li")).to_have_count(2)
            page.get_by_role("link", name="Dashboard").click()
            expect(page.get_by_test_id("count-planned")).to_have_text("1")
            expect(page.get_by_test_id("count-draft")).to_have_text("0")
        finally:
            browser.close()

    order = ProductionOrder.objects.get(brand=brand.org)
    assert (order.number, order.state) == (number, "planned")
    assert {line.variant.size: line.quantity for line in order.lines.all()} == {"S": 6, "M": 12, "L": 8}
