"""One garment's activities, from what the ledger recorded (documented defaults where it recorded nothing).

Pure: no Django. `footprint.gather` reads the ledger into `GarmentRecord`s; this module turns a record into
the `calc.Activity` lines the engine multiplies by factors. Every line names its source: an event
("event <eventID>") or a default ("default: <why>"); defaults are secondary data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise

from .calc import Activity, ChainStep, material_chain
from .factors import Registry

__all__ = [
    "DEFAULTS",
    "Batch",
    "GarmentRecord",
    "Leg",
    "MaterialSpec",
    "garment_activities",
    "material_spec",
]

GRID = "electricity.grid.us-camx"  # Los Angeles: CAISO / eGRID CAMX
WATER = "water.supply.municipal"
RECYCLING = "end-of-life.textile.fibre-to-fibre-recycling"
TRUCK = "transport.road.truck"
VAN = "transport.road.bev-van-camx"

# Defaults for what a small factory rarely meters, each with its reason (shown on the footprint page).
DEFAULTS: dict[str, tuple[Decimal, str]] = {
    "cutting_kw": (Decimal("1.2"), "a straight-knife cutter (0.75 kW) plus table lighting, while cutting"),
    "sewing_kw": (
        Decimal("0.35"),
        "a servo-motor lockstitch machine (0.25 kW) plus task light, while sewing",
    ),
    "mailer_kg": (Decimal("0.020"), "one LDPE mailer bag a garment"),
    "hangtag_kg": (Decimal("0.004"), "one paper hangtag a garment"),
    "carton_kg": (Decimal("0.90"), "one corrugated shipping carton"),
    "delivery_route_km": (Decimal("12"), "a local e-van route across the city"),
    "parcels_per_route": (Decimal("20"), "parcels an e-van delivers on one route"),
}


@dataclass(frozen=True)
class MaterialSpec:
    """The fabric: its width and weight, its fibres and the mill steps behind it (secondary data)."""

    name: str
    width_m: Decimal
    gsm: Decimal
    fibres: Mapping[str, Decimal]
    processes: tuple[ChainStep, ...]


@dataclass(frozen=True)
class Batch:
    """A recorded step over a batch of garments: its measured energy and water, and how many garments."""

    step: str
    garments: int
    kwh: Decimal | None
    water_l: Decimal | None
    source: str


@dataclass(frozen=True)
class Leg:
    """Garments moved between two places of the chain (by truck, in t.km of their mass)."""

    step: str
    km: Decimal
    source: str


@dataclass(frozen=True)
class GarmentRecord:
    """What the ledger says about one garment (its shares of batch quantities included)."""

    epc: str
    label: str
    fabric_m: Decimal  # its share of the meters its lay took from the rolls (off-cuts included)
    offcut_kg: Decimal  # its share of the off-cuts its order sent to the recycler
    cut_source: str
    offcut_source: str
    sam_cutting_min: Decimal
    sam_sewing_min: Decimal
    cartons_garments: int = 0  # garments in its carton (0: not packed)
    waterless_dyed: bool = False  # a dyeing step recorded with no water at all
    packing_source: str = ""
    delivered_source: str = ""
    batches: tuple[Batch, ...] = ()
    legs: tuple[Leg, ...] = field(default_factory=tuple)


_FIBRES = {
    "organic cotton": "fibre.cotton.organic",
    "recycled cotton": "fibre.cotton.recycled",
    "cotton": "fibre.cotton.conventional",
    "recycled polyester": "fibre.polyester.recycled",
    "polyester": "fibre.polyester.virgin",
    "elastane": "fibre.elastane.virgin",
    "wool": "fibre.wool.conventional",
    "linen": "fibre.linen.conventional",
    "silk": "fibre.silk.conventional",
    "viscose": "fibre.viscose.conventional",
    "lyocell": "fibre.lyocell.conventional",
}


def material_spec(
    name: str, composition: Mapping[str, object], *, width_cm: Decimal, gsm: Decimal
) -> MaterialSpec:
    """The spec of a fabric from its catalog entry: composition (percent by fibre) and a mill route.

    Selvedge denim is ring-spun, rope-dyed with indigo and woven on shuttle looms; other cellulosic wovens
    are taken as air-jet woven and reactive dyed; silk as rapier woven. ValueError names a fibre the
    registry has no factor for.

    >>> spec = material_spec("selvedge denim", {"cotton": 100}, width_cm=Decimal(80), gsm=Decimal(458))
    >>> dict(spec.fibres), [p.step for p in spec.processes]
    ({'fibre.cotton.conventional': Decimal('1')}, ['spinning', 'dyeing', 'weaving'])
    """
    fibres: dict[str, Decimal] = {}
    for fibre, percent in composition.items():
        factor = _FIBRES.get(str(fibre).strip().lower())
        if factor is None:
            raise ValueError(f"{name}: no fibre factor for {fibre!r} (known: {', '.join(_FIBRES)})")
        fibres[factor] = fibres.get(factor, Decimal(0)) + Decimal(str(percent)) / 100
    lower = name.lower()
    if "denim" in lower or "selvedge" in lower:
        processes = (
            ChainStep("spinning", "process.spinning.ring-cotton-woven-dtex370"),
            ChainStep("dyeing", "process.dyeing.indigo-rope-continuous-cellulosic"),
            ChainStep(
                "weaving",
                "process.weaving.shuttle" if "selvedge" in lower else "process.weaving.air-jet-dtex370",
            ),
        )
    elif "silk" in lower:
        processes = (ChainStep("weaving", "process.weaving.rapier"),)
    else:
        processes = (
            ChainStep("spinning", "process.spinning.ring-cotton-woven-dtex200"),
            ChainStep("weaving", "process.weaving.air-jet-dtex200"),
            ChainStep("dyeing", "process.dyeing.reactive-continuous-cellulosic"),
        )
    return MaterialSpec(name, width_cm / 100, gsm, fibres, processes)


def garment_activities(record: GarmentRecord, material: MaterialSpec, registry: Registry) -> list[Activity]:
    """The activities of one garment, in the order of its making."""
    fabric_kg = (record.fabric_m * material.width_m * material.gsm / 1000).quantize(Decimal("0.000001"))
    activities = material_chain(
        fabric_kg,
        fibres=material.fibres,
        processes=material.processes,
        registry=registry,
        source=f"{record.cut_source}: {record.fabric_m} m of {material.name} × {material.width_m} m × "
        f"{material.gsm} g/m²; the mill's steps are the Carbonfact database's, not measured (secondary)",
        primary=False,
        offcut_kg=min(record.offcut_kg, fabric_kg),
        offcut_factor_id=RECYCLING,
    )
    if record.offcut_kg:  # the off-cuts' mass was recorded when they left for the recycler
        activities[-1] = replace(activities[-1], source=record.offcut_source, primary=True)
    for step, minutes, key in (
        ("cutting", record.sam_cutting_min, "cutting_kw"),
        ("sewing", record.sam_sewing_min, "sewing_kw"),
    ):
        kw, why = DEFAULTS[key]
        kwh = (minutes / 60 * kw).quantize(Decimal("0.000001"))
        activities.append(
            Activity(step, GRID, kwh, "kWh", f"default: {minutes} SAM min × {kw} kW ({why})", primary=False)
        )
    for batch in record.batches:
        if batch.kwh is not None:
            activities.append(
                Activity(batch.step, GRID, batch.kwh, "kWh", batch.source, True, batch.garments)
            )
        if batch.water_l is not None:
            activities.append(
                Activity(batch.step, WATER, batch.water_l, "L", batch.source, True, batch.garments)
            )
    garment_t = (fabric_kg - min(record.offcut_kg, fabric_kg)) / 1000
    for leg in record.legs:
        activities.append(
            Activity(
                leg.step,
                TRUCK,
                (garment_t * leg.km).quantize(Decimal("0.0000001")),
                "t.km",
                leg.source,
                True,
                distance_km=leg.km,
            )
        )
    if record.cartons_garments:
        for factor, key in (
            ("packaging.ldpe-mailer", "mailer_kg"),
            ("packaging.paper-hangtag", "hangtag_kg"),
        ):
            kg, why = DEFAULTS[key]
            activities.append(Activity("packing", factor, kg, "kg", f"default: {why}", primary=False))
        carton_kg, why = DEFAULTS["carton_kg"]
        activities.append(
            Activity(
                "packing",
                "packaging.corrugated-cardboard",
                carton_kg,
                "kg",
                f"{record.packing_source}: {why} shared by {record.cartons_garments} garments",
                True,
                record.cartons_garments,
            )
        )
    if record.delivered_source:
        route, why = DEFAULTS["delivery_route_km"]
        parcels, why_parcels = DEFAULTS["parcels_per_route"]
        activities.append(
            Activity(
                "delivery",
                VAN,
                (route / parcels).quantize(Decimal("0.0001")),
                "km",
                f"default: {why}, {why_parcels} ({record.delivered_source})",
                False,
                distance_km=route,
            )
        )
    return activities


def legs_between(places: Sequence[tuple[str, float, float, str]]) -> list[Leg]:
    """Truck legs between consecutive distinct places (name, lat, lon, source); road ≈ 1.3 × great circle."""
    from .baseline import great_circle_km

    legs = []
    for (a, alat, alon, _), (b, blat, blon, source) in pairwise(places):
        if (alat, alon) == (blat, blon):  # the same place: no leg
            continue
        km = Decimal(str(round(great_circle_km((alat, alon), (blat, blon)) * 1.3, 2)))
        legs.append(Leg(f"transport:{a} → {b}", km, source))
    return legs
