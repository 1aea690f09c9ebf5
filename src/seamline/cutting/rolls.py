"""Rolls for the lays of a cut plan, and the off-cut mass bound for the fibre recycler.

Pure: no Django. The rule, greedy and documented:

* lays are served in the order given; each lay's plies all come from ONE shade lot (shading differs
  between dye lots, so a lay never mixes them);
* a ply is cut whole from one roll: it takes ``length + end_loss`` and never spans two rolls;
* for each lay the lots are tried largest remaining meters first, and the first lot that can give every
  ply wins; within the lot the rolls are used in the order given, first fit (a roll gives as many whole
  plies as its remaining length allows, then the next roll);
* what is left on a roll that was cut from is its remnant (roll end), with its length;
* ``remnants_first`` (samples): a lay is first served from remnants alone (rolls already cut from,
  given as ``Roll(remnant=True)`` or cut by an earlier lay of the plan), shortest first, from the lot
  whose remnants suffice with the fewest meters; only when no lot's remnants suffice does the rule above
  apply (whole rolls too). Small ends are used up rather than new rolls opened.

Meters are Decimal with 3 places; a ply's meters are rounded up to the millimetre so a roll is never
over-promised.

    >>> from decimal import Decimal
    >>> rolls = [Roll("R1", "A", Decimal("6.000")), Roll("R2", "A", Decimal("5"))]
    >>> plan = assign_rolls([("L1", 3, 248.0)], rolls)
    >>> [(u.roll_id, u.plies, u.meters) for u in plan.lays[0].uses]
    [('R1', 2, Decimal('5.000')), ('R2', 1, Decimal('2.500'))]
    >>> [(r.roll_id, r.remnant_m) for r in plan.rolls]
    [('R1', Decimal('1.000')), ('R2', Decimal('2.500'))]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

__all__ = ["LayRolls", "Roll", "RollPlan", "RollUsage", "RollUse", "assign_rolls", "offcut_mass_kg"]

_MM = Decimal("0.001")


@dataclass(frozen=True)
class Roll:
    """A fabric roll: its id, its shade (dye) lot and its length in meters."""

    roll_id: str
    shade_lot: str
    length_m: Decimal
    remnant: bool = False  # already cut from (a roll end), so a sample uses it before a whole roll


@dataclass(frozen=True)
class RollUse:
    """Plies of one lay cut from one roll, and the meters they take (end loss included)."""

    roll_id: str
    plies: int
    meters: Decimal


@dataclass(frozen=True)
class LayRolls:
    """Where one lay's fabric comes from: its shade lot and the rolls it uses."""

    lay_id: str
    shade_lot: str
    plies: int
    ply_m: Decimal
    uses: tuple[RollUse, ...]

    @property
    def meters(self) -> Decimal:
        """Meters the lay consumes."""
        return sum((use.meters for use in self.uses), Decimal("0.000"))


@dataclass(frozen=True)
class RollUsage:
    """One roll after the plan: meters consumed and its remnant (zero when the roll is untouched)."""

    roll_id: str
    shade_lot: str
    length_m: Decimal
    consumed_m: Decimal
    remaining_m: Decimal

    @property
    def remnant_m(self) -> Decimal:
        """The roll end left after cutting (an untouched roll is a whole roll, not a remnant)."""
        return self.remaining_m if self.consumed_m > 0 else Decimal("0.000")


@dataclass(frozen=True)
class RollPlan:
    """Rolls per lay and per roll, with totals in meters."""

    lays: tuple[LayRolls, ...]
    rolls: tuple[RollUsage, ...]
    consumed_m: Decimal
    remnant_m: Decimal


def assign_rolls(
    lays: Sequence[tuple[str, int, float]],
    rolls: Sequence[Roll],
    *,
    end_loss_cm: float = 2.0,
    remnants_first: bool = False,
) -> RollPlan:
    """Rolls for each ``(lay_id, plies, length_cm)``; ValueError naming a lay no single lot can supply.

    ``remnants_first``: serve each lay from remnants alone when some lot's remnants suffice (see above).
    """
    ids = [roll.roll_id for roll in rolls]
    if len(set(ids)) != len(ids):
        raise ValueError("roll ids must be unique")
    remaining = {roll.roll_id: Decimal(roll.length_m).quantize(_MM) for roll in rolls}
    lots: dict[str, list[str]] = {}
    for roll in rolls:
        lots.setdefault(roll.shade_lot, []).append(roll.roll_id)
    served = []
    for lay_id, plies, length_cm in lays:
        if plies < 1 or length_cm <= 0:
            raise ValueError(f"lay {lay_id!r}: plies and length must be positive")
        ply_m = ((Decimal(str(length_cm)) + Decimal(str(end_loss_cm))) / 100).quantize(_MM, ROUND_CEILING)
        if remnants_first:
            ends = _remnants_sufficing(rolls, remaining, plies, ply_m)
            if ends is not None:
                served.append(_take(lay_id, ends[0], plies, ply_m, ends[1], remaining))
                continue
        best: tuple[str, int] | None = None
        by_size = sorted(lots, key=lambda lot: (-sum(remaining[r] for r in lots[lot]), lot))
        for lot in by_size:
            capacity = sum(int(remaining[r] // ply_m) for r in lots[lot])
            if capacity >= plies:
                served.append(_take(lay_id, lot, plies, ply_m, lots[lot], remaining))
                break
            if best is None or capacity > best[1]:
                best = (lot, capacity)
        else:
            offer = f"the best, lot {best[0]!r}, gives {best[1]}" if best else "there are no rolls"
            raise ValueError(
                f"lay {lay_id!r}: needs {plies} plies of {ply_m} m from one shade lot; {offer} "
                f"({plies - (best[1] if best else 0)} plies missing)"
            )
    usage = tuple(
        RollUsage(
            roll.roll_id,
            roll.shade_lot,
            Decimal(roll.length_m).quantize(_MM),
            Decimal(roll.length_m).quantize(_MM) - remaining[roll.roll_id],
            remaining[roll.roll_id],
        )
        for roll in rolls
    )
    return RollPlan(
        lays=tuple(served),
        rolls=usage,
        consumed_m=sum((u.consumed_m for u in usage), Decimal("0.000")),
        remnant_m=sum((u.remnant_m for u in usage), Decimal("0.000")),
    )


def _remnants_sufficing(
    rolls: Sequence[Roll], remaining: dict[str, Decimal], plies: int, ply_m: Decimal
) -> tuple[str, list[str]] | None:
    """The lot whose remnants alone give every ply, with the fewest meters of remnants, and those remnants
    shortest first; None when no lot's remnants suffice."""
    by_lot: dict[str, list[str]] = {}
    for roll in rolls:
        started = roll.remnant or remaining[roll.roll_id] < Decimal(roll.length_m).quantize(_MM)
        if started and remaining[roll.roll_id] >= ply_m:
            by_lot.setdefault(roll.shade_lot, []).append(roll.roll_id)
    fitting = [
        (sum(remaining[r] for r in ids), lot, sorted(ids, key=lambda r: (remaining[r], r)))
        for lot, ids in by_lot.items()
        if sum(int(remaining[r] // ply_m) for r in ids) >= plies
    ]
    if not fitting:
        return None
    _, lot, ids = min(fitting)
    return lot, ids


def _take(
    lay_id: str, lot: str, plies: int, ply_m: Decimal, roll_ids: Sequence[str], remaining: dict[str, Decimal]
) -> LayRolls:
    uses, left = [], plies
    for roll_id in roll_ids:
        if left == 0:
            break
        take = min(left, int(remaining[roll_id] // ply_m))
        if take:
            meters = ply_m * take
            remaining[roll_id] -= meters
            uses.append(RollUse(roll_id, take, meters))
            left -= take
    return LayRolls(lay_id, lot, plies, ply_m, tuple(uses))


def offcut_mass_kg(waste_area_cm2: float, gsm: float) -> float:
    """Mass of the off-cuts in kg: waste area (cm²) × fabric weight (g/m²).

    >>> offcut_mass_kg(25_000, 460)
    1.15
    """
    if waste_area_cm2 < 0 or gsm <= 0:
        raise ValueError("waste area must not be negative and gsm must be positive")
    return round(waste_area_cm2 / 10_000 * gsm / 1_000, 6)
