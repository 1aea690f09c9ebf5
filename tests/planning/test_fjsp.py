"""Brandimarte's flexible job-shop files read into the scheduler, solved, checked and written as JSON."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from seamline.planning.fjsp import read_fjsp, solution_json, solve_file
from seamline.planning.scheduler import Mode, solve

from .schedule_checker import check_schedule

DATA = Path(__file__).resolve().parent.parent / "data" / "scheduling" / "brandimarte"
BEST = {row["instance"]: row for row in csv.DictReader((DATA / "bks.csv").open())}


def test_a_small_instance_is_read_with_ids_modes_and_job_order():
    problem = read_fjsp("2 3 1.5\n2 2 0 3 2 5 1 1 4\n1 1 2 7\n\n")
    assert [r.id for r in problem.resources] == ["m0", "m1", "m2"]
    assert [j.id for j in problem.jobs] == ["j0", "j1"]
    assert [(t.id, t.job, t.modes, t.after) for t in problem.tasks] == [
        ("j0o0", "j0", (Mode("m0", 3), Mode("m2", 5)), ()),
        ("j0o1", "j0", (Mode("m1", 4),), ("j0o0",)),
        ("j1o0", "j1", (Mode("m2", 7),), ()),
    ]


@pytest.mark.parametrize("name", sorted(BEST))
def test_each_brandimarte_file_has_the_jobs_and_machines_of_its_bounds(name):
    problem = read_fjsp((DATA / f"{name}.txt").read_text())
    assert len(problem.jobs) == int(BEST[name]["jobs"])
    assert len(problem.resources) == int(BEST[name]["machines"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (
            "2\n1 1 0 3\n",
            "line 1: the numbers of jobs and machines expected (and optionally the mean flexibility)",
        ),
        ("1 2\n1 1 0 3\n1 1 0 3\n", "line 1: 1 jobs announced, 2 job lines found"),
        ("1 2\n1 1 0 x\n", "line 2: 'x' is not a whole number"),
        ("1 2\n2 1 0 3\n", "line 2: operation 1 is missing"),
        ("1 2\n1 2 0 3 1\n", "line 2: operation 0 needs 2 (machine, time) pairs"),
        ("1 2\n1 1 2 3\n", "line 2: operation 0 names machine 2; machines are 0–1"),
        ("1 2\n1 1 1 0\n", "line 2: operation 0 takes 0 on machine 1; at least 1"),
        ("1 2\n1 1 1 4 9\n", "line 2: 1 numbers left after 1 operations"),
        ("0 2\n", "line 1: the numbers of jobs and machines must be at least 1"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line(text, message):
    with pytest.raises(ValueError) as error:
        read_fjsp(text)
    assert str(error.value) == message


def test_mk01_is_solved_near_its_optimum_and_the_plan_holds():
    problem = read_fjsp((DATA / "mk01.txt").read_text())
    solution = solve(problem, time_limit_s=5)
    assert check_schedule(problem, solution) == []
    assert int(BEST["mk01"]["UB"]) <= solution.makespan <= 42
    assert solution.bound <= int(BEST["mk01"]["LB"])


def test_the_json_lists_every_operation_by_job_and_op_with_its_machine():
    text = "2 2\n2 1 0 3 1 1 2\n1 2 0 4 1 3\n"
    problem = read_fjsp(text)
    solution = solve(problem, time_limit_s=2)
    assert check_schedule(problem, solution) == []
    out = solution_json(problem, solution)
    assert out["makespan"] == 5 and out["status"] == "optimal" and out["gap"] == 0.0 and out["bound"] == 5
    assert out["operations"] == [
        {"job": 0, "op": 0, "machine": 0, "start": 0, "end": 3},
        {"job": 0, "op": 1, "machine": 1, "start": 3, "end": 5},
        {"job": 1, "op": 0, "machine": 1, "start": 0, "end": 3},
    ]


def test_solve_file_answers_for_the_cli(tmp_path):
    path = tmp_path / "tiny.fjs"
    path.write_text("1 1\n2 1 0 2 1 0 3\n")
    lines: list[str] = []
    out = solve_file(path, time_limit_s=1, progress=lines.append)
    assert out["makespan"] == 5 and [(o["start"], o["end"]) for o in out["operations"]] == [(0, 2), (2, 5)]
    assert set(out) == {"makespan", "operations", "status", "bound", "gap", "wall_s"}
    assert lines and lines[-1].startswith("phase 2: makespan 5")
