"""Fabric a garment takes: a finished cut plan's markers spread over sizes by piece area, else the bill of
materials; and how the pages say where a figure comes from and when the two disagree.

Pure: plain numbers in and out, no Django (the readers in selectors.py feed it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["BOM_AGREES_WITHIN_PCT", "fabric_for", "fabric_note", "fabric_source", "meters_per_garment"]


_MILLI = Decimal("0.001")
# A BOM is an estimate made before the pattern is nested; within 5% of the markers it is as good as one gets.
BOM_AGREES_WITHIN_PCT = Decimal(5)


def meters_per_garment(
    *, fabric_m: Decimal, produced: Mapping[str, int], area_cm2: Mapping[str, float | Decimal]
) -> dict[str, Decimal]:
    """Meters of fabric a garment of each size takes in a plan's markers, unrounded.

    The markers' meters per cm² of the pieces they cut (`produced` garments of each size, each size's pieces
    `area_cm2` in all), times a size's pieces' area: the produced garments take exactly `fabric_m`, and a
    size of the pattern the plan did not cut gets a figure too.

    >>> meters_per_garment(
    ...     fabric_m=Decimal("10"), produced={"S": 2, "M": 2}, area_cm2={"S": 2000.0, "M": 3000.0, "L": 3500}
    ... )
    {'S': Decimal('2.0000'), 'M': Decimal('3.0000'), 'L': Decimal('3.500')}
    """
    pieces_cm2 = sum((Decimal(str(area_cm2.get(size, 0))) * n for size, n in produced.items()), Decimal(0))
    if pieces_cm2 <= 0:
        return {}
    per_cm2 = Decimal(fabric_m) / pieces_cm2
    return {size: per_cm2 * Decimal(str(area)) for size, area in area_cm2.items()}


def fabric_for(per_garment_m: Mapping[str, Decimal], quantities: Mapping[str, int]) -> Decimal:
    """Meters for `quantities` (garments per size), rounded once, to the millimetre; a size without a figure
    counts as none.

    >>> fabric_for({"S": Decimal("1.7"), "M": Decimal("1.78")}, {"S": 6, "M": 12})
    Decimal('31.560')
    """
    total = sum((Decimal(per_garment_m.get(size, 0)) * n for size, n in quantities.items()), Decimal(0))
    return total.quantize(_MILLI, rounding=ROUND_HALF_UP)


def _meters(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f} m"


def fabric_note(*, bom_m: Decimal, marker_m: Decimal, within_pct: Decimal = BOM_AGREES_WITHIN_PCT) -> str:
    """What to tell the reader when the BOM and the markers disagree by more than `within_pct` % of the
    BOM's figure, for the same garments; "" when they agree.

    >>> fabric_note(bom_m=Decimal("132.700"), marker_m=Decimal("203.980"))
    'the BOM says 132.70 m; the markers take 203.98 m, 54% more — update the BOM'
    >>> fabric_note(bom_m=Decimal("100"), marker_m=Decimal("104.9"))
    ''
    """
    bom, marker = Decimal(bom_m), Decimal(marker_m)
    says = f"the BOM says {_meters(bom)}; the markers take {_meters(marker)}"
    if bom <= 0:
        return f"{says} — update the BOM" if marker > 0 else ""
    off_pct = abs(marker - bom) * 100 / bom
    if off_pct <= within_pct:
        return ""
    more = "more" if marker > bom else "less"
    return f"{says}, {off_pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)}% {more} — update the BOM"


def fabric_source(plan_ids: Iterable[int], bom_sizes: Iterable[str] = ()) -> str:
    """Where a fabric figure comes from, as the pages say it.

    >>> fabric_source([7])
    "from cut plan 7's markers"
    >>> fabric_source([])
    'from the BOM, no marker yet'
    >>> fabric_source([7, 9], ["XS", "XXL"])
    "from cut plans 7 and 9's markers (XS, XXL from the BOM: the pattern has no pieces for them)"
    """
    ids = [str(pk) for pk in dict.fromkeys(plan_ids)]
    if not ids:
        return "from the BOM, no marker yet"
    plans = f"cut plan {ids[0]}" if len(ids) == 1 else f"cut plans {', '.join(ids[:-1])} and {ids[-1]}"
    sizes = list(dict.fromkeys(bom_sizes))
    rest = f" ({', '.join(sizes)} from the BOM: the pattern has no pieces for them)" if sizes else ""
    return f"from {plans}'s markers{rest}"
