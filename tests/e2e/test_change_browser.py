"""On a phone (390 px): the founder answers a live fitting's change request with Seamline's alteration,
looks at what changed, approves it and re-cuts the sample (she also works at the factory: one roof); the
loop's headline says how long it took. The page never scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from seamline.accounts.models import Membership
from seamline.fitting.models import ChangeRequest
from tests import factories as f
from tests.conftest import Tenant
from tests.fitting.change_setup import session_with_request, slip_dress

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-change-390.png"


def _sign_in(page, url: str, user) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("E-mail").fill(user.username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _page_width(page) -> int:
    return page.locator("html").evaluate("el => el.scrollWidth")


@pytest.mark.e2e
def test_a_change_request_answered_and_recut_on_a_phone(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant, tmp_path
):
    dress = slip_dress(brand, factory, tmp_path)
    _, request = session_with_request(dress, brand)
    Membership.objects.create(user=brand.user, organization=factory.org, role=Membership.Role.STAFF)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(30_000)
            _sign_in(page, live_server.url, brand.user)
            page.goto(f"{live_server.url}/fitting/changes/")
            if page.locator("#org-switch").count():  # she belongs to both: act for the brand
                with page.expect_navigation():
                    page.select_option("#org-switch", str(brand.org.pk))
            expect(page.locator(".orgswitch option[selected]")).to_have_text(brand.org.name)
            page.get_by_role("link", name="Front neckline 2 cm deeper, all sizes").click()
            expect(page.get_by_test_id("change-status")).to_have_text("Open")
            assert page.get_by_label("Piece", exact=True).input_value() == "Front"
            page.get_by_role("button", name="Make the new version").click()
            expect(page.get_by_test_id("change-status")).to_have_text("Version to review")
            assert _page_width(page) <= 390

            page.get_by_role("link", name="What changed (v1 → v2)").click()
            expect(page.locator(".overlays figure")).to_have_count(5)
            expect(page.get_by_test_id("diff-poms")).to_contain_text("12.0 → 14.0")
            expect(page.get_by_test_id("diff-fabric")).to_contain_text("CO2e of the fabric")
            assert _page_width(page) <= 390
            page.goto(f"{live_server.url}/fitting/changes/{request.uid}/")

            page.get_by_role("button", name="Approve v2").click()
            expect(page.get_by_test_id("change-status")).to_have_text("Approved")
            page.get_by_role("button", name="Re-cut the next fit sample from v2").click()
            expect(page.get_by_test_id("recut-sample")).to_contain_text("fit 2, M), cut")
            expect(page.get_by_test_id("loop-headline")).to_contain_text("Re-cut 4 h")
            assert _page_width(page) <= 390
            page.screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPROVED and request.recut_sample.cut_at is not None
