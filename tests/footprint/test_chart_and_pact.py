"""The comparison chart (parses, a bar per step per run) and the PACT v2 ProductFootprint dict."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from seamline.footprint.baseline import offshore_baseline
from seamline.footprint.calc import calculate
from seamline.footprint.chart_svg import comparison_svg
from seamline.footprint.pact import product_footprint
from tests.footprint.test_calc import REG, garment_activities

SVG = "{http://www.w3.org/2000/svg}"


def _runs():
    local = calculate(garment_activities(), REG)
    offshore = {
        f"Dhaka <{code}> & co": calculate(
            offshore_baseline(garment_activities(), country=code, registry=REG), REG
        )
        for code in ("BD",)
    }
    offshore["Guangzhou, CN"] = calculate(
        offshore_baseline(garment_activities(), country="CN", registry=REG), REG
    )
    return local, offshore


def test_chart_parses_with_a_bar_per_step_per_run():
    local, offshore = _runs()
    svg = comparison_svg(local, offshore, title='Jacket "J-1" <local> & offshore')
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "fp-bar"]
    steps = {r.get("data-step") for r in bars}
    runs = {r.get("data-run") for r in bars}
    assert runs == {"Local", "Dhaka <BD> & co", "Guangzhou, CN"}
    # cradle-to-customer: no end_of_life bar; the offshore legs are steps of their own
    assert "end_of_life" not in steps and {"delivery", "transport:ocean", "sewing", "fibre"} <= steps
    assert len(bars) == len(steps) * len(runs)
    widths = {(r.get("data-run"), r.get("data-step")): float(r.get("width")) for r in bars}
    assert widths[("Local", "transport:ocean")] == 0.0 and widths[("Guangzhou, CN", "transport:ocean")] > 0
    assert max(widths.values()) == 420.0  # the largest bar fills the scale
    texts = "".join(root.itertext())
    assert 'Jacket "J-1" <local> & offshore' in texts
    local_kg = local.co2e_kg(boundary="cradle-to-customer")
    assert f"Local: {local_kg:.2f} kg CO2e per garment, travels 16 km" in texts  # rounded for people
    assert f"travels {offshore['Guangzhou, CN'].km_traveled:,.0f} km" in texts
    assert comparison_svg(local, offshore, title="x") == comparison_svg(local, offshore, title="x")


def test_chart_of_an_empty_footprint_still_parses():
    empty = calculate([], REG)
    root = ET.fromstring(comparison_svg(empty, {}))
    assert [r for r in root.iter(f"{SVG}rect") if r.get("class") == "fp-bar"] == []


DECIMAL_STRING = re.compile(r"^-?\d+(\.\d+)?$")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _pf(**overrides):
    local = calculate(garment_activities(), REG)
    args = dict(
        product_name="Selvedge chore jacket",
        product_ids=["urn:gtin:00012345678905"],
        company_name="Seamline demo micro-factory",
        company_ids=["urn:uuid:0b5e1c1e-7d3f-4a4b-9c2a-1f1e2d3c4b5a"],
        reference_period=(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)),
        boundary="cradle-to-gate",
        product_mass_kg=D("0.8"),
        created=datetime(2026, 2, 2, 12, 0, tzinfo=UTC),
    )
    args.update(overrides)
    return local, product_footprint(local, **args)


def test_pact_product_footprint_fields_and_types():
    _, pf = _pf()
    json.dumps(pf)  # JSON-ready
    required = ("id", "specVersion", "version", "created", "status", "companyName", "companyIds")
    required += (
        "productDescription",
        "productIds",
        "productCategoryCpc",
        "productNameCompany",
        "comment",
        "pcf",
    )
    assert set(required) <= set(pf)
    uuid.UUID(pf["id"])
    assert pf["specVersion"].startswith("2.") and pf["status"] == "Active" and isinstance(pf["version"], int)
    assert ISO_Z.match(pf["created"]) and pf["created"] == "2026-02-02T12:00:00Z"
    pcf = pf["pcf"]
    for key in ("unitaryProductAmount", "pCfExcludingBiogenic", "fossilGhgEmissions",
                "fossilCarbonContent", "biogenicCarbonContent"):  # fmt: skip
        assert isinstance(pcf[key], str) and DECIMAL_STRING.match(pcf[key]), key
    # a garment is declared per kg in v2: 10.98 kg CO2e / 0.8 kg = 13.725 kg CO2e per kg
    assert (pcf["declaredUnit"], pcf["unitaryProductAmount"], pcf["pCfExcludingBiogenic"]) == (
        "kilogram", "0.8", "13.725",
    )  # fmt: skip
    assert pcf["characterizationFactors"] == "AR6" and pcf["ipccCharacterizationFactorsSources"] == ["AR6"]
    assert "GHG Protocol Product standard" in pcf["crossSectoralStandardsUsed"]
    assert "excludes delivery" in pcf["boundaryProcessesDescription"]
    assert pcf["referencePeriodStart"] == "2026-01-01T00:00:00Z" and ISO_Z.match(pcf["referencePeriodEnd"])
    assert pcf["primaryDataShare"] == pytest.approx(28.69)  # 3.15 / 10.98, in percent
    dqi = pcf["dqi"]
    assert set(dqi) == {"coveragePercent", "technologicalDQR", "temporalDQR", "geographicalDQR",
                        "completenessDQR", "reliabilityDQR"}  # fmt: skip
    # grid lines (quality 2 -> 1.5) carry 2.7 of 10.98 kg; the rest quality 3 -> 2.0
    assert dqi["technologicalDQR"] == pytest.approx(round((2.7 * 1.5 + 8.28 * 2.0) / 10.98, 2))
    assert all(1 <= v <= 3 for k, v in dqi.items() if k != "coveragePercent")
    assert (
        pcf["packagingEmissionsIncluded"] is True and pcf["packagingGhgEmissions"] == "0.0625"
    )  # 0.05 / 0.8
    assert pcf["exemptedEmissionsPercent"] == 0


def test_pact_customer_boundary_and_bad_input():
    _, pf = _pf(boundary="cradle-to-customer")
    assert pf["pcf"]["pCfExcludingBiogenic"] == "13.9125"  # 11.13 / 0.8
    assert _pf()[1]["id"] == _pf()[1]["id"] != pf["id"]  # stable id per footprint and boundary
    with pytest.raises(ValueError, match="no 'piece' unit"):
        _pf(product_mass_kg=None)
    with pytest.raises(ValueError, match="URN"):
        _pf(product_ids=["12345"])
    with pytest.raises(ValueError, match="unknown boundary"):
        _pf(boundary="gate-to-gate")
    with pytest.raises(ValueError, match="end after"):
        _pf(reference_period=(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)))


GRID_DQR = {"technological": 1, "temporal": 1, "geographical": 1, "completeness": 3, "reliability": 2}


def test_pact_dqr_per_indicator_from_the_factors_own_ratings():
    _, pf = _pf(dqr={"electricity.grid.us-camx": GRID_DQR})
    dqi = pf["pcf"]["dqi"]
    # the grid lines (2.7 of 10.98 kg) carry their own ratings; the rest, unrated, quality 3 -> 2.0
    for key, rating in GRID_DQR.items():
        expected = round((2.7 * rating + 8.28 * 2.0) / 10.98, 2)
        assert dqi[f"{key}DQR"] == pytest.approx(expected), key
    assert dqi["technologicalDQR"] < dqi["reliabilityDQR"] < dqi["completenessDQR"]
    rated = {
        line.factor_id: {key: 3 for key in GRID_DQR} for line in calculate(garment_activities(), REG).lines
    }
    assert set(_pf(dqr=rated)[1]["pcf"]["dqi"].values()) == {100, 3.0}  # every line rated 3: all 3


def test_pact_boundaries_exclusions_and_unsourced_factors():
    gate = _pf()[1]["pcf"]["boundaryProcessesDescription"]
    assert "warp sizing on the warp only" in gate and "shipped in from the mill's port" in gate
    grave = _pf(boundary="cradle-to-grave")[1]["pcf"]["boundaryProcessesDescription"]
    assert "landfill against take-back" in grave and "excludes the use phase" in grave
    with_use = _pf(boundary="cradle-to-grave-with-use")[1]
    assert "washes at the care label's temperature" in with_use["pcf"]["boundaryProcessesDescription"]
    assert (
        with_use["pcf"]["pCfExcludingBiogenic"]
        == _pf(boundary="cradle-to-grave")[1]["pcf"]["pCfExcludingBiogenic"]
    )
    # a method-1 snapshot keeps the description it was made with, and has no with-use boundary
    old = _pf(method_version=1)[1]["pcf"]["boundaryProcessesDescription"]
    assert "sizing" not in old and old.startswith("fibre production, yarn and fabric processes (with")
    with pytest.raises(ValueError, match="method 1 has no cradle-to-grave-with-use boundary"):
        _pf(method_version=1, boundary="cradle-to-grave-with-use")

    assert _pf()[1]["pcf"]["exemptedEmissionsDescription"] == ""
    finishing = "Mill finishing (desizing, sanforizing, drying) is not counted."
    assert _pf(exclusions=[finishing])[1]["pcf"]["exemptedEmissionsDescription"] == finishing

    unsourced = [{"factor_id": "fibre.elastane", "activity": "Elastane", "reason": "no citable LCA"}]
    _, pf = _pf(unsourced=unsourced, comment="Seamline footprint v3 of PO-00003.")
    assert pf["comment"] == (
        "Seamline footprint v3 of PO-00003. Unsourced factors, with no citable published value: "
        "fibre.elastane (no citable LCA)."
    )
    assert pf["pcf"]["pCfExcludingBiogenic"] == _pf()[1]["pcf"]["pCfExcludingBiogenic"]  # still exported
    assert "Unsourced" not in _pf()[1]["comment"]
