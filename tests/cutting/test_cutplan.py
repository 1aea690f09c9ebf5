"""Cut-order planning with CP-SAT on lengths from a deterministic formula (a test input, not a nest)."""

from __future__ import annotations

import pytest

from seamline.cutting.cutplan import candidate_ratios, naive_plan, plan_cut
from seamline.cutting.demo_pattern import chore_jacket_pattern

PATTERN = chore_jacket_pattern()
USABLE_CM = 78.0


def formula_length(ratio) -> float:
    """Piece area over the usable width at a utilization that rises with garments per marker."""
    garments = sum(ratio.values())
    area = sum(PATTERN.total_area_cm2(size) * n for size, n in ratio.items())
    return round(area / (USABLE_CM * (0.80 + 0.06 * (1 - 1 / garments))), 1)


def recording(calls):
    def length(ratio):
        calls.append(dict(ratio))
        return formula_length(ratio)

    return length


DEMAND = {"S": 5, "M": 7, "L": 4}


def test_plan_meets_demand_within_overcut_and_beats_naive():
    candidates = candidate_ratios(
        DEMAND, max_garments=3, estimate=formula_length, shortlist=8, max_length_cm=600
    )
    overcut = {"S": 1, "M": 0, "L": 1}
    plan = plan_cut(
        demand=DEMAND,
        marker_length=formula_length,
        candidates=candidates,
        max_plies=4,
        max_marker_length_cm=600,
        setup_cost_cm=50,
        overcut_max=overcut,
        time_s=10,
    )
    assert plan.status == "OPTIMAL"
    for size, quantity in DEMAND.items():
        assert quantity <= plan.produced[size] <= quantity + overcut[size]
        assert plan.overcut[size] == plan.produced[size] - quantity
        assert plan.produced[size] == sum(lay.ratio.get(size, 0) * lay.plies for lay in plan.lays)
    assert all(1 <= lay.plies <= 4 and lay.length_cm <= 600 for lay in plan.lays)
    assert plan.fabric_cm == pytest.approx(sum(lay.length_cm * lay.plies for lay in plan.lays))
    assert plan.setup_count == len(plan.lays)
    assert plan.naive_fabric_cm == pytest.approx(naive_plan(DEMAND, formula_length).fabric_cm)
    assert plan.fabric_cm < plan.naive_fabric_cm
    assert plan.saving_pct == pytest.approx(100 * (1 - plan.fabric_cm / plan.naive_fabric_cm))
    assert plan.saving_pct > 3


def test_naive_plan_is_one_garment_per_marker_plied_to_the_quantity():
    naive = naive_plan(DEMAND, formula_length)
    assert [(dict(lay.ratio), lay.plies) for lay in naive.lays] == [
        ({"S": 1}, 5),
        ({"M": 1}, 7),
        ({"L": 1}, 4),
    ]
    assert naive.fabric_cm == pytest.approx(sum(formula_length({s: 1}) * q for s, q in DEMAND.items()))
    assert naive.saving_pct == 0.0


def test_ratios_longer_than_the_table_are_dropped_and_only_candidates_are_measured():
    calls: list[dict] = []
    candidates = [{"M": 1}, {"M": 2}, {"M": 3}]  # 3 M: about 7 m, longer than the table
    plan = plan_cut(
        demand={"M": 9},
        marker_length=recording(calls),
        candidates=candidates,
        max_plies=10,
        max_marker_length_cm=600,
        setup_cost_cm=50,
        overcut_max={"M": 0},
        time_s=5,
    )
    assert formula_length({"M": 3}) > 600
    assert all(call in candidates for call in calls)
    assert {"M": 3} not in [dict(lay.ratio) for lay in plan.lays]
    assert plan.produced == {"M": 9}


def test_a_ratio_needing_more_plies_than_a_stack_is_spread_in_several_lays():
    plan = plan_cut(
        demand={"M": 10},
        marker_length=formula_length,
        candidates=[{"M": 1}],
        max_plies=4,
        max_marker_length_cm=600,
        setup_cost_cm=50,
        overcut_max={"M": 0},
        time_s=5,
    )
    assert sorted(lay.plies for lay in plan.lays) == [3, 3, 4]
    assert plan.setup_count == 3
    assert plan.fabric_cm == pytest.approx(10 * formula_length({"M": 1}))


def test_setup_cost_trades_against_fabric():
    lengths = {1: 100.0, 2: 190.0}

    def plan(setup):
        return plan_cut(
            demand={"M": 3},
            marker_length=lambda ratio: lengths[ratio["M"]],
            candidates=[{"M": 1}, {"M": 2}],
            max_plies=10,
            max_marker_length_cm=600,
            setup_cost_cm=setup,
            overcut_max={"M": 1},
            time_s=5,
        )

    cheap = plan(0)
    assert sorted((lay.ratio["M"], lay.plies) for lay in cheap.lays) == [(1, 1), (2, 1)]
    assert (cheap.fabric_cm, cheap.setup_count, cheap.overcut) == (290.0, 2, {"M": 0})
    dear = plan(1000)
    assert [(lay.ratio["M"], lay.plies) for lay in dear.lays] == [(1, 3)]
    assert (dear.fabric_cm, dear.setup_count) == (300.0, 1)


def test_infeasible_size_is_named():
    with pytest.raises(ValueError, match="size S"):
        plan_cut(
            demand={"S": 3, "M": 1},
            marker_length=formula_length,
            candidates=[{"S": 2}, {"M": 1}],
            max_plies=10,
            max_marker_length_cm=600,
            setup_cost_cm=50,
            overcut_max={"S": 0, "M": 0},
        )


def test_a_size_no_marker_holds_is_named():
    with pytest.raises(ValueError, match="size L"):
        plan_cut(
            demand={"M": 2, "L": 1},
            marker_length=formula_length,
            candidates=[{"M": 1}],
            max_plies=10,
            max_marker_length_cm=600,
            setup_cost_cm=50,
            overcut_max={},
        )


def test_candidates_always_include_every_single_size_ratio():
    demand = {"XS": 1, "S": 2, "M": 0, "L": 4}
    for shortlist in (0, 3, 50):
        found = candidate_ratios(demand, max_garments=3, estimate=formula_length, shortlist=shortlist)
        assert found[:3] == [{"XS": 1}, {"S": 1}, {"L": 1}]
        assert len(found) == 3 + min(shortlist, len(found) - 3)
        for ratio in found:
            assert 1 <= sum(ratio.values()) <= 3
            assert all(demand[s] >= n >= 1 for s, n in ratio.items())
    everything = candidate_ratios(demand, max_garments=3, estimate=formula_length, shortlist=1000)
    assert {"XS": 2} not in everything and {"S": 2, "L": 1} in everything
    short = candidate_ratios(
        demand, max_garments=3, estimate=formula_length, shortlist=1000, max_length_cm=480
    )
    assert all(formula_length(r) <= 480 for r in short[3:])
    assert short[:3] == found[:3]


def test_candidates_rank_more_garments_first_when_they_pack_better():
    found = candidate_ratios({"S": 2, "M": 2}, max_garments=3, estimate=formula_length, shortlist=2)
    assert [sum(r.values()) for r in found[2:]] == [3, 3]
