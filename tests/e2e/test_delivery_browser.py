"""Local delivery in real browsers: a courier on a 390 px phone picks a parcel up, leaves the hub and delivers
it with a photo, the recipient's name and the customer's code (a double tap and a retried request change
nothing twice); the customer's tracking page then shows the proof. At desktop size the dispatcher plans the
day from the button, watches the progress, and sees one line a route and numbered stops on the map."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from seamline.core.worker import start_worker_thread
from seamline.delivery.models import Courier, Plan, Proof, Route, Stop
from seamline.trace.models import Event
from tests import factories as f
from tests.conftest import Tenant
from tests.delivery.conftest import fleet, immediate_tasks, parcels, plan_day, shop, tomorrow  # noqa: F401
from tests.delivery.test_pages import code_of, png

from .conftest import CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
SCREENSHOT_COURIER = "/tmp/seamline-e2e-courier.png"
SCREENSHOT_TRACKING = "/tmp/seamline-e2e-tracking.png"
SCREENSHOT_DISPATCH = "/tmp/seamline-e2e-dispatch.png"


def _sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _courier_with_parcels(factory: Tenant) -> tuple[Courier, Stop]:
    """The courier of the first route that carries a parcel (given a login if they have none), and the
    route's first parcel stop."""
    stop = (
        Stop.objects.filter(route__plan__organization=factory.org, kind=Stop.Kind.PARCEL)
        .select_related("parcel__preorder", "route__courier")
        .order_by("route__number", "sequence")
        .first()
    )
    courier = stop.route.courier
    if courier.user_id is None:
        courier.user = f.make_member(factory.org, role="operator", email="courier@vans.example")
        courier.save(update_fields=["user"])
    return courier, stop


@pytest.mark.e2e
@pytest.mark.usefixtures("fleet", "parcels")
def test_a_courier_delivers_with_proof_on_a_phone_and_the_customer_sees_it(
    transactional_db, live_server, chromium_path: str, factory: Tenant
):
    plan_day(factory.org)
    courier, stop = _courier_with_parcels(factory)
    parcel = stop.parcel
    code = code_of(parcel)
    photo = png(4, 4)
    digest = hashlib.sha256(photo).hexdigest()
    day = tomorrow().isoformat()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            page = phone.new_page()
            page.set_default_timeout(15_000)
            _sign_in(page, live_server.url, courier.user.username)
            page.goto(f"{live_server.url}/delivery/courier/?day={day}")
            card = page.get_by_test_id("next-stop")
            expect(card.get_by_role("heading", level=2)).to_contain_text(parcel.label)
            expect(card).to_contain_text(parcel.street)
            expect(card.get_by_test_id("window")).to_have_text(
                f"{parcel.window_start:%H:%M}–{parcel.window_end:%H:%M}"
            )
            geo = card.get_by_test_id("geo-link").get_attribute("href")
            assert re.match(r"^geo:-?\d+\.\d+,-?\d+\.\d+\?q=", geo), geo
            # Nothing on the phone page is wider than the phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            card.get_by_role("button", name="Picked up").click()
            expect(page.locator(".messages")).to_contain_text(": picked up.")
            expect(card.get_by_test_id("stop-status")).to_have_text("Picked up")
            page.get_by_role("button", name="Leave the hub").first.click()
            expect(page.locator(".messages")).to_contain_text("left the hub")

            card = page.get_by_test_id("next-stop")
            card.get_by_label("Photo of the parcel at the door").set_input_files(
                {"name": "door.png", "mimeType": "image/png", "buffer": photo}
            )
            card.get_by_label("Recipient's name").fill("Kim Doorstep")
            card.get_by_label("4-digit code").fill(code)
            page.screenshot(path=SCREENSHOT_COURIER, full_page=True)
            card.get_by_role("button", name="Delivered").dblclick()  # a double tap
            expect(page.locator(".messages")).to_contain_text(f"{parcel.label}")
            expect(page.locator(f'.stoplist li.stop-delivered:has-text("{parcel.label}")')).to_have_count(1)
            assert Proof.objects.count() == 1
            assert Event.objects.filter(biz_step__endswith="accepting").count() == 1

            # The same request again (a retry after a dropped answer): the stop shows as it is, once.
            token = next(c["value"] for c in phone.cookies() if c["name"] == "csrftoken")
            retry = page.request.post(
                f"{live_server.url}/delivery/courier/stops/{stop.pk}/delivered/",
                multipart={
                    "csrfmiddlewaretoken": token,
                    "recipient_name": "Kim Doorstep",
                    "code": code,
                    "photo": {"name": "door.png", "mimeType": "image/png", "buffer": photo},
                },
                headers={"Referer": page.url},
            )
            assert retry.ok and "was already delivered: nothing changed" in retry.text()
            assert Proof.objects.count() == 1
            assert Event.objects.filter(biz_step__endswith="accepting").count() == 1
            assert Proof.objects.get().photo_sha256 == digest

            customer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
            customer.set_default_timeout(15_000)
            preorder = parcel.preorder
            customer.goto(f"{live_server.url}/d/{preorder.drop.slug}/orders/{preorder.access_token}/")
            customer.get_by_role("link", name="Track your delivery").click()  # from the order page
            expect(customer.get_by_test_id("track-state")).to_have_text("Delivered")
            expect(customer.get_by_test_id("proof-name")).to_have_text("Kim Doorstep")
            expect(customer.get_by_test_id("proof-sha256")).to_have_text(digest)
            image = customer.locator(".proof-photo img")
            image.scroll_into_view_if_needed()
            expect(image).to_be_visible()
            # polled from here: wait_for_function evaluates its predicate as a string, which the CSP refuses
            deadline = time.monotonic() + 15
            while image.evaluate("img => img.naturalWidth") != 4 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert image.evaluate("img => img.naturalWidth") == 4  # the photo itself was served
            customer.screenshot(path=SCREENSHOT_TRACKING, full_page=True)
        finally:
            browser.close()


@pytest.mark.e2e
@pytest.mark.usefixtures("fleet", "parcels")
def test_the_dispatcher_plans_the_day_and_sees_each_route_on_the_map(
    transactional_db, live_server, chromium_path: str, factory: Tenant, settings
):
    # The plan runs in a real worker, as in production (the fixtures sent the codes with immediate tasks).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        worker = None
        try:
            _sign_in(page, live_server.url, factory.user.username)
            page.get_by_role("link", name="Delivery").click()
            page.get_by_label("Day", exact=True).fill(tomorrow().isoformat())
            page.get_by_role("button", name="Show").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(f"{tomorrow():%B}")
            page.get_by_label("Time budget (s)").fill("1")
            worker = start_worker_thread(max_tasks=1, interval=0.2)
            page.get_by_role("button", name="Plan", exact=True).click()
            expect(page.locator("#plan-progress")).to_be_visible()
            # The worker plans; the polled progress then reloads the page with the routes.
            expect(page.locator(".routemap svg")).to_be_visible(timeout=60_000)
            plan = Plan.objects.get(status=Plan.Status.DONE)
            routes = list(Route.objects.filter(plan=plan).order_by("number"))
            lines = page.locator(".routemap polyline.route-line")
            expect(lines).to_have_count(len(routes))
            for route in routes:
                stops = Stop.objects.filter(
                    route=route, kind__in=[Stop.Kind.PARCEL, Stop.Kind.PICKUP, Stop.Kind.DROPOFF]
                ).count()
                pins = page.locator(f'.routemap g.stops[data-route="{route.number}"] .pin-number')
                expect(pins).to_have_text([str(n) for n in range(1, stops + 1)])
                points = lines.nth(route.number - 1).get_attribute("points").split()
                assert len(points) >= stops + 1  # the hub, the stops in order, the end
            expect(page.locator(".routemap g.hub")).not_to_have_count(0)
            expect(page.locator(".route-timeline svg")).to_have_count(len(routes))
            expect(page.get_by_role("button", name="Re-plan")).to_be_visible()
            page.screenshot(path=SCREENSHOT_DISPATCH, full_page=True)
            page.set_viewport_size(PHONE)  # the page stacks on a phone: nothing wider but the timelines
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
            if worker is not None:
                worker.join(timeout=60)
