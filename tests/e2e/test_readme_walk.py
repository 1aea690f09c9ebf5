"""The README's walk, in its order, on a fresh demo (issue #11): `seamline demo` started as a user starts it
(its own SQLite file, its in-process task worker), then a desktop and a 390 px phone in Chromium. No page may
answer an error, no script may log one, and the first Ctrl+C stops the server.

It drives the demo server, not the test database, so it runs once, in the SQLite pass of the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from .conftest import CHROMIUM_ARGS

PASSWORD = "seamline-demo"
FOUNDER = "founder@echoparkatelier.example"
FLOOR = "floor@alamedasewing.example"
SHOTS = Path("/tmp/seamline-readme-walk")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _readme_curl(base: str) -> None:
    """The README's curl into the open fit session, sent as printed (read with shlex; curl need not be
    installed)."""
    words = shlex.split(_readme_block("curl -X POST http://127.0.0.1:8000/api/v1/fit-sessions/"))
    url = next(w for w in words if w.startswith("http://")).replace("http://127.0.0.1:8000", base)
    headers = dict(h.split(": ", 1) for h in (words[i + 1] for i, w in enumerate(words) if w == "-H"))
    body = words[words.index("-d") + 1].encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.loads(answer.read())["new"] == 1


def _readme_block(start: str) -> str:
    """The README's shell block that starts with `start`, as printed."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    found = re.search(r"```sh\n(" + re.escape(start) + r".*?)```", readme, re.S)
    assert found, f"the README has no shell block starting {start!r}"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo(tmp_path):
    """`seamline demo` on a free port with a fresh database; stopped with one SIGINT, as Ctrl+C does."""
    if connection.vendor != "sqlite":  # before anything starts: a skipped walk leaves no server behind
        pytest.skip("the demo runs on its own SQLite file; walked once, in the SQLite pass")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SEAMLINE_BASE_URL")}
    env |= {"SEAMLINE_VAR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "demo.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "seamline", "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: the teardown stops the server's workers too
    )
    deadline = time.monotonic() + 180
    while "Press Ctrl+C" not in (tmp_path / "demo.log").read_text() and time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "demo.log").read_text()[-3000:]
        time.sleep(0.5)
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield {"url": f"http://127.0.0.1:{port}", "var": tmp_path, "proc": proc}
    with contextlib.suppress(ProcessLookupError):  # the group is gone when the walk stopped it cleanly
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    log.close()


class Problems:
    """Every error a page shows the browser: server errors, missing files, script errors, console errors."""

    def __init__(self, base: str) -> None:
        self.base, self.seen = base, []

    def watch(self, context: BrowserContext) -> None:
        context.on("page", self._page)

    def _page(self, page: Page) -> None:
        page.on(
            "console", lambda m: m.type == "error" and self.seen.append(f"console: {m.text} ({page.url})")
        )
        page.on("pageerror", lambda e: self.seen.append(f"script: {e} ({page.url})"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        own = response.url.startswith(self.base)
        if response.status >= 500 or (own and response.status == 404):
            self.seen.append(f"{response.status} {response.url}")


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".topbar")).to_contain_text("Sign out")


def _pre_order(page: Page, size: str, name: str) -> None:
    page.locator(f'input[name="variant"][value="CJ-01-INDIGO-{size}"]').check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Name").fill(name)
    page.get_by_label("E-mail").fill(f"{name.split()[0].lower()}@example.com")
    page.get_by_label("Street address").fill("2250 Hyperion Ave")
    page.get_by_label("City").fill("Los Angeles")
    page.get_by_label("ZIP code").fill("90027")
    page.get_by_role("button", name="Pre-order").click()


def _reload_until(page: Page, url: str, text: str, *, seconds: float = 30) -> None:
    """Open ``url`` again until it shows ``text`` (work a background task finishes meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if text in page.locator("body").inner_text() or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(page.locator("body")).to_contain_text(text)


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width} px)"


@pytest.mark.e2e
def test_the_readme_walk_on_a_fresh_demo(demo, chromium_path: str):
    SHOTS.mkdir(exist_ok=True)
    base = demo["url"]
    problems = Problems(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 900})
        phone = browser.new_context(**PHONE)
        floor_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        for context in (desk, phone, floor_ctx):
            context.set_default_timeout(20_000)
            problems.watch(context)
        try:
            # The founder's dashboard: orders by state, fabric on hand, the facilities on a map.
            founder = desk.new_page()
            _sign_in(founder, base, FOUNDER)
            expect(founder.get_by_role("heading", level=1)).to_have_text("Echo Park Atelier")
            expect(founder.locator("svg").first).to_be_visible()
            founder.goto(f"{base}/production/orders/")
            expect(founder.locator("body")).to_contain_text("PO-00001")

            # The live drop, from two browsers: a watcher on the desktop, a buyer on a phone.
            drop = f"{base}/d/chore-jacket-live/"
            watcher = desk.new_page()
            watcher.goto(drop)
            expect(watcher.get_by_test_id("units-sold")).to_have_text("46")
            buyer = phone.new_page()
            buyer.goto(drop)
            _no_sideways_scroll(buyer)
            _pre_order(buyer, "M", "Ana Ruiz")
            expect(buyer.get_by_test_id("payment-state")).to_have_text("Payment held")
            expect(watcher.get_by_test_id("units-sold")).to_have_text("48")
            buyer.goto(drop)
            _pre_order(buyer, "L", "Dev Patel")
            expect(watcher.get_by_test_id("banner-funded")).to_have_text("Funded — production started")
            _reload_until(founder, f"{base}/production/orders/", "PO-00006")  # the funding task's order
            founder.get_by_role("link", name="PO-00006", exact=True).click()
            expect(founder.locator("p.notes")).to_contain_text("50 sold + 2 overcut")

            # The cutting room, as the factory: import the demo's DXF-AAMA file again as version 2.
            factory = floor_ctx.new_page()
            _sign_in(factory, base, FLOOR)
            factory.goto(f"{base}/catalog/styles/")
            factory.get_by_role("link", name=re.compile("CJ-01")).first.click()
            factory.get_by_role("link", name="Import DXF-AAMA").click()
            factory.get_by_label("DXF-AAMA file").set_input_files(
                str(demo["var"] / "demo" / "CJ-01-chore-jacket.dxf")
            )
            factory.get_by_role("button", name="Import pattern").click()
            expect(factory.get_by_role("heading", level=1)).to_contain_text("Pattern v2")

            # PO-00001: sewing waits for the cut; plan it in the demo's own worker; cancel; retry.
            factory.goto(f"{base}/production/orders/")
            factory.get_by_role("link", name="PO-00001").click()
            order_url = factory.url
            expect(factory.get_by_role("button", name="Start sewing")).to_be_disabled()
            expect(factory.locator("#state-panel")).to_contain_text("Nothing is cut yet")
            factory.get_by_role("link", name="Plan the cut").click()
            factory.get_by_label("Table length (cm)").fill("600")
            factory.get_by_label("Nesting time per garment (s)").fill("1")
            factory.get_by_role("button", name="Plan the cut").click()
            expect(factory.get_by_role("progressbar")).to_be_visible()
            factory.get_by_role("button", name="Cancel").click()
            expect(factory.locator("#plan-status")).to_have_text("Cancelled")
            factory.get_by_role("button", name="Retry").click()
            expect(factory.locator("#plan-status")).to_have_text("Running", timeout=30_000)
            expect(factory.get_by_role("heading", name=re.compile("^Markers"))).to_be_visible(timeout=240_000)
            expect(factory.locator("#plan-status")).to_have_text("Done")
            marker = factory.locator(".marker-scroll").first
            height = marker.locator("svg").bounding_box()["height"]
            assert height >= 250, f"a marker drawn {height} px high cannot be read"
            factory.get_by_role("button", name="Zoom in").first.click()
            assert marker.locator("svg").bounding_box()["height"] > height
            factory.screenshot(path=str(SHOTS / "cut-plan.png"))

            # Mark cut a lay spread from several rolls: each roll gives only its own meters.
            lay = factory.locator("tbody tr[id^=lay-]").filter(has_text=re.compile(r"\), \w"))
            expect(lay.first).to_be_visible()
            rolls = {
                a.inner_text(): a.get_attribute("href") for a in lay.first.locator("td:nth-child(6) a").all()
            }
            assert len(rolls) >= 2, rolls
            lay.first.get_by_role("button", name="Mark cut").click()
            expect(factory.locator(".messages")).to_contain_text("is cut; its rolls gave")
            for roll, href in rolls.items():
                factory.goto(f"{base}{href}")
                expect(factory.get_by_role("heading", level=1)).to_have_text(f"Roll {roll}")
                expect(factory.locator("body")).not_to_contain_text("the roll says")  # ledger = roll row
            factory.goto(order_url)
            expect(factory.locator(".sankey-figure")).to_contain_text("closes to the centimetre")
            expect(factory.locator("#state-panel")).to_contain_text("Garments still to cut")
            expect(factory.locator("body")).to_contain_text("from cut plan")  # fabric from the markers
            factory.get_by_role("link", name=re.compile(r"^Cut plan \d+")).first.click()
            factory.get_by_role("link", name="Print lay sheets").click()
            expect(factory.locator(".marker-tile-wrap svg").first).to_be_visible()

            # The trace ledger's sample run (its rolls shared with PO-00001's lay), footprint and garment.
            factory.goto(f"{base}/production/orders/")
            factory.get_by_role("link", name="PO-00003").click()
            expect(factory.locator(".sankey-figure")).to_contain_text("closes to the centimetre")
            factory.get_by_role("link", name="PO-00003-0001").click()
            expect(factory.locator("table").first).to_contain_text("Dyeing")
            factory.goto(f"{base}/catalog/rolls/")
            factory.get_by_role("link", name="IBR-2611A-01", exact=True).first.click()
            expect(factory.locator("body")).not_to_contain_text("the roll says")
            founder.goto(f"{base}/production/orders/")
            founder.get_by_role("link", name="PO-00003").click()
            founder.get_by_role("link", name="Footprint").first.click()
            bars = founder.locator("svg rect.fp-bar")
            expect(bars.first).to_be_visible()
            widths = {round(b.bounding_box()["width"]) for b in bars.all()}
            assert len(widths) > 3, f"every bar drawn the same width: {widths}"
            founder.screenshot(path=str(SHOTS / "footprint.png"), full_page=True)
            event = founder.get_by_role("link", name="recorded event").first
            event.click()
            expect(founder.locator("body")).to_contain_text("eventTime")

            # A passport on a phone, no sign-in; every link on it opens without signing in.
            passport = phone.new_page()
            passport.goto(f"{base}/p/PO-00003-0001")
            expect(passport.get_by_role("heading", level=1)).to_be_visible()
            _no_sideways_scroll(passport)
            passport.screenshot(path=str(SHOTS / "passport-phone.png"), full_page=True)
            passport.get_by_role("link", name="verify this passport").click()
            expect(passport.get_by_role("heading", level=1)).to_have_text("This passport is valid")

            # Live fit sessions: yesterday's board, its request's loop and diff, the dress's drop note; then
            # the README's curl posts into the open session while its board is open on a phone.
            founder.goto(f"{base}/fitting/")
            founder.get_by_role("link", name="Slip dress fitting — live on TikTok").click()
            expect(founder.get_by_test_id("theme-neckline:deeper")).to_contain_text("52")
            founder.get_by_role("link", name="Front neckline 2 cm deeper, all sizes").click()
            expect(founder.locator("body")).to_contain_text("Re-cut 3 h 40 min after the first comment")
            founder.get_by_role("link", name="What changed (v1 → v2)").click()
            expect(founder.locator("body")).to_contain_text("12.0 → 14.0", timeout=60_000)
            founder.screenshot(path=str(SHOTS / "fit-diff.png"), full_page=True)
            founder.goto(f"{base}/d/slip-dress/")
            expect(founder.locator("body")).to_contain_text("Neckline 2 cm deeper, after your comments")
            fitter = phone.new_page()
            _sign_in(fitter, base, FOUNDER)
            fitter.goto(f"{base}/fitting/")
            fitter.get_by_role("link", name="Slip dress fit 2 — live now").click()
            total = fitter.get_by_test_id("board-total")
            expect(total).to_have_text("5")
            _readme_curl(base)
            expect(total).to_have_text("6", timeout=10_000)  # by Server-Sent Events, no reload
            _no_sideways_scroll(fitter)

            # The factory's pages on a phone: nothing scrolls sideways (wide tables scroll in their frame).
            pocket = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            problems.watch(pocket)
            small = pocket.new_page()
            _sign_in(small, base, FLOOR)
            _no_sideways_scroll(small)  # the dashboard
            for listing, record in (
                ("/production/orders/", "PO-00003"),
                ("/catalog/rolls/", "IBR-2611A-01"),
                ("/catalog/styles/", "CJ-01"),
            ):
                small.goto(f"{base}{listing}")
                _no_sideways_scroll(small)
                small.get_by_role("link", name=re.compile(record)).first.click()
                expect(small.get_by_role("heading", level=1)).to_contain_text(record)
                _no_sideways_scroll(small)

            # The API's interactive docs load offline.
            founder.goto(f"{base}/api/v1/docs")
            expect(founder.locator(".swagger-ui")).to_be_visible()
        finally:
            browser.close()

    assert problems.seen == [], "\n".join(problems.seen)
    server = demo["proc"]
    stopped_at = time.monotonic()
    server.send_signal(signal.SIGINT)  # one Ctrl+C
    server.wait(timeout=20)
    assert time.monotonic() - stopped_at < 15
