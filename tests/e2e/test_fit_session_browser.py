"""A live fit session in a real browser: comments stream in through the webhook of the live server while the
page is open, the board's themes and counts move without a reload, and one click on a theme makes its change
request; the same page at 390 px on a phone."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from seamline.fitting.models import ChangeRequest
from tests import factories as f
from tests.conftest import Tenant
from tests.fitting.live_helpers import comment, make_session, style_with_pattern

from .conftest import CHROMIUM_ARGS

SCREENSHOT = "/tmp/seamline-e2e-fit-session.png"
PHONE_SCREENSHOT = "/tmp/seamline-e2e-fit-session-phone.png"


def _post(base: str, uid: str, secret: str, body: object) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/fit-sessions/{uid}/comments",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Seamline-Secret": secret},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _count(page: Page, key: str):
    return page.get_by_test_id(f"theme-{key}").get_by_test_id("theme-count")


@pytest.mark.e2e
def test_comments_stream_onto_the_board_and_a_theme_becomes_a_change(
    transactional_db, live_server, chromium_path: str, brand: Tenant
):
    style, _ = style_with_pattern(brand.org)
    session, secret = make_session(brand.org, style=style, title="Slip dress — fit 1, live")
    uid, base = str(session.uid), live_server.url
    url = f"{base}/fitting/sessions/{uid}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 900})
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        try:
            page = desk.new_page()
            page.set_default_timeout(15_000)
            _sign_in(page, base, brand.user.email)
            page.goto(url)
            board = page.locator("[data-fit-board]")
            expect(board).to_have_attribute("data-live-mode", "sse")
            expect(page.get_by_test_id("board-total")).to_have_text("0")
            expect(page.get_by_test_id("board-empty")).to_be_visible()
            page.locator("body").evaluate("el => el.setAttribute('data-loaded-once', 'yes')")

            first = [
                comment("neckline deeper please!!", cid="t1", likes=4),
                comment("the neck could be lower, like 2cm", cid="t2"),
                comment("sleeves shorter", cid="t3", likes=1),
                comment("love this 😍", cid="t4"),
            ]
            assert _post(base, uid, secret, first) == {"received": 4, "new": 4, "duplicates": 0}
            expect(_count(page, "neckline:deeper")).to_have_text("2")
            expect(_count(page, "sleeves:shorter")).to_have_text("1")
            expect(page.get_by_test_id("board-total")).to_have_text("4")
            expect(page.get_by_test_id("theme-neckline:deeper")).to_contain_text("matched 'neck' + 'lower'")

            for i, text in enumerate(["deeper V-neck", "Décolleté deeper, 3 cm", "NECKLINE DEEPER"], start=5):
                _post(base, uid, secret, comment(text, cid=f"t{i}"))
            assert (
                _post(base, uid, secret, comment("neckline deeper please!!", cid="t1", likes=9))["new"] == 0
            )
            expect(_count(page, "neckline:deeper")).to_have_text("5")
            expect(page.get_by_test_id("board-total")).to_have_text("7")
            # The neckline theme leads the board; the page was never reloaded.
            expect(page.locator("[data-theme]").first).to_have_attribute("data-theme", "neckline:deeper")
            assert page.locator("body").get_attribute("data-loaded-once") == "yes"

            amount = page.get_by_test_id("theme-neckline:deeper").locator("[data-amount]")
            expect(amount).to_have_value("2.5")  # the median of 2 and 3 cm
            amount.fill("2")
            _post(
                base, uid, secret, comment("neck deeper!", cid="t9")
            )  # the board moves while the amount is edited
            expect(_count(page, "neckline:deeper")).to_have_text("6")
            expect(amount).to_have_value("2")
            page.screenshot(path=SCREENSHOT, full_page=True)
            page.get_by_test_id("theme-neckline:deeper").get_by_role(
                "button", name="Make change request"
            ).click()
            page.wait_for_url(f"{base}/fitting/changes/**")
            change = ChangeRequest.objects.get(session=session)
            assert page.url.endswith(f"/fitting/changes/{change.uid}/")
            assert change.summary == "front neckline 2 cm deeper, all sizes"
            assert (change.comment_count, change.likes, change.parameters["facing"]) == (6, 9, "Front facing")

            # A phone at 390 px: the same board, no sideways scrolling, and it still moves.
            mobile = phone.new_page()
            mobile.set_default_timeout(15_000)
            _sign_in(mobile, base, brand.user.email)
            mobile.goto(url)
            expect(mobile.locator("[data-fit-board]")).to_have_attribute("data-live-mode", "sse")
            expect(_count(mobile, "neckline:deeper")).to_have_text("6")
            _post(
                base, uid, secret, [comment("hem longer 3 cm", cid="t10"), comment("add pockets", cid="t11")]
            )
            expect(_count(mobile, "length:longer")).to_have_text("1")
            expect(_count(mobile, "pockets:add")).to_have_text("1")
            width = mobile.locator("html").evaluate("el => el.scrollWidth")
            assert width <= 390, width
            button = mobile.get_by_test_id("theme-length:longer").get_by_role(
                "button", name="Make change request"
            )
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            mobile.screenshot(path=PHONE_SCREENSHOT, full_page=True)
        finally:
            browser.close()
