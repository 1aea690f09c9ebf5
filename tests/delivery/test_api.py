"""The delivery API: a factory dispatches a day (202, then the plan's url), a courier works their stops
(double POSTs change nothing twice), proofs are checked field by field, and no other tenant sees or acts."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from seamline.delivery.models import Parcel, Proof, Stop
from tests import factories as f

from .conftest import tomorrow

PHOTO = b"\xff\xd8\xff\xe0" + b"door" * 64


def _json(client: Client, method: str, path: str, body=None, **extra):
    call = getattr(client, method)
    if body is None:
        return call(path, **extra)
    return call(path, body, content_type="application/json", **extra)


def _dispatched(shop, factory, django_capture_on_commit_callbacks):
    """Through the API: a courier with a login and her bike, a van, parcels, and tomorrow planned."""
    api = factory.api()
    bea = _json(
        api,
        "post",
        "/api/v1/couriers",
        {"name": "Bea", "email": "bea@couriers.example", "password": f.PASSWORD},
    )
    assert bea.status_code == 201, bea.content
    assert bea.json()["login"] == "bea@couriers.example"
    for body in (
        {
            "name": "Bike 1",
            "kind": "e_cargo_bike",
            "start_facility_id": shop.hub.pk,
            "courier_id": bea.json()["id"],
        },
        {"name": "Van 1", "kind": "e_van", "start_facility_id": shop.hub.pk, "capacity_kg": "650"},
    ):
        response = _json(api, "post", "/api/v1/vehicles", body)
        assert response.status_code == 201, response.content
    with django_capture_on_commit_callbacks(execute=True):
        made = _json(api, "post", f"/api/v1/production-orders/{shop.order.pk}/parcels")
    assert made.status_code == 201, made.content
    assert {p["precision"] for p in made.json()["parcels"]} == {"zip_centroid"}
    with django_capture_on_commit_callbacks(execute=True):
        queued = _json(api, "post", "/api/v1/delivery-plans", {"day": tomorrow().isoformat(), "seconds": "1"})
    assert queued.status_code == 202, queued.content
    assert queued.json()["url"] == f"/api/v1/delivery-plans/{queued.json()['id']}"
    plan = _json(api, "get", queued.json()["url"]).json()
    assert plan["status"] == "done", plan["error"]
    return api, plan


def _courier_client(courier_email: str) -> Client:
    client = Client()
    client.login(username=courier_email, password=f.PASSWORD)
    return client


def _codes() -> dict[str, str]:
    return {
        m.to[0]: re.search(r"this code: (\d{4})", m.body).group(1)
        for m in mail.outbox
        if "this code" in m.body
    }


def test_dispatch_a_day_then_a_courier_delivers_with_proof_and_retries_change_nothing(
    shop, factory, django_capture_on_commit_callbacks
):
    api, plan = _dispatched(shop, factory, django_capture_on_commit_callbacks)
    reasons = {u["reason"] for u in plan["unassigned"]}
    assert reasons <= {"window", "fleet_full"}
    stops = [s for r in plan["routes"] for s in r["stops"] if s["kind"] == "parcel"]
    assert stops and all(s["status"] == "pending" for s in stops)
    route = next(r for r in plan["routes"] if any(s["kind"] == "parcel" for s in r["stops"]))
    bea_rides = route["courier"] is not None and route["courier"]["name"] == "Bea"
    # Bea signs in as herself; the van has no courier login, so the dispatcher's token acts for it.
    courier = _courier_client("bea@couriers.example") if bea_rides else api
    parcel_stops = [s for s in route["stops"] if s["kind"] == "parcel"]
    for stop in parcel_stops:
        first = _json(courier, "post", f"/api/v1/stops/{stop['id']}/picked-up")
        second = _json(courier, "post", f"/api/v1/stops/{stop['id']}/picked-up")
        assert (first.status_code, first.json()["changed"], second.json()["changed"]) == (200, True, False)
    assert _json(courier, "post", f"/api/v1/routes/{route['id']}/depart").status_code == 200
    target = parcel_stops[0]
    parcel = Parcel.objects.get(pk=target["parcel"]["id"])
    code = _codes()[parcel.preorder.email]

    missing = courier.post(f"/api/v1/stops/{target['id']}/delivered", {"recipient_name": ""})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"photo", "recipient_name", "code"}

    form = {"recipient_name": "Ana Ruiz", "code": code}
    first = courier.post(f"/api/v1/stops/{target['id']}/delivered", {**form, "photo": _file()})
    second = courier.post(f"/api/v1/stops/{target['id']}/delivered", {**form, "photo": _file()})
    assert first.status_code == 200, first.content
    assert (first.json()["changed"], second.json()["changed"]) == (True, False)
    assert first.json()["stop"]["status"] == "delivered" and Proof.objects.count() == 1
    photo = _json(api, "get", f"/api/v1/stops/{target['id']}/proof.photo")
    assert photo.content == PHOTO and photo["Content-Type"] == "image/jpeg"
    tracking = _json(api, "get", f"/api/v1/parcels/{parcel.pk}/tracking").json()
    assert tracking["state"] == "delivered"
    assert tracking["proof"]["photo_sha256"] == hashlib.sha256(PHOTO).hexdigest()

    if len(parcel_stops) > 1:
        other = parcel_stops[1]
        body = {"reason": "nobody_home", "next_attempt_on": (tomorrow() + timedelta(days=1)).isoformat()}
        once = _json(courier, "post", f"/api/v1/stops/{other['id']}/not-delivered", body)
        twice = _json(courier, "post", f"/api/v1/stops/{other['id']}/not-delivered", body)
        assert (once.json()["changed"], twice.json()["changed"]) == (True, False)


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("door.jpg", PHOTO, content_type="image/jpeg")


def test_bad_plans_and_reasons_are_named(shop, factory, django_capture_on_commit_callbacks):
    api = factory.api()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = _json(api, "post", "/api/v1/delivery-plans", {"day": yesterday})
    assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["day"]
    response = _json(
        api,
        "post",
        "/api/v1/vehicles",
        {"name": "Bike", "kind": "e_cargo_bike", "start_facility_id": shop.hub.pk, "shift_start": "18:00"},
    )
    assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["shift_end"]


def test_other_tenants_neither_see_nor_act(
    shop, brand, factory, other_brand, other_factory, django_capture_on_commit_callbacks
):
    _, plan = _dispatched(shop, factory, django_capture_on_commit_callbacks)
    stop = Stop.objects.filter(route__plan_id=plan["id"], kind="parcel").first()
    parcel = stop.parcel
    for tenant in (other_factory, other_brand):
        client = tenant.api()
        assert _json(client, "get", "/api/v1/parcels").json()["items"] == []
        assert _json(client, "get", f"/api/v1/parcels/{parcel.pk}").status_code == 404
        assert _json(client, "get", plan["url"]).status_code == 404
        assert _json(client, "get", f"/api/v1/stops/{stop.pk}").status_code == 404
        assert _json(client, "post", f"/api/v1/stops/{stop.pk}/picked-up").status_code == 404
        assert _json(client, "get", "/api/v1/couriers").json()["items"] == []
    # The brand whose drop it is reads its parcels, but does not dispatch or act.
    mine = brand.api()
    assert {p["id"] for p in _json(mine, "get", "/api/v1/parcels").json()["items"]} == set(
        Parcel.objects.values_list("pk", flat=True)
    )
    assert _json(mine, "post", f"/api/v1/stops/{stop.pk}/picked-up").status_code == 404
    assert _json(mine, "post", f"/api/v1/production-orders/{shop.order.pk}/parcels").status_code == 403
    assert Stop.objects.get(pk=stop.pk).status == "pending"


def test_a_courier_acts_on_their_own_route_only(shop, factory, django_capture_on_commit_callbacks):
    _, plan = _dispatched(shop, factory, django_capture_on_commit_callbacks)
    bea = _courier_client("bea@couriers.example")
    assert _json(bea, "post", "/api/v1/delivery-plans", {"day": tomorrow().isoformat()}).status_code == 403
    for route in plan["routes"]:
        for stop in route["stops"]:
            if stop["kind"] != "parcel":
                continue
            response = _json(bea, "post", f"/api/v1/stops/{stop['id']}/picked-up")
            mine = route["courier"] is not None and route["courier"]["name"] == "Bea"
            assert response.status_code == (200 if mine else 403), response.content
