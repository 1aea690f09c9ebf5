"""The factor registry: the shipped file is valid, bad files fail loudly, versions stay loadable."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from seamline.footprint.factors import DATA_DIR, FactorError, is_geography, load_registry, registry_versions
from seamline.footprint.units import UNITS

SHIPPED = DATA_DIR / "factors-2026.1.json"
CARBONFACT = Path(__file__).resolve().parents[1] / "data/factors/carbonfact"


def _document() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def _write(directory: Path, document: dict, version: str | None = None) -> Path:
    version = version or document["version"]
    document = {**document, "version": version}
    path = directory / f"factors-{version}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_shipped_registry_loads_and_every_factor_is_sound():
    registry = load_registry()
    assert registry.version == "2026.1" == registry_versions()[-1]
    assert len(registry.factors) >= 50
    for fid, factor in registry.factors.items():
        assert factor.id == fid and factor.version == registry.version
        assert factor.unit in UNITS
        assert isinstance(factor.co2e_kg, Decimal) and factor.co2e_kg >= 0
        assert factor.water_l is None or (isinstance(factor.water_l, Decimal) and factor.water_l >= 0)
        assert 1 <= factor.quality <= 5
        assert factor.source and factor.licence and is_geography(factor.geography)


def test_shipped_registry_covers_the_issue():
    ids = set(load_registry().factors)
    required = {
        "fibre.cotton.conventional", "fibre.cotton.organic", "fibre.cotton.recycled",
        "fibre.polyester.virgin", "fibre.polyester.recycled", "fibre.elastane.virgin",
        "fibre.wool.conventional", "fibre.linen.conventional", "fibre.silk.conventional",
        "fibre.viscose.conventional", "fibre.lyocell.conventional",
        "electricity.grid.us-camx", "electricity.grid.cn", "electricity.grid.bd", "electricity.grid.in",
        "electricity.grid.vn", "electricity.grid.pk", "electricity.grid.tr",
        "heat.natural-gas.kwh", "heat.natural-gas.mj",
        "transport.sea.container", "transport.air.freight", "transport.road.truck",
        "transport.road.bev-van-camx", "transport.road.cargo-bike-camx",
        "packaging.corrugated-cardboard", "packaging.ldpe-mailer", "packaging.paper-hangtag",
        "end-of-life.textile.landfill", "end-of-life.textile.fibre-to-fibre-recycling",
        "process.dyeing.reactive-continuous-cellulosic", "process.dyeing.indigo-rope-continuous-cellulosic",
    }  # fmt: skip
    assert required <= ids
    for prefix in ("process.spinning.", "process.weaving.", "process.knitting.", "process.dyeing."):
        assert any(i.startswith(prefix) for i in ids), prefix


def test_factor_units_are_the_expected_ones():
    registry = load_registry()
    assert registry.get("electricity.grid.us-camx").unit == "kWh"
    assert registry.get("heat.natural-gas.mj").unit == "MJ"
    assert registry.get("transport.sea.container").unit == "t.km"
    assert registry.get("transport.road.bev-van-camx").unit == "km"
    assert registry.get("fibre.cotton.organic").unit == "kg"


def test_hand_checked_values():
    registry = load_registry()
    assert registry.get("electricity.grid.us-camx").co2e_kg == Decimal("0.2265")  # eGRID2022 226.5 kg/MWh
    assert registry.get("electricity.grid.us-camx").geography == "US-CAMX"
    # the per-MJ gas factor is the per-kWh one divided by 3.6 MJ/kWh (to 8 significant digits)
    gas_kwh, gas_mj = (
        registry.get("heat.natural-gas.kwh").co2e_kg,
        registry.get("heat.natural-gas.mj").co2e_kg,
    )
    assert abs(gas_mj * Decimal("3.6") - gas_kwh) < Decimal("1e-7")
    assert registry.get("fibre.cotton.conventional").water_l == Decimal("2120")
    # derived van factor = 0.25 kWh/km x CAMX
    assert registry.get("transport.road.bev-van-camx").co2e_kg == Decimal("0.25") * Decimal("0.2265")


@pytest.mark.skipif(not CARBONFACT.is_dir(), reason="Carbonfact CSVs not on this machine")
@pytest.mark.parametrize(
    ("csv_name", "descriptor_end", "factor_id"),
    [
        ("dyeing", "FABRIC/REACTIVE/CONTINUOUS/PAD_STEAM#NATURAL_FIBERS@WORLD",
         "process.dyeing.reactive-continuous-cellulosic"),
        ("dyeing", "YARN/INDIGO/CONTINUOUS/ROPE#NATURAL_FIBERS@WORLD",
         "process.dyeing.indigo-rope-continuous-cellulosic"),
        ("spinning", "FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=370@WORLD",
         "process.spinning.ring-cotton-woven-dtex370"),
        ("weaving", "WEAVING/SHUTTLE#ANY@WORLD", "process.weaving.shuttle"),
        ("knitting", "CIRCULAR#ANY?DTEX=200@WORLD", "process.knitting.circular-dtex200"),
    ],
)  # fmt: skip
def test_carbonfact_rows_match_the_source(csv_name, descriptor_end, factor_id):
    with (CARBONFACT / f"{csv_name}.csv").open(newline="", encoding="utf-8") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["descriptor"].endswith(descriptor_end)]
    factor = load_registry().get(factor_id)
    assert factor.co2e_kg == Decimal(row["GHG"])
    loss = row.get("Input_required_kg") or row.get("Input required (kg)")
    assert factor.input_kg_per_kg == Decimal(loss)
    assert factor.water_l is None  # WTU is a scarcity index (m3 world-eq deprived), not litres
    assert factor.licence == "CC BY-SA 4.0" and "Carbonfact Textile LCA Database" in factor.source


def test_carbonfact_attribution_ships_beside_the_data():
    assert (DATA_DIR / "LICENSE-CC-BY-SA-4.0.txt").is_file()
    assert "Carbonfact" in (DATA_DIR / "CITATION-carbonfact.cff").read_text(encoding="utf-8")


def test_unknown_factor_id_names_the_id():
    with pytest.raises(FactorError, match=re.escape("'fibre.unobtainium'")):
        load_registry().get("fibre.unobtainium")


def _first(document: dict) -> dict:
    return document["factors"][0]


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda f: f.pop("unit"), "unit", "missing"),
        (lambda f: f.pop("source"), "source", "missing"),
        (lambda f: f.update(co2e_kg=-0.5), "co2e_kg", "less than the minimum"),
        (lambda f: f.update(water_l=-1), "water_l", "not valid"),
        (lambda f: f.update(unit="furlong"), "unit", "unknown unit 'furlong'"),
        (lambda f: f.update(quality=0), "quality", "less than the minimum"),
        (lambda f: f.update(quality=6), "quality", "greater than the maximum"),
        (lambda f: f.update(geography="XX"), "geography", "bad geography 'XX'"),
        (lambda f: f.update(geography="USA"), "geography", "bad geography"),
        (lambda f: f.update(geography="US-LAXX"), "geography", "bad geography"),
        (lambda f: f.update(source=""), "source", "non-empty"),
    ],
)
def test_bad_factor_fails_naming_file_factor_and_field(tmp_path, mutate, field, message):
    document = _document()
    bad_id = _first(document)["id"]
    mutate(_first(document))
    path = _write(tmp_path, document)
    with pytest.raises(FactorError, match=message) as info:
        load_registry(path=tmp_path)
    error = info.value
    assert (error.file, error.factor_id, error.field) == (path.name, bad_id, field)
    assert path.name in str(error) and bad_id in str(error) and field in str(error)


def test_duplicate_id_fails(tmp_path):
    document = _document()
    document["factors"].append(dict(document["factors"][3]))
    path = _write(tmp_path, document)
    with pytest.raises(FactorError, match="duplicate id") as info:
        load_registry(path=tmp_path)
    assert (info.value.file, info.value.factor_id, info.value.field) == (
        path.name,
        document["factors"][3]["id"],
        "id",
    )


def test_float_values_are_read_as_decimal_exactly(tmp_path):
    document = _document()
    _first(document)["co2e_kg"] = 0.1
    _write(tmp_path, document)
    assert load_registry(path=tmp_path).get(_first(document)["id"]).co2e_kg == Decimal("0.1")


def test_a_bad_old_version_fails_start_up_too(tmp_path):
    good = _document()
    bad = _document()
    _first(bad)["quality"] = 9
    _write(tmp_path, good, "2026.2")
    _write(tmp_path, bad, "2025.1")
    with pytest.raises(FactorError, match=re.escape("factors-2025.1.json")):
        load_registry(path=tmp_path)


def test_file_name_and_version_must_agree(tmp_path):
    document = _document()
    (tmp_path / "factors-2027.1.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FactorError, match="version"):
        load_registry(path=tmp_path)


def test_newest_is_default_and_older_stays_loadable_unchanged(tmp_path):
    shutil.copy(SHIPPED, tmp_path / SHIPPED.name)
    newer = _document()
    changed_id = "electricity.grid.us-camx"
    for raw in newer["factors"]:
        if raw["id"] == changed_id:
            raw["co2e_kg"] = 0.2
    _write(tmp_path, newer, "2026.10")  # 2026.10 > 2026.2 > 2026.1: versions compare as numbers

    assert registry_versions(tmp_path) == ["2026.1", "2026.10"]
    default = load_registry(path=tmp_path)
    assert default.version == "2026.10"
    assert default.get(changed_id).co2e_kg == Decimal("0.2") and default.get(changed_id).version == "2026.10"
    old = load_registry("2026.1", path=tmp_path)
    assert old.get(changed_id).co2e_kg == Decimal("0.2265")
    assert old.factors == load_registry("2026.1").factors  # same as the shipped one, unchanged


def test_unknown_version_is_an_error(tmp_path):
    shutil.copy(SHIPPED, tmp_path / SHIPPED.name)
    with pytest.raises(FactorError, match=re.escape("no registry version '1999.1'")):
        load_registry("1999.1", path=tmp_path)


def test_single_file_path_loads(tmp_path):
    path = _write(tmp_path, _document())
    assert load_registry(path=path).version == "2026.1"


def test_geography_codes():
    assert is_geography("US-CAMX") and is_geography("WORLD") and is_geography("BD")
    assert not is_geography("XX") and not is_geography("world") and not is_geography("US-XXXX")
