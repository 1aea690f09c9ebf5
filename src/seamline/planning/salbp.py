"""Scholl's SALBP benchmark instances (``.IN2``) and SALBP-1: for a given cycle time, the fewest stations.

Pure: no Django. The line balancer in ``balance.py`` works with named people and their efficiencies; the
literature's benchmarks have identical stations and ask another question (the fewest stations for a cycle),
so this module has its own small CP-SAT model and shares the precedence checks. ``seamline balance FILE
--cycle C --json`` prints what ``solve_file`` returns.

An ``.IN2`` file: the number of tasks n; then n lines, each task's time; then the precedence pairs "i,j"
(task i before task j), one a line, ended by "-1,-1". Tasks are numbered from 1. Blank lines and CRLF are
tolerated, and whatever follows "-1,-1" is ignored.

    >>> tasks = read_in2(Path("tests/data/balancing/JACKSON.IN2").read_text())  # doctest: +SKIP
    >>> solve_salbp1(tasks, 10)["station_count"]  # doctest: +SKIP
    5
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from .balance import BalanceTask, precedence_order

__all__ = ["read_in2", "solve_file", "solve_salbp1"]

_PAIR = re.compile(r"^\s*(-?\d+)\s*[,;\s]\s*(-?\d+)\s*$")


def read_in2(text: str) -> list[BalanceTask]:
    """The tasks of an ``.IN2`` file: ids "1".."n", ``sam`` the task time, ``after`` its direct predecessors.

    Raises ValueError naming the line for a bad count, a missing or bad time, a bad pair, a task number out
    of range, a precedence list without its "-1,-1", or a cycle.
    """
    lines = [(no, line.strip()) for no, line in enumerate(text.splitlines(), start=1)]
    lines = [(no, line) for no, line in lines if line]
    if not lines:
        raise ValueError("empty file: expected the number of tasks on the first line")
    no, first = lines[0]
    if not first.isdigit() or int(first) < 1:
        raise ValueError(f"line {no}: the number of tasks must be a whole number >= 1 (got {first!r})")
    n = int(first)
    if len(lines) < 1 + n:
        raise ValueError(f"{n} tasks announced but only {len(lines) - 1} lines follow the count")
    times: list[float] = []
    for no, line in lines[1 : 1 + n]:
        try:
            value = float(line)
        except ValueError:
            raise ValueError(f"line {no}: task {len(times) + 1}'s time {line!r} is not a number") from None
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"line {no}: task {len(times) + 1}'s time must be > 0 (got {line!r})")
        times.append(value)
    after: list[set[int]] = [set() for _ in range(n)]
    for no, line in lines[1 + n :]:
        match = _PAIR.match(line)
        if not match:
            raise ValueError(f"line {no}: expected a precedence pair 'i,j' (got {line!r})")
        i, j = int(match[1]), int(match[2])
        if (i, j) == (-1, -1):
            break
        for k in (i, j):
            if not 1 <= k <= n:
                raise ValueError(f"line {no}: task {k} is not between 1 and {n}")
        if i == j:
            raise ValueError(f"line {no}: task {i} cannot come before itself")
        after[j - 1].add(i)
    else:
        raise ValueError("the precedence list does not end with '-1,-1' (a truncated file?)")
    tasks = [
        BalanceTask(str(k), times[k - 1], tuple(str(i) for i in sorted(after[k - 1])))
        for k in range(1, n + 1)
    ]
    precedence_order(tasks)  # a cycle is the file's fault: say so now
    return tasks


def solve_salbp1(
    tasks: Sequence[BalanceTask], cycle: float, *, time_limit_s: float = 10.0, workers: int = 2
) -> dict[str, Any]:
    """The fewest stations of capacity ``cycle`` that do every task in precedence order.

    Returns ``{"cycle", "stations": [[task numbers…], …], "station_count", "loads", "lower_bound"
    (ceil(sum of times / cycle)), "status" ("optimal" or "feasible"), "wall_s"}``; task numbers as in the file
    (ints when every id is a number). Raises ValueError on a cycle <= 0 or a task longer than the cycle.
    """
    started = time.perf_counter()
    if not tasks:
        raise ValueError("no tasks to balance")
    order = precedence_order(tasks)
    if not (isinstance(cycle, int | float) and math.isfinite(cycle) and cycle > 0):
        raise ValueError(f"the cycle time must be > 0 (got {cycle!r})")
    for t in tasks:
        if t.sam > cycle + 1e-9:
            raise ValueError(
                f"task {t.id} takes {_number(t.sam)}, longer than the cycle time {_number(cycle)}"
            )
    whole = all(float(t.sam).is_integer() for t in tasks) and float(cycle).is_integer()
    scale = 1 if whole else 100
    # Times rounded up and the cycle down: a station that fits in the integers fits in the real numbers.
    dur = {t.id: math.ceil(t.sam * scale - 1e-9) for t in tasks}
    cap = math.floor(cycle * scale + 1e-9)
    lower = math.ceil(sum(t.sam for t in tasks) / cycle - 1e-9)

    greedy = _greedy(tasks, order, dur, cap)
    status, stations = "optimal", greedy
    if len(greedy) > lower:
        status, stations = _cp_sat(tasks, order, dur, cap, greedy, lower, time_limit_s, workers)
    rank = {tid: n for n, tid in enumerate(order)}
    stations = [sorted(st, key=rank.__getitem__) for st in stations]
    sam = {t.id: t.sam for t in tasks}
    numeric = all(t.id.isdigit() for t in tasks)
    return {
        "cycle": _number(cycle),
        "stations": [[int(t) if numeric else t for t in st] for st in stations],
        "station_count": len(stations),
        "loads": [_number(sum(sam[t] for t in st)) for st in stations],
        "lower_bound": lower,
        "status": status,
        "wall_s": round(time.perf_counter() - started, 4),
    }


def solve_file(path: str | Path, cycle: float, *, time_limit_s: float = 10.0) -> dict[str, Any]:
    """``solve_salbp1`` on an ``.IN2`` file, with the instance's name and number of tasks (for the CLI)."""
    path = Path(path)
    tasks = read_in2(path.read_bytes().decode("utf-8", errors="replace"))
    return {
        "instance": path.name,
        "tasks": len(tasks),
        **solve_salbp1(tasks, cycle, time_limit_s=time_limit_s),
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def _greedy(
    tasks: Sequence[BalanceTask], order: Sequence[str], dur: dict[str, int], cap: int
) -> list[list[str]]:
    """Open stations one by one; fill each with the longest task whose predecessors are placed and that fits.

    Always feasible (every task fits in a station alone): the upper bound and the first hint for CP-SAT.
    """
    after = {t.id: set(t.after) for t in tasks}
    rank = {tid: k for k, tid in enumerate(order)}
    placed: set[str] = set()
    stations: list[list[str]] = []
    while len(placed) < len(order):
        station: list[str] = []
        free = cap
        while True:
            fits = [
                t for t in order if t not in placed and after[t] <= placed and dur[t] <= free
            ]  # predecessors in this station count as placed: same station is allowed
            if not fits:
                break
            pick = max(fits, key=lambda t: (dur[t], -rank[t]))
            station.append(pick)
            placed.add(pick)
            free -= dur[pick]
        stations.append(station)
    return stations


def _cp_sat(
    tasks: Sequence[BalanceTask],
    order: Sequence[str],
    dur: dict[str, int],
    cap: int,
    hint: list[list[str]],
    lower: int,
    time_limit_s: float,
    workers: int,
) -> tuple[str, list[list[str]]]:
    """x[j, k]: task j in station k, with k limited to [earliest, latest] from the work before and after j."""
    ub = len(hint)
    before = _closure(tasks, order, reverse=False)
    later = _closure(tasks, order, reverse=True)
    md = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    station_of: dict[str, cp_model.LinearExprT] = {}
    for j in order:
        earliest = math.ceil((dur[j] + sum(dur[i] for i in before[j])) / cap) - 1
        latest = ub - math.ceil((dur[j] + sum(dur[i] for i in later[j])) / cap)
        ks = range(earliest, latest + 1)
        for k in ks:
            x[j, k] = md.new_bool_var(f"x_{j}_{k}")
        md.add_exactly_one(x[j, k] for k in ks)
        station_of[j] = sum(k * x[j, k] for k in ks)
    for t in tasks:
        for i in t.after:
            md.add(station_of[i] <= station_of[t.id])
    used = [md.new_bool_var(f"used_{k}") for k in range(ub)]
    for k in range(ub):
        md.add(sum(dur[j] * v for (j, kk), v in x.items() if kk == k) <= cap * used[k])
        if k + 1 < ub:
            md.add(used[k] >= used[k + 1])
    md.add(sum(used) >= lower)
    md.minimize(sum(used))
    for k, station in enumerate(hint):
        for j in station:
            if (j, k) in x:
                md.add_hint(x[j, k], 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.solve(md)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible", hint  # no better line found in the time: the greedy one stands
    stations: list[list[str]] = [[] for _ in range(ub)]
    for (j, k), v in x.items():
        if solver.boolean_value(v):
            stations[k].append(j)
    return ("optimal" if status == cp_model.OPTIMAL else "feasible"), [st for st in stations if st]


def _closure(tasks: Sequence[BalanceTask], order: Sequence[str], *, reverse: bool) -> dict[str, set[str]]:
    """Every task before each task (or, with ``reverse``, after it), not only the direct ones."""
    direct: dict[str, set[str]] = {t.id: set() for t in tasks}
    for t in tasks:
        for i in t.after:
            if reverse:
                direct[i].add(t.id)
            else:
                direct[t.id].add(i)
    reach: dict[str, set[str]] = {}
    for j in reversed(order) if reverse else order:
        reach[j] = set(direct[j]).union(*(reach[i] for i in direct[j]))
    return reach
