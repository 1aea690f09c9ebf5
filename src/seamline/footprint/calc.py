"""The footprint engine: activity x factor = kg CO2e and litres of water, per garment and per step.

Pure Decimal arithmetic, no Django. The engine never converts units: an activity's unit must be its
factor's unit (callers convert with ``units.convert`` first), so a kWh reading can never be multiplied
by a per-MJ factor by accident. Each :class:`Line` names its activity source (an event or a documented
default) and the factor version, so every published figure traces back to both.

>>> from seamline.footprint.factors import Factor, Registry
>>> grid = Factor("electricity.grid.us-camx", "grid electricity", "kWh", Decimal("0.2"), None,
...               "US-CAMX", 2023, "eGRID", "public domain (US EPA)", 2, version="t")
>>> fp = calculate([Activity("sewing", grid.id, Decimal("10"), "kWh", "event e1", True, garments=4)],
...                Registry("t", {grid.id: grid}))
>>> fp.co2e_kg(), fp.primary_share
(Decimal('0.5000'), Decimal('1.0000'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING

from seamline.footprint.units import UnitError

if TYPE_CHECKING:
    from seamline.footprint.factors import Registry

CO2E_QUANTUM = Decimal("0.0001")  # kg CO2e per line: a tenth of a gram
WATER_QUANTUM = Decimal("0.01")  # L per line: a centilitre
SHARE_QUANTUM = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)

# Life-cycle stages a step belongs to. Everything up to the factory gate (including the fabric shipped in and
# off-cuts sent to recycling: production waste) is "production"; the courier to the customer is "delivery";
# washing and drying at home is "use"; the garment's own end of life after use is "end_of_life".
DELIVERY_STEPS = ("delivery",)
USE_STEPS = ("use",)
END_OF_LIFE_STEPS = ("end_of_life",)
# The headline is cradle-to-customer; nothing outside it is ever added to it. The use phase is optional: its
# number of washes is an assumption, so it has a boundary of its own.
BOUNDARIES: Mapping[str, frozenset[str]] = {
    "cradle-to-gate": frozenset({"production"}),
    "cradle-to-customer": frozenset({"production", "delivery"}),
    "cradle-to-grave": frozenset({"production", "delivery", "end_of_life"}),
    "cradle-to-grave-with-use": frozenset({"production", "delivery", "use", "end_of_life"}),
}
HEADLINE_BOUNDARY = "cradle-to-customer"
OFFCUT_STEP = "offcuts"


@cache  # a handful of step names, asked for on every line of every total
def stage(step: str) -> str:
    """A step's life-cycle stage: "production", "delivery", "use" or "end_of_life" (prefix before ':')."""
    head = step.split(":", 1)[0]
    if head in DELIVERY_STEPS:
        return "delivery"
    if head in USE_STEPS:
        return "use"
    if head in END_OF_LIFE_STEPS:
        return "end_of_life"
    return "production"


def _stages(boundary: str) -> frozenset[str]:
    try:
        return BOUNDARIES[boundary]
    except KeyError:
        raise ValueError(f"unknown boundary {boundary!r}; known: {', '.join(BOUNDARIES)}") from None


def _decimal(value: object, what: str) -> Decimal:
    # Floats are refused: 0.1 kWh as a float is not 0.1, and the sums must close exactly.
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


@dataclass(frozen=True)
class Activity:
    """One measured or defaulted quantity of one step (for ``garments`` garments, or a SAM share)."""

    step: str
    factor_id: str
    quantity: Decimal
    unit: str
    source: str
    primary: bool
    garments: int = 1
    sam_share: Decimal | None = None
    distance_km: Decimal | None = None
    parameter_id: str | None = None  # the registry parameter the quantity rests on (a vehicle's kWh/km)


@dataclass(frozen=True)
class Line:
    """Activity x factor for one garment."""

    step: str
    factor_id: str
    factor_version: str
    quantity: Decimal
    unit: str
    co2e_kg: Decimal
    water_l: Decimal
    source: str
    primary: bool
    quality: int
    distance_km: Decimal | None


@dataclass(frozen=True)
class Footprint:
    """The lines of one garment, computed against one registry version (a snapshot: never recomputed)."""

    lines: tuple[Line, ...]
    registry_version: str

    def select(self, boundary: str | None = None) -> tuple[Line, ...]:
        """The lines inside a boundary (every line when None)."""
        if boundary is None:
            return self.lines
        stages = _stages(boundary)
        return tuple(line for line in self.lines if stage(line.step) in stages)

    def co2e_kg(self, *, boundary: str = "cradle-to-gate") -> Decimal:
        return sum((line.co2e_kg for line in self.select(boundary)), ZERO).quantize(CO2E_QUANTUM)

    def water_l(self, *, boundary: str = "cradle-to-gate") -> Decimal:
        return sum((line.water_l for line in self.select(boundary)), ZERO).quantize(WATER_QUANTUM)

    def by_step(self, *, boundary: str | None = None) -> dict[str, tuple[Decimal, Decimal]]:
        """step -> (kg CO2e, L), in the order the steps first appear."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for line in self.select(boundary):
            co2e, water = totals.get(line.step, (ZERO.quantize(CO2E_QUANTUM), ZERO.quantize(WATER_QUANTUM)))
            totals[line.step] = (co2e + line.co2e_kg, water + line.water_l)
        return totals

    def primary_share_within(self, boundary: str | None = None) -> Decimal:
        """Share (0..1) of the kg CO2e inside the boundary that comes from primary (measured) activities."""
        lines = self.select(boundary)
        total = sum((line.co2e_kg for line in lines), ZERO)
        if total == 0:
            return ZERO.quantize(SHARE_QUANTUM)
        primary = sum((line.co2e_kg for line in lines if line.primary), ZERO)
        return (primary / total).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_UP)

    @property
    def primary_share(self) -> Decimal:
        """Share (0..1) of all the garment's kg CO2e that comes from primary activities."""
        return self.primary_share_within(None)

    @property
    def km_traveled(self) -> Decimal:
        """Kilometres the garment travels: the sum of the distances of its transport lines."""
        return sum((line.distance_km for line in self.lines if line.distance_km is not None), ZERO)


def _per_garment(activity: Activity) -> Decimal:
    where = f"{activity.step} ({activity.factor_id})"
    quantity = _decimal(activity.quantity, f"{where}: quantity")
    if quantity < 0:
        raise ValueError(f"{where}: negative quantity {quantity} {activity.unit}")
    if activity.sam_share is not None:
        share = _decimal(activity.sam_share, f"{where}: sam_share")
        if not ZERO <= share <= ONE:
            raise ValueError(f"{where}: sam_share must be between 0 and 1, got {share}")
        if activity.garments != 1:
            # A SAM share already says which part of the batch is this garment's: dividing too would
            # count the allocation twice.
            raise ValueError(f"{where}: give either garments or sam_share, not both")
        return quantity * share
    if isinstance(activity.garments, bool) or not isinstance(activity.garments, int) or activity.garments < 1:
        raise ValueError(f"{where}: garments must be a whole number >= 1, got {activity.garments!r}")
    return quantity / activity.garments


def calculate(activities: Sequence[Activity], registry: Registry) -> Footprint:
    """The footprint of one garment: one line per activity, in the order given.

    Raises UnitError when an activity's unit is not its factor's unit, ValueError for a negative
    quantity or distance (naming the step and the factor), FactorError for an unknown factor id.
    """
    lines = []
    for activity in activities:
        factor = registry.get(activity.factor_id)
        if activity.unit != factor.unit:
            raise UnitError(
                f"{activity.step}: activity in {activity.unit} against factor {factor.id} per {factor.unit}"
                " (convert with units.convert first)"
            )
        quantity = _per_garment(activity)
        distance = None
        if activity.distance_km is not None:
            distance = _decimal(activity.distance_km, f"{activity.step} ({factor.id}): distance_km")
            if distance < 0:
                raise ValueError(f"{activity.step} ({factor.id}): negative distance {distance} km")
        water_per_unit = factor.water_l if factor.water_l is not None else ZERO
        lines.append(
            Line(
                step=activity.step,
                factor_id=factor.id,
                factor_version=factor.version or registry.version,
                quantity=quantity,
                unit=activity.unit,
                co2e_kg=(quantity * factor.co2e_kg).quantize(CO2E_QUANTUM, rounding=ROUND_HALF_UP),
                water_l=(quantity * water_per_unit).quantize(WATER_QUANTUM, rounding=ROUND_HALF_UP),
                source=activity.source,
                primary=activity.primary,
                quality=factor.quality,
                distance_km=distance,
            )
        )
    return Footprint(lines=tuple(lines), registry_version=registry.version)


def allocate_by_sam(
    total: Decimal, sam_by_garment: Mapping[str, Decimal], *, quantum: Decimal = Decimal("0.000001")
) -> dict[str, Decimal]:
    """Split a batch total (kWh, L ...) over garments in proportion to their SAM minutes.

    Largest remainder at ``quantum``: the parts sum back to ``total`` exactly (a plain division of
    10 kWh by three would lose a unit in the last place).
    """
    total = _decimal(total, "total")
    if total < 0:
        raise ValueError(f"total must not be negative, got {total}")
    if not sam_by_garment:
        raise ValueError("no garments to allocate to")
    sams = {key: _decimal(sam, f"SAM of {key}") for key, sam in sam_by_garment.items()}
    for key, sam in sams.items():
        if sam <= 0:
            raise ValueError(f"SAM of {key} must be positive, got {sam}")
    sam_total = sum(sams.values(), ZERO)
    exact = {key: total * sam / sam_total for key, sam in sams.items()}
    parts = {key: value.quantize(quantum, rounding=ROUND_DOWN) for key, value in exact.items()}
    # Hand the leftover quanta to the largest remainders; ties go to the earlier garment (stable sort).
    by_remainder = sorted(exact, key=lambda key: exact[key] - parts[key], reverse=True)
    leftover = total - sum(parts.values(), ZERO)
    index = 0
    while leftover >= quantum:
        parts[by_remainder[index % len(by_remainder)]] += quantum
        leftover -= quantum
        index += 1
    if leftover:  # a total finer than the quantum: its last digits go to the largest remainder
        parts[by_remainder[0]] += leftover
    return parts


def sam_shares(sam_by_garment: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each garment's share (0..1) of a batch by SAM minutes; the shares sum to exactly 1."""
    return allocate_by_sam(ONE, sam_by_garment, quantum=Decimal("1e-12"))


@dataclass(frozen=True)
class ChainStep:
    """A process step of the material chain, e.g. ChainStep("weaving", "process.weaving.air_jet").

    ``share`` is the part of the stream the step touches: in denim only the warp is rope-dyed and sized, so
    those steps carry the warp's share of the yarn mass; the weft passes them by.
    """

    step: str
    factor_id: str
    share: Decimal = ONE
    note: str = ""


def material_chain(
    fabric_kg: Decimal,
    *,
    fibres: Mapping[str, Decimal],
    processes: Sequence[ChainStep],
    registry: Registry,
    source: str,
    primary: bool,
    garments: int = 1,
    offcut_kg: Decimal = ZERO,
    offcut_factor_id: str | None = None,
) -> list[Activity]:
    """The fibre-to-fabric activities behind ``fabric_kg`` of fabric cut for ``garments`` garments.

    ``processes`` are in production order (spinning, dyeing, sizing, weaving). The walk goes backwards from
    the fabric: a step makes ``share`` of the mass after it, and that output times its factor's
    ``input_kg_per_kg`` (no loss when None) is what it took in; the rest of the stream passes it by. Down
    at the fibre, ``fibres`` splits the mass by fraction (factor id -> fraction, summing to 1).
    ``offcut_kg`` of the cut fabric sent to ``offcut_factor_id`` (fibre-to-fibre recycling) adds an
    "offcuts" line: its production is already in the chain, the line carries its treatment.
    """
    fabric_kg = _decimal(fabric_kg, "fabric_kg")
    offcut_kg = _decimal(offcut_kg, "offcut_kg")
    if fabric_kg < 0 or offcut_kg < 0:
        raise ValueError(f"fabric_kg and offcut_kg must not be negative, got {fabric_kg} and {offcut_kg}")
    if offcut_kg > fabric_kg:
        raise ValueError(f"off-cuts ({offcut_kg} kg) exceed the fabric cut ({fabric_kg} kg)")
    fractions = {fid: _decimal(share, f"fibre fraction of {fid}") for fid, share in fibres.items()}
    if not fractions or sum(fractions.values(), ZERO) != ONE or any(f < 0 for f in fractions.values()):
        raise ValueError(f"fibre fractions must be non-negative and sum to 1, got {dict(fractions)}")

    output_kg = fabric_kg
    walked: list[Activity] = []
    note = ""
    for process in reversed(processes):
        share = _decimal(process.share, f"{process.step}: share")
        if not ZERO < share <= ONE:
            raise ValueError(f"{process.step}: share must be above 0 and at most 1, got {share}")
        touched = output_kg * share
        walked.append(
            Activity(
                process.step,
                process.factor_id,
                touched,
                "kg",
                source + process.note + note,
                primary,
                garments,
            )
        )
        ratio = registry.get(process.factor_id).input_kg_per_kg
        ratio = ONE if ratio is None else ratio
        output_kg = output_kg - touched + touched * ratio
        note = f" (fabric mass walked back through input_kg_per_kg of {process.factor_id} and later steps)"
    fibre_activities = [
        Activity("fibre", fid, output_kg * share, "kg", source + note, primary, garments)
        for fid, share in fractions.items()
    ]
    activities = fibre_activities + walked[::-1]
    if offcut_kg > 0:
        if offcut_factor_id is None:
            raise ValueError(f"{offcut_kg} kg of off-cuts need an offcut_factor_id (their treatment)")
        activities.append(Activity(OFFCUT_STEP, offcut_factor_id, offcut_kg, "kg", source, primary, garments))
    return activities


def steps_in_order(footprints: Iterable[Footprint], *, boundary: str | None = None) -> list[str]:
    """The union of the steps of several footprints, each in the order it first appears."""
    seen: dict[str, None] = {}
    for footprint in footprints:
        for line in footprint.select(boundary):
            seen.setdefault(line.step, None)
    return list(seen)
