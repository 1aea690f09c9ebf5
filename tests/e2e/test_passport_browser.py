"""A customer scans a hangtag: a phone-sized browser opens the garment's passport and sees its journey."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from seamline.passport.services import passports_issue
from tests.trace.conftest import delivered  # noqa: F401  (fixture)

from .conftest import CHROMIUM_ARGS


@pytest.mark.e2e
def test_scanning_a_hangtag_opens_the_passport_on_a_phone(
    transactional_db,
    live_server,
    chromium_path,
    delivered,  # noqa: F811  (the fixture imported above)
):
    from django.core.cache import cache

    cache.clear()  # serials repeat across test databases: no page rendered by another test
    passport = passports_issue(order=delivered["order"])[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        phone.set_default_timeout(15_000)
        try:
            phone.goto(f"{live_server.url}/p/{passport.serial}")  # what the QR code encodes
            expect(phone.get_by_role("heading", level=1)).to_be_visible()
            journey = phone.locator("ol.journey").inner_text()
            for step in ("Receiving", "Cutting", "Sewing", "Dyeing", "Arriving"):
                assert step in journey
            expect(phone.locator(".timeline-figure svg")).to_be_visible()
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
            phone.screenshot(path="/tmp/seamline-e2e-passport.png", full_page=True)
            phone.get_by_role("link", name="verify this passport").click()
            expect(phone.get_by_role("heading", level=1)).to_have_text("This passport is valid")
        finally:
            browser.close()
