"""Issue #16: the route planner on Solomon's VRPTW instances (VROOM and PyVRP) and on a Los Angeles day.

    .venv/bin/python bench/routing.py [--time 5] [--city-time 8] [--seed 16] [--zone-km 15] [--only C101,R101]

(a) Each instance in tests/data/routing/solomon/ with each solver for ``--time`` seconds: vehicles,
distance (Solomon units, exact from the coordinates), gap to the best-known distance (bks.csv
``distance_BKS_distance``: the shortest known whatever the fleet; the hierarchical best, fewest vehicles
first, is in the report beside it), wall seconds, and every plan checked by seamline.delivery.feasibility.
Target: all feasible, mean gap ≤ 3 % at ≤ 10 s an instance.

(b) A city day, planned by the app's planner (seamline.delivery.routing, VROOM): 500 parcels to random
standard ZIP codes of Los Angeles County within ``--zone-km`` of the hub (their centroids), 20 transfers of
cut bundles between facilities, 6 e-cargo bikes and 6 e-vans from the Arts District hub, windows and a lunch
break, offline great-circle matrices (seamline.delivery.matrix). Target: planned in ≤ 10 s (matrices
included), feasible. Compared, in the same run, with a naive plan: each courier takes a ZIP-sorted share of
the parcels (in proportion to its capacity) and visits them in ZIP order, the transfers at the end of the
vans' days.

Writes bench/out/routing.json; exits 1 when a plan is not feasible.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import zipcodes

from seamline.delivery import pyvrp_solver, routing
from seamline.delivery.feasibility import check_plan
from seamline.delivery.matrix import SOURCES, GreatCircleProvider
from seamline.delivery.problem import (
    Break,
    Job,
    Load,
    Plan,
    Problem,
    Route,
    Stop,
    Transfer,
    Vehicle,
    Visit,
    Window,
)
from seamline.delivery.solomon import plan_routes, read_best_known, read_solomon, routes_distance, to_problem
from seamline.facilities.geocode import distance_km

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import machine  # noqa: E402

DATA = ROOT / "tests" / "data" / "routing" / "solomon"
OUT = ROOT / "bench" / "out" / "routing.json"
TARGET_GAP_PCT = 3.0
SOLVERS = {"vroom": routing.solve, "pyvrp": pyvrp_solver.solve}

H = 3600
HUB = (34.0400, -118.2330)  # Arts District
FACILITIES = {  # cut bundles travel between these (approximate street points)
    "Arts District cutting room": HUB,
    "Vernon dye house": (34.0039, -118.2301),
    "Commerce wash and press": (34.0006, -118.1598),
    "Boyle Heights sewing contractor": (34.0339, -118.2050),
    "Fashion District trims": (34.0360, -118.2510),
}
SHIFT = Window(8 * H, 17 * H)
# California: a 30-minute meal period in a shift of more than 5 hours (Labor Code §512(a)).
LUNCH = ((Window(11 * H + 1800, 13 * H + 1800),), 30 * 60)
# Seamline assumptions for the bench (not measured): what a courier vehicle carries and covers on a charge.
BIKE = {"capacity": Load(35, 120_000), "range_m": 60_000}
VAN = {"capacity": Load(120, 800_000), "range_m": 160_000}
PARCEL_SERVICE_S = 180  # park, walk to the door, photo proof
TRANSFER_SERVICE_S = 600  # load or unload a rack of bundles


def solomon_rows(time_s: float, only: set[str]) -> list[dict]:
    best = read_best_known(DATA / "bks.csv")
    rows = []
    for path in sorted(DATA.glob("*.txt")):
        if only and path.stem not in only:
            continue
        instance = read_solomon(path)
        problem = to_problem(instance)
        known = best[instance.name]
        for name, solve in SOLVERS.items():
            started = time.monotonic()
            plan = solve(problem, seconds=time_s)
            wall = time.monotonic() - started
            routes = plan_routes(plan)
            distance = routes_distance(instance, routes)
            problems = check_plan(problem, plan)
            rows.append(
                {
                    "instance": instance.name,
                    "solver": name,
                    "vehicles": len(routes),
                    "distance": distance,
                    "bks_distance": known.distance,
                    "bks_vehicles": known.distance_vehicles,
                    "hier_bks": [known.hier_vehicles, known.hier_distance],
                    "gap_pct": round(100 * (distance - known.distance) / known.distance, 2),
                    "seconds": round(wall, 2),
                    "unassigned": len(plan.unassigned),
                    "feasible": not problems and not plan.unassigned,
                    "problems": [str(p) for p in problems[:5]],
                }
            )
    return rows


def city_day(*, seed: int, zone_km: float) -> tuple[Problem, list[str]]:
    """The day's problem and each parcel's ZIP code (for the naive plan), drawn with ``seed``."""
    rng = random.Random(seed)
    zips = sorted(
        (z["zip_code"], (float(z["lat"]), float(z["long"])))
        for z in zipcodes.filter_by(county="Los Angeles County", zip_code_type="STANDARD", active=True)
    )
    zips = [(code, point) for code, point in zips if distance_km(point, HUB) <= zone_km]
    parcels = sorted((rng.choice(zips) for _ in range(500)), key=lambda z: z[0])
    rng.shuffle(parcels)
    points = [HUB, *(p for p in FACILITIES.values() if p != HUB)]
    points += sorted({point for _, point in parcels} - set(points))
    place = {point: index for index, point in enumerate(points)}
    jobs = []
    for n, (_, point) in enumerate(parcels):
        windows = ()
        if rng.random() < 0.3:  # a customer who asked for a two-hour slot
            start = rng.choice((9, 11, 13, 15)) * H
            windows = (Window(start, start + 2 * H),)
        jobs.append(
            Job(f"P{n:03d}", Stop(place[point], PARCEL_SERVICE_S, windows), Load(1, rng.randint(300, 3000)))
        )
    names = list(FACILITIES)
    transfers = []
    for n in range(20):
        frm, to = rng.sample(names, 2)
        bundles = rng.randint(2, 6)
        transfers.append(
            Transfer(
                f"T{n:02d}",
                Stop(place[FACILITIES[frm]], TRANSFER_SERVICE_S, (Window(8 * H, 12 * H),)),
                Stop(place[FACILITIES[to]], TRANSFER_SERVICE_S, (Window(8 * H, 16 * H),)),
                Load(bundles, bundles * rng.randint(4_000, 6_000)),
            )
        )
    vehicles = [
        Vehicle(f"bike-{i}", "bike", 0, 0, shift=SHIFT, breaks=(Break(f"lunch-bike-{i}", *LUNCH),), **BIKE)
        for i in range(1, 7)
    ]
    vehicles += [
        Vehicle(f"van-{i}", "van", 0, 0, shift=SHIFT, breaks=(Break(f"lunch-van-{i}", *LUNCH),), **VAN)
        for i in range(1, 7)
    ]
    matrices = GreatCircleProvider().matrices(points, ["bike", "van"])
    return Problem(tuple(vehicles), tuple(jobs), tuple(transfers), matrices), [code for code, _ in parcels]


def naive_plan(problem: Problem, zip_of: list[str]) -> Plan:
    """Each courier takes a ZIP-sorted share of the parcels, in proportion to its capacity, in ZIP order;
    the vans take the transfers in turn after their parcels. No breaks, no optimisation."""
    order = sorted(range(len(problem.jobs)), key=lambda i: (zip_of[i], problem.jobs[i].id))
    room = [v.capacity.parcels for v in problem.vehicles]
    shares, begin = [], 0
    for index, _ in enumerate(problem.vehicles):
        end = round(len(order) * sum(room[: index + 1]) / sum(room))
        shares.append([problem.jobs[i] for i in order[begin:end]])
        begin = end
    vans = [i for i, v in enumerate(problem.vehicles) if v.profile == "van"]
    extra: dict[int, list[Transfer]] = {i: [] for i in vans}
    for n, transfer in enumerate(problem.transfers):
        extra[vans[n % len(vans)]].append(transfer)
    routes = [
        _timed_route(problem, vehicle, shares[i], extra.get(i, []))
        for i, vehicle in enumerate(problem.vehicles)
    ]
    return Plan(tuple(routes), (), solver="naive", seconds=0.0)


def _timed_route(problem: Problem, vehicle: Vehicle, jobs: list[Job], transfers: list[Transfer]) -> Route:
    """Visits at the earliest times (waiting for a window that has not opened, late when it has closed)."""
    matrix = problem.matrices[vehicle.profile]
    load = sum((j.load for j in jobs), Load(0, 0))
    steps = [("job", j.id, j.stop, j.load) for j in jobs]
    for t in transfers:
        steps += [("pickup", t.id, t.pickup, t.load), ("delivery", t.id, t.delivery, t.load)]
    visits = [Visit("start", None, vehicle.start, vehicle.shift.start_s, 0, 0, 0, load)]
    where, now, travelled = vehicle.start, vehicle.shift.start_s, 0
    for kind, item, stop, moved in steps:
        arrival = now + matrix.durations_s[where][stop.location]
        travelled += matrix.distances_m[where][stop.location]
        opens = [w.start_s for w in stop.windows if w.end_s >= arrival]
        waiting = max(0, min(opens) - arrival) if opens else 0
        load = load + moved if kind == "pickup" else load - moved
        visits.append(Visit(kind, item, stop.location, arrival, waiting, stop.service_s, travelled, load))
        where, now = stop.location, arrival + waiting + stop.service_s
    arrival = now + matrix.durations_s[where][vehicle.end]
    travelled += matrix.distances_m[where][vehicle.end]
    visits.append(Visit("end", None, vehicle.end, arrival, 0, 0, travelled, load))
    return Route(vehicle.id, tuple(visits), travelled, arrival - vehicle.shift.start_s)


def city_row(*, seed: int, zone_km: float, time_s: float) -> dict:
    started = time.monotonic()
    problem, zip_of = city_day(seed=seed, zone_km=zone_km)
    built = time.monotonic() - started
    plan = routing.solve(problem, seconds=time_s)
    wall = time.monotonic() - started
    problems = check_plan(problem, plan)
    naive = naive_plan(problem, zip_of)
    naive_kinds: dict[str, int] = {}
    for violation in check_plan(problem, naive):
        naive_kinds[violation.kind] = naive_kinds.get(violation.kind, 0) + 1
    reasons: dict[str, int] = {}
    for entry in plan.unassigned:
        reasons[entry.reason] = reasons.get(entry.reason, 0) + 1
    km = sum(r.distance_m for r in plan.routes) / 1000
    naive_km = sum(r.distance_m for r in naive.routes) / 1000
    return {
        "parcels": len(problem.jobs),
        "transfers": len(problem.transfers),
        "places": len(next(iter(problem.matrices.values())).durations_s),
        "vehicles": len(problem.vehicles),
        "routes": len(plan.routes),
        "km": round(km, 1),
        "naive_km": round(naive_km, 1),
        "saving_pct": round(100 * (naive_km - km) / naive_km, 1),
        "unassigned": len(plan.unassigned),
        "unassigned_reasons": reasons,
        "feasible": not problems,
        "problems": [str(p) for p in problems[:5]],
        "naive_violations": naive_kinds,
        "matrix_seconds": round(built, 2),
        "seconds": round(wall, 2),
        "by_route": [
            {
                "vehicle": r.vehicle,
                "parcels": sum(v.kind == "job" for v in r.visits),
                "transfers": sum(v.kind == "pickup" for v in r.visits),
                "km": round(r.distance_m / 1000, 1),
                "hours": round(r.duration_s / H, 2),
            }
            for r in plan.routes
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=float, default=5.0, help="seconds per Solomon instance and solver")
    parser.add_argument("--city-time", type=float, default=8.0, help="VROOM's seconds for the city day")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--zone-km", type=float, default=15.0, help="the delivery zone around the hub")
    parser.add_argument("--only", default="", help="comma-separated Solomon instances (default: all)")
    parser.add_argument("--no-city", action="store_true")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    load = os.getloadavg()[0]
    print(f"{machine()}; load average {load:.1f}; Solomon {args.time:g} s an instance and solver")
    print(
        f"{'instance':<8} {'solver':<6} {'veh':>4} {'distance':>9} {'BKS':>9} {'gap %':>6} {'s':>5}  feasible"
    )
    rows = solomon_rows(args.time, only)
    for row in rows:
        print(
            f"{row['instance']:<8} {row['solver']:<6} {row['vehicles']:>4} {row['distance']:>9.2f} "
            f"{row['bks_distance']:>9.2f} {row['gap_pct']:>6.2f} {row['seconds']:>5.1f}  "
            f"{'yes' if row['feasible'] else 'NO ' + '; '.join(row['problems'])}"
        )
    means = {}
    for name in SOLVERS:
        gaps = [r["gap_pct"] for r in rows if r["solver"] == name]
        means[name] = round(sum(gaps) / len(gaps), 2) if gaps else None
        print(f"mean gap {name}: {means[name]} % (target ≤ {TARGET_GAP_PCT} %)")
    city = None
    if not args.no_city:
        city = city_row(seed=args.seed, zone_km=args.zone_km, time_s=args.city_time)
        print(
            f"city day: {city['parcels']} parcels, {city['transfers']} transfers, {city['places']} places, "
            f"{city['vehicles']} couriers; {city['routes']} routes, {city['km']} km vs naive "
            f"{city['naive_km']} km ({city['saving_pct']} % less); unassigned {city['unassigned']} "
            f"{city['unassigned_reasons']}; feasible {'yes' if city['feasible'] else 'NO'}; "
            f"{city['seconds']} s (matrices {city['matrix_seconds']} s)"
        )
        print(f"naive plan's violations by kind: {city['naive_violations']}")
        for r in city["by_route"]:
            print(
                f"  {r['vehicle']:<7} {r['parcels']:>3} parcels {r['transfers']:>2} transfers "
                f"{r['km']:>6} km {r['hours']:>5} h"
            )
    report = {
        "machine": machine(),
        "load_average": round(load, 1),
        "time_s": args.time,
        "solomon": rows,
        "mean_gap_pct": means,
        "city": city,
        "assumptions": {k: s.citation for k, s in SOURCES.items() if not s.sourced},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    feasible = all(r["feasible"] for r in rows) and (city is None or city["feasible"])
    return 0 if feasible else 1


if __name__ == "__main__":
    sys.exit(main())
