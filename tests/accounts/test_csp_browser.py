"""The Content-Security-Policy in a real browser (issue #13): the pages, their HTMX, the token page's confirm,
the Swagger UI at /api/v1/docs and the admin all work, and the browser reports no violation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from seamline.accounts.services import member_add
from tests import factories as f
from tests.conftest import Tenant
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def chromium_path() -> str:
    if not CHROMIUM.exists():
        pytest.fail("install Debian's chromium: apt-get install chromium", pytrace=False)
    return str(CHROMIUM)


@pytest.mark.e2e
def test_pages_swagger_and_admin_run_under_the_policy(
    transactional_db, live_server, chromium_path: str, brand: Tenant, factory: Tenant
):
    f.make_style(brand.org, material=f.make_material(brand.org), code="CJ-01")
    member_add(organization=factory.org, email=brand.user.username, password=f.PASSWORD, role="staff")
    User.objects.create_superuser("root@example.com", "root@example.com", f.PASSWORD)
    problems: list[str] = []
    policies: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        # A refused script, style or image is a console error ("Refused to … Content Security Policy").
        page.on("console", lambda m: m.type == "error" and problems.append(f"{m.text} ({page.url})"))
        page.on("pageerror", lambda e: problems.append(f"script: {e} ({page.url})"))
        page.on(
            "response",
            lambda r: (
                r.request.resource_type == "document"
                and policies.append(r.headers.get("content-security-policy", ""))
            ),
        )
        page.on("dialog", lambda dialog: dialog.accept())
        try:
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("E-mail").fill(brand.user.username)
            page.get_by_label("Password").fill(f.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(factory.org.name)  # first by name

            # The organization switcher submits through ui.js (data-autosubmit).
            page.get_by_label("Organization").select_option(label=brand.org.name)
            expect(page.locator(".messages")).to_contain_text(f"You now act for {brand.org.name}")

            # HTMX (static file) still fetches the size grid.
            page.goto(f"{live_server.url}/production/orders/new/")
            page.get_by_label("Style").select_option(label="CJ-01 Chore Jacket")
            expect(page.locator("#variant-quantities input.qty")).to_have_count(3)

            # The revoke button's question comes from ui.js (data-confirm).
            page.goto(f"{live_server.url}/tokens/")
            page.get_by_role("button", name="Revoke").first.click()
            expect(page.locator(".messages")).to_contain_text("is revoked")

            page.goto(f"{live_server.url}/api/v1/docs")
            expect(page.locator(".opblock").first).to_be_visible()
            page.locator(".opblock-summary").first.click()
            expect(page.locator(".opblock-body").first).to_be_visible()

            page.goto(f"{live_server.url}/admin/logout/")  # the brand user is no staff
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/admin/login/")
            page.locator("#id_username").fill("root@example.com")
            page.locator("#id_password").fill(f.PASSWORD)
            page.locator("input[type=submit]").click()
            page.goto(f"{live_server.url}/admin/accounts/signinattempt/")
            expect(page.locator("#result_list")).to_contain_text(brand.user.username)
        finally:
            browser.close()

    assert problems == []
    assert policies and all("script-src 'self'" in policy for policy in policies), policies
