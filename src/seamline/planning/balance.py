"""Balance a sewing line: give a style's operations to the operators on the line, least bottleneck first.

Pure: no Django. Each task (an operation of the routing, in standard minutes per garment) goes to exactly one
operator able to do it; an operator's load is the sum of ``sam / efficiency`` of their tasks. The operators
who get work stand in a line (positions 1..m) and the garment moves down it, so when task *i* must be done
before task *j*, *i*'s operator stands no later than *j*'s (or is the same person). One garment leaves the
line every bottleneck minutes (the largest load): CP-SAT minimises it. Loads are counted in whole
hundredths of a minute, each task's ``sam / efficiency`` rounded *up*, and reported so.

Among lines with the same bottleneck the one with the fewest operators wins (it frees people for other
work at no cost in output), then the one with the least total load (each task with its fastest hands).

    >>> tasks = [BalanceTask("collar", 2.0), BalanceTask("sleeve", 3.0),
    ...          BalanceTask("join", 2.5, ("collar", "sleeve"))]
    >>> ops = [LineOperator("ana", {"collar": 1.0, "join": 1.0}),
    ...        LineOperator("ben", {"sleeve": 1.0, "join": 0.5})]
    >>> r = balance_line(tasks, ops, target_per_hour=15)  # doctest: +SKIP
    >>> r.bottleneck_min, [(s.operator, s.tasks) for s in r.stations], r.meets_target  # doctest: +SKIP
    (4.5, [('ben', ('sleeve',)), ('ana', ('collar', 'join'))], False)
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = [
    "BalanceResult",
    "BalanceTask",
    "LineOperator",
    "Station",
    "balance_line",
    "load_hundredths",
    "precedence_order",
]


@dataclass(frozen=True)
class BalanceTask:
    """One operation to place on the line."""

    id: str
    sam: float  # standard minutes per garment
    after: tuple[str, ...] = ()  # tasks done before it (by an earlier operator on the line, or the same one)


@dataclass(frozen=True)
class LineOperator:
    """One person on the line and what they can do, how fast."""

    id: str
    efficiency: Mapping[
        str, float
    ]  # task id -> efficiency (1.0 = standard; 0.8 = 80 %); absent = cannot do it


@dataclass(frozen=True)
class Station:
    """One operator's place on the line and work."""

    operator: str
    position: int  # 1..m along the line
    tasks: tuple[str, ...]  # in an order that keeps the precedence
    load_min: (
        float  # sum of sam / efficiency of its tasks (each rounded up to a hundredth), minutes per garment
    )


@dataclass(frozen=True)
class BalanceResult:
    """The line, its pace and how well it is balanced.

    ``status``: "optimal" (the bottleneck and the tie-break proven best), "feasible" (a line, not proven
    best within the time), "infeasible" (no line exists: a task nobody can do, in ``unassignable``, or the
    precedence cannot be kept with these operators' skills), "unknown" (no line found within the time,
    none proven impossible either).
    """

    status: str
    stations: tuple[Station, ...]  # operators given no task are left out
    bottleneck_min: float  # the largest load: one garment leaves the line every bottleneck_min
    takt_min: float | None  # 60 / target per hour, when a target was given
    output_per_hour: float  # 60 / bottleneck_min
    meets_target: bool | None
    balance_efficiency: float  # sum of loads / (stations * bottleneck)
    unassignable: tuple[str, ...]  # tasks no operator can do (then status "infeasible")
    wall_s: float
    lower_bound_min: float | None = (
        None  # proven: no line of these operators beats it (= bottleneck if optimal)
    )


def load_hundredths(sam: float, efficiency: float = 1.0) -> int:
    """``sam / efficiency`` in whole hundredths of a minute, rounded up (ignoring float noise: 0.3 -> 30)."""
    return math.ceil(sam * 100.0 / efficiency - 1e-9)


def precedence_order(tasks: Sequence[BalanceTask]) -> tuple[str, ...]:
    """The task ids in an order that keeps every ``after`` (input order among free tasks).

    Raises ValueError on a duplicate id, an empty id, sam <= 0 (or not finite), an unknown task in ``after``,
    or a cycle (named task by task).
    """
    index: dict[str, int] = {}
    for task in tasks:
        if not task.id:
            raise ValueError("a task has an empty id")
        if task.id in index:
            raise ValueError(f"duplicate task id {task.id!r}")
        if not (isinstance(task.sam, int | float) and math.isfinite(task.sam) and task.sam > 0):
            raise ValueError(f"task {task.id!r}: sam must be a number > 0 (got {task.sam!r})")
        index[task.id] = len(index)
    preds: dict[str, set[str]] = {}
    for task in tasks:
        for before in task.after:
            if before not in index:
                raise ValueError(f"task {task.id!r} comes after unknown task {before!r}")
        preds[task.id] = set(task.after)
    succs: dict[str, list[str]] = {tid: [] for tid in index}
    for tid, before in preds.items():
        for b in before:
            succs[b].append(tid)
    waiting = {tid: len(p) for tid, p in preds.items()}
    order: list[str] = []
    ready = [tid for tid in index if waiting[tid] == 0]
    while ready:
        ready.sort(key=index.__getitem__)
        tid = ready.pop(0)
        order.append(tid)
        for s in succs[tid]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    if len(order) < len(index):
        raise ValueError("precedence cycle: " + " -> ".join(_a_cycle(preds, set(index) - set(order))))
    return tuple(order)


def _a_cycle(preds: Mapping[str, set[str]], stuck: set[str]) -> list[str]:
    """One cycle among the tasks a topological sort could not place (each has a stuck predecessor)."""
    node = min(stuck)
    seen: list[str] = []
    while node not in seen:
        seen.append(node)
        node = min(p for p in preds[node] if p in stuck)
    cycle = seen[seen.index(node) :]
    cycle.reverse()  # walked backwards along "after"; show it in working order, from its first id
    start = cycle.index(min(cycle))
    cycle = cycle[start:] + cycle[:start]
    return [*cycle, cycle[0]]


def _check_operators(operators: Sequence[LineOperator], task_ids: set[str]) -> None:
    seen: set[str] = set()
    for op in operators:
        if not op.id:
            raise ValueError("an operator has an empty id")
        if op.id in seen:
            raise ValueError(f"duplicate operator id {op.id!r}")
        seen.add(op.id)
        for tid, eff in op.efficiency.items():
            if tid not in task_ids:
                raise ValueError(f"operator {op.id!r}: efficiency given for unknown task {tid!r}")
            if not (isinstance(eff, int | float) and math.isfinite(eff) and eff > 0):
                raise ValueError(f"operator {op.id!r}: efficiency for task {tid!r} must be > 0 (got {eff!r})")


def balance_line(
    tasks: Sequence[BalanceTask],
    operators: Sequence[LineOperator],
    *,
    target_per_hour: float | None = None,
    time_limit_s: float = 10.0,
    workers: int = 2,
) -> BalanceResult:
    """The line with the least bottleneck (then fewest operators, then least total load).

    Bad input raises ValueError naming it; a task nobody can do is not an error: the result is "infeasible"
    and lists it. The solver runs about ``time_limit_s`` (the tie-break gets what the bottleneck left, at
    least a tenth of it).
    """
    started = time.perf_counter()
    if not tasks:
        raise ValueError("no tasks to balance")
    if target_per_hour is not None and not (math.isfinite(target_per_hour) and target_per_hour > 0):
        raise ValueError(f"target_per_hour must be > 0 (got {target_per_hour!r})")
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s must be > 0 (got {time_limit_s!r})")
    if workers < 1:
        raise ValueError(f"workers must be >= 1 (got {workers!r})")
    order = precedence_order(tasks)
    _check_operators(operators, set(order))
    takt = 60.0 / target_per_hour if target_per_hour is not None else None

    unassignable = tuple(t for t in order if not any(t in op.efficiency for op in operators))
    if unassignable:
        return _no_line("infeasible", takt, unassignable, started)

    model = _LineModel(tasks, operators)
    status, solution = model.solve(time_limit_s, workers)
    if solution is None:
        return _no_line(status, takt, (), started)
    return _result(status, solution, order, takt, started)


def _no_line(status: str, takt: float | None, unassignable: tuple[str, ...], started: float) -> BalanceResult:
    return BalanceResult(
        status=status,
        stations=(),
        bottleneck_min=0.0,
        takt_min=takt,
        output_per_hour=0.0,
        meets_target=False if takt is not None else None,
        balance_efficiency=0.0,
        unassignable=unassignable,
        wall_s=time.perf_counter() - started,
    )


@dataclass(frozen=True)
class _Solution:
    bound: int  # the solver's proven lower bound on the bottleneck, hundredths
    operator_of: dict[str, str]  # task -> operator
    position: dict[str, int]  # used operator -> 1..m
    load: dict[str, int]  # used operator -> hundredths


class _LineModel:
    """The CP-SAT model in slots: w[t, o, k] gives task t to operator o standing at slot k of the line.

    Slots make the precedence a set of linear cuts (by slot k, j's operator is placed only if i's is), far
    tighter than a position variable per operator: a 20-task, 8-operator jacket proves in about a second
    instead of about nine.
    """

    def __init__(self, tasks: Sequence[BalanceTask], operators: Sequence[LineOperator]) -> None:
        self.tasks = list(tasks)
        # Operators who can do nothing asked of them cannot stand on this line.
        self.ops = [op.id for op in operators if any(t.id in op.efficiency for t in tasks)]
        eff = {op.id: op.efficiency for op in operators}
        self.cost = {
            (t.id, o): load_hundredths(t.sam, eff[o][t.id])
            for t in self.tasks
            for o in self.ops
            if t.id in eff[o]
        }
        m = len(self.ops)
        slots = range(1, m + 1)
        md = self.model = cp_model.CpModel()
        self.w = {(t, o, k): md.new_bool_var(f"w_{t}_{o}_{k}") for (t, o) in self.cost for k in slots}
        self.y = {(o, k): md.new_bool_var(f"y_{o}_{k}") for o in self.ops for k in slots}
        by_task: dict[str, list[cp_model.IntVar]] = {t.id: [] for t in self.tasks}
        by_slot_task: dict[tuple[str, int], list[cp_model.IntVar]] = {}
        by_place: dict[tuple[str, int], list[cp_model.IntVar]] = {key: [] for key in self.y}
        for (t, o, k), v in self.w.items():
            by_task[t].append(v)
            by_slot_task.setdefault((t, k), []).append(v)
            by_place[o, k].append(v)
            md.add_implication(v, self.y[o, k])
        for vs in by_task.values():
            md.add_exactly_one(vs)
        for (o, k), vs in by_place.items():
            md.add_bool_or(vs).only_enforce_if(self.y[o, k])  # an operator on the line has work
        for o in self.ops:
            md.add_at_most_one(self.y[o, k] for k in slots)
        for k in slots:
            md.add_at_most_one(self.y[o, k] for o in self.ops)
            if k < m:  # the used slots are 1..n, so a slot is the station's position
                md.add(sum(self.y[o, k] for o in self.ops) >= sum(self.y[o, k + 1] for o in self.ops))
        for t in self.tasks:
            for before in t.after:
                for k in slots[:-1]:
                    md.add(
                        sum(v for kk in slots[:k] for v in by_slot_task.get((t.id, kk), []))
                        <= sum(v for kk in slots[:k] for v in by_slot_task.get((before, kk), []))
                    )
        self.loads = {
            o: sum(self.cost[t, oo] * v for (t, oo, _), v in self.w.items() if oo == o) for o in self.ops
        }
        fastest = {t.id: min(v for (tid, _), v in self.cost.items() if tid == t.id) for t in self.tasks}
        self.total_max = sum(max(v for (tid, _), v in self.cost.items() if tid == t.id) for t in self.tasks)
        # Bounds that let the solver prove optimality early: no task below its fastest hands, and the
        # fastest total shared by everyone.
        floor = max(max(fastest.values()), math.ceil(sum(fastest.values()) / m))
        self.bottleneck = md.new_int_var(floor, self.total_max, "bottleneck")
        for load in self.loads.values():
            md.add(load <= self.bottleneck)
        self.n_used = sum(self.y.values())

    def solve(self, time_limit_s: float, workers: int) -> tuple[str, _Solution | None]:
        started = time.perf_counter()
        solver = self._solver(time_limit_s, workers)
        self.model.minimize(self.bottleneck)
        first = solver.solve(self.model)
        if first == cp_model.INFEASIBLE:
            return "infeasible", None
        if first not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "unknown", None
        best = solver.value(self.bottleneck)
        bound = round(solver.best_objective_bound)
        solution = self._read(solver, bound)
        # Tie-break at that bottleneck: fewest operators, then least total load.
        self.model.add(self.bottleneck <= best)
        self.model.clear_hints()
        for v in [*self.w.values(), *self.y.values()]:
            self.model.add_hint(v, solver.boolean_value(v))
        total = sum(self.loads.values())
        self.model.minimize(self.n_used * (self.total_max + 1) + total)
        rest = max(time_limit_s - (time.perf_counter() - started), time_limit_s / 10)
        solver = self._solver(rest, workers)
        second = solver.solve(self.model)
        if second in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solution = self._read(solver, bound)
        proven = first == cp_model.OPTIMAL and second == cp_model.OPTIMAL
        return ("optimal" if proven else "feasible"), solution

    @staticmethod
    def _solver(time_limit_s: float, workers: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit_s
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 1
        return solver

    def _read(self, solver: cp_model.CpSolver, bound: int) -> _Solution:
        placed = [(t, o, k) for (t, o, k), v in self.w.items() if solver.boolean_value(v)]
        operator_of = {t: o for t, o, _ in placed}
        return _Solution(
            bound=bound,
            operator_of=operator_of,
            position={o: k for _, o, k in placed},
            load={
                o: sum(self.cost[t, o] for t, oo in operator_of.items() if oo == o)
                for o in set(operator_of.values())
            },
        )


def _result(
    status: str, solution: _Solution, order: Sequence[str], takt: float | None, started: float
) -> BalanceResult:
    by_position = sorted(solution.position, key=solution.position.__getitem__)
    stations = tuple(
        Station(
            operator=o,
            position=rank,
            tasks=tuple(t for t in order if solution.operator_of[t] == o),
            load_min=solution.load[o] / 100,
        )
        for rank, o in enumerate(by_position, start=1)
    )
    bottleneck = max(solution.load.values())
    return BalanceResult(
        status=status,
        stations=stations,
        bottleneck_min=bottleneck / 100,
        takt_min=takt,
        output_per_hour=6000 / bottleneck,
        meets_target=(bottleneck <= takt * 100 + 1e-6) if takt is not None else None,
        balance_efficiency=sum(solution.load.values()) / (len(stations) * bottleneck),
        unassignable=(),
        wall_s=time.perf_counter() - started,
        lower_bound_min=solution.bound / 100,
    )
