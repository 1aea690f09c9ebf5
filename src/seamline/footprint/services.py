"""Publishing a footprint: read the ledger, calculate every garment (and its offshore twins), snapshot it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from seamline.core.errors import ValidationError
from seamline.production.models import Garment, ProductionOrder

from .activities import garment_activities
from .baseline import DEFAULT_BASELINES, offshore_baseline
from .calc import calculate
from .factors import FactorError, Registry, load_registry
from .gather import order_records
from .models import FootprintSnapshot, GarmentFootprint
from .storage import SourceTable, is_offshore_only, pack, twins
from .units import UnitError

__all__ = ["footprint_publish"]

_KG = Decimal("0.0001")
# What conventional indigo dyeing uses per kg: the litres a waterless dyeing step saves.
WATERLESS_REFERENCE = "water.reference.indigo-dyeing-conventional"
_L = Decimal("0.01")


@transaction.atomic
def footprint_publish(
    *,
    order: ProductionOrder,
    by: Any = None,
    registry: Registry | None = None,
    baselines: Sequence[str] = DEFAULT_BASELINES,
) -> FootprintSnapshot:
    """Calculate the order's garments from the ledger and publish the result as the next version.

    Published versions are never changed: a new factor version takes effect in the next snapshot.
    ValidationError (and nothing published) when the ledger has nothing to account for, a factor file is
    bad, a unit does not match its factor, a quantity is negative or a baseline country is unknown.
    """
    try:
        registry = registry or load_registry()
        spec, records = order_records(organization=order.factory, order=order)
        if not records:
            raise ValueError(f"{order.number} has no sewn garments yet")
        reference = registry.get(WATERLESS_REFERENCE)
        results = []
        for record in records:
            activities = garment_activities(record, spec, registry)
            local = calculate(activities, registry)
            garment_kg = record.fabric_m * spec.width_m * spec.gsm / 1000 - record.offcut_kg
            # An offshore twin shares every line but its grids and legs: only those are calculated.
            deltas = {
                cc: calculate(
                    [
                        a
                        for a in offshore_baseline(
                            activities, country=cc, registry=registry, shipped_kg_per_garment=garment_kg
                        )
                        if is_offshore_only(a.step, a.factor_id)
                    ],
                    registry,
                )
                for cc in baselines
            }
            offshore = twins(local, deltas)
            saved = (reference.water_l or 0) * garment_kg if record.waterless_dyed else Decimal(0)
            results.append((record, local, offshore, saved.quantize(_L)))
    except (ValueError, UnitError, FactorError) as exc:
        raise ValidationError(
            f"No footprint published for {order.number}: {exc}", fields={"footprint": str(exc)}
        ) from exc

    ProductionOrder.objects.select_for_update().filter(pk=order.pk).first()  # versions one at a time
    version = (FootprintSnapshot.objects.filter(order=order).aggregate(n=Max("version"))["n"] or 0) + 1
    n = Decimal(len(results))

    def mean(values: list[Decimal], quantum: Decimal) -> Decimal:
        return (sum(values, Decimal(0)) / n).quantize(quantum)

    locals_ = [local for _, local, _, _ in results]
    steps: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for local in locals_:
        for step, (kg, litres) in local.by_step(boundary="cradle-to-customer").items():
            steps[step][0] += kg
            steps[step][1] += litres
    baseline_summary = {}
    for cc in baselines:
        runs = [offshore[cc] for _, _, offshore, _ in results]
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
        co2e_gate_kg=mean([f.co2e_kg(boundary="cradle-to-gate") for f in locals_], _KG),
        co2e_customer_kg=mean([f.co2e_kg(boundary="cradle-to-customer") for f in locals_], _KG),
        water_l=mean([f.water_l(boundary="cradle-to-customer") for f in locals_], _L),
        water_saved_l=mean([saved for _, _, _, saved in results], _L),
        km=mean([f.km_traveled for f in locals_], _L),
        primary_share=mean([f.primary_share_within("cradle-to-customer") for f in locals_], _KG),
        by_step={
            step: [str((kg / n).quantize(_KG)), str((litres / n).quantize(_L))]
            for step, (kg, litres) in steps.items()
        },
        baselines=baseline_summary,
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
        for record, local, offshore, saved in results
    ]
    _insert(rows)
    snapshot.sources = table.sources
    snapshot.save(update_fields=["sources"])
    return snapshot


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
