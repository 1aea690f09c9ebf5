"""The route planner (VROOM) on small street problems; every plan goes through the independent checker."""

from __future__ import annotations

import pytest

from seamline.delivery.feasibility import check_plan
from seamline.delivery.problem import Break, Load, Plan, Problem, Window
from seamline.delivery.routing import solve

from .cases import BLOCK_M, H, bike, lunch, parcel, problem, transfer, van


def planned(p: Problem, **kw) -> Plan:
    plan = solve(p, seconds=1, **kw)
    assert check_plan(p, plan) == []
    return plan


def visits_of(plan: Plan, kind: str = "job") -> dict[str, tuple[str, object]]:
    """Each served item's (vehicle, visit)."""
    return {v.id: (r.vehicle, v) for r in plan.routes for v in r.visits if v.kind == kind}


def test_every_parcel_is_delivered_within_its_window():
    jobs = [parcel("early", 6, window=(8 * H, 9 * H)), parcel("late", 1, window=(15 * H, 16 * H))]
    jobs += [parcel(f"p{i}", i) for i in range(1, 8)]
    plan = planned(problem([van()], jobs))
    served = visits_of(plan)
    assert set(served) == {j.id for j in jobs} and plan.unassigned == ()
    early, late = served["early"][1], served["late"][1]
    assert 8 * H <= early.arrival_s + early.waiting_s <= 9 * H
    assert 15 * H <= late.arrival_s + late.waiting_s <= 16 * H
    assert early.arrival_s < late.arrival_s  # the far early parcel first, the near late one last


def test_capacity_splits_the_parcels_across_vehicles():
    jobs = [parcel(f"p{i}", 1 + i % 5) for i in range(10)]
    plan = planned(problem([van("a", capacity=Load(6, 100_000)), van("b", capacity=Load(6, 100_000))], jobs))
    counts = sorted(sum(v.kind == "job" for v in r.visits) for r in plan.routes)
    assert counts == [4, 6] or counts == [5, 5]
    assert all(r.visits[0].load.parcels == sum(v.kind == "job" for v in r.visits) for r in plan.routes)
    assert all(r.visits[-1].load == Load(0, 0) for r in plan.routes)


def test_grams_are_a_capacity_too():
    jobs = [parcel(f"p{i}", 2, grams=30_000) for i in range(3)]
    plan = planned(problem([van("a", capacity=Load(20, 60_000)), van("b", capacity=Load(20, 60_000))], jobs))
    assert sorted(sum(v.kind == "job" for v in r.visits) for r in plan.routes) == [1, 2]


def test_transfers_are_picked_up_before_delivery_on_one_vehicle():
    transfers = [transfer("dye", 5, 2), transfer("press", 3, 7), transfer("back", 7, 1)]
    plan = planned(problem([van("a"), van("b")], [parcel("p1", 4)], transfers))
    for t in transfers:
        (picker, pickup), (deliverer, delivery) = (
            visits_of(plan, "pickup")[t.id],
            visits_of(plan, "delivery")[t.id],
        )
        assert picker == deliverer
        assert pickup.arrival_s < delivery.arrival_s
        assert pickup.load.grams - delivery.load.grams >= 0


def test_the_lunch_break_is_taken_in_its_window():
    jobs = [parcel(f"p{i}", i, window=(11 * H, 14 * H)) for i in range(1, 6)]
    plan = planned(problem([van(breaks=(lunch(),))], jobs))
    (route,) = plan.routes
    breaks = [v for v in route.visits if v.kind == "break"]
    assert [b.id for b in breaks] == ["lunch"]
    assert 12 * H <= breaks[0].arrival_s + breaks[0].waiting_s <= 13 * H
    assert breaks[0].service_s == 30 * 60


def test_range_keeps_the_bike_near_the_hub():
    # the bike covers 10 km on a charge: place 2 and back (8 km), not place 3 (12 km)
    jobs = [parcel("near", 2), parcel("far", 9)]
    plan = planned(problem([bike(range_m=5 * BLOCK_M), van()], jobs))
    served = visits_of(plan)
    assert served["far"][0] == "van-1"
    assert all(r.distance_m <= 5 * BLOCK_M for r in plan.routes if r.vehicle == "bike-1")


def test_skills_send_the_parcel_to_the_vehicle_that_has_them():
    jobs = [parcel("cold", 1, skills=frozenset({"refrigerated"})), parcel("plain", 1)]
    vehicles = [bike(), van(skills=frozenset({"refrigerated"}), start=11, end=11)]
    plan = planned(problem(vehicles, jobs))
    assert visits_of(plan)["cold"][0] == "van-1"


def test_replanning_keeps_a_parcel_aboard_on_its_vehicle():
    # the bike is at the stop, the van far away; the parcel is in the van, so the van delivers it
    vehicles = [bike(start=3, end=3), van(start=10, end=10)]
    plan = planned(problem(vehicles, [parcel("aboard", 3, on_vehicle="van-1")]))
    assert visits_of(plan)["aboard"][0] == "van-1"
    assert [r.vehicle for r in plan.routes] == ["van-1"]


def test_replanning_serves_parcels_aboard_first_when_not_all_fit():
    # room for three parcels of five: the two aboard, far away, go before three near ones
    small = van(capacity=Load(3, 100_000))
    jobs = [parcel(f"p{i}", 2) for i in range(3)] + [parcel(f"a{i}", 6, on_vehicle="van-1") for i in range(2)]
    plan = planned(problem([small], jobs))
    assert {"a0", "a1"} <= set(visits_of(plan))
    assert {u.reason for u in plan.unassigned} == {"fleet_full"}


@pytest.mark.parametrize(
    ("job", "reason", "words"),
    [
        (parcel("x", 2, grams=250_000), "too_heavy", "250.0 kg"),
        (parcel("x", 2, window=(6 * H, 7 * H)), "window", "06:00–07:00"),
        (parcel("x", 11, window=(8 * H, 8 * H + 1800)), "window", "earliest arrival is 09:50"),
        (parcel("x", 2, skills=frozenset({"hazmat"})), "skills", "hazmat"),
    ],
)
def test_unassigned_reasons_are_diagnosed(job, reason, words):
    plan = planned(problem([van(), bike()], [job, parcel("ok", 1)]))
    assert [(u.id, u.reason) for u in plan.unassigned] == [("x", reason)]
    assert words in plan.unassigned[0].detail


def test_a_stop_beyond_every_range_is_out_of_range():
    jobs = [parcel("x", 11), parcel("ok", 1)]
    plan = planned(problem([van(range_m=30_000), bike(range_m=20_000)], jobs))
    (entry,) = plan.unassigned
    assert (entry.id, entry.reason) == ("x", "out_of_range")
    assert "44.0 km" in entry.detail and "30.0 km" in entry.detail


def test_a_shift_too_short_to_go_and_come_back_is_a_window_reason():
    plan = planned(problem([van(shift=Window(8 * H, 9 * H))], [parcel("x", 5)]))
    assert plan.unassigned[0].reason == "window"
    assert "after its shift ends at 09:00" in plan.unassigned[0].detail


def test_a_full_day_is_fleet_full_and_nothing_is_dropped():
    jobs = [parcel(f"p{i}", 1) for i in range(5)]
    plan = planned(problem([van(capacity=Load(3, 100_000))], jobs))
    assert len(plan.unassigned) == 2 and {u.reason for u in plan.unassigned} == {"fleet_full"}
    assert len(visits_of(plan)) == 3


def test_progress_lines():
    lines: list[str] = []
    planned(problem([van()], [parcel("p", 1)], [transfer("t", 2, 3)]), progress=lines.append)
    assert lines[:3] == [
        "building the problem",
        "solving 1 jobs and 1 transfers on 1 vehicles",
        "pass 1: 0 unassigned, 12.0 km",
    ]
    assert lines[-1] == "done: 1 routes, 0 unassigned"
    assert all(line.startswith("pass ") for line in lines[2:-1]) and len(lines) <= 9


def test_an_empty_problem_is_an_empty_plan():
    plan = planned(problem([van()]))
    assert plan.routes == () and plan.unassigned == ()


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (Problem((van(),), (parcel("p", 1),)), "no travel matrix for profile 'van'"),
        (problem([van()], [parcel("p", 40)]), "job p: a location outside the travel matrix"),
        (problem([van()], [parcel("p", 1), parcel("p", 2)]), "share an id"),
        (problem([van()], [parcel("p", 1, on_vehicle="ghost")]), "'ghost', a vehicle not in the problem"),
        (problem([]), "no vehicles"),
    ],
)
def test_bad_input_names_the_problem(p, words):
    with pytest.raises(ValueError, match=words):
        solve(p, seconds=1)


def test_two_breaks_and_a_bike_day():
    rest = Break("rest", (Window(15 * H, 16 * H),), 15 * 60)
    vehicles = [bike(breaks=(lunch(), rest)), bike("bike-2", breaks=(lunch("lunch-2"),))]
    jobs = [parcel(f"p{i}", 1 + i % 4, window=(9 * H, 17 * H)) for i in range(10)]
    plan = planned(problem(vehicles, jobs, [transfer("t", 1, 3)]))
    assert plan.unassigned == ()
    taken = {v.id for r in plan.routes for v in r.visits if v.kind == "break"}
    used = {r.vehicle for r in plan.routes}
    assert ("bike-1" not in used or {"lunch", "rest"} <= taken) and (
        "bike-2" not in used or "lunch-2" in taken
    )


def test_a_break_outside_the_shift_is_a_clear_error():
    night = Break("night", (Window(22 * H, 23 * H),), 1800)
    with pytest.raises(ValueError, match="vehicle van-1: break night has no window inside the shift"):
        solve(problem([van(breaks=(night,))], [parcel("p", 1)]), seconds=1)
