"""Issue #4: cut-order planning of the demo chore-jacket order on 80 cm selvedge denim.

    .venv/bin/python bench/cutplan.py [--seconds-per-garment 5] [--shortlist 8] [--max-garments 4]

The order is 70 jackets (XS 6, S 12, M 18, L 16, XL 12, XXL 6) of seamline.cutting.demo_pattern on
80 cm selvedge denim with 1 cm selvedge margins (78 cm usable) and a 0.3 cm knife allowance. Cutting-room
settings, each as a small Los Angeles denim micro-factory runs them:
- the table is 12 m (40 ft): LA cutting rooms commonly run 30-60 ft tables, and 40 ft is the short end
  for a shop that spreads full rolls; it holds a marker of four jackets (about 2.9 m each);
- a lay is at most 30 plies: 13.5 oz selvedge denim stacks tall and stiff, and a straight knife drifts
  through a higher stack, so selvedge cutting rooms keep lays low;
- making and spreading a marker costs the equivalent of 50 cm of fabric (plotting the marker, laying up
  and squaring the ends: a quarter hour of a cutter's time at a fabric price of about $12/m);
- each size may be overcut by at most 1 (one spare per size for seconds, no stock of unsold jackets).

It runs the app's own planner, seamline.cutting.planner.plan_order_cut (what `seamline cutplan` and the
cut-plan page run): candidate ratios (1 to 4 garments) are ranked by an area estimate; the shortlist plus
every single-size one-garment ratio is nested for real (the same seconds per garment for every marker, so a
four-jacket marker gets four times a single's time; each marker checked with seamline.cutting.validity),
then CP-SAT chooses ratios and plies and the lays get rolls by shade lot. The naive plan (one garment
per marker, plied to each size's quantity) uses the same single-size nests, so it gets the same budget per
garment. Targets: at least 8% less fabric than the naive plan, under 5 minutes wall. Writes
bench/out/cutplan.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from seamline.cutting.demo_pattern import chore_jacket_pattern
from seamline.cutting.planner import CutSettings, PlanProgress, plan_order_cut, ratio_label
from seamline.cutting.rolls import Roll

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import machine  # noqa: E402

OUT = ROOT / "bench" / "out" / "cutplan.json"
DEMAND = {"XS": 6, "S": 12, "M": 18, "L": 16, "XL": 12, "XXL": 6}
GSM = 458  # 13.5 oz/yd²
ROLLS = [Roll(f"A{i}", "lot-A", Decimal("55.000")) for i in range(1, 4)] + [
    Roll(f"B{i}", "lot-B", Decimal("48.500")) for i in range(1, 4)
]
TARGET_SAVING_PCT = 8.0
TARGET_WALL_S = 300


def settings(args: argparse.Namespace) -> CutSettings:
    return CutSettings(
        fabric_width_cm=80.0,
        margin_cm=1.0,
        spacing_cm=0.3,
        max_plies=30,
        max_marker_length_cm=1200.0,  # 40 ft: see the module docstring
        setup_cost_cm=50.0,
        overcut_max=1,
        seconds_per_garment=args.seconds_per_garment,
        max_garments=args.max_garments,
        shortlist=args.shortlist,
        assumed_utilization=0.83,  # one jacket on 78 cm (ranks candidates only)
        gsm=GSM,
    )


def show(progress: PlanProgress) -> None:
    bar = "#" * int(30 * progress.fraction)
    print(f"\r  |{bar:<30}| {100 * progress.fraction:5.1f}%  {progress.text[:72]:<72}", end="", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds-per-garment", type=float, default=5.0)
    parser.add_argument("--shortlist", type=int, default=8)
    parser.add_argument("--max-garments", type=int, default=4)
    args = parser.parse_args()
    print(f"cutplan bench on {machine()}")
    rules = settings(args)
    started = time.monotonic()
    result = plan_order_cut(chore_jacket_pattern(), DEMAND, rules, ROLLS, on_progress=show)
    wall = time.monotonic() - started
    print()
    plan = result.plan
    markers = []
    for key, (marker, seconds) in result.nested.items():
        markers.append(
            {
                "ratio": dict(key),
                "garments": sum(n for _, n in key),
                "length_cm": round(marker.length_cm, 2),
                "utilization": round(marker.utilization, 4),
                "nest_s": round(seconds, 1),
            }
        )
        print(
            f"  nested {ratio_label(key):<14} {marker.length_cm:7.1f} cm  {100 * marker.utilization:5.1f}%"
            f"  {seconds:5.1f} s  valid"
        )
    print(
        f"\nplan ({plan.status}), table {rules.max_marker_length_cm / 100:.0f} m, "
        f"at most {rules.max_plies} plies:"
    )
    for number, (lay, served) in enumerate(zip(plan.lays, result.rolls.lays, strict=True), start=1):
        utilization = result.nested[tuple((s, lay.ratio[s]) for s in DEMAND if lay.ratio.get(s))][
            0
        ].utilization
        print(
            f"  lay {number} {ratio_label(lay.ratio):<14} {lay.plies:3} plies × {lay.length_cm:7.1f} cm "
            f"({100 * utilization:4.1f}%) = {lay.fabric_cm / 100:7.2f} m   {served.shade_lot}: "
            + ", ".join(f"{u.roll_id} {u.plies}×" for u in served.uses)
        )
    naive_m, plan_m = plan.naive_fabric_cm / 100, plan.fabric_cm / 100
    print(f"  produced {dict(plan.produced)}, overcut {dict(plan.overcut)}")
    print(
        f"fabric: plan {plan_m:.2f} m vs naive {naive_m:.2f} m  → saving {plan.saving_pct:.1f}%"
        f" (target ≥ {TARGET_SAVING_PCT}%)"
    )
    print(f"markers: plan {len(result.markers)}, naive {len(DEMAND)}")
    print(
        f"rolls: {result.rolls.consumed_m} m consumed, {result.rolls.remnant_m} m of remnants; "
        f"off-cuts {result.offcut_kg:.2f} kg at {GSM} g/m²"
    )
    print(f"wall {wall:.0f} s (target < {TARGET_WALL_S} s)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "machine": machine(),
                "order": DEMAND,
                "settings": asdict(rules),
                "markers": markers,
                "plan": {
                    "status": plan.status,
                    "lays": [
                        {"ratio": dict(lay.ratio), "plies": lay.plies, "length_cm": round(lay.length_cm, 2)}
                        for lay in plan.lays
                    ],
                    "fabric_m": round(plan_m, 2),
                    "markers": len(result.markers),
                    "produced": dict(plan.produced),
                    "overcut": dict(plan.overcut),
                },
                "naive": {"fabric_m": round(naive_m, 2), "markers": len(DEMAND)},
                "saving_pct": round(plan.saving_pct, 2),
                "rolls": [
                    {
                        "roll": r.roll_id,
                        "lot": r.shade_lot,
                        "consumed_m": str(r.consumed_m),
                        "remnant_m": str(r.remnant_m),
                    }
                    for r in result.rolls.rolls
                ],
                "offcut_kg": round(result.offcut_kg, 2),
                "wall_s": round(wall, 1),
                "targets_met": plan.saving_pct >= TARGET_SAVING_PCT and wall < TARGET_WALL_S,
            },
            indent=2,
        )
    )
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
