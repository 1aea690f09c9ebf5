"""The line balancer against hand-solved lines and an exhaustive search written apart from the model."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest

from seamline.planning.balance import (
    BalanceResult,
    BalanceTask,
    LineOperator,
    balance_line,
    load_hundredths,
    precedence_order,
)

LIMIT = 3.0


def hundredths(sam: float, eff: float) -> int:
    """sam / eff in hundredths of a minute, rounded up, in exact arithmetic."""
    return math.ceil(Fraction(str(sam)) * 100 / Fraction(str(eff)))


def brute_force(tasks: list[BalanceTask], ops: list[LineOperator]) -> tuple[int, int, int] | None:
    """(bottleneck, operators, total load) of the best line, by trying every assignment; None if none."""
    best = None
    choices = [[op for op in ops if t.id in op.efficiency] for t in tasks]
    for pick in itertools.product(*choices):
        owner = {t.id: op.id for t, op in zip(tasks, pick, strict=True)}
        # The operators must stand in a line: the graph "op(i) before op(j)" may have no cycle.
        edges = {(owner[b], owner[t.id]) for t in tasks for b in t.after if owner[b] != owner[t.id]}
        used = set(owner.values())
        if not _acyclic(used, edges):
            continue
        loads = {o: 0 for o in used}
        for t, op in zip(tasks, pick, strict=True):
            loads[op.id] += hundredths(t.sam, op.efficiency[t.id])
        key = (max(loads.values()), len(used), sum(loads.values()))
        best = key if best is None or key < best else best
    return best


def _acyclic(nodes: set[str], edges: set[tuple[str, str]]) -> bool:
    nodes = set(nodes)
    while nodes:
        free = [n for n in nodes if not any(b == n and a in nodes for a, b in edges)]
        if not free:
            return False
        nodes -= set(free)
    return True


def check_line(result: BalanceResult, tasks: list[BalanceTask], ops: list[LineOperator]) -> None:
    """Every rule of a line, checked on the result alone."""
    eff = {op.id: op.efficiency for op in ops}
    sam = {t.id: t.sam for t in tasks}
    owner = {}
    for n, st in enumerate(result.stations, start=1):
        assert st.position == n
        assert st.tasks, "an operator without tasks is left out"
        for t in st.tasks:
            assert t not in owner
            assert t in eff[st.operator], f"{st.operator} cannot do {t}"
            owner[t] = st
        assert st.load_min == pytest.approx(
            sum(hundredths(sam[t], eff[st.operator][t]) for t in st.tasks) / 100
        )
    assert sorted(owner) == sorted(sam)
    assert len({st.operator for st in result.stations}) == len(result.stations)
    for t in tasks:
        for b in t.after:
            assert owner[b].position <= owner[t.id].position
            if owner[b] is owner[t.id]:
                assert owner[t.id].tasks.index(b) < owner[t.id].tasks.index(t.id)
    loads = [st.load_min for st in result.stations]
    assert result.bottleneck_min == pytest.approx(max(loads))
    assert result.output_per_hour == pytest.approx(60 / max(loads))
    assert result.balance_efficiency == pytest.approx(sum(loads) / (len(loads) * max(loads)))
    assert result.unassignable == ()


def test_two_operators_hand_solved():
    # A 3 -> B 2, C 4, then D 1 after B and C; two operators at standard pace. Total 10, so at least 5 each:
    # ana A+B = 5 ahead of ben C+D = 5 keeps every precedence (D after B: ben stands after ana).
    tasks = [
        BalanceTask("A", 3.0),
        BalanceTask("B", 2.0, ("A",)),
        BalanceTask("C", 4.0),
        BalanceTask("D", 1.0, ("B", "C")),
    ]
    ops = [LineOperator(o, dict.fromkeys("ABCD", 1.0)) for o in ("ana", "ben")]
    result = balance_line(tasks, ops, time_limit_s=LIMIT)
    check_line(result, tasks, ops)
    assert result.status == "optimal"
    assert result.bottleneck_min == result.lower_bound_min == 5.0
    assert result.output_per_hour == 12.0
    assert result.balance_efficiency == 1.0
    assert {st.tasks for st in result.stations} == {("A", "B"), ("C", "D")}
    assert result.stations[-1].tasks == ("C", "D")
    assert brute_force(tasks, ops) == (500, 2, 1000)


def test_efficiency_decides_who_does_what():
    # A 3, B 3, C 1, no precedence. Ana is quick at A and C, slow at B (0.6: 5.0); Ben the other way round.
    # Ana A+C = 4 and Ben B = 3 gives 4; any other split puts a 5 (a slow A or B, or B+C at Ben) on someone.
    tasks = [BalanceTask("A", 3.0), BalanceTask("B", 3.0), BalanceTask("C", 1.0)]
    ana = LineOperator("ana", {"A": 1.0, "B": 0.6, "C": 1.0})
    ben = LineOperator("ben", {"A": 0.6, "B": 1.0, "C": 0.5})
    result = balance_line(tasks, [ana, ben], time_limit_s=LIMIT)
    check_line(result, tasks, [ana, ben])
    assert {st.operator: st.tasks for st in result.stations} == {"ana": ("A", "C"), "ben": ("B",)}
    assert result.bottleneck_min == 4.0

    swapped = [LineOperator("ana", ben.efficiency), LineOperator("ben", ana.efficiency)]
    result = balance_line(tasks, swapped, time_limit_s=LIMIT)
    assert {st.operator: st.tasks for st in result.stations} == {"ana": ("B",), "ben": ("A", "C")}
    assert brute_force(tasks, [ana, ben]) == (400, 2, 700)


def test_precedence_forces_a_worse_bottleneck():
    # A 3, B 3, C 2, D 2 on two operators: free, {A, C} and {B, D} make 5. As a chain A -> B -> C -> D each
    # operator takes a run of it: A|BCD 3/7, AB|CD 6/4, ABC|D 8/2, so 6 at best.
    sams = {"A": 3.0, "B": 3.0, "C": 2.0, "D": 2.0}
    ops = [LineOperator(o, dict.fromkeys(sams, 1.0)) for o in ("ana", "ben")]
    free = [BalanceTask(t, s) for t, s in sams.items()]
    preds = [(), ("A",), ("B",), ("C",)]
    chain = [BalanceTask(t, s, p) for (t, s), p in zip(sams.items(), preds, strict=True)]
    assert balance_line(free, ops, time_limit_s=LIMIT).bottleneck_min == 5.0
    result = balance_line(chain, ops, time_limit_s=LIMIT)
    check_line(result, chain, ops)
    assert result.bottleneck_min == 6.0
    assert [st.tasks for st in result.stations] == [("A", "B"), ("C", "D")]
    assert brute_force(chain, ops)[0] == 600


def test_target_met_or_not():
    chain = [BalanceTask("A", 3.0), BalanceTask("B", 3.0, ("A",)), BalanceTask("C", 2.0, ("B",))]
    chain.append(BalanceTask("D", 2.0, ("C",)))
    ops = [LineOperator(o, dict.fromkeys("ABCD", 1.0)) for o in ("ana", "ben")]
    short = balance_line(chain, ops, target_per_hour=12, time_limit_s=LIMIT)  # takt 5 min, line 6
    assert (short.takt_min, short.meets_target, short.output_per_hour) == (5.0, False, 10.0)
    exact = balance_line(chain, ops, target_per_hour=10, time_limit_s=LIMIT)  # takt 6 min: just met
    assert (exact.takt_min, exact.meets_target) == (6.0, True)
    assert balance_line(chain, ops, time_limit_s=LIMIT).meets_target is None


def test_equal_bottlenecks_prefer_fewer_operators():
    # A 5 sets the bottleneck (all 7 minutes on one person would be worse). B and C (1 each) could go to two
    # more people or to one: one is chosen, so two stations, not three.
    tasks = [BalanceTask("A", 5.0), BalanceTask("B", 1.0), BalanceTask("C", 1.0)]
    ops = [LineOperator(o, dict.fromkeys("ABC", 1.0)) for o in ("ana", "ben", "cruz")]
    result = balance_line(tasks, ops, time_limit_s=LIMIT)
    check_line(result, tasks, ops)
    assert result.bottleneck_min == 5.0
    assert sorted(st.tasks for st in result.stations) == [("A",), ("B", "C")]
    assert brute_force(tasks, ops) == (500, 2, 700)


def test_unassignable_task_is_reported_not_raised():
    tasks = [BalanceTask("collar", 2.0), BalanceTask("zip", 3.0, ("collar",))]
    ops = [LineOperator("ana", {"collar": 1.0})]
    result = balance_line(tasks, ops, target_per_hour=20, time_limit_s=LIMIT)
    assert result.status == "infeasible"
    assert result.unassignable == ("zip",)
    assert result.stations == ()
    assert (result.output_per_hour, result.meets_target, result.lower_bound_min) == (0.0, False, None)


def test_skills_that_cannot_keep_the_precedence_are_infeasible():
    # A -> B -> C: only ana can do A and C, only ben B; ana would stand both before and after ben.
    tasks = [BalanceTask("A", 1.0), BalanceTask("B", 1.0, ("A",)), BalanceTask("C", 1.0, ("B",))]
    ops = [LineOperator("ana", {"A": 1.0, "C": 1.0}), LineOperator("ben", {"B": 1.0})]
    result = balance_line(tasks, ops, time_limit_s=LIMIT)
    assert (result.status, result.unassignable, result.stations) == ("infeasible", (), ())
    assert brute_force(tasks, ops) is None


def test_operator_who_can_do_nothing_here_is_left_out():
    tasks = [BalanceTask("A", 1.0), BalanceTask("B", 1.0)]
    ops = [
        LineOperator("ana", {"A": 1.0, "B": 1.0}),
        LineOperator("dee", {}),
        LineOperator("ben", {"B": 1.0}),
    ]
    result = balance_line(tasks, ops, time_limit_s=LIMIT)
    check_line(result, tasks, ops)
    assert {st.operator for st in result.stations} == {"ana", "ben"}


@pytest.mark.parametrize("seed", range(8))
def test_random_small_lines_match_brute_force(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 6)
    ids = [f"t{k}" for k in range(n)]
    tasks = []
    for k, tid in enumerate(ids):
        after = tuple(p for p in ids[:k] if rng.random() < 0.3)
        tasks.append(BalanceTask(tid, rng.choice([0.4, 0.75, 1.0, 1.3, 2.05, 2.5]), after))
    ops = []
    for o in range(rng.randint(2, 3)):
        skills = {tid: rng.choice([0.6, 0.8, 1.0, 1.15]) for tid in ids if rng.random() < 0.75}
        ops.append(LineOperator(f"op{o}", skills))
    result = balance_line(tasks, ops, time_limit_s=LIMIT)
    expected = brute_force(tasks, ops)
    if any(not any(t.id in op.efficiency for op in ops) for t in tasks) or expected is None:
        assert result.status == "infeasible"
        assert expected is None
        return
    check_line(result, tasks, ops)
    assert result.status == "optimal"
    assert result.lower_bound_min == result.bottleneck_min
    loads = [round(st.load_min * 100) for st in result.stations]
    assert (max(loads), len(loads), sum(loads)) == expected


def test_loads_are_hundredths_rounded_up():
    assert load_hundredths(0.3) == 30  # not 31 from 30.000000000000004
    assert load_hundredths(1.0, 0.3) == 334
    assert load_hundredths(0.35, 0.7) == 50
    tasks = [BalanceTask("A", 1.0)]
    result = balance_line(tasks, [LineOperator("ana", {"A": 0.3})], time_limit_s=LIMIT)
    assert result.bottleneck_min == 3.34


def test_precedence_order_keeps_input_order_among_free_tasks():
    tasks = [BalanceTask("c", 1.0, ("a",)), BalanceTask("b", 1.0), BalanceTask("a", 1.0)]
    assert precedence_order(tasks) == ("b", "a", "c")


@pytest.mark.parametrize(
    ("tasks", "ops", "kwargs", "message"),
    [
        ([], [], {}, "no tasks"),
        ([BalanceTask("A", 1.0), BalanceTask("A", 2.0)], [], {}, "duplicate task id 'A'"),
        ([BalanceTask("A", 0.0)], [], {}, "task 'A': sam must be a number > 0"),
        ([BalanceTask("A", float("nan"))], [], {}, "task 'A': sam must be a number > 0"),
        ([BalanceTask("A", 1.0, ("Z",))], [], {}, "task 'A' comes after unknown task 'Z'"),
        ([BalanceTask("A", 1.0, ("A",))], [], {}, "precedence cycle: A -> A"),
        (
            [BalanceTask("A", 1.0, ("C",)), BalanceTask("B", 1.0, ("A",)), BalanceTask("C", 1.0, ("B",))],
            [],
            {},
            "precedence cycle: A -> B -> C -> A",
        ),
        (
            [BalanceTask("A", 1.0)],
            [LineOperator("ana", {"Q": 1.0})],
            {},
            "operator 'ana': efficiency given for ",
        ),
        (
            [BalanceTask("A", 1.0)],
            [LineOperator("ana", {"A": 0.0})],
            {},
            "efficiency for task 'A' must be > 0",
        ),
        (
            [BalanceTask("A", 1.0)],
            [LineOperator("ana", {"A": -1})],
            {},
            "efficiency for task 'A' must be > 0",
        ),
        (
            [BalanceTask("A", 1.0)],
            [LineOperator("ana", {"A": 1.0}), LineOperator("ana", {})],
            {},
            "duplicate operator id 'ana'",
        ),
        ([BalanceTask("A", 1.0)], [], {"target_per_hour": 0}, "target_per_hour must be > 0"),
        ([BalanceTask("A", 1.0)], [], {"time_limit_s": 0}, "time_limit_s must be > 0"),
    ],
)
def test_bad_input_raises_value_error_naming_it(tasks, ops, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        balance_line(tasks, ops, **kwargs)
