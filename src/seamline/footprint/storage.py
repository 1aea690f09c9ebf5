"""How a published footprint's lines are stored: compact rows, each source string once per snapshot.

A 500-garment order has ~30 lines a garment and the same few dozen sources (events, defaults) over and
over; storing rows of values with an index into the snapshot's source list keeps a snapshot small enough to
write in well under a second. An offshore twin is stored as the lines that differ from the local garment
(its grids and transport legs): everything else is the same garment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .calc import Footprint, Line, stage

__all__ = [
    "SourceTable",
    "Twin",
    "expand",
    "footprint_of",
    "is_offshore_only",
    "offshore_of",
    "pack",
    "twins",
]

FIELDS = (
    "step",
    "factor_id",
    "quantity",
    "unit",
    "co2e_kg",
    "water_l",
    "source",
    "primary",
    "quality",
    "distance_km",
)


class SourceTable:
    """Source strings, each stored once: a line keeps its index."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self._index: dict[str, int] = {}

    def index(self, source: str) -> int:
        if source not in self._index:
            self._index[source] = len(self.sources)
            self.sources.append(source)
        return self._index[source]


def pack(lines: Iterable[Line], table: SourceTable) -> list[list[Any]]:
    return [
        [
            line.step,
            line.factor_id,
            str(line.quantity),
            line.unit,
            str(line.co2e_kg),
            str(line.water_l),
            table.index(line.source),
            line.primary,
            line.quality,
            None if line.distance_km is None else str(line.distance_km),
        ]
        for line in lines
    ]


def expand(rows: Sequence[Sequence[Any]], sources: Sequence[str], version: str) -> list[dict[str, Any]]:
    """Stored rows as dicts for people (pages, CSV), the factor version included."""
    out = []
    for row in rows:
        line = dict(zip(FIELDS, row, strict=True))
        line["source"] = sources[line["source"]]
        line["factor_version"] = version
        out.append(line)
    return out


def footprint_of(rows: Sequence[Sequence[Any]], sources: Sequence[str], version: str) -> Footprint:
    """Stored rows back as the engine's Footprint (for charts and exports)."""
    return Footprint(
        lines=tuple(
            Line(
                step=d["step"],
                factor_id=d["factor_id"],
                factor_version=version,
                quantity=Decimal(d["quantity"]),
                unit=d["unit"],
                co2e_kg=Decimal(d["co2e_kg"]),
                water_l=Decimal(d["water_l"]),
                source=d["source"],
                primary=d["primary"],
                quality=d["quality"],
                distance_km=None if d["distance_km"] is None else Decimal(d["distance_km"]),
            )
            for d in expand(rows, sources, version)
        ),
        registry_version=version,
    )


def is_offshore_only(step: str, factor_id: str) -> bool:
    """Lines an offshore twin does not share with the local garment: its making's grids and its legs.

    The delivery van charges on the Los Angeles grid for both (a snapshot of method 1 has no grid line
    outside production, so this reads its twins as before).
    """
    if step.startswith("transport:"):
        return True
    return factor_id.startswith("electricity.grid.") and stage(step) == "production"


def offshore_of(local: Footprint, delta: Footprint) -> Footprint:
    """The offshore twin rebuilt: the local garment's shared lines, then its own grids and legs."""
    shared = [line for line in local.lines if not is_offshore_only(line.step, line.factor_id)]
    return Footprint(lines=tuple(shared + list(delta.lines)), registry_version=local.registry_version)


@dataclass(frozen=True)
class Twin:
    """An offshore twin's totals (to the customer), from the local garment's shared lines and its own."""

    co2e_customer_kg: Decimal
    km: Decimal
    by_step: dict[str, Decimal]
    delta: Footprint


def twins(local: Footprint, deltas: Mapping[str, Footprint]) -> dict[str, Twin]:
    """Each country's twin of ``local`` without building it: the shared lines are summed once."""
    shared: dict[str, Decimal] = {}
    for line in local.select("cradle-to-customer"):
        if not is_offshore_only(line.step, line.factor_id):
            shared[line.step] = shared.get(line.step, Decimal(0)) + line.co2e_kg
    shared_km = sum(
        (
            x.distance_km
            for x in local.lines
            if x.distance_km is not None and not is_offshore_only(x.step, x.factor_id)
        ),
        Decimal(0),
    )
    out = {}
    for country, delta in deltas.items():
        by_step = dict(shared)
        for step, (kg, _) in delta.by_step(boundary="cradle-to-customer").items():
            by_step[step] = by_step.get(step, Decimal(0)) + kg
        out[country] = Twin(sum(by_step.values(), Decimal(0)), shared_km + delta.km_traveled, by_step, delta)
    return out
