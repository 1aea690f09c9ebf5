"""A finite-capacity schedule with CP-SAT: tasks with alternative resources, precedence, releases, calendars.

Pure: no Django. Time is integer minutes on one abstract axis (the caller maps working time to the calendar).
Each task runs, unbroken, on one of its modes' resources for that mode's duration; a resource runs up to
``capacity`` tasks at once and nothing in its ``blocked`` intervals (off shift, sick, closed). A task with
``fixed`` has started and stays where it is. The objective is lexicographic: the weighted tardiness of the
jobs first (phase 1), then, with the tardiness held at the best value found, the makespan (phase 2).

A task with no modes cannot be scheduled: it and every task after it are reported in ``unscheduled`` with
a reason, and the rest is still scheduled. A greedy list schedule is built first; it hints CP-SAT and is
the answer if CP-SAT finds nothing in its time.

    >>> r = (Resource("m0"), Resource("m1"))
    >>> t = (Task("a", "j", (Mode("m0", 3), Mode("m1", 2))), Task("b", "j", (Mode("m0", 1),), after=("a",)))
    >>> s = solve(Problem(r, (Job("j"),), t), time_limit_s=1)
    >>> s.status, s.makespan, [(a.task, a.resource, a.start) for a in s.assignments]
    ('optimal', 3, [('a', 'm1', 0), ('b', 'm0', 2)])
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = [
    "Assignment",
    "Job",
    "Mode",
    "Problem",
    "Resource",
    "Solution",
    "Task",
    "Unscheduled",
    "merge_intervals",
    "solve",
    "validate",
]

PHASE1_SHARE = 0.4  # of the time limit, for the tardiness; the makespan gets the rest
NO_MODES = "no one can do it"


@dataclass(frozen=True)
class Resource:
    id: str  # "worker:12", "facility:5"
    capacity: int = 1  # units working in parallel (a dye house's jets); tasks take 1 unit
    blocked: tuple[tuple[int, int], ...] = ()  # [start, end) minutes when it cannot work


@dataclass(frozen=True)
class Mode:
    resource: str
    duration: int  # minutes, >= 1


@dataclass(frozen=True)
class Task:
    id: str
    job: str
    modes: tuple[Mode, ...]  # alternatives; empty = no one can do it (reported, not an error)
    after: tuple[str, ...] = ()  # task ids that must finish before this starts
    release: int = 0  # earliest start
    fixed: tuple[str, int, int] | None = None  # (resource, start, end): started work is kept as it is
    why_not: str = ""  # the caller's reason when modes is empty


@dataclass(frozen=True)
class Job:
    id: str
    due: int | None = None  # minute by which its last task should end
    weight: int = 1


@dataclass(frozen=True)
class Problem:
    resources: tuple[Resource, ...]
    jobs: tuple[Job, ...]
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Assignment:
    task: str
    job: str
    resource: str
    start: int
    end: int


@dataclass(frozen=True)
class Unscheduled:
    task: str
    job: str
    reason: str  # the task's why_not, or "waits for <task id>, which cannot be scheduled"


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "feasible", "infeasible", "no tasks"
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    tardiness: int  # sum over jobs of weight * max(0, end - due)
    makespan: int
    bound: int  # CP-SAT's best bound on the makespan (phase 2)
    gap: float  # (makespan - bound) / makespan, 0.0 when proven
    late_jobs: tuple[str, ...]
    wall_s: float


Placed = dict[str, tuple[str, int, int]]  # task id -> (resource, start, end)


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint [start, end) intervals covering the same minutes (touching ones joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def validate(problem: Problem) -> list[str]:
    """The tasks in an order where each comes after its ``after`` tasks; ValueError names what is wrong."""
    resources = _unique("resource", [r.id for r in problem.resources])
    jobs = _unique("job", [j.id for j in problem.jobs])
    _unique("task", [t.id for t in problem.tasks])
    tasks = {t.id: t for t in problem.tasks}
    for r in problem.resources:
        if r.capacity < 1:
            raise ValueError(f"resource {r.id} has capacity {r.capacity}; it must be at least 1")
        for start, end in r.blocked:
            if end <= start:
                raise ValueError(f"resource {r.id} has an empty blocked interval [{start}, {end})")
    for j in problem.jobs:
        if j.weight < 0:
            raise ValueError(f"job {j.id} has a negative weight {j.weight}")
    for t in problem.tasks:
        if t.job not in jobs:
            raise ValueError(f"task {t.id} names an unknown job {t.job}")
        for m in t.modes:
            if m.resource not in resources:
                raise ValueError(f"task {t.id} names an unknown resource {m.resource}")
            if m.duration < 1:
                raise ValueError(f"task {t.id} lasts {m.duration} min on {m.resource}; at least 1 is needed")
        for before in t.after:
            if before not in tasks:
                raise ValueError(f"task {t.id} comes after an unknown task {before}")
        if t.fixed is not None:
            resource, start, end = t.fixed
            if resource not in resources:
                raise ValueError(f"task {t.id} is fixed on an unknown resource {resource}")
            if end <= start:
                raise ValueError(f"task {t.id} is fixed at [{start}, {end}), which is empty")
    order = _topological(problem.tasks, lambda t: (0,))
    _check_fixed(problem)
    return order


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
    hint: Solution | None = None,
) -> Solution:
    """Schedule ``problem`` within about ``time_limit_s``: on time first, then the shortest makespan.

    ``progress`` receives short lines from CP-SAT's solutions ("phase 1: tardiness 120 at 2.1 s");
    ``hint`` (an earlier plan) is where the search starts.
    """
    started = time.monotonic()
    validate(problem)
    unscheduled = _unschedulable(problem)
    left_out = {u.task for u in unscheduled}
    tasks = [t for t in problem.tasks if t.id not in left_out]
    if not tasks:
        return _solution(problem, "no tasks", {}, unscheduled, 0, started)
    greedy = _greedy(problem, tasks)
    model = _Model(problem, tasks)
    best = greedy
    start_from = {a.task: (a.resource, a.start, a.end) for a in hint.assignments} if hint else greedy
    proven = True
    if model.has_dues:
        model.hint(start_from)
        found, optimal, _ = model.run(
            model.tardiness, PHASE1_SHARE * time_limit_s, workers, _reporter(progress, started, 1)
        )
        best = found or best
        proven = optimal
        model.cp.add(model.tardiness <= _tardiness(problem, best))
        start_from = best
    model.hint(start_from)
    remaining = max(0.1, time_limit_s - (time.monotonic() - started))
    found, optimal, bound = model.run(model.makespan, remaining, workers, _reporter(progress, started, 2))
    if model.infeasible:
        return _solution(problem, "infeasible", {}, unscheduled, 0, started)
    best = found or best
    status = "optimal" if proven and optimal else "feasible"
    return _solution(problem, status, best, unscheduled, bound, started)


class _Model:
    """The CP-SAT model: a start per task, a presence literal per mode, an interval per (task, mode)."""

    def __init__(self, problem: Problem, tasks: list[Task]) -> None:
        cp = self.cp = cp_model.CpModel()
        self.infeasible = False
        self.tasks = {t.id: t for t in tasks}
        resources = {r.id: r for r in problem.resources}
        horizon = _horizon(problem, tasks)
        low = min([0, *(t.release for t in tasks if t.fixed is None)])
        self.starts: dict[str, cp_model.IntVar] = {}
        self.ends: dict[str, cp_model.LinearExprT] = {}
        self.modes: dict[str, list[tuple[Mode, cp_model.IntVar]]] = {}
        on: dict[str, list[tuple[cp_model.IntervalVar, int]]] = {r.id: [] for r in problem.resources}
        work: dict[str, list[cp_model.LinearExprT]] = {r.id: [] for r in problem.resources}
        for t in tasks:
            if t.fixed is not None:
                resource, start, end = t.fixed
                on[resource].append((cp.new_fixed_size_interval_var(start, end - start, f"{t.id}@fixed"), 1))
                self.ends[t.id] = end
                continue
            start = cp.new_int_var(t.release, horizon - min(m.duration for m in t.modes), f"s:{t.id}")
            self.starts[t.id] = start
            if len(t.modes) == 1:
                mode = t.modes[0]
                on[mode.resource].append((cp.new_fixed_size_interval_var(start, mode.duration, t.id), 1))
                work[mode.resource].append(mode.duration)
                self.ends[t.id] = start + mode.duration
                continue
            chosen = []
            for k, mode in enumerate(t.modes):
                present = cp.new_bool_var(f"p:{t.id}:{k}")
                interval = cp.new_optional_fixed_size_interval_var(
                    start, mode.duration, present, f"{t.id}:{k}"
                )
                on[mode.resource].append((interval, 1))
                work[mode.resource].append(mode.duration * present)
                chosen.append((mode, present))
            cp.add_exactly_one(p for _, p in chosen)
            self.modes[t.id] = chosen
            self.ends[t.id] = start + sum(m.duration * p for m, p in chosen)
        for t in tasks:
            if t.fixed is None:
                for before in t.after:
                    cp.add(self.starts[t.id] >= self.ends[before])
        for rid, intervals in on.items():
            resource = resources[rid]
            for start, end in merge_intervals(resource.blocked):
                intervals.append((cp.new_fixed_size_interval_var(start, end - start, f"off:{rid}"), 0))
            if len(intervals) < 2:
                continue
            if resource.capacity == 1:
                cp.add_no_overlap(i for i, _ in intervals)
            else:
                demands = [d or resource.capacity for _, d in intervals]
                cp.add_cumulative([i for i, _ in intervals], demands, resource.capacity)
        floor = min([low, *(t.fixed[1] for t in tasks if t.fixed is not None)])
        self.makespan = cp.new_int_var(floor, horizon, "makespan")
        for t in tasks:
            cp.add(self.makespan >= self.ends[t.id])
        # Redundant, for a stronger bound: a resource's work fits between the earliest release and the end.
        for rid, loads in work.items():
            if loads:
                cp.add(sum(loads) <= resources[rid].capacity * (self.makespan - low))
        self.tardiness = self._tardiness(problem, tasks, horizon)

    def _tardiness(self, problem: Problem, tasks: list[Task], horizon: int) -> cp_model.LinearExprT:
        # Every task, not only the last ones: a task before started (fixed) work is not held to end before it.
        terms = []
        for job in problem.jobs:
            ends = [self.ends[t.id] for t in tasks if t.job == job.id]
            if job.due is None or not ends or job.weight == 0:
                continue
            late = self.cp.new_int_var(0, max(0, horizon - job.due), f"late:{job.id}")
            for end in ends:
                self.cp.add(late >= end - job.due)
            terms.append(job.weight * late)
        self.has_dues = bool(terms)
        return sum(terms)

    def hint(self, placed: Placed) -> None:
        self.cp.clear_hints()
        for tid, start in self.starts.items():
            if tid not in placed:
                continue
            resource, begin, end = placed[tid]
            self.cp.add_hint(start, begin)
            for mode, present in self.modes.get(tid, ()):
                self.cp.add_hint(present, mode.resource == resource and mode.duration == end - begin)

    def run(
        self, objective: cp_model.LinearExprT, seconds: float, workers: int, callback: _Reporter | None
    ) -> tuple[Placed | None, bool, int]:
        """Minimise ``objective``: the plan found (None if none), whether it is proven optimal, the bound."""
        self.cp.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = max(1, workers)
        status = solver.solve(self.cp, callback)
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"the scheduling model is invalid: {self.cp.validate()}")
        if status == cp_model.INFEASIBLE:
            self.infeasible = True
            return None, False, 0
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False, round(solver.best_objective_bound)
        placed: Placed = {}
        for tid, t in self.tasks.items():
            if t.fixed is not None:
                placed[tid] = t.fixed
                continue
            begin = solver.value(self.starts[tid])
            chosen = self.modes.get(tid)
            mode = next(m for m, p in chosen if solver.boolean_value(p)) if chosen else t.modes[0]
            placed[tid] = (mode.resource, begin, begin + mode.duration)
        return placed, status == cp_model.OPTIMAL, round(solver.best_objective_bound)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Tells the caller of each better solution CP-SAT finds."""

    def __init__(self, say: Callable[[str], None], started: float, phase: int) -> None:
        super().__init__()
        self.say, self.started, self.phase = say, started, phase

    def on_solution_callback(self) -> None:
        at = time.monotonic() - self.started
        value = round(self.objective_value)
        if self.phase == 1:
            self.say(f"phase 1: tardiness {value} at {at:.1f} s")
        else:
            self.say(f"phase 2: makespan {value}, bound {round(self.best_objective_bound)} at {at:.1f} s")


def _reporter(say: Callable[[str], None] | None, started: float, phase: int) -> _Reporter | None:
    return _Reporter(say, started, phase) if say else None


def _unique(kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{kind} id {i} is used twice")
        seen.add(i)
    return seen


def _topological(tasks: Iterable[Task], priority: Callable[[Task], tuple]) -> list[str]:
    """Task ids, each after its ``after`` tasks, the lowest ``priority`` first among the ready ones."""
    tasks = list(tasks)
    by_id = {t.id: t for t in tasks}
    waiting = {t.id: len(set(t.after) & by_id.keys()) for t in tasks}
    followers: dict[str, list[str]] = {t.id: [] for t in tasks}
    for t in tasks:
        for before in set(t.after) & by_id.keys():
            followers[before].append(t.id)
    ready = [(priority(t), n, t.id) for n, t in enumerate(tasks) if waiting[t.id] == 0]
    heapq.heapify(ready)
    index = {t.id: n for n, t in enumerate(tasks)}
    order = []
    while ready:
        *_, tid = heapq.heappop(ready)
        order.append(tid)
        for nxt in followers[tid]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (priority(by_id[nxt]), index[nxt], nxt))
    if len(order) < len(tasks):
        stuck = sorted(tid for tid, n in waiting.items() if n > 0)
        raise ValueError(f"the tasks' order has a cycle through {', '.join(stuck[:5])}")
    return order


def _check_fixed(problem: Problem) -> None:
    """Started work must fit its resource: no fixed task in blocked time nor beyond the capacity."""
    fixed: dict[str, list[Task]] = {}
    for t in problem.tasks:
        if t.fixed is not None:
            fixed.setdefault(t.fixed[0], []).append(t)
    for r in problem.resources:
        mine = fixed.get(r.id, [])
        for t in mine:
            _, start, end = t.fixed
            for b_start, b_end in r.blocked:
                if start < b_end and b_start < end:
                    raise ValueError(
                        f"task {t.id} is fixed at [{start}, {end}) on {r.id}, "
                        f"which is blocked at [{b_start}, {b_end})"
                    )
        events = sorted((t.fixed[s], 1 if s == 1 else -1, t.id) for t in mine for s in (1, 2))
        running: list[str] = []
        for _, step, tid in sorted(events, key=lambda e: (e[0], e[1])):
            running = [*running, tid] if step == 1 else [x for x in running if x != tid]
            if len(running) > r.capacity:
                raise ValueError(f"fixed tasks {', '.join(running)} overlap beyond the capacity of {r.id}")


def _unschedulable(problem: Problem) -> tuple[Unscheduled, ...]:
    """Tasks no one can do, then every task that waits for one of them (started work stays)."""
    tasks = {t.id: t for t in problem.tasks}
    left_out: dict[str, Unscheduled] = {}
    for tid in _topological(problem.tasks, lambda t: (0,)):
        t = tasks[tid]
        if t.fixed is not None:
            continue
        if not t.modes:
            left_out[tid] = Unscheduled(tid, t.job, t.why_not or NO_MODES)
            continue
        blocker = next((before for before in t.after if before in left_out), None)
        if blocker:
            left_out[tid] = Unscheduled(tid, t.job, f"waits for {blocker}, which cannot be scheduled")
    return tuple(left_out[t.id] for t in problem.tasks if t.id in left_out)


def _horizon(problem: Problem, tasks: list[Task]) -> int:
    """A time by which every task fits: all in a row after every release, fixed task and blocked time."""
    clear = [0, *(t.release for t in tasks), *(t.fixed[2] for t in tasks if t.fixed is not None)]
    clear += [end for r in problem.resources for _, end in r.blocked]
    return max(clear) + sum(max(m.duration for m in t.modes) for t in tasks if t.fixed is None)


def _greedy(problem: Problem, tasks: list[Task]) -> Placed:
    """A list schedule: tasks by earliest due date, each on the mode that ends soonest."""
    resources = {r.id: r for r in problem.resources}
    due = {j.id: (j.due if j.due is not None else float("inf")) for j in problem.jobs}
    busy: dict[str, list[tuple[int, int]]] = {r.id: [] for r in problem.resources}
    blocked = {r.id: merge_intervals(r.blocked) for r in problem.resources}
    placed: Placed = {}
    for t in tasks:
        if t.fixed is not None:
            placed[t.id] = t.fixed
            busy[t.fixed[0]].append(t.fixed[1:])
    by_id = {t.id: t for t in tasks}
    for tid in _topological(tasks, lambda t: (due[t.job], t.release)):
        t = by_id[tid]
        if t.fixed is not None:
            continue
        ready = max([t.release, *(placed[before][2] for before in t.after)])
        options = []
        for mode in t.modes:
            resource = resources[mode.resource]
            start = _earliest(
                busy[resource.id], blocked[resource.id], resource.capacity, ready, mode.duration
            )
            options.append((start + mode.duration, mode.resource, start))
        end, rid, start = min(options)
        placed[tid] = (rid, start, end)
        busy[rid].append((start, end))
    return placed


def _earliest(
    busy: list[tuple[int, int]], blocked: list[tuple[int, int]], capacity: int, ready: int, d: int
) -> int:
    """The first start at or after ``ready`` where ``d`` minutes fit between blocked time and other work."""
    candidates = sorted({ready, *(end for _, end in busy + blocked if end > ready)})
    for start in candidates:
        end = start + d
        if any(s < end and start < e for s, e in blocked):
            continue
        overlapping = [(s, e) for s, e in busy if s < end and start < e]
        if capacity == 1 and overlapping:
            continue
        if len(overlapping) >= capacity and _peak(overlapping, start, end) >= capacity:
            continue
        return start
    raise AssertionError("a task always fits after the last busy minute")


def _peak(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    """The most intervals running at once within [start, end)."""
    events = sorted([(max(s, start), 1) for s, _ in intervals] + [(min(e, end), -1) for _, e in intervals])
    peak = running = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def _tardiness(problem: Problem, placed: Placed) -> int:
    return sum(late * weight for _, late, weight in _lateness(problem, placed))


def _lateness(problem: Problem, placed: Placed) -> list[tuple[str, int, int]]:
    """(job, minutes late, weight) of each job with a due date and scheduled work."""
    ends: dict[str, int] = {}
    for t in problem.tasks:
        if t.id in placed:
            ends[t.job] = max(ends.get(t.job, placed[t.id][2]), placed[t.id][2])
    return [
        (j.id, max(0, ends[j.id] - j.due), j.weight)
        for j in problem.jobs
        if j.due is not None and j.id in ends
    ]


def _solution(
    problem: Problem,
    status: str,
    placed: Placed,
    unscheduled: tuple[Unscheduled, ...],
    bound: int,
    started: float,
) -> Solution:
    jobs = {t.id: t.job for t in problem.tasks}
    assignments = tuple(Assignment(t.id, jobs[t.id], *placed[t.id]) for t in problem.tasks if t.id in placed)
    lateness = _lateness(problem, placed)
    makespan = max((a.end for a in assignments), default=0)
    optimal = status == "optimal"
    bound = makespan if optimal or not assignments else min(bound, makespan)
    return Solution(
        status=status,
        assignments=assignments,
        unscheduled=unscheduled,
        tardiness=sum(late * weight for _, late, weight in lateness),
        makespan=makespan,
        bound=bound,
        gap=0.0 if optimal or makespan <= 0 else round((makespan - bound) / makespan, 4),
        late_jobs=tuple(job for job, late, _ in lateness if late > 0),
        wall_s=round(time.monotonic() - started, 3),
    )
