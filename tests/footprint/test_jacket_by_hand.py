"""A selvedge-denim jacket computed by hand with the corrected chain, every factor read from the source files.

Written apart from the engine: the mass walk is spelled out step by step below, and each factor value is read
here from the DESNZ, Ember and Carbonfact files Seamline ships (src/seamline/footprint/data/sources), not from
the registry. The engine's lines must match to the tenth of a gram.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from seamline.footprint.activities import (
    Batch,
    GarmentRecord,
    Leg,
    LifeAfterSale,
    garment_activities,
    material_spec,
)
from seamline.footprint.calc import calculate
from seamline.footprint.factors import load_registry

SOURCES = Path(__file__).resolve().parents[2] / "src/seamline/footprint/data/sources"
Q = Decimal("0.0001")
COTTON = Decimal("1.808")  # Textile Exchange (2014) / Cotton Incorporated (2012): not in a shipped file


@cache
def carbonfact(table: str, key: str) -> tuple[Decimal, Decimal]:
    """(kg CO2e a kg output, kg input a kg output) of a Carbonfact row."""
    with (SOURCES / "carbonfact" / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["descriptor"] == key)
    return Decimal(row["GHG"]), Decimal(row.get("Input_required_kg") or 1)


@cache
def desnz(desnz_id: str) -> Decimal:
    with (SOURCES / "desnz" / "ghg-conversion-factors-2024-flat.csv").open(newline="", encoding="utf-8") as f:
        return Decimal(next(r for r in csv.DictReader(f) if r["ID"] == desnz_id)["value"])


def ember(iso3: str) -> Decimal:
    data = json.loads((SOURCES / "ember" / "average-intensities-2024.json").read_text(encoding="utf-8"))
    return Decimal(str(data[iso3]["emissions_intensity_gco2_per_kwh"])) / 1000


def kg(value: Decimal) -> Decimal:
    return value.quantize(Q, rounding=ROUND_HALF_UP)


def test_a_selvedge_jacket_by_hand():
    registry = load_registry()
    denim = material_spec(
        "13.5 oz Japanese selvedge denim",
        {"cotton": 100},
        width_cm=Decimal(80),
        gsm=Decimal("457.7"),
        registry=registry,
        construction="woven_shuttle",
        dyeing="warp_indigo_rope",
        warp_share_pct=Decimal(61),
        yarn_dtex=Decimal(844),
        mill_port="JPUKB",
    )
    record = GarmentRecord(
        epc="urn:epc:id:sgtin:1.1.1",
        label="1",
        fabric_m=Decimal("1.85"),
        offcut_kg=Decimal("0.05"),
        cut_source="event urn:uuid:cut",
        offcut_source="event urn:uuid:offcuts",
        sam_cutting_min=Decimal("4.5"),
        sam_sewing_min=Decimal("40"),
        cartons_garments=10,
        packing_source="event urn:uuid:pack",
        delivered_source="event urn:uuid:arrive",
        batches=(Batch("garment dyeing", 5, Decimal("41.5"), Decimal("620"), "event urn:uuid:dye"),),
        legs=(Leg("transport:Cut-and-sew floor → Dye house", Decimal("3"), "event urn:uuid:dye"),),
        cut_at=(34.03, -118.25),
    )
    lines = calculate(garment_activities(record, denim, registry, after=LifeAfterSale()), registry).lines
    got = {(line.step, line.factor_id): line.co2e_kg for line in lines}

    # The mill, walked back from the fabric: 1.85 m x 0.80 m x 457.7 g/m2.
    fabric = Decimal("1.85") * Decimal("0.80") * Decimal("457.7") / 1000
    weave, weave_in = carbonfact(
        "weaving", "COMPONENT_PROCESS_STEP:TEXTILE_FORMATION/WEAVING/SHUTTLE#ANY@WORLD"
    )
    size, size_in = carbonfact(
        "weaving", "COMPONENT_PROCESS_STEP:PREPARATION/SIZING/NATURAL_FIBERS#ANY@WORLD"
    )
    dye, dye_in = carbonfact(
        "dyeing", "MATERIAL_PROCESS_STEP:COLORATION/DYEING/YARN/INDIGO/CONTINUOUS/ROPE#NATURAL_FIBERS@WORLD"
    )
    # A 844 dtex denim yarn: the database stops at 370 dtex, the coarsest row is taken (an upper bound).
    spin, spin_in = carbonfact(
        "spinning",
        "MATERIAL_PROCESS_STEP:YARN_FORMATION/SPINNING/FOR_WOVEN/RING#PLANT_FIBERS/COTTON?DTEX=370@WORLD",
    )
    warp = Decimal("0.61")
    woven_yarn = fabric * weave_in  # all the yarn goes through the loom
    sized = woven_yarn * warp  # only the warp is sized ...
    before_sizing = woven_yarn - sized + sized * size_in
    dyed = before_sizing * warp  # ... and only the warp is rope-dyed
    spun = before_sizing - dyed + dyed * dye_in
    fibre = spun * spin_in
    expected = {
        ("fibre", "fibre.cotton.conventional"): kg(fibre * COTTON),
        ("spinning", "process.spinning.ring-cotton-woven-dtex370"): kg(spun * spin),
        ("dyeing", "process.dyeing.indigo-rope-continuous-cellulosic"): kg(dyed * dye),
        ("sizing", "process.weaving.sizing-natural-fibres"): kg(sized * size),
        ("weaving", "process.weaving.shuttle"): kg(fabric * weave),
        ("offcuts", "end-of-life.textile.fibre-to-fibre-recycling"): kg(
            Decimal("0.05") * desnz("20_501_5275_15_1") / 1000
        ),
    }
    for key, value in expected.items():
        assert got[key] == value, key
    # Dyeing is charged on the warp alone: well under the whole yarn's charge.
    assert got[("dyeing", "process.dyeing.indigo-rope-continuous-cellulosic")] < kg(spun * dye) * Decimal(
        "0.65"
    )

    # The fabric ships in: Kobe to Los Angeles by sea (a great-circle estimate), then by truck to the floor.
    sea, truck = (line for line in lines if line.step == "transport:inbound fabric")
    assert 9_000 < sea.distance_km < 9_400 and 30 < truck.distance_km < 50
    assert sea.co2e_kg == kg(
        fabric.quantize(Decimal("0.000001")) / 1000 * sea.distance_km * desnz("27_320_3235_14_1")
    )
    assert truck.co2e_kg == kg(
        fabric.quantize(Decimal("0.000001")) / 1000 * truck.distance_km * desnz("27_304_3140_14_1")
    )

    # The city: Ember's US figure (lifecycle, the offshore grids' basis), the dye house's meters, a van.
    grid = ember("USA")
    garment = fabric.quantize(Decimal("0.000001")) - Decimal("0.05")
    city = {
        "cutting": kg(Decimal("4.5") / 60 * Decimal("1.2") * grid),
        "sewing": kg(Decimal("40") / 60 * Decimal("0.35") * grid),
    }
    for step, value in city.items():
        assert got[(step, "electricity.grid.us")] == value, step
    assert got[("garment dyeing", "electricity.grid.us")] == kg(Decimal("41.5") / 5 * grid)
    water = Decimal(620) / 5 / 1000  # m3 a garment
    assert got[("garment dyeing", "water.supply.municipal")] == kg(water * desnz("17_404_4005_1_1"))
    assert got[("garment dyeing", "water.treatment")] == kg(water * desnz("18_405_4006_1_1"))
    assert got[("transport:Cut-and-sew floor → Dye house", "transport.road.van")] == kg(
        (garment / 1000 * 3).quantize(Decimal("0.0000001")) * desnz("27_303_3102_14_1")
    )
    packing = [line for line in lines if line.step == "packing"]
    assert [line.co2e_kg for line in packing] == [
        kg(Decimal("0.020") * desnz("19_505_5136_15_1") / 1000),
        kg(Decimal("0.004") * desnz("19_506_5164_15_1") / 1000),
        kg(Decimal("0.90") / 10 * desnz("19_506_5156_15_1") / 1000),
    ]
    van_kwh = Decimal(12) / 20 * desnz("9_303_3108_4_6")
    assert got[("delivery", "electricity.grid.us")] == kg(van_kwh * grid)

    # Beyond the door, outside the headline: the garment to landfill (no take-back programme recorded).
    assert got[("end_of_life:landfill", "end-of-life.textile.landfill")] == kg(
        garment * desnz("20_501_5278_15_1") / 1000
    )
    headline = calculate(garment_activities(record, denim, registry, after=LifeAfterSale()), registry)
    assert headline.co2e_kg(boundary="cradle-to-customer") == sum(
        (line.co2e_kg for line in lines if not line.step.startswith(("end_of_life", "use"))), Decimal(0)
    )
    assert (
        headline.co2e_kg(boundary="cradle-to-grave") - headline.co2e_kg(boundary="cradle-to-customer")
        == got[("end_of_life:landfill", "end-of-life.textile.landfill")]
    )
    # Mill finishing has no published factor: its exclusion is stated, not silently dropped.
    assert any("finishing" in note for note in denim.exclusions)


def test_the_use_phase_follows_the_care_label():
    registry = load_registry()
    denim = material_spec("denim", {"cotton": 100}, width_cm=Decimal(80), gsm=Decimal(450), registry=registry)
    record = GarmentRecord(
        "urn:x:1", "1", Decimal("2"), Decimal(0), "event urn:uuid:c", "", Decimal(1), Decimal(1)
    )
    after = LifeAfterSale(wash_c=30, tumble_dry=True, washes=Decimal(52), takeback_share=Decimal("0.25"))
    lines = {
        line.step: line
        for line in calculate(garment_activities(record, denim, registry, after=after), registry).lines
    }
    garment = Decimal("2") * Decimal("0.8") * Decimal(450) / 1000
    wash, _ = carbonfact("use-phase", "USE_PHASE:WASHING/MACHINE/30C#LIQUID_DETERGENT@GLO")
    dry, _ = carbonfact("use-phase", "USE_PHASE:DRYING/TUMBLE#COTTON/CLOSET_DRY@GLO")
    assert lines["use:washing"].co2e_kg == kg(garment * 52 * wash)
    assert lines["use:drying"].co2e_kg == kg(garment * 52 * dry)
    assert lines["end_of_life:landfill"].co2e_kg == kg(
        garment * Decimal("0.75") * desnz("20_501_5278_15_1") / 1000
    )
    assert lines["end_of_life:take-back"].co2e_kg == kg(
        garment * Decimal("0.25") * desnz("20_501_5275_15_1") / 1000
    )
    assert "default" in lines["use:washing"].source and "52 washes" in lines["use:washing"].source


def test_the_alternative_grid_figure_equals_a_whole_calculation_on_that_grid():
    from seamline.footprint.activities import GRID_REGIONAL
    from seamline.footprint.services import on_grid

    registry = load_registry()
    denim = material_spec("denim", {"cotton": 100}, width_cm=Decimal(80), gsm=Decimal(450), registry=registry)
    record = GarmentRecord(
        "urn:x:1",
        "1",
        Decimal("2"),
        Decimal(0),
        "event urn:uuid:c",
        "",
        Decimal("4.5"),
        Decimal(30),
        batches=(Batch("pressing", 3, Decimal("7.3"), None, "event urn:uuid:p"),),
        delivered_source="event urn:uuid:d",
    )
    local = calculate(garment_activities(record, denim, registry), registry)
    regional = calculate(garment_activities(record, denim, registry, grid=GRID_REGIONAL), registry)
    assert on_grid(local, GRID_REGIONAL, registry) == regional.co2e_kg(boundary="cradle-to-customer")
    assert regional.co2e_kg(boundary="cradle-to-customer") != local.co2e_kg(boundary="cradle-to-customer")
