"""Issue #18: the floor's scheduler (seamline.planning.scheduler, CP-SAT) on Brandimarte and on a floor week.

    .venv/bin/python bench/schedule.py [--time 60] [--week-time 28] [--seed 18] [--only mk01,mk03] [--no-week]

(a) Brandimarte's flexible job-shop instances mk01–mk05 (tests/data/scheduling/brandimarte/, read by
seamline.planning.fjsp) at ``--time`` seconds each: makespan, the proven optimum (bks.csv), the gap to it,
CP-SAT's own bound and gap, wall seconds. Target: mean gap to the optimum ≤ 5 % at 60 s an instance.

(b) A floor week, drawn with ``--seed``: 20 orders × 25 operations (cut, 16 sewing operations in four
sub-assemblies, 4 assembly operations, garment dye, laser wash, press, pack), 30 operators (each sewing
operation has 2–6 qualified operators, each at 70–120 % of standard), 5 facilities (cutting, a dye house
with two jets, laser, press, pack), 5 days × 480 working minutes with a few absences and a dye-house
maintenance stop, due dates spread over the week, fabric arriving on days 1–2. Target: ≤ 30 s; reports
the weighted tardiness, the makespan and CP-SAT's gap.

Every plan is checked by tests/planning/schedule_checker.py (written apart from the model). Writes
bench/out/schedule.json; exits 1 when a plan breaks a constraint.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from tests.planning.schedule_checker import check_schedule  # noqa: E402

from common import machine  # noqa: E402
from seamline.planning.fjsp import read_fjsp  # noqa: E402
from seamline.planning.scheduler import Job, Mode, Problem, Resource, Task, solve  # noqa: E402

DATA = ROOT / "tests" / "data" / "scheduling" / "brandimarte"
OUT = ROOT / "bench" / "out" / "schedule.json"
TARGET_GAP_PCT = 5.0
TARGET_WEEK_S = 30.0
DAY = 480  # working minutes a day: the engine's axis is working time
WORKERS, SEWING_OPS, ORDERS = 30, 40, 20
SAM = (0.5, 2.0)  # standard minutes a garment for one sewing operation


def brandimarte_rows(time_s: float, only: set[str]) -> list[dict]:
    best = {row["instance"]: row for row in csv.DictReader((DATA / "bks.csv").open())}
    rows = []
    for path in sorted(DATA.glob("mk*.txt")):
        if only and path.stem not in only:
            continue
        problem = read_fjsp(path.read_text())
        started = time.monotonic()
        solution = solve(problem, time_limit_s=time_s)
        wall = time.monotonic() - started
        faults = check_schedule(problem, solution)
        optimum = int(best[path.stem]["UB"])
        rows.append(
            {
                "instance": path.stem,
                "jobs": len(problem.jobs),
                "machines": len(problem.resources),
                "operations": len(problem.tasks),
                "makespan": solution.makespan,
                "optimum": optimum,
                "gap_pct": round(100 * (solution.makespan - optimum) / optimum, 2),
                "bound": solution.bound,
                "cpsat_gap_pct": round(100 * solution.gap, 2),
                "status": solution.status,
                "seconds": round(wall, 2),
                "valid": not faults,
                "faults": faults[:5],
            }
        )
    return rows


def floor_week(seed: int) -> Problem:
    """The week's problem, drawn with ``seed`` (the same seed, the same week)."""
    rng = random.Random(seed)
    workers = [f"worker:{n}" for n in range(1, WORKERS + 1)]
    qualified = {op: rng.sample(workers, rng.randint(2, 6)) for op in range(SEWING_OPS)}
    efficiency = {(op, w): rng.uniform(0.70, 1.20) for op, ws in qualified.items() for w in ws}
    sick = rng.sample(workers, 4)  # a day each, or an afternoon
    resources = [Resource(w, blocked=_absence(rng, w in sick)) for w in workers] + [
        Resource("facility:cut"),
        Resource("facility:dye", capacity=2, blocked=((2 * DAY + 240, 2 * DAY + 360),)),  # maintenance
        Resource("facility:laser", blocked=((3 * DAY, 3 * DAY + 240),)),  # the laser's lens is replaced
        Resource("facility:press"),
        Resource("facility:pack"),
    ]
    jobs, tasks = [], []
    for o in range(1, ORDERS + 1):
        order, units = f"PO-{o:03d}", rng.choice((24, 36, 48, 60, 72))
        release = rng.choice((0, 0, 0, DAY, 2 * DAY))
        jobs.append(Job(order, due=rng.randint(release + 2 * DAY, 5 * DAY), weight=rng.randint(1, 3)))
        ops = rng.sample(range(SEWING_OPS), 20)
        sams = {op: rng.uniform(*SAM) for op in ops}
        sewing = {
            op: tuple(Mode(w, math.ceil(units * sams[op] / efficiency[op, w])) for w in qualified[op])
            for op in ops
        }
        # (name, modes, the names it waits for)
        steps: list[tuple[str, tuple[Mode, ...], list[str]]] = [
            ("cut", (Mode("facility:cut", 30 + units // 2),), [])
        ]
        for part in range(4):  # front, back, sleeves, collar: four chains of four operations after the cut
            chain = ops[4 * part : 4 * part + 4]
            steps += [
                (f"sew{op}", sewing[op], [f"sew{chain[n - 1]}" if n else "cut"]) for n, op in enumerate(chain)
            ]
        joins = [f"sew{ops[4 * part + 3]}" for part in range(4)]
        for op in ops[16:]:  # assembly joins the four parts, then goes on in a row
            steps.append((f"sew{op}", sewing[op], joins))
            joins = [f"sew{op}"]
        for name, mode in (
            ("dye", Mode("facility:dye", rng.randint(120, 180))),
            ("laser", Mode("facility:laser", 20 + units // 2)),
            ("press", Mode("facility:press", math.ceil(units * 0.6))),
            ("pack", Mode("facility:pack", math.ceil(units * 0.4))),
        ):
            steps.append((name, (mode,), [steps[-1][0]]))
        for name, modes, after in steps:
            waits = tuple(f"{order}:{a}" for a in after)
            tasks.append(Task(f"{order}:{name}", order, modes, after=waits, release=release))
    return Problem(tuple(resources), tuple(jobs), tuple(tasks))


def _absence(rng: random.Random, sick: bool) -> tuple[tuple[int, int], ...]:
    if not sick:
        return ()
    day = rng.randint(0, 4)
    return ((day * DAY, (day + 1) * DAY),) if rng.random() < 0.5 else ((day * DAY + 240, (day + 1) * DAY),)


def week_row(seed: int, time_s: float) -> dict:
    started = time.monotonic()
    problem = floor_week(seed)
    lines: list[tuple[float, str]] = []
    solution = solve(problem, time_limit_s=time_s, progress=lambda s: lines.append((time.monotonic(), s)))
    wall = time.monotonic() - started
    faults = check_schedule(problem, solution)
    by_resource: dict[str, int] = {}
    for a in solution.assignments:
        by_resource[a.resource] = by_resource.get(a.resource, 0) + a.end - a.start
    return {
        "orders": len(problem.jobs),
        "operations": len(problem.tasks),
        "operators": WORKERS,
        "facilities": len(problem.resources) - WORKERS,
        "modes": sum(len(t.modes) for t in problem.tasks),
        "status": solution.status,
        "tardiness": solution.tardiness,
        "late_orders": len(solution.late_jobs),
        "makespan": solution.makespan,
        "bound": solution.bound,
        "cpsat_gap_pct": round(100 * solution.gap, 2),
        "seconds": round(wall, 2),
        "first_solution": lines[0][1] if lines else None,
        "last_solutions": [f"{s} (wall {t - started:.1f} s)" for t, s in lines[-3:]],
        "busiest": sorted(by_resource.items(), key=lambda kv: -kv[1])[:5],
        "valid": not faults,
        "faults": faults[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=float, default=60.0, help="seconds per Brandimarte instance")
    parser.add_argument("--week-time", type=float, default=28.0, help="CP-SAT's seconds for the floor week")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--only", default="", help="comma-separated instances (default: mk01–mk05)")
    parser.add_argument("--no-week", action="store_true")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    load = os.getloadavg()[0]
    print(f"{machine()}; load average {load:.1f}; Brandimarte {args.time:g} s an instance")
    head = ("instance", "ops", "Cmax", "opt", "gap %", "bound", "CP-SAT gap %", "s")
    print(f"{head[0]:<8} " + " ".join(f"{h:>{max(5, len(h))}}" for h in head[1:]))
    rows = brandimarte_rows(args.time, only)
    for r in rows:
        print(
            f"{r['instance']:<8} {r['operations']:>5} {r['makespan']:>5} {r['optimum']:>5} "
            f"{r['gap_pct']:>5.2f} {r['bound']:>5} {r['cpsat_gap_pct']:>12.2f} {r['seconds']:>5.1f}  "
            f"{'valid' if r['valid'] else 'INVALID ' + '; '.join(r['faults'])}"
        )
    mean = round(sum(r["gap_pct"] for r in rows) / len(rows), 2) if rows else None
    print(f"mean gap to the optimum: {mean} % (target ≤ {TARGET_GAP_PCT} %)")
    week = None
    if not args.no_week:
        week = week_row(args.seed, args.week_time)
        print(
            f"floor week: {week['orders']} orders, {week['operations']} operations ({week['modes']} modes), "
            f"{week['operators']} operators, {week['facilities']} facilities; {week['status']}: "
            f"tardiness {week['tardiness']} weighted min ({week['late_orders']} orders late), makespan "
            f"{week['makespan']} (bound {week['bound']}, CP-SAT gap {week['cpsat_gap_pct']} %), "
            f"{week['seconds']} s (target ≤ {TARGET_WEEK_S:g} s); "
            f"{'valid' if week['valid'] else 'INVALID ' + '; '.join(week['faults'])}"
        )
        print(f"  first: {week['first_solution']}; last: {week['last_solutions']}")
        print(f"  busiest: {week['busiest']}")
    report = {
        "machine": machine(),
        "load_average": round(load, 1),
        "time_s": args.time,
        "brandimarte": rows,
        "mean_gap_pct": mean,
        "week": week,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    valid = all(r["valid"] for r in rows) and (week is None or week["valid"])
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
