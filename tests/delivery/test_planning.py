"""Planning a day: routes and stops saved from the planner's answer (checked by the independent checker),
unassigned jobs with their reasons, bad input named, and a re-plan that keeps what was done."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from seamline.core.errors import ConflictError, ValidationError
from seamline.delivery import actions, planning
from seamline.delivery.models import Parcel, Plan, Stop, Transfer
from seamline.delivery.selectors import current_plan, day_plan
from seamline.delivery.services import transfers_from_routing

from .conftest import plan_day, tomorrow


def _stops(plan: Plan, kind=Stop.Kind.PARCEL) -> dict[str, Stop]:
    return {
        s.parcel.preorder.name: s
        for s in Stop.objects.filter(route__plan=plan, kind=kind).select_related("parcel__preorder", "route")
    }


def test_a_day_is_planned_with_every_parcel_routed_or_left_out_with_its_reason(factory, fleet, parcels):
    plan = plan_day(factory.org)
    assert plan.status == Plan.Status.DONE, plan.error
    assert plan.solver == "vroom" and plan.progress_text.startswith("Done")
    stops = _stops(plan)
    # Dev chose 17:00-20:00 and every shift ends at 17:00: left out, with the reason.
    assert set(stops) == {"Ana Ruiz", "Jo Tanaka"}
    (left,) = plan.unassigned.all()
    assert (left.parcel.preorder.name, left.reason) == ("Dev Patel", "window")
    for stop in stops.values():
        assert stop.window_start <= stop.planned_arrival <= stop.window_end
        assert stop.status == Stop.Status.PENDING and stop.route.km > 0
    day = day_plan(organization=factory.org, day=tomorrow())
    assert day.plan == plan and day.parcels == 2 and day.km == sum(r.km for r in day.routes)
    for route in day.routes:
        sequence = [s.sequence for s in route.stops.all()]
        assert sequence == sorted(sequence) and route.stops.all()[0].kind == Stop.Kind.START


def test_a_parcel_heavier_than_any_vehicle_is_left_out_as_too_heavy(factory, fleet, parcels):
    Parcel.objects.filter(pk=parcels[0].pk).update(weight_kg=Decimal("800"))  # the van carries 700 kg
    plan = plan_day(factory.org)
    reasons = {u.parcel_id: u.reason for u in plan.unassigned.all()}
    assert reasons[parcels[0].pk] == "too_heavy"


def test_transfers_from_the_routing_are_planned_pickup_first(shop, factory, fleet, parcels):
    from tests import factories as f

    f.make_facility(factory.org, kind="dye_house", zip_code="90058", name="Vernon dye house")
    style = shop.order.style
    style.operations.update(facility_kind="cut_and_sew")
    op = style.operations.order_by("sequence").last()
    op.facility_kind = "dye_house"
    op.save()
    (transfer,) = transfers_from_routing(order=shop.order, organization=factory.org, day=tomorrow())
    assert transfer.origin.kind == "cut_and_sew" and transfer.destination.kind == "dye_house"
    assert transfer.epcs and all(e.startswith("urn:seamline:garment:") for e in transfer.epcs)
    plan = plan_day(factory.org)
    stops = list(Stop.objects.filter(route__plan=plan, transfer=transfer).order_by("sequence"))
    assert [s.kind for s in stops] == [Stop.Kind.PICKUP, Stop.Kind.DROPOFF]
    assert stops[0].route_id == stops[1].route_id


def test_bad_days_and_budgets_are_named(factory, fleet):
    yesterday = timezone.localdate() - timedelta(days=1)
    for day, seconds, field in (
        (yesterday, 1, "day"),
        ("next tuesday", 1, "day"),
        (tomorrow(), 0, "seconds"),
    ):
        with pytest.raises(ValidationError) as err:
            planning.plan_request(organization=factory.org, day=day, seconds=seconds, enqueue=False)
        assert list(err.value.fields) == [field]
    planning.plan_request(organization=factory.org, day=tomorrow(), seconds=1, enqueue=False)
    with pytest.raises(ConflictError):  # one plan of a day at a time
        planning.plan_request(organization=factory.org, day=tomorrow(), seconds=1, enqueue=False)


def test_no_vehicle_fails_the_plan_with_its_reason(factory, parcels):
    plan = plan_day(factory.org)
    assert plan.status == Plan.Status.FAILED and "no vehicle" in plan.error


def test_a_replan_keeps_the_done_stops_and_the_parcels_aboard(factory, fleet, parcels):
    first = plan_day(factory.org)
    stops = _stops(first)
    ana, jo = stops["Ana Ruiz"], stops["Jo Tanaka"]
    for stop in (ana, jo):
        actions.stop_pick_up(stop=stop, organization=factory.org)
    for route in {ana.route, jo.route}:
        actions.route_depart(route=route, organization=factory.org)
    delivered = ana if ana.sequence < jo.sequence or ana.route_id != jo.route_id else jo
    aboard = jo if delivered is ana else ana
    actions.stop_fail(
        stop=delivered,
        organization=factory.org,
        reason="nobody_home",
        next_attempt_on=tomorrow() + timedelta(days=1),
    )

    second = plan_day(factory.org)
    assert second.status == Plan.Status.DONE, second.error
    assert second.replan_of == first and current_plan(organization=factory.org, day=tomorrow()) == second
    kept = Stop.objects.get(pk=delivered.pk)
    assert kept.route.plan == second and kept.status == Stop.Status.FAILED  # the same stop, moved over
    assert kept.sequence == 1
    again = Stop.objects.get(route__plan=second, parcel=aboard.parcel)
    assert again.status == Stop.Status.PICKED_UP and again.route.vehicle == aboard.route.vehicle
    assert again.route.departed_at is not None
    assert not Stop.objects.filter(route__plan=second, parcel=delivered.parcel).exclude(pk=kept.pk).exists()
    # The old plan's stops are refused: the courier follows the new plan.
    with pytest.raises(ConflictError):
        actions.stop_arrive(stop=Stop.objects.get(pk=aboard.pk), organization=factory.org)


def test_a_transfer_aboard_stays_on_its_vehicle_when_replanned(shop, factory, fleet):
    transfer = Transfer.objects.create(
        organization=factory.org,
        description="cut pieces to the hub",
        origin=shop.dock,
        destination=shop.hub,
        day=tomorrow(),
        weight_kg=Decimal("12"),
        epcs=["urn:seamline:garment:00000000-0000-0000-0000-000000000001"],
    )
    first = plan_day(factory.org)
    pickup = Stop.objects.get(route__plan=first, transfer=transfer, kind=Stop.Kind.PICKUP)
    actions.stop_pick_up(stop=pickup, organization=factory.org)
    second = plan_day(factory.org)
    assert second.status == Plan.Status.DONE, second.error
    (dropoff,) = Stop.objects.filter(route__plan=second, transfer=transfer)
    assert dropoff.kind == Stop.Kind.DROPOFF and dropoff.status == Stop.Status.PICKED_UP
    assert dropoff.route.vehicle == pickup.route.vehicle


def test_a_window_already_past_today_is_left_out_with_its_reason(factory, fleet, parcels):
    from datetime import datetime, time

    ana = next(p for p in parcels if p.preorder.name == "Ana Ruiz")
    Parcel.objects.filter(pk=ana.pk).update(window_start=time(9), window_end=time(10))
    afternoon = timezone.make_aware(datetime.combine(timezone.localdate(), time(15, 30)))
    plan = plan_day(factory.org, timezone.localdate(), now=afternoon)
    assert plan.status == Plan.Status.DONE, plan.error
    reasons = {u.parcel.preorder.name: u.reason for u in plan.unassigned.all()}
    assert reasons["Ana Ruiz"] == "window"
    jo = Stop.objects.get(route__plan=plan, parcel__preorder__name="Jo Tanaka")
    assert jo.planned_arrival >= afternoon  # the day's plan starts now, not at the shift's start
