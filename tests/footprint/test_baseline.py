"""The offshore baseline differs from the local run exactly in the grids and the transport legs."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from seamline.footprint.baseline import (
    DEFAULT_BASELINES,
    ORIGINS,
    SEA_FACTOR,
    TRUCK_FACTOR,
    Leg,
    offshore_baseline,
)
from seamline.footprint.calc import calculate
from tests.footprint.test_calc import REG, garment_activities


def test_baseline_differs_only_in_grids_and_legs():
    local = garment_activities()
    offshore = offshore_baseline(local, country="BD", registry=REG)
    legs = ORIGINS["BD"].legs
    kept_local = [a for a in local if not a.step.startswith("transport:")]
    kept_offshore = [a for a in offshore if not a.step.startswith("transport:")]
    assert len(kept_local) == len(kept_offshore)
    for before, after in zip(kept_local, kept_offshore, strict=True):
        if before.factor_id == "electricity.grid.us-camx":
            assert after.factor_id == "electricity.grid.bd"
            assert (after.step, after.quantity, after.unit, after.garments, after.sam_share) == (
                before.step, before.quantity, before.unit, before.garments, before.sam_share,
            )  # fmt: skip
        else:
            assert after == before  # same BOM, consumption, finishing, packing, delivery
    new_legs = [a for a in offshore if a.step.startswith("transport:")]
    assert [(a.step, a.factor_id, a.distance_km) for a in new_legs] == [
        (leg.step, leg.factor_id, leg.distance_km) for leg in legs
    ]
    # 1 kg shipped: t.km = 0.001 x km
    assert all(a.quantity == a.distance_km / 1000 and a.unit == "t.km" for a in new_legs)
    # the legs sit where the local leg was, before the delivery
    assert [a.step for a in offshore].index("transport:factory-port") < [a.step for a in offshore].index(
        "delivery"
    )


def test_default_origins_and_their_distances():
    assert DEFAULT_BASELINES == ("BD", "CN")
    for code, low, high in (("BD", 15_000, 19_000), ("CN", 11_000, 13_500)):
        factory_port, ocean, port_warehouse = ORIGINS[code].legs
        assert (factory_port.factor_id, ocean.factor_id, port_warehouse.factor_id) == (
            TRUCK_FACTOR, SEA_FACTOR, TRUCK_FACTOR,
        )  # fmt: skip
        assert low < ocean.distance_km < high, ocean
        assert "estimate" in ocean.note
        assert D(50) < port_warehouse.distance_km < D(120)
    assert D(200) < ORIGINS["BD"].legs[0].distance_km < D(350)  # Dhaka - Chattogram by road
    assert D(40) < ORIGINS["CN"].legs[0].distance_km < D(120)  # Guangzhou - Nansha


def test_baseline_footprint_by_hand_with_explicit_legs():
    local = garment_activities()
    legs = [
        Leg("transport:factory-port", TRUCK_FACTOR, D("100"), "test"),
        Leg("transport:ocean", SEA_FACTOR, D("10000"), "test"),
    ]
    offshore = calculate(offshore_baseline(local, country="cn", registry=REG, legs=legs), REG)
    lines = {line.step: line for line in offshore.lines}
    assert lines["transport:ocean"].co2e_kg == D("0.1000")  # 0.001 t x 10000 km x 0.01
    assert lines["transport:factory-port"].co2e_kg == D("0.0100")  # 0.001 t x 100 km x 0.1
    assert lines["sewing"].co2e_kg == D("5.0000")  # 10 kWh x 0.5 (CN grid)
    assert offshore.km_traveled == D("10112")  # 100 + 10000 + the 12 km delivery
    # gate: local 10.98 - van leg 0.05 - local grid lines 2.7 + CN grid lines (0.25 + 5 + 0.15) + legs 0.11
    assert offshore.co2e_kg() == D("10.98") - D("0.05") - D("2.7") + D("0.25") + D("5") + D("0.15") + D(
        "0.11"
    )


def test_unknown_country():
    with pytest.raises(ValueError, match=r"'FR'.*known: BD, CN"):
        offshore_baseline(garment_activities(), country="FR", registry=REG)
    with pytest.raises(ValueError, match=r"'VN'.*known: BD, CN, US-CAMX"):
        offshore_baseline(garment_activities(), country="VN", registry=REG, legs=[])
