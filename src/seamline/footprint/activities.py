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

from .baseline import (
    DOWNTOWN_LOS_ANGELES,
    PORT_OF_LOS_ANGELES,
    PORTS,
    ROAD_CIRCUITY,
    LatLon,
    great_circle_km,
    port_name,
    route_km,
    sea_km_between,
)
from .calc import Activity, ChainStep, material_chain
from .factors import Registry

__all__ = [
    "DEFAULTS",
    "VEHICLE_KWH_PER_KM",
    "Batch",
    "GarmentRecord",
    "LastMile",
    "Leg",
    "LifeAfterSale",
    "MaterialSpec",
    "garment_activities",
    "garment_kg",
    "material_spec",
    "route_co2e",
]

GRID = "electricity.grid.us"  # Los Angeles on Ember's lifecycle basis: the offshore grids' basis too
GRID_REGIONAL = "electricity.grid.us-camx"  # eGRID CAMX: combustion only, in-region generation (shown apart)
WATER = "water.supply.municipal"
WASTEWATER = "water.treatment"
RECYCLING = "end-of-life.textile.fibre-to-fibre-recycling"
LANDFILL = "end-of-life.textile.landfill"
VAN = "transport.road.van"  # a move between facilities of the same city: a van, not a 40 t truck
DRAYAGE = "transport.road.truck"  # a container from the port to the factory
SEA = "transport.sea.container"
VAN_KWH_PER_KM = "parameter.bev-van.kwh-per-km"
BIKE_KWH_PER_KM = "parameter.cargo-bike.kwh-per-km"  # an estimate the registry marks unsourced
# A delivery vehicle's electricity per km, by its kind (delivery.Vehicle.Kind); a car has no factor here.
VEHICLE_KWH_PER_KM = {"e_van": VAN_KWH_PER_KM, "e_cargo_bike": BIKE_KWH_PER_KM}
VEHICLE_WORDS = {"e_van": "electric van", "e_cargo_bike": "e-cargo bike", "car": "car"}
INBOUND_STEP = "transport:inbound fabric"

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
    "washes": (Decimal("52"), "52 washes (one a week for a year): an assumption, not a published figure"),
}

# A fabric's construction when its catalog entry does not record it, each default with its reason.
WARP_SHARE_DEFAULTS: dict[str, tuple[Decimal, str]] = {
    "denim": (
        Decimal("0.60"),
        "denim warps carry 55-65 % of the fabric mass (3/1 twill); the midpoint, an estimate",
    ),
    "woven": (Decimal("0.50"), "a balanced plain weave: warp and weft of equal mass, an estimate"),
}
YARN_DTEX_DEFAULTS: dict[str, tuple[Decimal, str]] = {
    "denim": (Decimal("844"), "Ne 7, a usual 13-14 oz denim warp yarn, an estimate"),
    "other": (Decimal("200"), "a 200 dtex yarn (Ne 30), an estimate"),
}
FINISHING_EXCLUDED = (
    "Mill finishing (desizing, sanforizing, drying) is not counted: the Carbonfact database v1.1.0 has no "
    "finishing process and no other published value is in the registry."
)
MILL_TO_PORT_EXCLUDED = "The mill's truck to its port is not counted: the mill's address is not recorded."


@dataclass(frozen=True)
class MaterialSpec:
    """The fabric: width, weight, fibres, its mill steps and where it ships from (secondary data)."""

    name: str
    width_m: Decimal
    gsm: Decimal
    fibres: Mapping[str, Decimal]
    processes: tuple[ChainStep, ...]
    mill_port: str = ""  # UN/LOCODE; "" when not recorded: no inbound leg
    notes: tuple[str, ...] = ()  # the construction as used: what was recorded, what defaulted and why
    exclusions: tuple[str, ...] = ()


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
    """Garments moved between two places of the chain (by van, in t.km of their mass)."""

    step: str
    km: Decimal
    source: str


@dataclass(frozen=True)
class LastMile:
    """The route that took a garment to its customer's door (from the delivery context's plan).

    ``km_share``: the route's routed km shared equally by the jobs it served (parcels and transfers), then
    by the garments of the parcel: every parcel on a route carries the same share, however far along it is
    (a detour-based share would need the route planned again without it). ``km_to_door`` is the distance
    the garment itself traveled, hub to door along the route.
    """

    vehicle_kind: str
    vehicle: str
    km_share: Decimal
    km_to_door: Decimal
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
    cut_at: LatLon | None = None  # the cutting floor, where the fabric arrives
    last_mile: LastMile | None = (
        None  # delivered by a planned route (else the delivery default, if delivered)
    )


@dataclass(frozen=True)
class LifeAfterSale:
    """What the garment meets after delivery: its care label and the brand's take-back share."""

    wash_c: int | None = None  # None: not machine washed, no use phase modelled
    tumble_dry: bool = False
    washes: Decimal = DEFAULTS["washes"][0]
    takeback_share: Decimal = Decimal(0)  # of garments returned to the fibre-to-fibre recycler
    takeback_source: str = "default: no take-back programme recorded, every garment to landfill"


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
_LOOMS = {
    "woven_shuttle": "process.weaving.shuttle",
    "woven_rapier": "process.weaving.rapier",
}
_DYEING = {
    "warp_indigo_rope": "process.dyeing.indigo-rope-continuous-cellulosic",
    "yarn": "process.dyeing.vat-batch-yarn-cellulosic",
    "piece": "process.dyeing.reactive-continuous-cellulosic",
    "piece_knit": "process.dyeing.reactive-batch-cellulosic",
}
SIZING = "process.weaving.sizing-natural-fibres"


def nearest_row(registry: Registry, prefix: str, dtex: Decimal) -> tuple[str, str]:
    """The registry's row for the yarn count nearest to ``dtex`` among ids "<prefix><N>", and a note.

    The database's rows stop at 370 dtex; a coarser yarn takes the coarsest row, and the note says so (finer
    yarns take more energy a kilogram, so that row is an upper bound for a coarse denim yarn).
    """
    rows = sorted(
        (Decimal(fid.removeprefix(prefix)), fid)
        for fid in registry.factors
        if fid.startswith(prefix) and fid.removeprefix(prefix).isdigit()
    )
    if not rows:
        raise ValueError(f"no factor {prefix}<dtex> in registry {registry.version}")
    count, fid = min(rows, key=lambda row: (abs(row[0] - dtex), row[0]))
    if dtex > rows[-1][0]:
        return fid, f"{dtex} dtex yarn on the database's coarsest row ({count} dtex): an upper bound"
    return fid, f"{dtex} dtex yarn on the {count} dtex row"


def material_spec(
    name: str,
    composition: Mapping[str, object],
    *,
    width_cm: Decimal,
    gsm: Decimal,
    registry: Registry,
    construction: str = "",
    dyeing: str = "",
    warp_share_pct: Decimal | None = None,
    yarn_dtex: Decimal | None = None,
    mill_port: str = "",
) -> MaterialSpec:
    """The spec of a fabric from its catalog entry: fibres, and the mill steps applied to the mass they touch.

    What the entry does not record is defaulted by the fabric's name (selvedge: shuttle looms; denim: warp
    rope-dyed with indigo; silk: rapier) and each default is noted. Woven warps are sized; in denim only the
    warp is dyed. ValueError names a fibre the registry has no factor for.
    """
    fibres: dict[str, Decimal] = {}
    for fibre, percent in composition.items():
        factor = _FIBRES.get(str(fibre).strip().lower())
        if factor is None:
            raise ValueError(f"{name}: no fibre factor for {fibre!r} (known: {', '.join(_FIBRES)})")
        fibres[factor] = fibres.get(factor, Decimal(0)) + Decimal(str(percent)) / 100
    lower = name.lower()
    denim = "denim" in lower or "selvedge" in lower
    notes: list[str] = []
    if not construction:
        construction = (
            "woven_shuttle"
            if "selvedge" in lower
            else "woven_rapier"
            if "silk" in lower
            else "knit_circular"
            if "jersey" in lower or "knit" in lower
            else "woven_air_jet"
        )
        notes.append(f"construction not recorded: taken as {construction.replace('_', ' ')} from the name")
    if not dyeing:
        dyeing = "warp_indigo_rope" if denim else "piece"
        notes.append(f"dyeing not recorded: taken as {dyeing.replace('_', ' ')} from the name")
    woven = construction.startswith("woven")
    cotton = any(fid.startswith("fibre.cotton.") for fid in fibres)
    if yarn_dtex is None:
        yarn_dtex, why = YARN_DTEX_DEFAULTS["denim" if denim else "other"]
        notes.append(f"yarn count not recorded: {why}")
    warp = Decimal(1)
    if woven:
        if warp_share_pct is None:
            warp, why = WARP_SHARE_DEFAULTS["denim" if dyeing == "warp_indigo_rope" else "woven"]
            notes.append(f"warp share not recorded: {why}")
        else:
            warp = Decimal(str(warp_share_pct)) / 100
            notes.append(f"warp share {warp_share_pct} % of the fabric mass, as recorded")

    steps: list[ChainStep] = []
    if construction == "woven_rapier" and not cotton:  # reeled silk: no spinning row applies
        pass
    else:
        family = "ring-cotton-woven-dtex" if woven else "ring-cotton-knit-dtex"
        fid, why = nearest_row(registry, f"process.spinning.{family}", Decimal(yarn_dtex))
        steps.append(ChainStep("spinning", fid, note=f" (spinning: {why})"))
    warp_note = f" (warp only: {warp * 100:.0f} % of the yarn)"
    if dyeing == "warp_indigo_rope":
        steps.append(ChainStep("dyeing", _DYEING["warp_indigo_rope"], warp, warp_note))
    elif dyeing == "yarn":
        steps.append(ChainStep("dyeing", _DYEING["yarn"]))
    if woven:
        steps.append(ChainStep("sizing", SIZING, warp, warp_note))
        loom = _LOOMS.get(construction)
        if loom is None:
            loom, why = nearest_row(registry, "process.weaving.air-jet-dtex", Decimal(yarn_dtex))
            steps.append(ChainStep("weaving", loom, note=f" (weaving: {why})"))
        else:
            steps.append(ChainStep("weaving", loom))
    else:
        fid, why = nearest_row(registry, "process.knitting.circular-dtex", Decimal(yarn_dtex))
        steps.append(ChainStep("knitting", "process.knitting.flat" if construction == "knit_flat" else fid))
    if dyeing == "piece":
        steps.append(ChainStep("dyeing", _DYEING["piece" if woven else "piece_knit"]))
    exclusions = [FINISHING_EXCLUDED]
    if mill_port and mill_port not in PORTS:
        exclusions.append(f"The fabric's way in is not counted: no sea route is known from port {mill_port}.")
        mill_port = ""
    elif mill_port:
        exclusions.append(MILL_TO_PORT_EXCLUDED)
    else:
        exclusions.append("The fabric's way in is not counted: the mill's port is not recorded.")
    return MaterialSpec(
        name, width_cm / 100, gsm, fibres, tuple(steps), mill_port, tuple(notes), tuple(exclusions)
    )


def garment_kg(record: GarmentRecord, material: MaterialSpec) -> Decimal:
    """The fabric cut for the garment (its share of the lay, off-cuts included), in kg."""
    return (record.fabric_m * material.width_m * material.gsm / 1000).quantize(Decimal("0.000001"))


def garment_activities(
    record: GarmentRecord,
    material: MaterialSpec,
    registry: Registry,
    *,
    grid: str = GRID,
    after: LifeAfterSale | None = None,
) -> list[Activity]:
    """The activities of one garment, in the order of its life: making, delivery, use, end of life.

    ``grid`` is the factor of the city's electricity (the cutting, sewing and finishing floors' and the
    delivery van's). ``after`` adds the use phase (when the care label says how it is washed) and the end of
    life; without it the garment ends at the customer's door.
    """
    fabric_kg = garment_kg(record, material)
    kept_kg = fabric_kg - min(record.offcut_kg, fabric_kg)
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
    activities += inbound_fabric(fabric_kg, material.mill_port, record.cut_at, record.cut_source)
    for step, minutes, key in (
        ("cutting", record.sam_cutting_min, "cutting_kw"),
        ("sewing", record.sam_sewing_min, "sewing_kw"),
    ):
        kw, why = DEFAULTS[key]
        kwh = (minutes / 60 * kw).quantize(Decimal("0.000001"))
        activities.append(
            Activity(step, grid, kwh, "kWh", f"default: {minutes} SAM min × {kw} kW ({why})", primary=False)
        )
    for batch in record.batches:
        if batch.kwh is not None:
            activities.append(
                Activity(batch.step, grid, batch.kwh, "kWh", batch.source, True, batch.garments)
            )
        if batch.water_l is not None:
            for factor in (WATER, WASTEWATER):
                activities.append(
                    Activity(batch.step, factor, batch.water_l, "L", batch.source, True, batch.garments)
                )
    for leg in record.legs:
        activities.append(
            Activity(
                leg.step,
                VAN,
                (kept_kg / 1000 * leg.km).quantize(Decimal("0.0000001")),
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
    activities += _delivery(record, registry, grid)
    if after is not None:
        activities += life_after_sale(kept_kg, after)
    return activities


def _delivery(record: GarmentRecord, registry: Registry, grid: str) -> list[Activity]:
    """The courier to the door: the garment's share of its route's km × its vehicle's kWh/km, on the city's
    grid; without a route (or for a car, which has no factor here), the documented default e-van route."""
    mile = record.last_mile
    parameter_id = VEHICLE_KWH_PER_KM.get(mile.vehicle_kind) if mile is not None else None
    if mile is not None and parameter_id is not None:
        energy = registry.parameter(parameter_id)
        return [
            Activity(
                "delivery",
                grid,
                (mile.km_share * energy.value).quantize(Decimal("0.000001")),
                "kWh",
                f"{mile.source}: {mile.km_share} km of {mile.vehicle}'s route "
                f"({VEHICLE_WORDS[mile.vehicle_kind]}; the route's km shared equally by its parcels and "
                "transfers, then by the parcel's garments) "
                f"× {energy.value} {energy.unit} ({energy.source})",
                True,
                distance_km=mile.km_to_door,
                parameter_id=parameter_id,
            )
        ]
    if mile is None and not record.delivered_source:
        return []
    route, why = DEFAULTS["delivery_route_km"]
    parcels, why_parcels = DEFAULTS["parcels_per_route"]
    van = registry.parameter(VAN_KWH_PER_KM)
    where = (
        record.delivered_source
        or f"{mile.source}: by {VEHICLE_WORDS.get(mile.vehicle_kind, 'car')}, no factor"
    )
    return [
        Activity(
            "delivery",
            grid,
            (route / parcels * van.value).quantize(Decimal("0.000001")),
            "kWh",
            f"default: {why}, {why_parcels}; {van.value} {van.unit} ({van.source}) ({where})",
            False,
            distance_km=route,
            parameter_id=VAN_KWH_PER_KM,
        )
    ]


def route_co2e(
    kind: str, km: Decimal, registry: Registry, *, grid: str = GRID
) -> tuple[Decimal | None, str, bool]:
    """A route's kg CO2e: km × the vehicle's kWh/km × the grid; (kg, the basis in words, sourced?).

    A car has no factor in the registry: (None, why, False). A cargo bike's kWh/km is an unsourced estimate:
    its figure comes back with ``sourced`` False, for the dispatcher's eyes, never a passport.
    """
    parameter_id = VEHICLE_KWH_PER_KM.get(kind)
    if parameter_id is None:
        return None, f"no factor for a {VEHICLE_WORDS.get(kind, kind)} in registry {registry.version}", False
    energy, factor = registry.parameter(parameter_id), registry.get(grid)
    kg = (Decimal(km) * energy.value * factor.co2e_kg).quantize(Decimal("0.0001"))
    basis = (
        f"{energy.value} {energy.unit} ({energy.source}) × {factor.co2e_kg} kg CO2e/kWh ({factor.activity})"
    )
    if not energy.sourced:
        basis = f"unsourced estimate: {energy.unsourced_reason}; {basis}"
    return kg, basis, energy.sourced


def life_after_sale(garment_kg: Decimal, after: LifeAfterSale) -> list[Activity]:
    """Use (washes at the care label's temperature) and end of life (landfill against take-back)."""
    activities = []
    if after.wash_c is not None:
        washes, why = after.washes, DEFAULTS["washes"][1] if after.washes == DEFAULTS["washes"][0] else ""
        note = f"{washes} washes at {after.wash_c} °C (the care label){': ' + why if why else ''}"
        activities.append(
            Activity(
                "use:washing",
                f"use.washing.machine-{after.wash_c}c",
                garment_kg * washes,
                "kg",
                f"default: {garment_kg} kg × {note}",
                False,
            )
        )
        if after.tumble_dry:
            activities.append(
                Activity(
                    "use:drying",
                    "use.drying.tumble-cotton",
                    garment_kg * washes,
                    "kg",
                    f"default: {garment_kg} kg × {washes} tumble dries (the care label allows it)",
                    False,
                )
            )
    share = after.takeback_share
    if not Decimal(0) <= share <= 1:
        raise ValueError(f"take-back share must be between 0 and 1, got {share}")
    if share < 1:
        activities.append(
            Activity(
                "end_of_life:landfill",
                LANDFILL,
                garment_kg * (1 - share),
                "kg",
                f"{after.takeback_source}: {(1 - share) * 100:.0f} % of {garment_kg} kg",
                False,
            )
        )
    if share > 0:
        activities.append(
            Activity(
                "end_of_life:take-back",
                RECYCLING,
                garment_kg * share,
                "kg",
                f"{after.takeback_source}: {share * 100:.0f} % of {garment_kg} kg",
                False,
            )
        )
    return activities


def inbound_fabric(fabric_kg: Decimal, mill_port: str, cut_at: LatLon | None, source: str) -> list[Activity]:
    """The fabric's trip from the mill's port to the cutting floor: sea to Los Angeles, then by truck."""
    if not mill_port:
        return []
    tonnes = fabric_kg / 1000
    sea_km = sea_km_between(mill_port, "USLAX")
    floor = cut_at or DOWNTOWN_LOS_ANGELES
    road_km = route_km([PORT_OF_LOS_ANGELES, floor], circuity=ROAD_CIRCUITY)
    where = "the cutting floor" if cut_at else "downtown Los Angeles (the cutting floor's place not recorded)"
    return [
        Activity(
            INBOUND_STEP,
            SEA,
            (tonnes * sea_km).quantize(Decimal("0.0000001")),
            "t.km",
            f"{source}: {fabric_kg} kg of fabric, {port_name(mill_port)} to the Port of Los Angeles, "
            f"{sea_km} km (great-circle through route waypoints, an estimate)",
            False,
            distance_km=sea_km,
        ),
        Activity(
            INBOUND_STEP,
            DRAYAGE,
            (tonnes * road_km).quantize(Decimal("0.0000001")),
            "t.km",
            f"{source}: the Port of Los Angeles to {where}, {road_km} km (great-circle × {ROAD_CIRCUITY})",
            False,
            distance_km=road_km,
        ),
    ]


def legs_between(places: Sequence[tuple[str, float, float, str]]) -> list[Leg]:
    """Van legs between consecutive distinct places (name, lat, lon, source); road ≈ 1.3 × great circle."""
    legs = []
    for (a, alat, alon, _), (b, blat, blon, source) in pairwise(places):
        if (alat, alon) == (blat, blon):  # the same place: no leg
            continue
        km = Decimal(str(round(great_circle_km((alat, alon), (blat, blon)) * ROAD_CIRCUITY, 2)))
        legs.append(Leg(f"transport:{a} → {b}", km, source))
    return legs
