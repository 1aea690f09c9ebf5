"""Flexible job-shop instances (Brandimarte's text format) for the scheduler, and its answer as JSON.

Pure: no Django. The first line gives the number of jobs and machines (a third number, the mean
flexibility, is ignored); then one line a job: its number of operations, then for each operation the
number of machines that can run it followed by that many (machine, processing time) pairs, machines
numbered from 0. Operations of a job run in order. Ids: job ``j<j>``, task ``j<j>o<k>``, machine ``m<m>``.

    >>> p = read_fjsp("1 2\\n2 2 0 3 1 2 1 0 4\\n")
    >>> [(t.id, t.after, [(m.resource, m.duration) for m in t.modes]) for t in p.tasks]
    [('j0o0', (), [('m0', 3), ('m1', 2)]), ('j0o1', ('j0o0',), [('m0', 4)])]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from .scheduler import Job, Mode, Problem, Resource, Solution, Task, solve

__all__ = ["read_fjsp", "solution_json", "solve_file"]

_TASK_ID = re.compile(r"j(\d+)o(\d+)")


def read_fjsp(text: str) -> Problem:
    """The instance in ``text`` as a scheduling problem; ValueError names the line that is malformed."""
    lines = [(n, line.split()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ValueError("the file is empty")
    head_no, head = lines[0]
    if len(head) not in (2, 3) or (len(head) == 3 and not _number(head[2])):
        _bad(head_no, "the numbers of jobs and machines expected (and optionally the mean flexibility)")
    n_jobs, n_machines = _ints(head_no, head[:2])
    if n_jobs < 1 or n_machines < 1:
        _bad(head_no, "the numbers of jobs and machines must be at least 1")
    if len(lines) - 1 != n_jobs:
        _bad(head_no, f"{n_jobs} jobs announced, {len(lines) - 1} job lines found")
    tasks: list[Task] = []
    for j, (line_no, words) in enumerate(lines[1:]):
        numbers = _ints(line_no, words)
        n_ops, at = numbers[0], 1
        if n_ops < 1:
            _bad(line_no, "a job needs at least one operation")
        for k in range(n_ops):
            if at >= len(numbers):
                _bad(line_no, f"operation {k} is missing")
            n_modes = numbers[at]
            pairs = numbers[at + 1 : at + 1 + 2 * n_modes]
            if n_modes < 1 or len(pairs) < 2 * n_modes:
                _bad(line_no, f"operation {k} needs {n_modes} (machine, time) pairs")
            modes = []
            for machine, duration in zip(pairs[::2], pairs[1::2], strict=True):
                if not 0 <= machine < n_machines:
                    _bad(line_no, f"operation {k} names machine {machine}; machines are 0–{n_machines - 1}")
                if duration < 1:
                    _bad(line_no, f"operation {k} takes {duration} on machine {machine}; at least 1")
                modes.append(Mode(f"m{machine}", duration))
            after = (f"j{j}o{k - 1}",) if k else ()
            tasks.append(Task(f"j{j}o{k}", f"j{j}", tuple(modes), after=after))
            at += 1 + 2 * n_modes
        if at != len(numbers):
            _bad(line_no, f"{len(numbers) - at} numbers left after {n_ops} operations")
    return Problem(
        resources=tuple(Resource(f"m{m}") for m in range(n_machines)),
        jobs=tuple(Job(f"j{j}") for j in range(n_jobs)),
        tasks=tuple(tasks),
    )


def solution_json(problem: Problem, solution: Solution) -> dict:
    """``{"makespan", "operations": [{"job", "op", "machine", "start", "end"}, …], "status", "bound", …}``."""
    operations = []
    for a in solution.assignments:
        job, op = (int(x) for x in _TASK_ID.fullmatch(a.task).groups())
        operations.append(
            {"job": job, "op": op, "machine": int(a.resource[1:]), "start": a.start, "end": a.end}
        )
    operations.sort(key=lambda o: (o["job"], o["op"]))
    return {
        "makespan": solution.makespan,
        "operations": operations,
        "status": solution.status,
        "bound": solution.bound,
        "gap": solution.gap,
        "wall_s": solution.wall_s,
    }


def solve_file(
    path: str | Path, *, time_limit_s: float, progress: Callable[[str], None] | None = None
) -> dict:
    """Read, schedule and answer for the CLI (``seamline schedule fjsp FILE --time S --json``)."""
    problem = read_fjsp(Path(path).read_text())
    return solution_json(problem, solve(problem, time_limit_s=time_limit_s, progress=progress))


def _ints(line_no: int, words: list[str]) -> list[int]:
    for word in words:
        if not word.lstrip("-").isdigit():
            _bad(line_no, f"{word!r} is not a whole number")
    return [int(w) for w in words]


def _number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def _bad(line_no: int, message: str) -> NoReturn:
    raise ValueError(f"line {line_no}: {message}")
