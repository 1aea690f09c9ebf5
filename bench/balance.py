"""Issue #18: line balancing, SALBP-1 on the bundled instances and the operator line balancer.

    .venv/bin/python bench/balance.py [--time 10] [--seed 18]

(a) SALBP-1 (``seamline.planning.salbp``, what ``seamline balance FILE --cycle C`` runs) on each instance of
tests/data/balancing/ at several cycle times: stations, the lower bound ceil(sum / c), status, wall seconds.
Jackson's published optima are checked.

(b) ``seamline.planning.balance.balance_line`` on the JACKET routing (20 operations, seconds turned into
minutes) with 8 operators, and on a synthetic 40-operation line with 15 operators: each operator can do a
random 70 % of the operations at an efficiency of 0.7 to 1.2 (seeded); bottleneck, operators used, balance
efficiency, status and wall seconds.

Writes bench/out/balance.json; exits 1 when a Jackson optimum is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from seamline.planning.balance import BalanceTask, LineOperator, balance_line
from seamline.planning.salbp import read_in2, solve_salbp1

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import machine  # noqa: E402

DATA = ROOT / "tests" / "data" / "balancing"
OUT = ROOT / "bench" / "out" / "balance.json"
CYCLES = {
    "JACKSON.IN2": [7, 9, 10, 13, 14, 21],
    "JACKET.IN2": [110, 120, 150, 200, 250, 300],
    "TEE.IN2": [50, 60, 75, 100],
}
JACKSON_OPTIMA = {7: 8, 9: 6, 10: 5, 13: 4, 14: 4, 21: 3}


def salbp_rows(time_s: float) -> list[dict]:
    rows = []
    for name, cycles in CYCLES.items():
        tasks = read_in2((DATA / name).read_text())
        for c in cycles:
            r = solve_salbp1(tasks, c, time_limit_s=time_s)
            rows.append(
                {
                    "instance": name,
                    "tasks": len(tasks),
                    "cycle": c,
                    "stations": r["station_count"],
                    "lower_bound": r["lower_bound"],
                    "status": r["status"],
                    "wall_s": r["wall_s"],
                }
            )
    return rows


def operators(task_ids: list[str], count: int, rng: random.Random) -> list[LineOperator]:
    ops = []
    for k in range(count):
        skills = {t: round(rng.uniform(0.7, 1.2), 2) for t in task_ids if rng.random() < 0.7}
        ops.append(LineOperator(f"op{k + 1:02d}", skills))
    return ops


def synthetic_tasks(n: int, rng: random.Random) -> list[BalanceTask]:
    tasks = []
    for k in range(n):
        after = tuple(f"t{p}" for p in range(max(0, k - 6), k) if rng.random() < 0.25)
        tasks.append(BalanceTask(f"t{k}", round(rng.uniform(0.2, 1.6), 2), after))
    return tasks


def line_rows(time_s: float, seed: int) -> list[dict]:
    rng = random.Random(seed)
    jacket = [
        BalanceTask(t.id, round(t.sam / 60, 4), t.after) for t in read_in2((DATA / "JACKET.IN2").read_text())
    ]
    cases = [
        ("JACKET, 8 operators", jacket, operators([t.id for t in jacket], 8, rng), 20.0),
        (
            "synthetic 40 ops, 15 operators",
            (syn := synthetic_tasks(40, rng)),
            operators([t.id for t in syn], 15, rng),
            30.0,
        ),
    ]
    rows = []
    for label, tasks, ops, target in cases:
        r = balance_line(tasks, ops, target_per_hour=target, time_limit_s=time_s)
        rows.append(
            {
                "case": label,
                "tasks": len(tasks),
                "operators": len(ops),
                "status": r.status,
                "bottleneck_min": r.bottleneck_min,
                "bound_min": r.lower_bound_min,
                "used": len(r.stations),
                "output_per_hour": round(r.output_per_hour, 2),
                "target_per_hour": target,
                "meets_target": r.meets_target,
                "balance_efficiency": round(r.balance_efficiency, 3),
                "wall_s": round(r.wall_s, 3),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    print(machine())
    salbp = salbp_rows(args.time)
    print(f"{'instance':<12} {'n':>3} {'c':>4} {'stations':>8} {'LB':>3} {'status':<9} {'wall s':>7}")
    for r in salbp:
        print(
            f"{r['instance']:<12} {r['tasks']:>3} {r['cycle']:>4} {r['stations']:>8} {r['lower_bound']:>3} "
            f"{r['status']:<9} {r['wall_s']:>7.3f}"
        )
    lines = line_rows(args.time, args.seed)
    for r in lines:
        head = f"{r['case']}: {r['status']}, bottleneck {r['bottleneck_min']} min (bound {r['bound_min']})"
        print(f"{head} on {r['used']}/{r['operators']} operators, {r['output_per_hour']}/h")
        print(f"  target {r['target_per_hour']}/h, balance {r['balance_efficiency']:.1%}, {r['wall_s']} s")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"machine": machine(), "salbp1": salbp, "lines": lines}, indent=2))
    missed = [
        r for r in salbp if r["instance"] == "JACKSON.IN2" and r["stations"] != JACKSON_OPTIMA[r["cycle"]]
    ]
    for r in missed:
        print(
            f"MISSED: Jackson c={r['cycle']}: {r['stations']} stations, "
            f"published {JACKSON_OPTIMA[r['cycle']]}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
