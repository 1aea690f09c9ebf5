"""A factory manager in a browser: import a DXF-AAMA pattern, plan the cut, watch it, print lay sheets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from seamline.core.worker import start_worker_thread
from seamline.cutting.dxf_aama import write_dxf_aama
from seamline.cutting.models import CutPlan
from tests import factories as f
from tests.conftest import Tenant
from tests.cutting.conftest import pattern_in_code

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-cutplan.png"


@pytest.mark.e2e
def test_a_factory_manager_plans_a_cut_from_a_dxf_file(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant, tmp_path
):
    material = f.make_material(brand.org, name="Selvedge denim", width_cm="80")
    style = f.make_style(brand.org, material=material, code="CJ-01")
    floor = f.make_facility(factory.org, name="Olympic Blvd floor")
    f.make_facility(factory.org, kind="fibre_recycler", zip_code="90280", name="South Gate recycler")
    for lot in ("A", "A", "B"):
        f.make_roll(floor, material, length_m="8.000", shade_lot=lot)
    order = f.make_order(brand.org, factory.org, style, S=3, M=2)
    dxf = tmp_path / "CJ-01.dxf"
    write_dxf_aama(pattern_in_code({"S": 0, "M": 2}), dxf)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        worker = None
        try:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("E-mail").fill(factory.user.username)
            page.get_by_label("Password").fill(f.PASSWORD)
            page.get_by_role("button", name="Sign in").click()

            page.goto(f"{live_server.url}/catalog/styles/{style.pk}/")
            page.get_by_role("link", name="Import DXF-AAMA").click()
            page.get_by_label("DXF-AAMA file").set_input_files(str(dxf))
            page.get_by_role("button", name="Import pattern").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Pattern v1")
            expect(page.locator(".pattern-figure svg g.piece")).to_have_count(2)
            page.get_by_role("link", name="M", exact=True).click()
            expect(page.locator("table")).to_contain_text("32.0 × 42.0")

            page.goto(f"{live_server.url}/production/orders/{order.pk}/")
            page.get_by_role("link", name="Plan the cut").click()
            page.get_by_label("Table length (cm)").fill("100")
            page.get_by_label("Most plies per lay").fill("3")
            page.get_by_label("Nesting time per garment (s)").fill("1")
            worker = start_worker_thread(max_tasks=1, interval=0.2)  # the real worker, for one task
            page.get_by_role("button", name="Plan the cut").click()
            expect(page).to_have_url(re.compile(r"/cutting/cut-plans/\d+/$"))
            expect(page.get_by_role("progressbar")).to_be_visible()  # polled while nesting runs
            # The worker nests the markers; the progress fragment then reloads the page with the result.
            expect(page.get_by_role("heading", name=re.compile("^Markers"))).to_be_visible(timeout=60_000)
            expect(page.locator("figure.marker svg").first).to_be_visible()
            expect(page.locator(".figures")).to_contain_text("South Gate recycler")
            page.screenshot(path=SCREENSHOT, full_page=True)
            lays = page.locator("tbody tr[id^=lay-]").count()
            assert lays >= 1

            page.get_by_role("link", name="Print lay sheets").click()
            expect(page.locator("article.laysheet")).to_have_count(lays)
            page.emulate_media(media="print")
            expect(page.locator(".topbar")).to_be_hidden()  # a lay sheet prints without the app's chrome
        finally:
            browser.close()
            if worker is not None:
                worker.join(timeout=60)

    plan = CutPlan.objects.get(order=order)
    assert plan.status == CutPlan.Status.DONE and plan.lays.count() == lays
