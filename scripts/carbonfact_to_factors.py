"""Derive the Carbonfact process factors of the Seamline registry from the Carbonfact CSVs.

Usage:
    python scripts/carbonfact_to_factors.py [CARBONFACT_DIR] [--update FACTORS_JSON]

Without --update it prints the factors as JSON; with --update it replaces every factor whose id
starts with "process." in FACTORS_JSON (keeping the other factors and their order).

Mapping, per CSV row (Carbonfact Textile LCA Database v1.1.0, CC BY-SA 4.0):
- GHG (EF 3.1 climate change, kg CO2e per kg of output) -> co2e_kg, copied digit for digit.
- WTU is EF 3.1 "water use", in m3 world-equivalent *deprived* (AWARE scarcity-weighted), not a
  volume of water: it cannot be converted to litres, so water_l stays null.
- Input_required_kg (kg of input per kg of output; material loss applied by the caller) -> input_kg_per_kg.
- quality = the PEF data-quality rating (mean of P, TiR, TeR and GR DQR), rounded half up to 1..5.
- geography WORLD (the dataset's world averages; electricity is not regionalised).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "src/seamline/footprint/data/sources/carbonfact"
VERSION = "1.1.0"
YEAR = 2026  # date-released 2026-04-15
LICENCE = "CC BY-SA 4.0"
SOURCE = (
    "Carbonfact Textile LCA Database v1.1.0 (Carrières, Ganesan, Vandepaer, Vieira; Carbonfact, 2026), "
    "{file}, row {descriptor}; EF 3.1 GHG indicator; https://github.com/carbonfact/textile-lca-database; "
    "CC BY-SA 4.0 (see data/LICENSE-CC-BY-SA-4.0.txt, data/CITATION-carbonfact.cff)"
)

# (csv file, descriptor without the "...:" step prefix) -> Seamline factor id
SELECTION: list[tuple[str, str, str]] = [
    # spinning: ring-spun cotton for weaving (dtex 370 ~ Ne 16, 300 ~ Ne 20, 200 ~ Ne 30: denim warp/weft)
    (
        "spinning",
        "YARN_FORMATION/SPINNING/FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=370@WORLD",
        "process.spinning.ring-cotton-woven-dtex370",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=300@WORLD",
        "process.spinning.ring-cotton-woven-dtex300",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=200@WORLD",
        "process.spinning.ring-cotton-woven-dtex200",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/FOR_KNIT/RING#PLANT_FIBERS/COTTON?DTEX=200@WORLD",
        "process.spinning.ring-cotton-knit-dtex200",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/FOR_KNIT/RING#PLANT_FIBERS/COTTON?DTEX=150@WORLD",
        "process.spinning.ring-cotton-knit-dtex150",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/OPEN_END#PLANT_FIBERS/COTTON?DTEX=370@WORLD",
        "process.spinning.open-end-cotton-dtex370",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/OPEN_END#PLANT_FIBERS/COTTON?DTEX=300@WORLD",
        "process.spinning.open-end-cotton-dtex300",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/RING#SYNTHETIC_FIBERS/POLYESTER?DTEX=150@WORLD",
        "process.spinning.ring-polyester-dtex150",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/MELT_DTY#SYNTHETIC_FIBERS/POLYESTER@WORLD",
        "process.spinning.melt-polyester-filament-dty",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/MELT_POY#SYNTHETIC_FIBERS/POLYESTER@WORLD",
        "process.spinning.melt-polyester-filament-poy",
    ),
    (
        "spinning",
        "YARN_FORMATION/SPINNING/DRY#SYNTHETIC_FIBERS/ELASTANE@WORLD",
        "process.spinning.dry-elastane-filament",
    ),
    # weaving (denim-relevant counts; shuttle looms make selvedge denim)
    ("weaving", "PREPARATION/SIZING/NATURAL_FIBERS#ANY@WORLD", "process.weaving.sizing-natural-fibres"),
    ("weaving", "TEXTILE_FORMATION/WEAVING/AIR_JET#ANY?DTEX=370@WORLD", "process.weaving.air-jet-dtex370"),
    ("weaving", "TEXTILE_FORMATION/WEAVING/AIR_JET#ANY?DTEX=300@WORLD", "process.weaving.air-jet-dtex300"),
    ("weaving", "TEXTILE_FORMATION/WEAVING/AIR_JET#ANY?DTEX=200@WORLD", "process.weaving.air-jet-dtex200"),
    ("weaving", "TEXTILE_FORMATION/WEAVING/SHUTTLE#ANY@WORLD", "process.weaving.shuttle"),
    ("weaving", "TEXTILE_FORMATION/WEAVING/RAPIER#ANY@WORLD", "process.weaving.rapier"),
    # knitting
    (
        "knitting",
        "TEXTILE_FORMATION/KNITTING/CIRCULAR#ANY?DTEX=150@WORLD",
        "process.knitting.circular-dtex150",
    ),
    (
        "knitting",
        "TEXTILE_FORMATION/KNITTING/CIRCULAR#ANY?DTEX=200@WORLD",
        "process.knitting.circular-dtex200",
    ),
    (
        "knitting",
        "TEXTILE_FORMATION/KNITTING/CIRCULAR#ANY?DTEX=300@WORLD",
        "process.knitting.circular-dtex300",
    ),
    ("knitting", "TEXTILE_FORMATION/KNITTING/FLAT#ANY@WORLD", "process.knitting.flat"),
    # dyeing: cellulosic (indigo, reactive, vat) and synthetic (disperse), batch and continuous
    (
        "dyeing",
        "COLORATION/DYEING/YARN/INDIGO/CONTINUOUS/ROPE#NATURAL_FIBERS@WORLD",
        "process.dyeing.indigo-rope-continuous-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/REACTIVE/CONTINUOUS/PAD_STEAM#NATURAL_FIBERS@WORLD",
        "process.dyeing.reactive-continuous-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/REACTIVE/SEMI-CONTINUOUS/CPB#NATURAL_FIBERS@WORLD",
        "process.dyeing.reactive-cpb-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/REACTIVE/BATCH/SOFTFLOW_JET#NATURAL_FIBERS@WORLD",
        "process.dyeing.reactive-batch-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/GARMENT/REACTIVE/BATCH/FRONT_LOADER#NATURAL_FIBERS@WORLD",
        "process.dyeing.reactive-garment-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/VAT/CONTINUOUS/PAD_STEAM#NATURAL_FIBERS@WORLD",
        "process.dyeing.vat-continuous-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/YARN/VAT/BATCH/PACKAGE#NATURAL_FIBERS@WORLD",
        "process.dyeing.vat-batch-yarn-cellulosic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/DISPERSE/BATCH/SOFTFLOW_JET#SYNTHETIC_FIBERS@WORLD",
        "process.dyeing.disperse-batch-synthetic",
    ),
    (
        "dyeing",
        "COLORATION/DYEING/FABRIC/DISPERSE/CONTINUOUS/THERMOSOL#SYNTHETIC_FIBERS@WORLD",
        "process.dyeing.disperse-continuous-synthetic",
    ),
]


def _rows(directory: Path, name: str) -> dict[str, dict[str, str]]:
    with (directory / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return {row["descriptor"].split(":", 1)[1]: row for row in csv.DictReader(handle)}


def _quality(row: dict[str, str]) -> int:
    dqr = sum(Decimal(row[k]) for k in ("P_dqr", "TiR_dqr", "TeR_dqr", "GR_dqr")) / 4
    return max(1, min(5, int(dqr.quantize(Decimal("1"), rounding=ROUND_HALF_UP))))


def derive(directory: Path = DEFAULT_DIR) -> list[dict[str, object]]:
    tables = {name: _rows(directory, name) for name in {s[0] for s in SELECTION}}
    factors = []
    for name, descriptor, factor_id in SELECTION:
        row = tables[name][descriptor]
        loss = row.get("Input_required_kg") or row.get("Input required (kg)")
        factors.append(
            {
                "id": factor_id,
                "activity": f"{row['Activity']} (per kg output, {name})",
                "unit": "kg",
                "co2e_kg": Decimal(row["GHG"]),
                "water_l": None,
                "geography": "WORLD",
                "year": YEAR,
                "source": SOURCE.format(file=f"{name}.csv", descriptor=row["descriptor"]),
                "licence": LICENCE,
                "quality": _quality(row),
                "input_kg_per_kg": Decimal(loss) if loss else None,
                "note": f"WTU {row['WTU']} m3 world-eq deprived (AWARE) per kg: a scarcity index, not litres",
            }
        )
    return factors


_MARK = "\u0000dec:"


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{_MARK}{value}"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dumps(document: object) -> str:
    """JSON with each Decimal written as a number with exactly its own digits (no float round trip)."""
    text = json.dumps(_plain(document), indent=2, ensure_ascii=False)
    return re.sub(r'"\\u0000dec:([^"]+)"', r"\1", text) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--update", type=Path, help="factors JSON file whose process.* factors to replace")
    args = parser.parse_args(argv)
    derived = derive(args.directory)
    if args.update is None:
        sys.stdout.write(dumps(derived))
        return 0
    document = json.loads(args.update.read_text(encoding="utf-8"), parse_float=Decimal)
    kept = [f for f in document["factors"] if not f["id"].startswith("process.")]
    first = next((i for i, f in enumerate(document["factors"]) if f["id"].startswith("process.")), len(kept))
    document["factors"] = kept[:first] + derived + kept[first:]
    args.update.write_text(dumps(document), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
