"""The footprint engine against hand-computed figures (round factors, numbers worked out in comments)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from seamline.footprint.calc import (
    Activity,
    ChainStep,
    allocate_by_sam,
    calculate,
    material_chain,
    sam_shares,
    stage,
)
from seamline.footprint.factors import Factor, FactorError, Registry
from seamline.footprint.units import UnitError, convert


def _factor(fid, unit, co2e, water=None, quality=3, input_kg_per_kg=None):
    return Factor(
        id=fid,
        activity=fid,
        unit=unit,
        co2e_kg=D(co2e),
        water_l=None if water is None else D(water),
        geography="WORLD",
        year=2024,
        source=f"test factor {fid}",
        licence="CC0",
        quality=quality,
        input_kg_per_kg=None if input_kg_per_kg is None else D(input_kg_per_kg),
        version="t1",
    )


def make_registry() -> Registry:
    factors = [
        _factor("fibre.cotton.organic", "kg", "2", water="100"),
        _factor("fibre.elastane", "kg", "10"),
        _factor("process.spinning", "kg", "1", input_kg_per_kg="1.6"),
        _factor("process.weaving", "kg", "0.5"),  # no loss recorded: input_kg_per_kg None -> 1
        _factor("process.dyeing.conventional", "kg", "3", water="50", input_kg_per_kg="1.25"),
        _factor("process.finishing.wash", "kg", "0.5", water="20"),
        _factor("electricity.grid.us-camx", "kWh", "0.25", quality=2),
        _factor("electricity.grid.bd", "kWh", "0.6"),
        _factor("electricity.grid.cn", "kWh", "0.5"),
        _factor("heat.natural_gas", "MJ", "0.05"),
        _factor("packaging.cardboard", "kg", "1"),
        _factor("transport.sea.container", "t.km", "0.01"),
        _factor("transport.road.truck", "t.km", "0.1"),
        _factor("transport.van.electric", "km", "0.05"),
        _factor("end_of_life.recycling.fibre_to_fibre", "kg", "0.2"),
        _factor("end_of_life.landfill", "kg", "0.5"),
    ]
    return Registry(version="t1", factors={f.id: f for f in factors})


REG = make_registry()
CHAIN = [
    ChainStep("spinning", "process.spinning"),
    ChainStep("weaving", "process.weaving"),
    ChainStep("dyeing", "process.dyeing.conventional"),
]


def garment_activities() -> list[Activity]:
    """One garment of a batch of 4: 3.2 kg of fabric cut (0.8 kg each), 0.8 kg of off-cuts recycled."""
    chain = material_chain(
        D("3.2"),
        fibres={"fibre.cotton.organic": D("0.95"), "fibre.elastane": D("0.05")},
        processes=CHAIN,
        registry=REG,
        source="default: BOM fabric mass",
        primary=False,
        garments=4,
        offcut_kg=D("0.8"),
        offcut_factor_id="end_of_life.recycling.fibre_to_fibre",
    )
    van = "transport.van.electric"
    grid = "electricity.grid.us-camx"
    return [
        *chain,
        Activity("cutting", grid, D("2"), "kWh", "event cut-1", True, garments=4),
        Activity("sewing", grid, D("40"), "kWh", "event sew-1", True, sam_share=D("0.25")),
        Activity("pressing", grid, D("1.2"), "kWh", "event press-1", True, garments=4),
        Activity(
            "finishing:wash", "process.finishing.wash", D("3.2"), "kg", "event wash-1", True, garments=4
        ),
        Activity("packing", "packaging.cardboard", D("0.05"), "kg", "default: mailer box", False),
        Activity("transport:dye-house", van, D("4"), "km", "event route-1", True, 4, distance_km=D("4")),
        Activity("delivery", van, D("12"), "km", "event route-2", True, garments=4, distance_km=D("12")),
        Activity(
            "end_of_life", "end_of_life.recycling.fibre_to_fibre", D("0.8"), "kg", "default: EoL", False
        ),
    ]


def test_material_chain_walks_mass_back_through_the_input_ratios():
    acts = garment_activities()[:6]
    # dyeing makes 3.2 kg; it needs 3.2 x 1.25 = 4.0 kg from weaving (no loss: 4.0 from spinning);
    # spinning needs 4.0 x 1.6 = 6.4 kg of fibre: 95 % cotton 6.08 kg, 5 % elastane 0.32 kg.
    assert [(a.step, a.factor_id, a.quantity) for a in acts] == [
        ("fibre", "fibre.cotton.organic", D("6.08")),
        ("fibre", "fibre.elastane", D("0.32")),
        ("spinning", "process.spinning", D("4.0")),
        ("weaving", "process.weaving", D("4.00")),
        ("dyeing", "process.dyeing.conventional", D("3.2")),
        ("offcuts", "end_of_life.recycling.fibre_to_fibre", D("0.8")),
    ]
    assert all(a.garments == 4 and a.unit == "kg" and not a.primary for a in acts)
    assert "input_kg_per_kg of process.spinning" in acts[0].source


# One step kind at a time, per garment of the batch of 4: (step, kg CO2e, L of water), by hand.
EXPECTED_LINES = [
    ("fibre", "fibre.cotton.organic", D("3.0400"), D("152.00")),  # 6.08/4 = 1.52 kg x 2; x 100 L
    ("fibre", "fibre.elastane", D("0.8000"), D("0.00")),  # 0.32/4 = 0.08 kg x 10
    ("spinning", "process.spinning", D("1.0000"), D("0.00")),  # 4.0/4 = 1 kg x 1
    ("weaving", "process.weaving", D("0.5000"), D("0.00")),  # 1 kg x 0.5
    ("dyeing", "process.dyeing.conventional", D("2.4000"), D("40.00")),  # 0.8 kg x 3; x 50 L
    ("offcuts", "end_of_life.recycling.fibre_to_fibre", D("0.0400"), D("0.00")),  # 0.2 kg x 0.2
    ("cutting", "electricity.grid.us-camx", D("0.1250"), D("0.00")),  # 2/4 = 0.5 kWh x 0.25
    ("sewing", "electricity.grid.us-camx", D("2.5000"), D("0.00")),  # 40 x 0.25 share = 10 kWh x 0.25
    ("pressing", "electricity.grid.us-camx", D("0.0750"), D("0.00")),  # 0.3 kWh x 0.25
    ("finishing:wash", "process.finishing.wash", D("0.4000"), D("16.00")),  # 0.8 kg x 0.5; x 20 L
    ("packing", "packaging.cardboard", D("0.0500"), D("0.00")),  # 0.05 kg x 1
    ("transport:dye-house", "transport.van.electric", D("0.0500"), D("0.00")),  # 4/4 = 1 km x 0.05
    ("delivery", "transport.van.electric", D("0.1500"), D("0.00")),  # 12/4 = 3 km x 0.05
    ("end_of_life", "end_of_life.recycling.fibre_to_fibre", D("0.1600"), D("0.00")),  # 0.8 kg x 0.2
]


def test_every_step_kind_by_hand():
    fp = calculate(garment_activities(), REG)
    got = [(line.step, line.factor_id, line.co2e_kg, line.water_l) for line in fp.lines]
    assert got == EXPECTED_LINES
    assert all(line.factor_version == "t1" for line in fp.lines)
    assert fp.lines[6].source == "event cut-1" and fp.lines[6].quality == 2
    assert fp.registry_version == "t1"


def test_boundaries_primary_share_and_km():
    fp = calculate(garment_activities(), REG)
    # gate: 3.04+0.8+1+0.5+2.4+0.04+0.125+2.5+0.075+0.4+0.05+0.05 = 10.98
    assert fp.co2e_kg() == fp.co2e_kg(boundary="cradle-to-gate") == D("10.9800")
    assert fp.co2e_kg(boundary="cradle-to-customer") == D("11.1300")  # + delivery 0.15
    assert fp.co2e_kg(boundary="cradle-to-grave") == D("11.2900")  # + end of life 0.16
    assert fp.water_l() == D("208.00")  # 152 + 40 + 16
    # primary within the gate: cutting, sewing, pressing, wash, van leg = 3.15 of 10.98
    assert fp.primary_share_within("cradle-to-gate") == D("0.2869")
    assert fp.primary_share == D("0.2923")  # (3.15 + 0.15) / 11.29
    assert fp.km_traveled == D("16")
    by_step = fp.by_step()
    assert by_step["fibre"] == (D("3.8400"), D("152.00"))
    assert list(by_step)[:3] == ["fibre", "spinning", "weaving"]
    assert "delivery" not in fp.by_step(boundary="cradle-to-gate")
    with pytest.raises(ValueError, match="unknown boundary"):
        fp.co2e_kg(boundary="gate-to-gate")


def test_stages():
    assert stage("delivery") == "delivery" and stage("delivery:courier") == "delivery"
    assert stage("end_of_life") == "end_of_life"
    assert stage("offcuts") == stage("transport:ocean") == stage("finishing:dyeing") == "production"


def test_unit_mismatch_raises_and_explicit_conversion_works():
    kwh = Activity("finishing:dyeing", "heat.natural_gas", D("10"), "kWh", "event heat-1", True)
    with pytest.raises(UnitError, match=r"activity in kWh against factor heat\.natural_gas per MJ"):
        calculate([kwh], REG)
    mj = Activity(
        "finishing:dyeing", "heat.natural_gas", convert(D("10"), "kWh", "MJ"), "MJ", "event heat-1", True
    )
    assert calculate([mj], REG).co2e_kg() == D("1.8000")  # 10 kWh = 36 MJ x 0.05


def test_negative_quantity_names_step_and_factor():
    bad = Activity("sewing", "electricity.grid.us-camx", D("-1"), "kWh", "event sew-9", True)
    with pytest.raises(ValueError, match=r"sewing \(electricity.grid.us-camx\): negative quantity"):
        calculate([bad], REG)
    far = Activity("delivery", "transport.van.electric", D("1"), "km", "e", True, distance_km=D("-3"))
    with pytest.raises(ValueError, match="negative distance"):
        calculate([far], REG)


def test_other_bad_input():
    with pytest.raises(FactorError):
        calculate([Activity("fibre", "fibre.unobtainium", D("1"), "kg", "e", True)], REG)
    with pytest.raises(TypeError):
        calculate([Activity("fibre", "fibre.elastane", 1.5, "kg", "e", True)], REG)  # type: ignore[arg-type]
    both = Activity(
        "sewing", "electricity.grid.us-camx", D("1"), "kWh", "e", True, garments=2, sam_share=D("0.5")
    )
    with pytest.raises(ValueError, match="not both"):
        calculate([both], REG)
    with pytest.raises(ValueError, match="sam_share"):
        calculate(
            [Activity("sewing", "electricity.grid.us-camx", D("1"), "kWh", "e", True, sam_share=D("2"))], REG
        )
    with pytest.raises(ValueError, match="sum to 1"):
        material_chain(
            D("1"), fibres={"fibre.elastane": D("0.9")}, processes=[], registry=REG, source="s", primary=True
        )
    with pytest.raises(ValueError, match="offcut_factor_id"):
        material_chain(
            D("1"), fibres={"fibre.elastane": D("1")}, processes=[], registry=REG, source="s", primary=True,
            offcut_kg=D("0.1"),
        )  # fmt: skip


def test_allocate_by_sam_sums_back_exactly():
    parts = allocate_by_sam(D("10"), {"a": D("12"), "b": D("12"), "c": D("12")})
    assert sum(parts.values()) == D("10")
    assert parts == {"a": D("3.333334"), "b": D("3.333333"), "c": D("3.333333")}
    uneven = allocate_by_sam(D("7.5"), {"jacket": D("45"), "tee": D("15")})
    assert uneven == {"jacket": D("5.625000"), "tee": D("1.875000")}  # 45/60 and 15/60 of 7.5
    fine = allocate_by_sam(D("1.0000005"), {"a": D("1"), "b": D("1")})
    assert sum(fine.values()) == D("1.0000005")
    with pytest.raises(ValueError, match="positive"):
        allocate_by_sam(D("1"), {"a": D("0")})


def test_sam_share_lines_add_up_to_the_batch():
    shares = sam_shares({"g1": D("20"), "g2": D("30"), "g3": D("50")})
    assert sum(shares.values()) == D("1")
    total_kwh = D("40")
    per_garment = [
        calculate(
            [Activity("sewing", "electricity.grid.us-camx", total_kwh, "kWh", "e", True, sam_share=s)], REG
        )
        for s in shares.values()
    ]
    assert [fp.co2e_kg() for fp in per_garment] == [D("2.0000"), D("3.0000"), D("5.0000")]  # 8, 12, 20 kWh
    assert sum(fp.co2e_kg() for fp in per_garment) == total_kwh * D("0.25")
