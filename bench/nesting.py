"""Issue #4: marker nesting on the ESICUP garment instances, next to sparrow's published densities.

    .venv/bin/python bench/nesting.py [--time 60] [--workers 2] [--seed 1] [--only albano,dagli]

Nests every instance in bench/data/nesting/ (strip height = fabric width, no selvedge, no spacing) through
seamline.cutting.nesting for `--time` seconds, checks each layout with seamline.cutting.validity (an
independent shapely check: overlaps, inside the strip, allowed turns, demand, placed areas) and prints the
density next to sparrow's published mean (Gardeyn & Wauters, 1200 s, 3 threads, 100 runs). Target (issue
#4, 2 cores, 60 s): within 2.5 points of the published mean on every instance, every layout valid.
Writes bench/out/nesting.json; exits 1 when a layout is invalid (density misses are reported, not enforced).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from seamline.cutting.esicup import load_instance
from seamline.cutting.nesting import nest
from seamline.cutting.validity import check_marker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import machine  # noqa: E402

DATA = ROOT / "bench" / "data" / "nesting"
OUT = ROOT / "bench" / "out" / "nesting.json"
TARGET_POINTS = 2.5
# Sparrow's published mean density, % (bench/data/nesting/README.md).
PUBLISHED_MEAN = {
    "albano": 89.47,
    "dagli": 89.26,
    "mao": 86.14,
    "marques": 90.93,
    "shirts": 89.66,
    "swim": 78.26,
    "trousers": 91.73,
}


def run_instance(path: Path, *, time_s: int, workers: int, seed: int) -> dict:
    """Nest one instance and check it; the row written to the report."""
    inst = load_instance(path)
    started = time.monotonic()
    marker = nest(
        inst.pieces,
        fabric_width_cm=inst.strip_height,
        margin_cm=0.0,
        spacing_cm=0.0,
        time_s=time_s,
        seed=seed,
        workers=workers,
    )
    wall_s = time.monotonic() - started
    # Instance units differ (shirts ~40, swim ~5752 across); sparrow works in float32, so the
    # tolerance follows the strip's scale.
    tolerance = max(0.01, inst.strip_height * 1e-5)
    problems = check_marker(
        marker, usable_width_cm=inst.strip_height, tolerance_cm=tolerance, pieces=inst.pieces
    )
    density = 100 * marker.utilization
    published = PUBLISHED_MEAN.get(inst.name)
    gap = None if published is None else round(density - published, 2)
    return {
        "instance": inst.name,
        "pieces": len(marker.placements),
        "strip_height": inst.strip_height,
        "length": round(marker.length_cm, 4),
        "density_pct": round(density, 2),
        "sparrow_mean_pct": published,
        "gap_points": gap,
        "within_target": gap is not None and gap >= -TARGET_POINTS,
        "valid": not problems,
        "problems": problems[:10],
        "tolerance": tolerance,
        "wall_s": round(wall_s, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=int, default=60, help="seconds per instance (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated instance names (default: all)")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    paths = [p for p in sorted(DATA.glob("*.json")) if not only or p.stem in only]
    if not paths:
        print(f"no instances in {DATA} matching {sorted(only)}", file=sys.stderr)
        return 2
    print(f"{machine()}; {args.time} s per instance, {args.workers} workers, seed {args.seed}")
    print(f"{'instance':<10} {'pieces':>6} {'density %':>9} {'sparrow %':>9} {'gap':>6}  valid  wall s")
    rows = []
    for path in paths:
        row = run_instance(path, time_s=args.time, workers=args.workers, seed=args.seed)
        rows.append(row)
        gap = "" if row["gap_points"] is None else f"{row['gap_points']:+.2f}"
        mark = "" if row["within_target"] else "  (misses the 2.5-point target)"
        print(
            f"{row['instance']:<10} {row['pieces']:>6} {row['density_pct']:>9.2f} "
            f"{row['sparrow_mean_pct'] or float('nan'):>9.2f} {gap:>6}  {'yes' if row['valid'] else 'NO':<5} "
            f"{row['wall_s']:>6.1f}{mark}"
        )
        for problem in row["problems"]:
            print(f"    {problem}")
    report = {
        "machine": machine(),
        "time_s": args.time,
        "workers": args.workers,
        "seed": args.seed,
        "target_points": TARGET_POINTS,
        "instances": rows,
        "all_valid": all(r["valid"] for r in rows),
        "all_within_target": all(r["within_target"] for r in rows),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0 if report["all_valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
