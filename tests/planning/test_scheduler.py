"""The CP-SAT schedule on small problems whose best plan is known by hand; every plan is checked."""

from __future__ import annotations

import dataclasses
import random

import pytest

from seamline.planning.scheduler import (
    Assignment,
    Job,
    Mode,
    Problem,
    Resource,
    Solution,
    Task,
    Unscheduled,
    solve,
)

from .schedule_checker import check_schedule

LIMIT = 2.0


def checked(problem: Problem, **kwargs) -> Solution:
    solution = solve(problem, time_limit_s=kwargs.pop("time_limit_s", LIMIT), **kwargs)
    assert check_schedule(problem, solution) == []
    return solution


def placed(solution: Solution) -> dict[str, tuple[str, int, int]]:
    return {a.task: (a.resource, a.start, a.end) for a in solution.assignments}


def machines(*ids: str) -> tuple[Resource, ...]:
    return tuple(Resource(i) for i in ids)


def two_by_two() -> Problem:
    """Job a: m0 3 then m1 2; job b: m1 2 then m0 3. Machine m0 carries 6 minutes, so 6 is optimal."""
    tasks = (
        Task("a1", "a", (Mode("m0", 3),)),
        Task("a2", "a", (Mode("m1", 2),), after=("a1",)),
        Task("b1", "b", (Mode("m1", 2),)),
        Task("b2", "b", (Mode("m0", 3),), after=("b1",)),
    )
    return Problem(machines("m0", "m1"), (Job("a"), Job("b")), tasks)


def test_two_jobs_on_two_machines_reach_the_known_optimum():
    solution = checked(two_by_two())
    assert (solution.status, solution.makespan, solution.bound, solution.gap) == ("optimal", 6, 6, 0.0)
    # m0 must run a1 then b2 without a break; a2 and b1 may slide on m1.
    assert (placed(solution)["a1"], placed(solution)["b2"]) == (("m0", 0, 3), ("m0", 3, 6))
    assert solution.unscheduled == () and solution.tardiness == 0 and solution.late_jobs == ()


def test_an_operation_goes_to_the_faster_of_its_operators():
    task = Task("hem", "o1", (Mode("worker:slow", 50), Mode("worker:fast", 35), Mode("worker:mid", 40)))
    problem = Problem(machines("worker:slow", "worker:fast", "worker:mid"), (Job("o1"),), (task,))
    assert placed(checked(problem)) == {"hem": ("worker:fast", 0, 35)}


def test_two_operations_for_two_operators_spread_over_both():
    modes = (Mode("w1", 10), Mode("w2", 12))
    tasks = (Task("x", "o", modes), Task("y", "o", modes))
    solution = checked(Problem(machines("w1", "w2"), (Job("o"),), tasks))
    assert solution.makespan == 12
    assert {r for r, _, _ in placed(solution).values()} == {"w1", "w2"}


def test_blocked_time_is_never_worked_and_a_task_is_not_split_around_it():
    # Off until 4, out again 5–7: a 2-minute task does not fit in [4, 5), so it starts at 7.
    worker = Resource("w", blocked=((0, 4), (5, 7)))
    problem = Problem((worker,), (Job("o"),), (Task("t", "o", (Mode("w", 2),)),))
    assert placed(checked(problem)) == {"t": ("w", 7, 9)}


def test_overlapping_blocked_intervals_are_one_absence():
    worker = Resource("w", capacity=2, blocked=((0, 10), (5, 15), (15, 20)))
    problem = Problem((worker,), (Job("o"),), (Task("t", "o", (Mode("w", 3),)),))
    assert placed(checked(problem)) == {"t": ("w", 20, 23)}


def test_a_dye_house_with_two_jets_runs_two_batches_at_once():
    dye = Resource("facility:dye", capacity=2, blocked=((0, 5),))
    tasks = tuple(Task(f"dye{i}", f"o{i}", (Mode("facility:dye", 10),)) for i in range(4))
    problem = Problem((dye,), tuple(Job(f"o{i}") for i in range(4)), tasks)
    solution = checked(problem)
    assert solution.makespan == 25  # 40 jet-minutes on two jets from minute 5: no slack at all
    assert sorted(start for _, start, _ in placed(solution).values()) == [5, 5, 15, 15]


def test_started_work_is_kept_and_what_follows_it_waits():
    # The collar started 5 minutes before now (0) and ends at 5; the sleeve must wait for w1.
    tasks = (
        Task("collar", "o", (Mode("w1", 10), Mode("w2", 10)), fixed=("w1", -5, 5)),
        Task("topstitch", "o", (Mode("w2", 4),), after=("collar",)),
        Task("sleeve", "p", (Mode("w1", 4),)),
    )
    solution = checked(Problem(machines("w1", "w2"), (Job("o"), Job("p")), tasks))
    assert placed(solution) == {
        "collar": ("w1", -5, 5),
        "topstitch": ("w2", 5, 9),
        "sleeve": ("w1", 5, 9),
    }


def test_rescheduling_after_an_operator_falls_sick_keeps_what_has_started():
    modes = (Mode("w1", 10), Mode("w2", 14))
    tasks = tuple(Task(f"t{i}", "o", modes) for i in range(4))
    problem = Problem(machines("w1", "w2"), (Job("o", due=40),), tasks)
    first = checked(problem)
    # At minute 2: t0 started on w1 at 0; w1 will go home sick when it is done, the rest moves to w2.
    sick = Resource("w1", blocked=((10, 10_000),))
    kept = (
        dataclasses.replace(tasks[0], fixed=("w1", 0, 10)),
        *(dataclasses.replace(t, release=2) for t in tasks[1:]),
    )
    again = checked(dataclasses.replace(problem, resources=(sick, Resource("w2")), tasks=kept), hint=first)
    assert placed(again)["t0"] == ("w1", 0, 10)
    assert sorted(r for r, _, _ in placed(again).values()) == ["w1", "w2", "w2", "w2"]
    assert again.makespan == 2 + 3 * 14


def test_an_operation_no_one_can_do_is_reported_with_what_waits_for_it_and_the_rest_is_scheduled():
    tasks = (
        Task("cut", "o", (Mode("cutter", 5),)),
        Task("bartack", "o", (), after=("cut",), why_not="no operator is qualified for bartack"),
        Task("press", "o", (Mode("presser", 3),), after=("bartack",)),
        Task("pack", "o", (Mode("presser", 2),), after=("press",)),
        Task("hem", "o", (Mode("cutter", 4),), after=("cut",)),
        Task("other", "p", (Mode("presser", 7),)),
        Task("mystery", "p", ()),
    )
    solution = checked(Problem(machines("cutter", "presser"), (Job("o"), Job("p")), tasks))
    assert solution.unscheduled == (
        Unscheduled("bartack", "o", "no operator is qualified for bartack"),
        Unscheduled("press", "o", "waits for bartack, which cannot be scheduled"),
        Unscheduled("pack", "o", "waits for press, which cannot be scheduled"),
        Unscheduled("mystery", "p", "no one can do it"),
    )
    assert (placed(solution)["cut"], placed(solution)["hem"]) == (("cutter", 0, 5), ("cutter", 5, 9))
    assert set(placed(solution)) == {"cut", "hem", "other"}
    assert solution.status == "optimal"


def test_nothing_to_schedule():
    assert solve(Problem((), (), ())).status == "no tasks"
    only_impossible = Problem((), (Job("o"),), (Task("t", "o", ()),))
    solution = solve(only_impossible)
    assert (solution.status, solution.assignments, solution.makespan) == ("no tasks", (), 0)
    assert solution.unscheduled == (Unscheduled("t", "o", "no one can do it"),)


def test_on_time_comes_before_the_shortest_makespan():
    # Starting with y1 gives makespan 8 but x ends at 5, 3 late; x first ends everything at 10, on time.
    tasks = (
        Task("x", "rush", (Mode("m0", 2),)),
        Task("y1", "big", (Mode("m0", 3),)),
        Task("y2", "big", (Mode("m1", 5),), after=("y1",)),
    )
    problem = Problem(machines("m0", "m1"), (Job("rush", due=2), Job("big")), tasks)
    solution = checked(problem)
    assert (solution.tardiness, solution.makespan, solution.late_jobs) == (0, 10, ())
    assert placed(solution)["x"] == ("m0", 0, 2)
    assert solution.status == "optimal"


def test_when_someone_must_be_late_the_heavier_job_is_on_time():
    tasks = (Task("a", "light", (Mode("m", 5),)), Task("b", "heavy", (Mode("m", 5),)))
    jobs = (Job("light", due=5, weight=1), Job("heavy", due=5, weight=3))
    solution = checked(Problem(machines("m"), jobs, tasks))
    assert (solution.tardiness, solution.late_jobs, solution.makespan) == (5, ("light",), 10)


def test_releases_are_respected():
    tasks = (Task("a", "o", (Mode("m", 4),), release=30), Task("b", "o", (Mode("m", 4),), release=31))
    assert placed(checked(Problem(machines("m"), (Job("o"),), tasks))) == {
        "a": ("m", 30, 34),
        "b": ("m", 34, 38),
    }


def test_progress_reports_each_phase():
    lines: list[str] = []
    tasks = (*two_by_two().tasks,)
    problem = dataclasses.replace(two_by_two(), jobs=(Job("a", due=4), Job("b")), tasks=tasks)
    solution = checked(problem, progress=lines.append)
    assert solution.status == "optimal"
    assert any(line.startswith("phase 1: tardiness ") for line in lines)
    assert lines[-1].startswith("phase 2: makespan 6, bound ")


def test_a_hint_from_an_earlier_plan_is_accepted():
    first = checked(two_by_two())
    again = checked(two_by_two(), hint=first)
    assert again.makespan == 6


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            Problem(machines("m"), (Job("o"),), (Task("t", "o", (Mode("m9", 3),)),)),
            "task t names an unknown resource m9",
        ),
        (
            Problem(machines("m"), (Job("o"),), (Task("t", "o", (Mode("m", 3),), after=("ghost",)),)),
            "task t comes after an unknown task ghost",
        ),
        (
            Problem(
                machines("m"),
                (Job("o"),),
                (
                    Task("a", "o", (Mode("m", 1),), after=("c",)),
                    Task("b", "o", (Mode("m", 1),), after=("a",)),
                    Task("c", "o", (Mode("m", 1),), after=("b",)),
                    Task("d", "o", (Mode("m", 1),)),
                ),
            ),
            "the tasks' order has a cycle through a, b, c",
        ),
        (
            Problem(machines("m"), (Job("o"),), (Task("t", "o", (Mode("m", 0),)),)),
            "task t lasts 0 min on m; at least 1 is needed",
        ),
        (
            Problem(machines("m"), (Job("o"),), (Task("t", "o", (Mode("m", 1),)), Task("t", "o", ()))),
            "task id t is used twice",
        ),
        (Problem(machines("m", "m"), (Job("o"),), ()), "resource id m is used twice"),
        (Problem(machines("m"), (Job("o"), Job("o")), ()), "job id o is used twice"),
        (Problem(machines("m"), (), (Task("t", "o", (Mode("m", 1),)),)), "task t names an unknown job o"),
        (Problem((Resource("m", capacity=0),), (), ()), "resource m has capacity 0; it must be at least 1"),
        (
            Problem(
                (Resource("w", blocked=((10, 20),)),),
                (Job("o"),),
                (Task("t", "o", (Mode("w", 5),), fixed=("w", 8, 13)),),
            ),
            "task t is fixed at [8, 13) on w, which is blocked at [10, 20)",
        ),
        (
            Problem(
                machines("w"),
                (Job("o"),),
                (Task("s", "o", (), fixed=("w", 0, 5)), Task("t", "o", (), fixed=("w", 4, 9))),
            ),
            "fixed tasks s, t overlap beyond the capacity of w",
        ),
    ],
)
def test_a_bad_problem_is_refused_naming_the_fault(problem, message):
    with pytest.raises(ValueError) as error:
        solve(problem, time_limit_s=1)
    assert str(error.value) == message


def test_the_checker_finds_every_fault_of_a_broken_plan():
    problem = dataclasses.replace(
        two_by_two(),
        resources=(Resource("m0", blocked=((20, 30),)), Resource("m1")),
        jobs=(Job("a", due=5), Job("b")),
    )
    good = checked(problem)
    by_task = {a.task: a for a in good.assignments}
    broken = dataclasses.replace(
        good,
        assignments=(
            Assignment("a1", "a", "m0", 0, 3),
            Assignment("a2", "a", "m1", 1, 3),  # before a1 ends
            Assignment("b1", "b", "m1", 0, 4),  # wrong duration, and overlaps a2 on m1
            Assignment("b2", "b", "m0", 21, 24),  # in m0's blocked time
            by_task["a1"],  # twice
        ),
        makespan=6,
    )
    faults = check_schedule(problem, broken)
    assert "a1 appears 2 times" in faults
    assert "a2 starts at 1 before a1 ends at 3" in faults
    assert "b1 runs 4 min on m1, which is none of its modes" in faults
    assert "m1 runs 2 tasks at 1 (a2, b1), capacity 1" in faults
    assert "b2 on m0 at [21, 24) overlaps blocked [20, 30)" in faults
    assert "makespan reported 6, the assignments end at 24" in faults
    missing = dataclasses.replace(good, assignments=good.assignments[1:])
    assert "a1 is neither scheduled nor reported" in check_schedule(problem, missing)
    late = dataclasses.replace(
        good, assignments=(*good.assignments[:1], Assignment("a2", "a", "m1", 8, 10), *good.assignments[2:])
    )
    assert "late jobs reported [], the assignments give ['a']" in check_schedule(problem, late)


def test_a_plan_comes_back_valid_even_when_the_time_is_too_short_to_search():
    rng = random.Random(18)
    resources = (
        *(Resource(f"w{i}", blocked=((60, 90),) if i % 3 == 0 else ()) for i in range(6)),
        Resource("dye", capacity=2, blocked=((100, 160),)),
    )
    tasks = []
    for j in range(8):
        previous: tuple[str, ...] = ()
        for k in range(6):
            workers = rng.sample(range(6), rng.randint(1, 3))
            modes = tuple(Mode(f"w{w}", rng.randint(5, 30)) for w in workers)
            tasks.append(Task(f"o{j}t{k}", f"o{j}", modes, after=previous, release=rng.choice((0, 0, 20))))
            previous = (f"o{j}t{k}",)
        tasks.append(Task(f"o{j}dye", f"o{j}", (Mode("dye", rng.randint(30, 60)),), after=previous))
    jobs = tuple(Job(f"o{j}", due=rng.randint(100, 400), weight=rng.randint(1, 3)) for j in range(8))
    solution = checked(Problem(resources, jobs, tuple(tasks)), time_limit_s=0.05)
    assert solution.status in ("optimal", "feasible") and len(solution.assignments) == 56


def test_work_before_a_started_task_is_not_held_to_end_before_it_but_counts_for_lateness():
    tasks = (
        Task("prep", "o", (Mode("m1", 10),)),
        Task("sew", "o", (), after=("prep",), fixed=("m0", 0, 3)),
    )
    solution = checked(Problem(machines("m0", "m1"), (Job("o", due=5),), tasks))
    assert placed(solution) == {"prep": ("m1", 0, 10), "sew": ("m0", 0, 3)}
    assert (solution.tardiness, solution.late_jobs) == (5, ("o",))
