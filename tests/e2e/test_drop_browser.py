"""A live drop in real browsers: one customer pre-orders from a phone while two others watch the counter and
the funding bar move, one over Server-Sent Events and one (without EventSource) by polling."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from seamline.drops.live import TICK_S
from seamline.drops.models import Drop, PreOrder
from tests.conftest import Tenant
from tests.drops.helpers import make_drop, sku

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-drop.png"
PHONE_SCREENSHOT = "/tmp/seamline-e2e-drop-phone.png"


def _pre_order(page: Page, size_sku: str, quantity: str, name: str, email: str) -> None:
    page.locator(f'input[name="variant"][value="{size_sku}"]').check()
    page.get_by_label("Quantity").fill(quantity)
    page.get_by_label("Name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Street address").fill("1200 Sunset Blvd")
    page.get_by_label("City").fill("Los Angeles")
    page.get_by_label("ZIP code").fill("90026")
    page.get_by_role("button", name="Pre-order").click()


@pytest.mark.e2e
def test_a_preorder_moves_the_counter_in_other_browsers(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant
):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=3, title="Selvedge Chore Jacket")
    m, l_ = sku(drop, "M"), sku(drop, "L")
    url = f"{live_server.url}/d/{drop.slug}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        streaming = browser.new_context()
        polling = browser.new_context()
        polling.add_init_script("delete window.EventSource;")
        try:
            watchers = [streaming.new_page(), polling.new_page()]
            for watcher, mode in zip(watchers, ["sse", "poll"], strict=True):
                watcher.set_default_timeout(15_000)
                watcher.goto(url)
                expect(watcher.locator("[data-drop]")).to_have_attribute("data-live-mode", mode)
                expect(watcher.get_by_test_id("units-sold")).to_have_text("0")
            buyer = phone.new_page()
            buyer.set_default_timeout(15_000)
            buyer.goto(url)
            expect(buyer.get_by_role("heading", level=1)).to_have_text("Selvedge Chore Jacket")
            expect(buyer.locator("[data-countdown]")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))

            buyer.screenshot(path=PHONE_SCREENSHOT, full_page=True)
            _pre_order(buyer, m, "2", "Ana Reyes", "ana@example.com")
            expect(buyer).to_have_url(re.compile(r"/orders/[\w-]+/\?placed=1(#checkout)?$"))
            expect(buyer.get_by_test_id("payment-state")).to_have_text("Payment held")
            expect(buyer.get_by_test_id("amount")).to_have_text("$360.00")
            for watcher in watchers:
                expect(watcher.get_by_test_id("units-sold")).to_have_text("2")
                expect(watcher.get_by_test_id("units-left")).to_have_text("8")
                expect(watcher.get_by_test_id("funded-pct")).to_have_text("66")
                expect(watcher.locator(f'[data-left="{m}"]')).to_have_text("8 left")
                expect(watcher.get_by_test_id("banner-funded")).to_be_hidden()

            buyer.goto(url)
            _pre_order(buyer, l_, "1", "Ben Ortiz", "ben@example.com")
            expect(buyer.get_by_test_id("banner-funded")).to_have_text("Funded — production started")
            for watcher in watchers:
                expect(watcher.get_by_test_id("units-sold")).to_have_text("3")
                expect(watcher.get_by_test_id("funded-pct")).to_have_text("100")
                expect(watcher.get_by_test_id("banner-funded")).to_be_visible()
            watchers[0].screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()
            # The test server streams each viewer's events from a thread that notices a closed connection only
            # at its next write (a tick): let those threads end before the test database goes away.
            time.sleep(3 * TICK_S)

    assert Drop.objects.get(pk=drop.pk).state == "funded"
    assert sorted(PreOrder.objects.filter(drop=drop).values_list("email", "units")) == [
        ("ana@example.com", 2),
        ("ben@example.com", 1),
    ]
