"""The plan checker on a hand-made plan: feasible as written, then broken one rule at a time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seamline.delivery.feasibility import KINDS, check_plan
from seamline.delivery.problem import Load, Plan, Route, Stop, Transfer, Unassigned, Visit, Window

from .cases import H, lunch, parcel, problem, van

COLD = frozenset({"cold"})
VAN = van(capacity=Load(3, 10_000), breaks=(lunch(),), range_m=20_000, skills=COLD)
JOBS = (
    parcel("a", 1, window=(9 * H, 10 * H)),
    parcel("b", 2, skills=COLD),
    parcel("c", 3, on_vehicle="van-1"),
)
TRANSFER = Transfer("t", Stop(2, 300), Stop(1, 300), Load(1, 4_000))
PROBLEM = problem([VAN], JOBS, [TRANSFER])


def v(kind, item, place, arrival, distance, load, *, waiting=0, service=0):
    return Visit(kind, item, place, arrival, waiting, service, distance, Load(*load))


VISITS = (
    v("start", None, 0, 31_800, 0, (3, 6_000)),
    v("job", "a", 1, 32_400, 2_000, (2, 4_000), service=120),
    v("job", "b", 2, 33_120, 4_000, (1, 2_000), service=120),
    v("pickup", "t", 2, 33_240, 4_000, (2, 6_000), service=300),
    v("job", "c", 3, 34_140, 6_000, (1, 4_000), service=120),
    v("delivery", "t", 1, 35_460, 10_000, (0, 0), service=300),
    v("break", "lunch", 1, 35_760, 10_000, (0, 0), waiting=7_440, service=1_800),
    v("end", None, 0, 45_600, 12_000, (0, 0)),
)
PLAN = Plan((Route("van-1", VISITS, 12_000, 13_800),), (), solver="hand", seconds=0.0)


def with_visit(index: int, **changes) -> Plan:
    visits = list(VISITS)
    visits[index] = replace(visits[index], **changes)
    return replace(PLAN, routes=(replace(PLAN.routes[0], visits=tuple(visits)),))


def kinds(p, plan) -> set[str]:
    return {violation.kind for violation in check_plan(p, plan)}


def test_the_hand_made_plan_is_feasible():
    assert check_plan(PROBLEM, PLAN) == []


def test_a_break_taken_at_the_next_place_after_driving_while_waiting_is_feasible():
    # VROOM drives the leg to the end while it would wait for the lunch window: the break is at the end
    driven = with_visit(6, location=0, arrival_s=43_200, waiting_s=0, distance_m=12_000)
    assert check_plan(PROBLEM, replace(driven, routes=(replace(driven.routes[0], duration_s=13_200),))) == []


@pytest.mark.parametrize(
    ("plan", "kind"),
    [
        (with_visit(1, arrival_s=36_300), "window"),
        (with_visit(2, arrival_s=33_000), "timing"),
        (with_visit(2, waiting_s=-5), "timing"),
        (with_visit(1, service_s=60), "service"),
        (with_visit(4, location=5), "location"),
        (with_visit(3, load=Load(1, 2_000)), "load"),
        (with_visit(4, distance_m=6_500), "distance"),
        (with_visit(6, arrival_s=40_000, waiting_s=0), "break"),
        (with_visit(0, arrival_s=7 * H), "shift"),
        (with_visit(3, kind="delivery"), "precedence"),
        (with_visit(2, id="zz"), "route"),
        (replace(PLAN, routes=(replace(PLAN.routes[0], distance_m=11_000),)), "distance"),
        (replace(PLAN, routes=(replace(PLAN.routes[0], vehicle="ghost"),)), "route"),
        (replace(PLAN, routes=(replace(PLAN.routes[0], visits=VISITS[:6] + VISITS[7:]),)), "break"),
        (replace(PLAN, routes=(replace(PLAN.routes[0], visits=VISITS[1:]),)), "route"),
        (replace(PLAN, unassigned=(Unassigned("c", "lazy", ""),)), "reason"),
    ],
)
def test_each_broken_rule_is_caught(plan, kind):
    assert kind in kinds(PROBLEM, plan)


def test_a_job_served_twice_missing_or_also_unassigned_is_a_coverage_violation():
    twice = replace(PLAN, routes=(replace(PLAN.routes[0], visits=(*VISITS[:2], VISITS[1], *VISITS[2:])),))
    missing = replace(PLAN, routes=(replace(PLAN.routes[0], visits=VISITS[:4] + VISITS[5:]),))
    both = replace(PLAN, unassigned=(Unassigned("a", "window", "…"),))
    unknown = replace(PLAN, unassigned=(Unassigned("nobody", "fleet_full", "…"),))
    for plan in (twice, missing, both, unknown):
        assert "coverage" in kinds(PROBLEM, plan)
    assert kinds(PROBLEM, replace(PLAN, routes=(), unassigned=())) == {"coverage"}


def test_rules_of_the_vehicle_capacity_range_skills_shift_and_the_parcel_aboard():
    def with_van(**changes):
        return replace(PROBLEM, vehicles=(replace(VAN, **changes),))

    assert "capacity" in kinds(with_van(capacity=Load(2, 10_000)), PLAN)
    assert "capacity" in kinds(with_van(capacity=Load(3, 5_000)), PLAN)
    assert kinds(with_van(range_m=10_000), PLAN) == {"range"}
    assert kinds(with_van(skills=frozenset()), PLAN) == {"skills"}
    assert kinds(with_van(shift=Window(8 * H, 12 * H)), PLAN) == {"shift"}
    elsewhere = replace(PROBLEM, jobs=(*JOBS[:2], replace(JOBS[2], on_vehicle="van-2")))
    assert kinds(elsewhere, PLAN) == {"on_vehicle"}


def test_every_kind_is_named():
    assert {"window", "capacity", "range", "precedence", "on_vehicle", "skills", "break"} <= set(KINDS)
    (violation,) = check_plan(PROBLEM, with_visit(1, service_s=60))
    assert str(violation) == "service: van-1 a: 60 s of service, 120 s needed"
