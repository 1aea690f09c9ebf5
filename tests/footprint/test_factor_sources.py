"""Registry 2026.2 against the source files it cites, the checker, and `seamline footprint factors`.

The comparisons here read the copied CSV/JSON files themselves (csv, json), not through sources.py, so a
bug in the checker cannot hide a wrong factor.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from seamline.cli import main
from seamline.footprint.factors import DATA_DIR, FactorError, load_registry
from seamline.footprint.sources import Problem, check_registry, matches

SOURCES = DATA_DIR / "sources"
NEW = DATA_DIR / "factors-2026.2.json"
# sha256 of the published factors-2026.1.json: published footprints cite it, so it never changes.
SHA256_2026_1 = "7f7175524da26add84360b39239d638983168bbb33b9dff64b97104e0b40bd44"


def _csv(name: str, key: str) -> dict[str, dict[str, str]]:
    with (SOURCES / name).open(newline="", encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


DESNZ = _csv("desnz/ghg-conversion-factors-2024-flat.csv", "ID")
EMBER = json.loads((SOURCES / "ember/average-intensities-2024.json").read_text(encoding="utf-8"))
REGISTRY = load_registry("2026.2")


def _rounded_like(value: Decimal, exact: Decimal) -> bool:
    """`value` is `exact` itself or `exact` rounded half up to value's decimal places."""
    return value == exact or exact.quantize(value, rounding=ROUND_HALF_UP) == value


def test_2026_1_is_the_published_file_unchanged():
    assert hashlib.sha256((DATA_DIR / "factors-2026.1.json").read_bytes()).hexdigest() == SHA256_2026_1
    old = load_registry("2026.1")
    assert old.version == "2026.1" and dict(old.parameters) == {}
    assert old.get("electricity.grid.us-camx").co2e_kg == Decimal("0.2265")


# (factor id, DESNZ 2024 ID, per-unit scale, the value the registry must carry) -- read off the CSV by hand.
DESNZ_EXPECTED = [
    ("transport.sea.container", "27_320_3235_14_1", "1", "0.01612"),
    ("transport.air.freight", "27_317_3158_14_1", "1", "1.09904"),
    ("transport.road.truck", "27_304_3140_14_1", "1", "0.09752"),
    ("transport.road.van", "27_303_3102_14_1", "1", "0.61643"),
    ("packaging.corrugated-cardboard", "19_506_5156_15_1", "0.001", "1.19397"),
    ("packaging.ldpe-mailer", "19_505_5136_15_1", "0.001", "2.95932"),
    ("packaging.paper-hangtag", "19_506_5164_15_1", "0.001", "1.33932"),
    ("end-of-life.textile.landfill", "20_501_5278_15_1", "0.001", "0.49668"),
    ("end-of-life.textile.fibre-to-fibre-recycling", "20_501_5275_15_1", "0.001", "0.00641"),
    ("water.supply.municipal", "17_404_4005_1_1", "0.001", "0.00015311"),
    ("water.treatment", "18_405_4006_1_1", "0.001", "0.00018574"),
    ("heat.natural-gas.kwh", "1_100_1004_6_1", "1", "0.1829"),
]


@pytest.mark.parametrize(("factor_id", "desnz_id", "scale", "value"), DESNZ_EXPECTED)
def test_desnz_factors_equal_the_2024_flat_file(factor_id, desnz_id, scale, value):
    row = DESNZ[desnz_id]
    factor = REGISTRY.get(factor_id)
    assert factor.co2e_kg == Decimal(value)
    assert _rounded_like(factor.co2e_kg, Decimal(row["value"]) * Decimal(scale))
    assert factor.check is not None and factor.check["key"] == desnz_id
    assert factor.year == 2024 and factor.licence == "OGL v3.0" and desnz_id in factor.source


def test_desnz_rows_are_the_ones_named():
    assert DESNZ["19_505_5136_15_1"]["Level 3"] == "Plastics: LDPE and LLDPE (incl. forming)"
    assert DESNZ["27_304_3140_14_1"]["Level 2"] == "HGV (all diesel)"
    assert DESNZ["27_304_3140_14_1"]["Column Text"] == "Average laden"
    assert DESNZ["27_303_3102_14_1"]["Level 3"] == "Average (up to 3.5 tonnes)"
    assert DESNZ["27_303_3102_14_1"]["Column Text"] == "Diesel"
    assert DESNZ["27_317_3158_14_1"]["Column Text"] == "With RF"
    van = DESNZ["9_303_3108_4_6"]
    assert (van["Level 3"], van["Column Text"], van["UOM"], van["GHG/Unit"], van["value"]) == (
        "Average (up to 3.5 tonnes)",
        "Battery Electric Vehicle",
        "km",
        "kWh (net)",
        "0.3528",
    )


def test_every_desnz_check_and_the_gas_mj_and_van_parameter_agree_with_the_file():
    items = [*REGISTRY.factors.values(), *REGISTRY.parameters.values()]
    checked = [item for item in items if item.check and item.check["file"].startswith("desnz/")]
    assert len(checked) >= len(DESNZ_EXPECTED) + 2
    for item in checked:
        value = getattr(item, "co2e_kg", None)
        value = item.value if value is None else value
        exact = Decimal(DESNZ[item.check["key"]]["value"]) * Decimal(item.check.get("scale", "1"))
        exact /= Decimal(item.check.get("divide", "1"))
        assert _rounded_like(value, exact), item.id
    assert REGISTRY.get("heat.natural-gas.mj").co2e_kg == Decimal("0.05080556")  # 0.1829 / 3.6
    assert REGISTRY.parameter("parameter.bev-van.kwh-per-km").value == Decimal(
        DESNZ["9_303_3108_4_6"]["value"]
    )


GRIDS = {
    "us": "USA",
    "cn": "CHN",
    "bd": "BGD",
    "in": "IND",
    "vn": "VNM",
    "pk": "PAK",
    "tr": "TUR",
    "jp": "JPN",
}


@pytest.mark.parametrize(("code", "iso3"), GRIDS.items())
def test_ember_grids_equal_the_2024_file(code, iso3):
    entry = EMBER[iso3]
    factor = REGISTRY.get(f"electricity.grid.{code}")
    assert factor.co2e_kg == Decimal(str(entry["emissions_intensity_gco2_per_kwh"])) / 1000
    assert factor.year == entry["year"]  # the country's own data year
    assert factor.geography == code.upper() and factor.basis == "lifecycle"
    assert factor.licence == "CC BY-SA 4.0" and factor.check["key"] == iso3


def test_every_carbonfact_factor_equals_its_row():
    tables: dict[str, dict[str, dict[str, str]]] = {}
    carbonfact = [
        f for f in REGISTRY.factors.values() if f.check and f.check["file"].startswith("carbonfact/")
    ]
    assert len(carbonfact) >= 60
    for factor in carbonfact:
        name = factor.check["file"]
        table = tables.setdefault(name, _csv(name, "descriptor"))
        row = table[factor.check["key"]]
        assert factor.co2e_kg == Decimal(row["GHG"]), factor.id
        loss = row.get("Input_required_kg") or row.get("Input required (kg)")
        assert factor.input_kg_per_kg == (Decimal(loss) if loss else None), factor.id
        assert factor.water_l is None and factor.licence == "CC BY-SA 4.0"


@pytest.mark.parametrize(
    ("marker", "family"),
    [
        ("/FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=", "process.spinning.ring-cotton-woven-dtex"),
        ("/FOR_KNIT/RING#PLANT_FIBERS/COTTON?DTEX=", "process.spinning.ring-cotton-knit-dtex"),
        ("/OPEN_END#PLANT_FIBERS/COTTON?DTEX=", "process.spinning.open-end-cotton-dtex"),
        ("/WEAVING/AIR_JET#ANY?DTEX=", "process.weaving.air-jet-dtex"),
    ],
)
def test_every_cotton_spinning_and_air_jet_row_is_a_factor(marker, family):
    name = "carbonfact/weaving.csv" if "WEAVING" in marker else "carbonfact/spinning.csv"
    counts = {int(re.search(r"DTEX=(\d+)@", d).group(1)) for d in _csv(name, "descriptor") if marker in d}
    assert min(counts) == 45 and max(counts) == 370
    ids = {fid for fid in REGISTRY.factors if fid.startswith(family)}
    assert ids == {f"{family}{n}" for n in counts}


def test_use_phase_factors_are_per_kg_of_textile():
    rows = _csv("carbonfact/use-phase.csv", "descriptor")
    for fid, key in [
        ("use.washing.machine-30c", "USE_PHASE:WASHING/MACHINE/30C#LIQUID_DETERGENT@GLO"),
        ("use.washing.machine-40c", "USE_PHASE:WASHING/MACHINE/40C#LIQUID_DETERGENT@GLO"),
        ("use.washing.machine-60c", "USE_PHASE:WASHING/MACHINE/60C#LIQUID_DETERGENT@GLO"),
        ("use.drying.tumble-cotton", "USE_PHASE:DRYING/TUMBLE#COTTON/CLOSET_DRY@GLO"),
    ]:
        factor = REGISTRY.get(fid)
        assert factor.unit == "kg" and rows[key]["Functional unit"] == "1 kg textile"
        assert factor.co2e_kg == Decimal(rows[key]["GHG"])


def test_the_carbonfact_files_have_no_finishing_row():
    """Issue #14 asked for a finishing/desizing/sanforizing factor if the database had one: it has none."""
    for name in ("carbonfact/weaving.csv", "carbonfact/dyeing.csv"):
        text = (SOURCES / name).read_text(encoding="utf-8").upper()
        assert not re.search(r"FINISH|DESIZ|SANFOR", text), name
    assert not any(fid.startswith("process.finishing.") for fid in REGISTRY.factors)


def test_unsourced_values_say_why_and_the_rest_name_source_licence_year():
    unsourced = {f.id for f in REGISTRY.factors.values() if not f.sourced}
    assert {
        "fibre.cotton.recycled",
        "fibre.elastane.virgin",
        "fibre.linen.conventional",
        "fibre.silk.conventional",
        "transport.road.bev-van-camx",
        "transport.road.cargo-bike-camx",
    } <= unsourced
    for factor in REGISTRY.factors.values():
        assert factor.sourced == (not factor.unsourced_reason), factor.id
        assert factor.source and factor.licence and factor.year
    assert not REGISTRY.parameter("parameter.cargo-bike.kwh-per-km").sourced


def test_checker_finds_no_problem_but_the_labelled_unsourced_ones():
    problems = check_registry(REGISTRY)
    assert {p.kind for p in problems} == {"unsourced"}
    unsourced = {f.id for f in REGISTRY.factors.values() if not f.sourced}
    unsourced |= {p.id for p in REGISTRY.parameters.values() if not p.sourced}
    assert {p.id for p in problems} == unsourced
    assert check_registry(load_registry("2026.1")) == []  # nothing to check, nothing unsourced-flagged


def test_the_rounding_rule():
    exact = Decimal("496.68303") * Decimal("0.001")
    assert matches(Decimal("0.49668"), exact) and matches(Decimal("0.4967"), exact)
    assert matches(Decimal("0.49668303"), exact)
    assert not matches(Decimal("0.5"), exact)  # one significant digit: too coarse to count as the value
    assert not matches(Decimal("0.500"), exact)
    assert not matches(Decimal("0.49669"), exact)
    assert matches(Decimal("0.05080556"), Decimal("0.1829") / Decimal("3.6"))


def test_checker_names_a_missing_file_or_key(tmp_path):
    document = json.loads(NEW.read_text(encoding="utf-8"))
    for raw in document["factors"]:
        if raw["id"] == "transport.road.truck":
            raw["check"]["key"] = "27_304_9999_14_1"
        if raw["id"] == "electricity.grid.cn":
            raw["check"]["file"] = "ember/nowhere.json"
    (tmp_path / NEW.name).write_text(json.dumps(document), encoding="utf-8")
    problems = [p for p in check_registry(load_registry(path=tmp_path)) if p.kind != "unsourced"]
    flat = "desnz/ghg-conversion-factors-2024-flat.csv"
    assert problems == [
        Problem("electricity.grid.cn", "check", f"no source file ember/nowhere.json under {SOURCES}"),
        Problem("transport.road.truck", "check", f"no key '27_304_9999_14_1' in {flat}"),
    ]


# ---- the command


def test_factors_command_lists_and_checks_the_shipped_registry(capsys):
    assert main(["footprint", "factors", "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("factor registry 2026.2:")
    line = next(line for line in out.splitlines() if line.startswith("transport.road.truck "))
    assert "0.09752" in line and "2024" in line and "OGL v3.0" in line and "1/1/2/2/1" in line
    line = next(line for line in out.splitlines() if line.startswith("fibre.silk.conventional "))
    assert line.endswith("UNSOURCED")
    assert "warning: UNSOURCED fibre.silk.conventional:" in out
    assert ", 0 problems" in out and "PROBLEM" not in out


def test_factors_command_lists_an_older_version(capsys):
    assert main(["footprint", "factors", "--version", "2026.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("factor registry 2026.1:") and "UNSOURCED" not in out


@pytest.mark.parametrize("as_file", [False, True])
def test_factors_check_fails_on_an_edited_value(tmp_path, capsys, as_file):
    text = NEW.read_text(encoding="utf-8")
    assert text.count('"co2e_kg": 0.09752,') == 1  # the truck: 2026.1's 0.107 put back
    path = tmp_path / NEW.name
    path.write_text(text.replace('"co2e_kg": 0.09752,', '"co2e_kg": 0.107,'), encoding="utf-8")
    assert main(["footprint", "factors", "--check", "--registry", str(path if as_file else tmp_path)]) == 1
    out = capsys.readouterr().out
    problem = next(line for line in out.splitlines() if line.startswith("PROBLEM "))
    assert "transport.road.truck" in problem and "0.107" in problem and "0.09752" in problem
    assert "27_304_3140_14_1" in problem and ", 1 problems" in out


def test_factors_options_do_not_go_with_an_order(capsys):
    assert main(["footprint", "PO-00003", "--check"]) == 2
    assert "seamline footprint factors" in capsys.readouterr().err


def test_factors_command_bad_version_is_one_line_exit_2(capsys):
    assert main(["footprint", "factors", "--version", "1999.1"]) == 2
    assert "no registry version '1999.1'" in capsys.readouterr().err


# ---- loader rules of schema /2


def _new_document() -> dict:
    return json.loads(NEW.read_text(encoding="utf-8"))


def _load_bad(tmp_path: Path, document: dict) -> FactorError:
    (tmp_path / NEW.name).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FactorError) as info:
        load_registry(path=tmp_path)
    return info.value


def _factor(document: dict, factor_id: str) -> dict:
    return next(raw for raw in document["factors"] if raw["id"] == factor_id)


def test_unsourced_without_a_reason_fails(tmp_path):
    document = _new_document()
    _factor(document, "fibre.silk.conventional").pop("unsourced_reason")
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("fibre.silk.conventional", "unsourced_reason")
    assert "sourced is false" in str(error)


def test_unsourced_parameter_without_a_reason_fails(tmp_path):
    document = _new_document()
    document["parameters"][1]["unsourced_reason"] = "  "
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("parameter.cargo-bike.kwh-per-km", "unsourced_reason")


@pytest.mark.parametrize(
    ("rating", "message"), [(4, "greater than the maximum"), (0, "less than the minimum")]
)
def test_dqr_out_of_1_to_3_fails(tmp_path, rating, message):
    document = _new_document()
    _factor(document, "transport.road.truck")["dqr"]["temporal"] = rating
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("transport.road.truck", "dqr")
    assert message in str(error)


def test_dqr_out_of_range_on_a_parameter_fails(tmp_path):
    document = _new_document()
    document["parameters"][0]["dqr"]["reliability"] = 5
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("parameter.bev-van.kwh-per-km", "dqr")


def test_schema_2_requires_dqr_and_a_quality_that_follows_from_it(tmp_path):
    document = _new_document()
    _factor(document, "transport.road.truck").pop("dqr")
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("transport.road.truck", "dqr")
    document = _new_document()
    _factor(document, "transport.road.truck")["quality"] = 4
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("transport.road.truck", "quality")
    assert "1/1/2/2/1" in str(error)


def test_a_bad_check_shape_fails(tmp_path):
    document = _new_document()
    _factor(document, "transport.road.truck")["check"]["scale"] = "a thousandth"
    error = _load_bad(tmp_path, document)
    assert (error.factor_id, error.field) == ("transport.road.truck", "check")
