"""Publishing a footprint: read the ledger, calculate every garment (and its offshore twins), snapshot it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from seamline.core.errors import ValidationError
from seamline.production.models import Garment, ProductionOrder

from .activities import (
    DEFAULTS,
    GRID,
    GRID_REGIONAL,
    LifeAfterSale,
    MaterialSpec,
    garment_activities,
    garment_kg,
    route_co2e,
)
from .baseline import DEFAULT_BASELINES, offshore_baseline
from .calc import BOUNDARIES, CO2E_QUANTUM, HEADLINE_BOUNDARY, Footprint, Line, calculate, stage
from .factors import FactorError, Registry, load_registry
from .gather import order_records
from .models import FootprintSnapshot, GarmentFootprint
from .storage import SourceTable, is_offshore_only, pack, twins
from .units import UnitError

__all__ = ["footprint_publish", "route_estimate"]

_KG = Decimal("0.0001")
_L = Decimal("0.01")
METHOD_VERSION = 2
# What a waterless garment-dyeing step saves is measured against conventional garment dyeing, like with like;
# without a sourced reference no saving is claimed.
WATERLESS_REFERENCE = "water.reference.garment-dyeing-conventional"
# Where a line's litres come from: blue water of growing the fibre, the mill's process water, the factory's
# own metered water. The three are shown apart: only the last is Seamline's factories' to change.
WATER_SOURCES = (("fibre", "fibre."), ("mill", "process."), ("factory", "water."))


def water_split(footprint: Footprint, boundary: str = HEADLINE_BOUNDARY) -> dict[str, Decimal]:
    """A footprint's litres by where they come from (see WATER_SOURCES)."""
    split = {name: Decimal(0) for name, _ in WATER_SOURCES}
    for line in footprint.select(boundary):
        for name, prefix in WATER_SOURCES:
            if line.factor_id.startswith(prefix):
                split[name] += line.water_l
    return split


def life_after_sale_of(order: ProductionOrder) -> LifeAfterSale:
    """The care label of the order's style; no take-back programme is recorded, so all goes to landfill."""
    style = order.style
    return LifeAfterSale(wash_c=style.care_wash_c, tumble_dry=style.care_tumble_dry)


def on_grid(local: Footprint, grid_id: str, registry: Registry) -> Decimal:
    """The headline kg CO2e of ``local`` had its city electricity been on ``grid_id``: only its grid lines
    change, each re-multiplied and rounded as the engine rounds a line (cheaper than a second calculation)."""
    factor = registry.get(grid_id).co2e_kg
    total = local.co2e_kg(boundary=HEADLINE_BOUNDARY)
    for line in local.select(HEADLINE_BOUNDARY):
        if line.factor_id == GRID:
            total += (line.quantity * factor).quantize(CO2E_QUANTUM, rounding=ROUND_HALF_UP) - line.co2e_kg
    return total


def _unsourced(
    lines: Sequence[Line], registry: Registry, parameters: Sequence[str] = ()
) -> list[dict[str, str]]:
    """The factors, and the parameters (a cargo bike's kWh/km), that no published value backs."""
    used = dict.fromkeys(line.factor_id for line in lines)
    out = []
    for fid in used:
        factor = registry.factors.get(fid)
        if factor is not None and not factor.sourced:
            out.append({"factor_id": fid, "activity": factor.activity, "reason": factor.unsourced_reason})
    for pid in dict.fromkeys(parameters):
        parameter = registry.parameters.get(pid)
        if parameter is not None and not parameter.sourced:
            out.append(
                {"factor_id": pid, "activity": parameter.description, "reason": parameter.unsourced_reason}
            )
    return out


def route_estimate(estimate: Any, registry: Registry | None = None) -> None:
    """Fill in a planned route's kg CO2e (delivery.hooks.RouteEstimate): km × the vehicle's kWh/km × the
    city's grid (activities.route_co2e)."""
    registry = registry or load_registry()
    estimate.co2e_kg, estimate.basis, estimate.sourced = route_co2e(
        estimate.vehicle_kind, estimate.km, registry
    )


@transaction.atomic
def footprint_publish(
    *,
    order: ProductionOrder,
    by: Any = None,
    registry: Registry | None = None,
    baselines: Sequence[str] = DEFAULT_BASELINES,
    after: LifeAfterSale | None = None,
) -> FootprintSnapshot:
    """Calculate the order's garments from the ledger and publish the result as the next version.

    Published versions are never changed: a new factor version takes effect in the next snapshot.
    ValidationError (and nothing published) when the ledger has nothing to account for, a factor file is
    bad, a unit does not match its factor, a quantity is negative or a baseline country is unknown.
    """
    try:
        registry = registry or load_registry()
        after = after or life_after_sale_of(order)
        spec, records = order_records(organization=order.factory, order=order, registry=registry)
        if not records:
            raise ValueError(f"{order.number} has no sewn garments yet")
        reference = registry.factors.get(WATERLESS_REFERENCE)
        claimable = reference is not None and reference.sourced and reference.water_l is not None
        results = []
        parameters: list[str] = []
        for record in records:
            activities = garment_activities(record, spec, registry, after=after)
            parameters += [a.parameter_id for a in activities if a.parameter_id]
            local = calculate(activities, registry)
            regional = on_grid(local, GRID_REGIONAL, registry)
            fabric_kg = garment_kg(record, spec)
            kept_kg = fabric_kg - min(record.offcut_kg, fabric_kg)
            # An offshore twin shares every line but its grids and legs: only those are calculated.
            deltas = {
                cc: calculate(
                    [
                        a
                        for a in offshore_baseline(
                            activities,
                            country=cc,
                            registry=registry,
                            shipped_kg_per_garment=kept_kg,
                            fabric_kg=fabric_kg,
                            mill_port=spec.mill_port,
                        )
                        if is_offshore_only(a.step, a.factor_id)
                    ],
                    registry,
                )
                for cc in baselines
            }
            offshore = twins(local, deltas)
            saved = reference.water_l * kept_kg if claimable and record.waterless_dyed else Decimal(0)
            results.append((record, local, offshore, saved.quantize(_L), regional))
    except (ValueError, UnitError, FactorError) as exc:
        raise ValidationError(
            f"No footprint published for {order.number}: {exc}", fields={"footprint": str(exc)}
        ) from exc

    ProductionOrder.objects.select_for_update().filter(pk=order.pk).first()  # versions one at a time
    version = (FootprintSnapshot.objects.filter(order=order).aggregate(n=Max("version"))["n"] or 0) + 1
    n = Decimal(len(results))

    def mean(values: list[Decimal], quantum: Decimal) -> Decimal:
        return (sum(values, Decimal(0)) / n).quantize(quantum)

    locals_ = [local for _, local, _, _, _ in results]
    totals, boundary_steps = _by_boundary(locals_)
    splits = [water_split(f) for f in locals_]
    steps: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for local in locals_:
        for step, (kg, litres) in local.by_step(boundary="cradle-to-customer").items():
            steps[step][0] += kg
            steps[step][1] += litres
    baseline_summary = {}
    for cc in baselines:
        runs = [offshore[cc] for _, _, offshore, _, _ in results]
        cc_steps: dict[str, Decimal] = defaultdict(Decimal)
        for run in runs:
            for step, kg in run.by_step.items():
                cc_steps[step] += kg
        baseline_summary[cc] = {
            "co2e_customer_kg": str(mean([r.co2e_customer_kg for r in runs], _KG)),
            "km": str(mean([r.km for r in runs], _L)),
            "by_step": {step: str((kg / n).quantize(_KG)) for step, kg in cc_steps.items()},
        }
    snapshot = FootprintSnapshot.objects.create(
        order=order,
        version=version,
        registry_version=registry.version,
        garments=len(results),
        co2e_gate_kg=mean(totals["cradle-to-gate"], _KG),
        co2e_customer_kg=mean(totals["cradle-to-customer"], _KG),
        water_l=mean([f.water_l(boundary="cradle-to-customer") for f in locals_], _L),
        water_saved_l=mean([saved for _, _, _, saved, _ in results], _L),
        km=mean([f.km_traveled for f in locals_], _L),
        primary_share=mean([f.primary_share_within("cradle-to-customer") for f in locals_], _KG),
        by_step={
            step: [str((kg / n).quantize(_KG)), str((litres / n).quantize(_L))]
            for step, (kg, litres) in steps.items()
        },
        baselines=baseline_summary,
        method_version=METHOD_VERSION,
        co2e_grave_kg=mean(totals["cradle-to-grave"], _KG),
        co2e_use_kg=(
            mean(
                [
                    a - b
                    for a, b in zip(
                        totals["cradle-to-grave-with-use"], totals["cradle-to-grave"], strict=True
                    )
                ],
                _KG,
            )
            if after.wash_c is not None
            else None
        ),
        water_split={name: str(mean([split[name] for split in splits], _L)) for name, _ in WATER_SOURCES},
        unsourced=_unsourced([line for f in locals_ for line in f.lines], registry, parameters),
        assumptions=_assumptions(
            spec,
            after,
            registry,
            {
                b: (mean(totals[b], _KG), {s: (kg / n).quantize(_KG) for s, kg in boundary_steps[b].items()})
                for b in BOUNDARIES
            },
            mean([regional for *_, regional in results], _KG),
            claimable,
        ),
        created_by=by,
    )
    garments = {g.epc_uri: g for g in Garment.objects.filter(order=order)}
    table = SourceTable()
    rows = [
        GarmentFootprint(
            snapshot=snapshot,
            garment=garments[record.epc],
            co2e_gate_kg=local.co2e_kg(boundary="cradle-to-gate"),
            co2e_customer_kg=local.co2e_kg(boundary="cradle-to-customer"),
            water_l=local.water_l(boundary="cradle-to-customer"),
            water_saved_l=saved,
            km=local.km_traveled,
            lines=pack(local.lines, table),
            baselines={
                cc: {
                    "co2e_customer_kg": str(run.co2e_customer_kg),
                    "km": str(run.km),
                    "delta": pack(run.delta.lines, table),
                }
                for cc, run in offshore.items()
            },
        )
        for record, local, offshore, saved, _ in results
    ]
    _insert(rows)
    snapshot.sources = table.sources
    snapshot.save(update_fields=["sources"])
    return snapshot


def _by_boundary(
    footprints: list[Footprint],
) -> tuple[dict[str, list[Decimal]], dict[str, dict[str, Decimal]]]:
    """Each boundary's total of every garment, and its steps summed over the garments: one pass a garment."""
    totals: dict[str, list[Decimal]] = {boundary: [] for boundary in BOUNDARIES}
    steps: dict[str, dict[str, Decimal]] = {boundary: defaultdict(Decimal) for boundary in BOUNDARIES}
    for footprint in footprints:
        by_step: dict[str, Decimal] = defaultdict(Decimal)
        for line in footprint.lines:
            by_step[line.step] += line.co2e_kg
        for boundary, stages in BOUNDARIES.items():
            inside = [(step, kg) for step, kg in by_step.items() if stage(step) in stages]
            totals[boundary].append(sum((kg for _, kg in inside), Decimal(0)).quantize(CO2E_QUANTUM))
            for step, kg in inside:
                steps[boundary][step] += kg
    return totals, steps


def _assumptions(
    spec: MaterialSpec,
    after: LifeAfterSale,
    registry: Registry,
    boundary_means: dict[str, tuple[Decimal, dict[str, Decimal]]],
    regional_mean: Decimal,
    claimable: bool,
) -> dict[str, Any]:
    """What the snapshot rests on, as its pages state it: each boundary's steps, the grid basis and the
    alternative one, the end of life, the use phase, the material's construction and what is left out."""
    grid, regional = registry.get(GRID), registry.get(GRID_REGIONAL)
    boundaries = {
        boundary: {"co2e_kg": str(total), "steps": {step: str(kg) for step, kg in steps.items()}}
        for boundary, (total, steps) in boundary_means.items()
    }
    washes = None
    if after.wash_c is not None:
        washes = {
            "wash_c": after.wash_c,
            "washes": str(after.washes),
            "tumble_dry": after.tumble_dry,
            "note": DEFAULTS["washes"][1],
        }
    return {
        "boundaries": boundaries,
        "grid": {
            "factor": grid.id,
            "basis": grid.basis,
            "alternative": {
                "factor": regional.id,
                "basis": regional.basis,
                "co2e_customer_kg": str(regional_mean),
            },
        },
        "end_of_life": {"takeback_share": str(after.takeback_share), "source": after.takeback_source},
        "use": washes,
        "material": list(spec.notes),
        "exclusions": list(spec.exclusions),
        "water_saved": {
            "reference": WATERLESS_REFERENCE if claimable else None,
            "note": "against conventional garment dyeing, per kg of garment"
            if claimable
            else "no saving claimed: no sourced water figure for conventional garment dyeing",
        },
    }


def _insert(rows: list[GarmentFootprint]) -> None:
    """Write the garment rows: COPY on PostgreSQL (Django's bulk insert quotes JSON arrays slowly: 5x)."""
    if connection.vendor != "postgresql":
        GarmentFootprint.objects.bulk_create(rows, batch_size=250)
        return
    columns = (
        "snapshot_id",
        "garment_id",
        "co2e_gate_kg",
        "co2e_customer_kg",
        "water_l",
        "water_saved_l",
        "km",
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY footprint_garmentfootprint ({', '.join(columns)}, lines, baselines) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(
                [*(getattr(row, c) for c in columns), json.dumps(row.lines), json.dumps(row.baselines)]
            )
