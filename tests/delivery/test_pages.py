"""The delivery pages: the dispatcher's day (scoped to the organization), planning from a button with its
progress polled, the courier's page (their own stops only; proof errors named by field; a repeat changes
nothing twice) and the customer's tracking page (their parcel only, the proof once delivered)."""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seamline.delivery import actions, tasks
from seamline.delivery.models import Attempt, Courier, Parcel, Plan, Proof, Route, Stop
from seamline.delivery.planning import plan_run
from seamline.trace.models import Event
from tests import factories as f

from .conftest import plan_day, tomorrow

DISPATCH = reverse("delivery:dispatch")
COURIER = reverse("delivery:courier")


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid PNG (grey pixels), made here rather than read from a file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def code_of(parcel: Parcel) -> str:
    """Send the parcel's code as the background task does, and read it from the e-mail."""
    tasks.parcel_code_send.call(parcel_id=parcel.pk)
    return re.search(r"this code: (\d{4})", mail.outbox[-1].body).group(1)


def on_day(url: str) -> str:
    return f"{url}?day={tomorrow().isoformat()}"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(factory, fleet, parcels) -> Plan:
    return plan_day(factory.org)


@pytest.fixture
def couriers(factory, fleet, plan) -> dict[str, Courier]:
    """The courier whose route has parcels ("mine") and the other one ("theirs"), each with a login."""
    sol = fleet["sol"]
    Courier.objects.filter(pk=sol.pk).update(
        user=f.make_member(factory.org, role="operator", email="sol@vans.example")
    )
    route = Route.objects.filter(plan=plan, stops__kind=Stop.Kind.PARCEL).order_by("number").first()
    mine = Courier.objects.get(pk=route.courier_id)
    theirs = Courier.objects.exclude(pk=mine.pk).get(organization=factory.org)
    return {"mine": mine, "theirs": theirs}


def parcel_stops(plan: Plan, courier: Courier | None = None) -> list[Stop]:
    stops = Stop.objects.filter(route__plan=plan, kind=Stop.Kind.PARCEL).select_related("parcel", "route")
    if courier is not None:
        stops = stops.filter(route__courier=courier)
    return list(stops.order_by("route__number", "sequence"))


# The dispatcher ---------------------------------------------------------------------------------------


def test_the_dispatcher_sees_the_days_routes_on_the_map_with_totals_and_unassigned_jobs(
    factory, plan, django_assert_max_num_queries
):
    client = factory.client()
    with django_assert_max_num_queries(15):  # the routes and stops are prefetched: no query a stop
        response = client.get(on_day(DISPATCH))
    html = response.content.decode()
    assert response.status_code == 200
    routes = list(plan.routes.all())
    assert html.count('class="route-line"') == len(routes) >= 1
    stops = Stop.objects.filter(
        route__plan=plan, kind__in=[Stop.Kind.PARCEL, Stop.Kind.PICKUP, Stop.Kind.DROPOFF]
    )
    assert html.count('class="stop-pin') == stops.count()
    assert html.count('class="hub"') >= 1 and "Arts District hub" in html
    assert html.count('class="timeline-figure route-timeline"') == len(routes)
    for stop in parcel_stops(plan):
        assert stop.parcel.label in html
    assert 'data-testid="total-km"' in html and 'data-testid="total-parcels">2<' in html
    unassigned = list(plan.unassigned.select_related("parcel"))
    assert unassigned, "Dev's evening window is past every shift"
    for job in unassigned:
        assert job.parcel.label in html and job.detail in html
    if all(r.co2e_kg is None for r in routes):
        assert "total-co2e" not in html  # no figure is made up
    assert ">Re-plan</button>" in html


def test_another_organization_sees_nothing_of_the_day_and_gets_404_for_its_records(
    factory, other_factory, plan, couriers
):
    client = other_factory.client()
    html = client.get(on_day(DISPATCH)).content.decode()
    assert "route-line" not in html and "Arts District hub" not in html
    for stop in parcel_stops(plan):
        assert stop.parcel.label not in html and stop.parcel.street not in html
    stop = parcel_stops(plan)[0]
    assert client.get(reverse("delivery:plan_progress", args=[plan.pk])).status_code == 404
    assert client.get(reverse("delivery:stop_photo", args=[stop.pk])).status_code == 404
    for name in ("stop_pick_up", "stop_deliver", "stop_fail"):
        assert client.post(reverse(f"delivery:{name}", args=[stop.pk])).status_code == 404
    assert client.post(reverse("delivery:route_depart", args=[stop.route_id])).status_code == 404
    assert Stop.objects.get(pk=stop.pk).status == Stop.Status.PENDING


def test_plan_queues_the_day_in_the_background_and_the_page_polls_its_progress(factory, fleet, parcels):
    client = factory.client()
    day = tomorrow().isoformat()
    html = client.get(on_day(DISPATCH)).content.decode()
    assert ">Plan</button>" in html and "3 parcels ready at the hub" in html
    response = client.post(reverse("delivery:plan_create"), {"day": day, "seconds": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"?day={day}")
    plan = Plan.objects.get()
    assert plan.status == Plan.Status.QUEUED
    html = client.get(on_day(DISPATCH)).content.decode()
    progress = reverse("delivery:plan_progress", args=[plan.pk])
    assert f'hx-get="{progress}"' in html and "Queued: waiting for a worker" in html
    assert ">Plan</button>" not in html  # no second plan while one runs
    polled = client.get(progress, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    plan_run(plan.pk)
    polled = client.get(progress, HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "hx-get" not in polled.content.decode()
    html = client.get(on_day(DISPATCH)).content.decode()
    assert "route-line" in html and ">Re-plan</button>" in html
    client.post(reverse("delivery:plan_create"), {"day": day, "seconds": "1"})
    replan = Plan.objects.latest("pk")
    assert replan.replan_of_id == plan.pk and replan.status == Plan.Status.QUEUED


def test_a_past_day_or_a_courier_cannot_plan(factory, couriers):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = Plan.objects.count()
    response = factory.client().post(
        reverse("delivery:plan_create"), {"day": yesterday, "seconds": "1"}, follow=True
    )
    assert "is past" in response.content.decode()
    courier = login(couriers["mine"].user)
    courier.post(reverse("delivery:plan_create"), {"day": tomorrow().isoformat(), "seconds": "1"})
    assert Plan.objects.count() == before
    assert courier.get(DISPATCH)["Location"] == COURIER  # their own page, not everyone's stops


# The courier ------------------------------------------------------------------------------------------


def test_a_courier_sees_only_their_own_stops_and_cannot_act_on_anothers(
    plan, couriers, django_assert_max_num_queries
):
    mine, theirs = couriers["mine"], couriers["theirs"]
    own = parcel_stops(plan, mine)
    assert own
    client = login(mine.user)
    with django_assert_max_num_queries(8):
        html = client.get(on_day(COURIER)).content.decode()
    for stop in own:
        assert stop.parcel.label in html
    next_stop = own[0]
    geo = f"geo:{next_stop.latitude:.6f},{next_stop.longitude:.6f}?q="
    assert geo in html and next_stop.parcel.street in html
    other = login(theirs.user)
    html = other.get(on_day(COURIER)).content.decode()
    for stop in own:
        assert stop.parcel.label not in html and stop.parcel.street not in html
    for name in ("stop_pick_up", "stop_deliver", "stop_fail"):
        assert other.post(reverse(f"delivery:{name}", args=[next_stop.pk])).status_code == 404
    assert other.get(reverse("delivery:stop_photo", args=[next_stop.pk])).status_code == 404
    assert Stop.objects.get(pk=next_stop.pk).status == Stop.Status.PENDING


def test_someone_who_is_no_courier_is_told_so(factory):
    response = factory.client().get(COURIER)
    assert response.status_code == 403 and "No courier signs in as you" in response.content.decode()


def test_a_delivery_names_the_missing_photo_and_the_wrong_code_then_happens_once(factory, plan, couriers):
    courier = couriers["mine"]
    client = login(courier.user)
    stop = parcel_stops(plan, courier)[0]
    assert client.post(reverse("delivery:stop_pick_up", args=[stop.pk])).status_code == 302
    again = client.post(reverse("delivery:stop_pick_up", args=[stop.pk]), follow=True)
    assert "was already picked up: nothing changed" in again.content.decode()
    assert Event.objects.filter(biz_step__endswith="loading").count() == 1
    code = code_of(stop.parcel)
    deliver = reverse("delivery:stop_deliver", args=[stop.pk])

    missing = client.post(deliver, {"recipient_name": "", "code": ""})
    html = missing.content.decode()
    assert missing.status_code == 422
    assert 'id="deliver-photo_error">Take a photo of the parcel at the door.' in html
    assert 'id="deliver-recipient_name_error">' in html and 'id="deliver-code_error">' in html

    wrong = "0000" if code != "0000" else "1111"
    photo = png()
    refused = client.post(
        deliver,
        {"photo": SimpleUploadedFile("door.png", photo, "image/png"), "recipient_name": "Ana", "code": wrong},
    )
    assert refused.status_code == 422
    assert 'id="deliver-code_error">The code does not match.' in refused.content.decode()
    assert not Proof.objects.exists()

    def send():
        upload = SimpleUploadedFile("door.png", photo, "image/png")
        return client.post(
            deliver, {"photo": upload, "recipient_name": "Ana Ruiz", "code": code}, follow=True
        )

    first, second = send(), send()  # a double tap
    assert first.status_code == second.status_code == 200
    assert f"{stop.parcel.label}" in first.content.decode() and ": delivered." in first.content.decode()
    assert "was already delivered: nothing changed" in second.content.decode()
    proof = Proof.objects.get()
    assert proof.photo_sha256 == hashlib.sha256(photo).hexdigest() and proof.recipient_name == "Ana Ruiz"
    assert Event.objects.filter(biz_step__endswith="accepting").count() == 1
    photo_page = client.get(reverse("delivery:stop_photo", args=[stop.pk]))
    assert photo_page["Content-Type"] == "image/png" and photo_page.content == photo
    # A late "picked up" for the delivered stop (a retry from a stale page) shows the state, not an error.
    late = client.post(reverse("delivery:stop_pick_up", args=[stop.pk]), follow=True)
    assert "is already delivered: nothing changed" in late.content.decode()


def test_not_delivered_names_the_reason_and_a_later_day_then_records_once(plan, couriers):
    courier = couriers["mine"]
    client = login(courier.user)
    stop = parcel_stops(plan, courier)[0]
    client.post(reverse("delivery:stop_pick_up", args=[stop.pk]))
    fail = reverse("delivery:stop_fail", args=[stop.pk])
    bad = client.post(fail, {"reason": "", "next_attempt_on": timezone.localdate().isoformat()})
    assert bad.status_code == 422 and 'id="fail-reason_error"' in bad.content.decode()
    too_soon = client.post(
        fail, {"reason": "nobody_home", "next_attempt_on": timezone.localdate().isoformat()}
    )
    assert 'id="fail-next_attempt_on_error">The next attempt is a later day.' in too_soon.content.decode()
    later = (timezone.localdate() + timedelta(days=3)).isoformat()
    for _ in range(2):
        done = client.post(fail, {"reason": "nobody_home", "next_attempt_on": later, "note": "Buzzer broken"})
        assert done.status_code == 302
    attempt = Attempt.objects.get()
    # "Delivered" sent from a stale page after the stop failed: the page says what the stop is; no proof.
    late = client.post(
        reverse("delivery:stop_deliver", args=[stop.pk]),
        {
            "photo": SimpleUploadedFile("door.png", png(), "image/png"),
            "recipient_name": "Ana",
            "code": "1234",
        },
        follow=True,
    )
    assert "is already not delivered: nothing changed" in late.content.decode() and not Proof.objects.exists()
    assert (attempt.reason, attempt.note, attempt.next_attempt_on.isoformat()) == (
        "nobody_home",
        "Buzzer broken",
        later,
    )


def test_leaving_the_hub_happens_once(plan, couriers):
    courier = couriers["mine"]
    client = login(courier.user)
    stop = parcel_stops(plan, courier)[0]
    html = client.get(on_day(COURIER)).content.decode()
    assert re.search(r'<button type="submit" class="btn block" disabled>Leave the hub', html)
    client.post(reverse("delivery:stop_pick_up", args=[stop.pk]))
    depart = reverse("delivery:route_depart", args=[stop.route_id])
    assert "left the hub." in client.post(depart, follow=True).content.decode()
    assert "had already left the hub" in client.post(depart, follow=True).content.decode()
    assert Event.objects.filter(biz_step__endswith="departing").count() == 1


# The customer -----------------------------------------------------------------------------------------


def test_the_tracking_page_shows_this_parcel_only_and_the_proof_once_delivered(factory, plan, couriers):
    courier = couriers["mine"]
    stop = parcel_stops(plan, courier)[0]
    parcel, preorder = stop.parcel, stop.parcel.preorder
    others = Parcel.objects.exclude(pk=parcel.pk).select_related("preorder")
    url = reverse("delivery:tracking", args=[preorder.access_token])
    response = Client().get(url)
    html = response.content.decode()
    assert response.status_code == 200 and response["Referrer-Policy"] == "no-referrer"
    assert "On a courier's route for" in html and parcel.street in html
    assert f"{parcel.window_start:%H:%M}–{parcel.window_end:%H:%M}" in html
    for other in others:
        assert other.preorder.name not in html and other.street not in html and other.label not in html
    photo_url = reverse("delivery:tracking_photo", args=[preorder.access_token])
    assert Client().get(photo_url).status_code == 404  # nothing delivered yet
    assert Client().get(reverse("delivery:tracking", args=["not-a-token"])).status_code == 404

    actions.stop_pick_up(stop=stop, organization=factory.org)
    actions.route_depart(route=stop.route, organization=factory.org)
    html = Client().get(url).content.decode()
    before = Stop.objects.filter(route=stop.route, sequence__lt=stop.sequence, kind=Stop.Kind.PARCEL).count()
    assert ("you are the next stop" if before == 0 else f"{before} stop") in html

    photo = png(3, 3)
    actions.stop_deliver(
        stop=stop, organization=factory.org, photo=photo, recipient_name="Kim Doorstep", code=code_of(parcel)
    )
    html = Client().get(url).content.decode()
    assert re.search(r'data-testid="track-state">\s*Delivered\s*<', html)
    assert hashlib.sha256(photo).hexdigest() in html and "Kim Doorstep" in html
    served = Client().get(photo_url)
    assert served.status_code == 200 and served.content == photo and served["Content-Type"] == "image/png"
    for other in others:  # another customer's link shows their own parcel, never this proof
        theirs = (
            Client().get(reverse("delivery:tracking", args=[other.preorder.access_token])).content.decode()
        )
        assert hashlib.sha256(photo).hexdigest() not in theirs and "Kim Doorstep" not in theirs
        assert (
            Client().get(reverse("delivery:tracking_photo", args=[other.preorder.access_token])).status_code
            == 404
        )


def test_the_order_page_links_to_the_tracking_page_once_the_parcel_is_packed(shop, plan):
    for name, preorder in shop.preorders.items():
        page = Client().get(reverse("drops_public:order", args=[shop.drop.slug, preorder.access_token]))
        html = page.content.decode()
        track = reverse("delivery:tracking", args=[preorder.access_token])
        if Parcel.objects.filter(preorder=preorder).exists():
            assert f'href="{track}">Track your delivery</a>' in html, name
        else:  # Marco's order ships by post: nothing to track here
            assert "Track your delivery" not in html and not preorder.local_delivery, name


def test_a_brand_reads_where_its_parcels_are(brand, plan):
    html = brand.client().get(DISPATCH).content.decode()
    assert "Your parcels" in html and "route-line" not in html and ">Plan</button>" not in html
    for parcel in Parcel.objects.filter(brand=brand.org):
        assert parcel.label in html
