"""A schedule checked against its problem, written apart from the CP-SAT model: every broken rule, listed.

It reads only the problem's and the solution's dataclasses and recomputes everything from the assignments:
each task once, on one of its modes' resources with that mode's duration (or exactly where it was fixed),
after its predecessors and its release, never in a resource's blocked time nor beyond its capacity; the
tasks left out justified (no modes, or waiting for a task left out); the reported figures (makespan,
tardiness, late jobs) true. Used by tests/planning and bench/schedule.py.
"""

from __future__ import annotations

from collections import Counter

from seamline.planning.scheduler import Assignment, Problem, Solution

__all__ = ["check_schedule"]


def check_schedule(problem: Problem, solution: Solution) -> list[str]:
    """Every violated constraint of ``solution`` for ``problem``, as sentences; empty when it is valid."""
    faults: list[str] = []
    tasks = {t.id: t for t in problem.tasks}
    seen = Counter([a.task for a in solution.assignments] + [u.task for u in solution.unscheduled])
    for tid, count in sorted(seen.items()):
        if tid not in tasks:
            faults.append(f"{tid} is not a task of the problem")
        elif count > 1:
            faults.append(f"{tid} appears {count} times")
    faults += [f"{t.id} is neither scheduled nor reported" for t in problem.tasks if t.id not in seen]
    placed = {a.task: a for a in solution.assignments if a.task in tasks}
    left_out = {u.task for u in solution.unscheduled}
    for a in placed.values():
        faults += _task_faults(problem, a, placed)
    for u in solution.unscheduled:
        t = tasks.get(u.task)
        if t is None:
            continue
        if t.fixed is not None:
            faults.append(f"{t.id} has started (fixed) but is reported unscheduled")
        elif t.modes and not any(before in left_out for before in t.after):
            faults.append(f"{t.id} could be scheduled but is reported unscheduled ({u.reason})")
        if not u.reason:
            faults.append(f"{t.id} is unscheduled without a reason")
    for r in problem.resources:
        faults += _resource_faults(
            r.id, r.capacity, r.blocked, [a for a in placed.values() if a.resource == r.id]
        )
    known = {r.id for r in problem.resources}
    faults += [
        f"{a.task} is on unknown resource {a.resource}" for a in placed.values() if a.resource not in known
    ]
    faults += _figure_faults(problem, solution, placed)
    return faults


def _task_faults(problem: Problem, a: Assignment, placed: dict[str, Assignment]) -> list[str]:
    t = next(t for t in problem.tasks if t.id == a.task)
    faults = []
    if a.job != t.job:
        faults.append(f"{t.id} belongs to job {t.job}, not {a.job}")
    if t.fixed is not None:
        if (a.resource, a.start, a.end) != tuple(t.fixed):
            faults.append(f"{t.id} was fixed at {t.fixed} but moved to {(a.resource, a.start, a.end)}")
        return faults
    if not any(m.resource == a.resource and m.duration == a.end - a.start for m in t.modes):
        faults.append(f"{t.id} runs {a.end - a.start} min on {a.resource}, which is none of its modes")
    if a.start < t.release:
        faults.append(f"{t.id} starts at {a.start}, before its release {t.release}")
    for before in t.after:
        if before not in placed:
            faults.append(f"{t.id} is scheduled but {before}, which it waits for, is not")
        elif placed[before].end > a.start:
            faults.append(f"{t.id} starts at {a.start} before {before} ends at {placed[before].end}")
    return faults


def _resource_faults(
    rid: str, capacity: int, blocked: tuple[tuple[int, int], ...], work: list[Assignment]
) -> list[str]:
    faults = []
    for a in work:
        for start, end in blocked:
            if a.start < end and start < a.end:
                faults.append(f"{a.task} on {rid} at [{a.start}, {a.end}) overlaps blocked [{start}, {end})")
    # At each start, count the tasks running then (the load is highest at some task's start).
    for a in work:
        running = [b.task for b in work if b.start <= a.start < b.end]
        if len(running) > capacity:
            faults.append(
                f"{rid} runs {len(running)} tasks at {a.start} ({', '.join(sorted(running))}), "
                f"capacity {capacity}"
            )
    return sorted(set(faults))


def _figure_faults(problem: Problem, solution: Solution, placed: dict[str, Assignment]) -> list[str]:
    faults = []
    makespan = max((a.end for a in placed.values()), default=0)
    if solution.makespan != makespan:
        faults.append(f"makespan reported {solution.makespan}, the assignments end at {makespan}")
    ends: dict[str, int] = {}
    for a in placed.values():
        ends[a.job] = max(ends.get(a.job, a.end), a.end)
    tardiness, late = 0, []
    for job in problem.jobs:
        if job.due is not None and job.id in ends and ends[job.id] > job.due:
            tardiness += job.weight * (ends[job.id] - job.due)
            late.append(job.id)
    if solution.tardiness != tardiness:
        faults.append(f"tardiness reported {solution.tardiness}, the assignments give {tardiness}")
    if sorted(solution.late_jobs) != sorted(late):
        faults.append(f"late jobs reported {sorted(solution.late_jobs)}, the assignments give {sorted(late)}")
    if solution.assignments and solution.bound > solution.makespan:
        faults.append(f"bound {solution.bound} is above the makespan {solution.makespan}")
    return faults
