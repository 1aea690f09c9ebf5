"""On a phone (390 px): the founder reads the spec sheet and records a fitting; the factory cuts the sample
from a roll end. The page never scrolls sideways as a whole (the sheet's table scrolls in its box, the
measurements stack)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from playwright.sync_api import expect, sync_playwright

from seamline.catalog.services import roll_meters_take
from seamline.cutting.services import pattern_import
from seamline.fitting.samples import sample_create
from seamline.fitting.specs import spec_import
from tests import factories as f
from tests.conftest import Tenant
from tests.cutting.conftest import dxf_file, pattern_in_code
from tests.fitting.conftest import SHEET

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-sample-390.png"


def _sign_in(page, url: str, user) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("E-mail").fill(user.username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _page_width(page) -> int:
    return page.locator("html").evaluate("el => el.scrollWidth")


@pytest.mark.e2e
def test_a_fitting_on_a_phone(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant, tmp_path
):
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material, code="SD-01")
    floor = f.make_facility(factory.org)
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        v1 = pattern_import(style=style, dxf=dxf)
    spec_import(style=style, text=SHEET, organization=brand.org)
    f.make_roll(floor, material, length_m="5.000")
    end = f.make_roll(floor, material, length_m="5.000")
    with transaction.atomic():
        roll_meters_take(roll_pk=end.pk, meters=Decimal("3.500"))  # a roll end of 1.5 m
    sample = sample_create(
        style=style, stage="fit", size="M", pattern_version=v1, factory=factory.org, organization=brand.org
    )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(15_000)
            _sign_in(page, live_server.url, brand.user)
            page.goto(f"{live_server.url}/fitting/styles/")
            page.get_by_role("link", name="Spec sheet").click()
            expect(page.locator(".spec-table")).to_contain_text("Front neck drop")
            assert _page_width(page) <= 390

            page.goto(f"{live_server.url}/fitting/samples/{sample.pk}/")
            page.get_by_label("FNL measured (cm)").fill("10.2")
            page.get_by_label("CBL measured (cm)").fill("62")
            page.get_by_role("button", name="Save the fitting").click()
            expect(page.locator(".verdict")).to_contain_text("Fails: FNL out of tolerance")
            expect(page.locator("tr.out")).to_have_count(1)
            expect(page.locator("tr.out .band svg circle")).to_be_visible()
            assert _page_width(page) <= 390
            page.screenshot(path=SCREENSHOT, full_page=True)

            factory_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            factory_page.set_default_timeout(60_000)
            _sign_in(factory_page, live_server.url, factory.user)
            factory_page.goto(f"{live_server.url}/fitting/samples/{sample.pk}/")
            factory_page.get_by_role("button", name="Cut this sample").click()
            expect(factory_page.locator("#rolls")).to_contain_text(end.roll_id)
            expect(factory_page.locator("#rolls")).to_contain_text("remnant")
        finally:
            browser.close()
