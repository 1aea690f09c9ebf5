"""The courier's actions at a stop: each idempotent (a retried or double-tapped action changes nothing
twice), each refused with the field named when the proof is missing or wrong, each an EPCIS event at the
right place that validates against GS1's schema."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.delivery import actions, tasks
from seamline.delivery.models import Attempt, Parcel, Proof, Stop
from seamline.trace import events as trace_events
from seamline.trace.models import Event
from seamline.trace.schema import validate_document, validate_event

from .conftest import plan_day, tomorrow

PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF doorstep photo" * 20
DELIVERY_STEPS = ("loading", "departing", "arriving", "accepting", "holding")


def _code(parcel: Parcel) -> str:
    """Send the parcel's code as the background task does, and read it from the e-mail."""
    tasks.parcel_code_send.call(parcel_id=parcel.pk)
    return re.search(r"this code: (\d{4})", mail.outbox[-1].body).group(1)


@pytest.fixture
def stop(factory, fleet, parcels) -> Stop:
    """Ana's stop on the day's plan; every planned parcel picked up and every route gone from the hub."""
    plan = plan_day(factory.org)
    for each in Stop.objects.filter(route__plan=plan, kind=Stop.Kind.PARCEL):
        actions.stop_pick_up(stop=each, organization=factory.org)
    for route in plan.routes.all():
        actions.route_depart(route=route, organization=factory.org)
    stop = Stop.objects.get(route__plan=plan, parcel__preorder__name="Ana Ruiz")
    return Stop.objects.select_related("parcel", "route").get(pk=stop.pk)


def _events(organization, step: str) -> list[Event]:
    return list(Event.objects.filter(organization=organization, biz_step__endswith=step).order_by("seq"))


def test_pick_up_and_departure_happen_once_however_often_they_are_sent(factory, fleet, parcels):
    plan = plan_day(factory.org)
    stop = Stop.objects.select_related("route").filter(route__plan=plan, kind=Stop.Kind.PARCEL).first()
    first = actions.stop_pick_up(stop=stop, organization=factory.org, by=factory.user)
    second = actions.stop_pick_up(stop=stop, organization=factory.org, by=factory.user)
    assert (first[1], second[1]) == (True, False)
    assert Parcel.objects.get(pk=stop.parcel_id).status == Parcel.Status.ON_VEHICLE
    assert len(_events(factory.org, "loading")) == 1
    assert actions.route_depart(route=stop.route, organization=factory.org)[1] is True
    assert actions.route_depart(route=stop.route, organization=factory.org)[1] is False
    (departed,) = _events(factory.org, "departing")
    body = json.loads(departed.body)
    assert (
        body["epcList"] == [stop.parcel.epc_uri]
        and body["readPoint"]["id"] == stop.route.vehicle.start_facility.epc_uri
    )
    assert "bizLocation" not in body and body["disposition"].endswith("in_transit")
    with pytest.raises(ConflictError):  # parcels are picked up at the hub, before leaving
        other = Stop.objects.filter(
            route=stop.route, kind=Stop.Kind.PARCEL, status=Stop.Status.PENDING
        ).first()
        if other is None:
            raise ConflictError("only one parcel on this route")
        actions.stop_pick_up(stop=other, organization=factory.org)


def test_a_proof_without_photo_name_or_code_is_refused_naming_each_and_nothing_is_written(stop, factory):
    _code(stop.parcel)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.stop_deliver(stop=stop, organization=factory.org, photo=None, recipient_name=" ", code="")
    assert set(err.value.fields) == {"photo", "recipient_name", "code"}
    with pytest.raises(ValidationError) as err:
        actions.stop_deliver(
            stop=stop, organization=factory.org, photo=b"%PDF-1.7 ...", recipient_name="Ana", code="0000"
        )
    assert "photo" in err.value.fields
    assert Event.objects.count() == before and not Proof.objects.exists()
    assert Stop.objects.get(pk=stop.pk).status == Stop.Status.PICKED_UP


def test_a_wrong_code_is_counted_and_five_lock_the_parcel_until_a_new_code(stop, factory):
    code = _code(stop.parcel)
    wrong = "0000" if code != "0000" else "1111"
    for attempt in range(1, actions.MAX_CODE_FAILURES + 1):
        with pytest.raises(ValidationError) as err:
            actions.stop_deliver(
                stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code=wrong
            )
        assert err.value.fields == {"code": "The code does not match."}
        assert Parcel.objects.get(pk=stop.parcel_id).code_failures == attempt  # kept, though refused
    with pytest.raises(ValidationError) as err:  # even the right code now: a new one must be sent
        actions.stop_deliver(
            stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code=code
        )
    assert "Too many wrong codes" in err.value.fields["code"]
    assert Stop.objects.get(pk=stop.pk).status == Stop.Status.PICKED_UP and not Proof.objects.exists()
    fresh = _code(stop.parcel)
    delivered, changed = actions.stop_deliver(
        stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code=fresh
    )
    assert changed and delivered.status == Stop.Status.DELIVERED


def test_a_delivery_is_recorded_once_with_its_proof_hash_at_the_customers_door(stop, factory):
    code = _code(stop.parcel)
    first = actions.stop_deliver(
        stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana Ruiz", code=code
    )
    second = actions.stop_deliver(
        stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana Ruiz", code=code
    )
    assert (first[1], second[1]) == (True, False)
    proof = Proof.objects.get()
    digest = hashlib.sha256(PHOTO).hexdigest()
    assert (proof.photo_sha256, proof.code_checked, bytes(proof.photo)) == (digest, True, PHOTO)
    parcel = Parcel.objects.get(pk=stop.parcel_id)
    assert (
        parcel.status == Parcel.Status.DELIVERED
        and parcel.delivered_at is not None
        and parcel.vehicle is None
    )
    (arrived,) = _events(factory.org, "arriving")
    (accepted,) = _events(factory.org, "accepting")
    door = trace_events.doorstep_uri(parcel.uid)
    for event in (arrived, accepted):
        body = json.loads(event.body)
        assert body["readPoint"] == {"id": door} and body["bizLocation"] == {"id": door}
        assert body["sl:postalCode"] == "90026" and "Main St" not in event.body and "Ana" not in event.body
    body = json.loads(accepted.body)
    assert body["sl:proofSha256"] == digest and body["sl:codeChecked"] is True
    assert arrived.event_time <= accepted.event_time


def test_not_delivered_names_bad_input_then_records_once(stop, factory):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        actions.stop_fail(stop=stop, organization=factory.org, reason="aliens", next_attempt_on=today)
    assert set(err.value.fields) == {"reason", "next_attempt_on"}
    again = today + timedelta(days=2)
    first = actions.stop_fail(
        stop=stop, organization=factory.org, reason="nobody_home", next_attempt_on=again
    )
    second = actions.stop_fail(
        stop=stop, organization=factory.org, reason="nobody_home", next_attempt_on=again
    )
    assert (first[1], second[1]) == (True, False)
    attempt = Attempt.objects.get()
    assert (attempt.reason, attempt.next_attempt_on) == ("nobody_home", again)
    parcel = Parcel.objects.get(pk=stop.parcel_id)
    assert (parcel.status, parcel.next_attempt_on) == (Parcel.Status.FAILED, again)
    (held,) = _events(factory.org, "holding")
    body = json.loads(held.body)
    assert body["sl:reason"] == "nobody_home" and body["sl:nextAttempt"] == again.isoformat()
    with pytest.raises(ConflictError):
        actions.stop_deliver(
            stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code="1234"
        )


def test_another_factory_cannot_act_on_the_stops(stop, other_factory):
    for act in (actions.stop_pick_up, actions.stop_arrive):
        with pytest.raises(ForbiddenError):
            act(stop=stop, organization=other_factory.org)
    with pytest.raises(ForbiddenError):
        actions.route_depart(route=stop.route, organization=other_factory.org)


def test_every_delivery_event_validates_against_the_gs1_schema(stop, factory, fleet):
    code = _code(stop.parcel)
    actions.stop_deliver(stop=stop, organization=factory.org, photo=PHOTO, recipient_name="Ana", code=code)
    other = Stop.objects.filter(route__plan=stop.route.plan, kind=Stop.Kind.PARCEL).exclude(pk=stop.pk).get()
    actions.stop_fail(
        stop=other,
        organization=factory.org,
        reason="no_access",
        next_attempt_on=tomorrow() + timedelta(days=1),
    )
    bodies = []
    for step in ("packing", *DELIVERY_STEPS):
        for event in _events(factory.org, step):
            body = json.loads(event.body)
            if step == "packing" and not body.get("parentID", "").startswith("urn:seamline:parcel:"):
                continue
            body.pop("@context", None)
            validate_event(body)
            bodies.append(body)
    assert {b["bizStep"].rsplit("-", 1)[-1] for b in bodies} >= {"packing", *DELIVERY_STEPS}
    validate_document(trace_events.document(bodies))
