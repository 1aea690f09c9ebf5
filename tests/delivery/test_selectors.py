"""What the pages will read: a day's plan in order with its totals, a courier's day with the next stop, and a
parcel's tracking (its window, "N stops away" once the courier has left, the proof once delivered); and
their query counts, pinned."""

from __future__ import annotations

from seamline.delivery import actions
from seamline.delivery.models import Stop, Vehicle
from seamline.delivery.selectors import courier_day, day_plan, parcel_tracking, tracking_by_token

from .conftest import plan_day, tomorrow

PHOTO = b"\xff\xd8\xff" + b"porch" * 20


def _one_van(factory, fleet) -> list[Stop]:
    """Only the van works: the day's parcels are on one route, in order."""
    Vehicle.objects.filter(pk=fleet["bike"].pk).update(active=False)
    plan = plan_day(factory.org)
    return list(Stop.objects.filter(route__plan=plan, kind=Stop.Kind.PARCEL).order_by("sequence"))


def test_a_courier_sees_what_to_pick_up_then_the_next_stop(factory, fleet, parcels):
    stops = _one_van(factory, fleet)
    assert len(stops) == 2  # Dev's evening window is past the shift
    day = courier_day(organization=factory.org, courier=fleet["sol"], day=tomorrow())
    assert [s.pk for s in day.to_pick_up] == [s.pk for s in stops] and day.next_stop is None
    for stop in stops:
        actions.stop_pick_up(stop=stop, organization=factory.org)
    day = courier_day(organization=factory.org, courier=fleet["sol"], day=tomorrow())
    assert day.to_pick_up == [] and day.next_stop.pk == stops[0].pk
    assert day.stops[0].kind == Stop.Kind.START and day.stops[-1].kind == Stop.Kind.END
    assert courier_day(organization=factory.org, courier=fleet["bea"], day=tomorrow()).routes == []


def test_a_parcel_is_planned_then_n_stops_away_then_delivered_with_its_proof(factory, fleet, parcels):
    stops = _one_van(factory, fleet)
    first, second = stops
    tracking = parcel_tracking(parcel=second.parcel)
    assert (tracking.state, tracking.stops_away, tracking.day) == ("planned", None, tomorrow())
    assert tracking.window == (second.parcel.window_start, second.parcel.window_end)
    for stop in stops:
        actions.stop_pick_up(stop=stop, organization=factory.org)
    actions.route_depart(route=first.route, organization=factory.org)
    assert parcel_tracking(parcel=second.parcel).stops_away == 1
    assert parcel_tracking(parcel=first.parcel).stops_away == 0
    first.parcel.code_required = False
    first.parcel.save(update_fields=["code_required"])
    actions.stop_deliver(stop=first, organization=factory.org, photo=PHOTO, recipient_name="Ana")
    assert parcel_tracking(parcel=second.parcel).stops_away == 0
    done = tracking_by_token(token=first.parcel.preorder.access_token)
    assert done.state == "delivered" and done.proof.recipient_name == "Ana" and not done.proof.code_checked
    assert tracking_by_token(token="nope") is None and tracking_by_token(token="") is None
    waiting = parcel_tracking(parcel=next(p for p in parcels if p.preorder.name == "Dev Patel"))
    assert waiting.state == "packed"  # left out of the plan: not on its way


def test_a_days_plan_reads_in_a_fixed_number_of_queries(factory, fleet, parcels, django_assert_num_queries):
    plan_day(factory.org)
    with django_assert_num_queries(6):
        day = day_plan(organization=factory.org, day=tomorrow())
        rows = [
            (r.vehicle.name, [(s.kind, s.parcel and s.parcel.zip_code) for s in r.stops.all()])
            for r in day.routes
        ]
        reasons = [(u.reason, u.parcel and u.parcel.zip_code) for u in day.unassigned]
    assert rows and reasons == [("window", "90232")]
    assert day.parcels == 2 and day.co2e_kg is not None
