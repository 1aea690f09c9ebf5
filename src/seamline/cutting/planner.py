"""Plan the cut of one order end to end: nest the candidate ratios, choose the lays, give them rolls.

Pure: no Django. The app's cut-plan task and `seamline cutplan` both run `plan_order_cut`; the app saves
what it returns. Progress is reported as a fraction of the whole run (nesting dominates it: each marker
gets ``seconds_per_garment`` × its garments, the same budget per garment for every marker, so the naive
comparison is fair).

Off-cuts are everything a lay's plies consume that is not a piece: the gaps between pieces, the selvedge
margins and the ply end losses. So meters consumed × fabric width = piece area + off-cut area, and the
mass balance closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .cutplan import CutPlan, candidate_ratios, naive_plan, plan_cut
from .nesting import Marker, NestPiece, Progress, nest
from .outputs import pieces_from_pattern
from .pattern import Pattern
from .rolls import Roll, RollPlan, assign_rolls, offcut_mass_kg
from .validity import check_marker

__all__ = ["CutSettings", "OrderCut", "PlanProgress", "plan_order_cut", "ratio_key", "ratio_label"]


@dataclass(frozen=True)
class CutSettings:
    """The cutting room's rules for one plan (lengths in cm)."""

    fabric_width_cm: float
    margin_cm: float = 1.0
    spacing_cm: float = 0.3
    max_plies: int = 30
    max_marker_length_cm: float = 600.0
    setup_cost_cm: float = 50.0
    overcut_max: int = 1
    one_way: bool = False
    seconds_per_garment: float = 3.0
    max_garments: int = 4
    shortlist: int = 6
    assumed_utilization: float = 0.82  # only to shortlist ratios and skip ones longer than the table
    end_loss_cm: float = 2.0
    gsm: float = 0.0
    remnants_first: bool = False  # a sample's cut: roll ends before whole rolls (rolls.assign_rolls)

    @property
    def usable_width_cm(self) -> float:
        return self.fabric_width_cm - 2 * self.margin_cm


@dataclass(frozen=True)
class PlanProgress:
    """How far the run is: ``fraction`` of the whole, and what it is doing in words."""

    fraction: float
    text: str


@dataclass
class OrderCut:
    """What the run produced: the markers of the chosen lays (by ratio key), the plan and its rolls;
    ``nested`` holds every marker nested, chosen or not, and the seconds its nesting took."""

    markers: dict[tuple[tuple[str, int], ...], Marker]
    plan: CutPlan
    rolls: RollPlan
    offcut_area_cm2: float
    offcut_kg: float
    pieces: dict[tuple[tuple[str, int], ...], list[NestPiece]] = field(default_factory=dict)
    drill_holes: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    nested: dict[tuple[tuple[str, int], ...], tuple[Marker, float]] = field(default_factory=dict)


def ratio_key(ratio: Mapping[str, int], sizes: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """A ratio as a hashable key, sizes in the pattern's order."""
    return tuple((size, ratio[size]) for size in sizes if ratio.get(size, 0) > 0)


def ratio_label(ratio: Mapping[str, int] | Sequence[tuple[str, int]]) -> str:
    """'S+2M' for {S: 1, M: 2}.

    >>> ratio_label({"S": 1, "M": 2})
    'S+2M'
    """
    items = ratio.items() if isinstance(ratio, Mapping) else ratio
    return "+".join(f"{n}{size}" if n > 1 else size for size, n in items if n > 0)


def plan_order_cut(
    pattern: Pattern,
    demand: Mapping[str, int],
    settings: CutSettings,
    rolls: Sequence[Roll],
    *,
    on_progress: Callable[[PlanProgress], None] | None = None,
) -> OrderCut:
    """Nest, plan and allocate rolls for ``demand`` ({size: garments}).

    Raises PatternError when the pattern lacks a size of the order and ValueError (naming the piece, the
    size or the lay) when a piece is wider than the fabric, no plan meets the demand or the rolls are short.
    """
    wanted = {size: n for size, n in demand.items() if n > 0}
    if not wanted:
        raise ValueError("the order has no garments to cut")
    for size in wanted:
        pattern.pieces_for(size)  # PatternError naming the size when it has no pieces
    sizes = [s for s in pattern.sizes() if s in wanted] + [s for s in wanted if s not in pattern.sizes()]
    report = on_progress or (lambda _: None)

    def estimate(ratio: Mapping[str, int]) -> float:
        area = sum(pattern.total_area_cm2(size) * n for size, n in ratio.items())
        return area / (settings.usable_width_cm * settings.assumed_utilization)

    candidates = candidate_ratios(
        wanted,
        max_garments=settings.max_garments,
        estimate=estimate,
        shortlist=settings.shortlist,
        max_length_cm=settings.max_marker_length_cm,
    )
    budget = [settings.seconds_per_garment * sum(r.values()) for r in candidates]
    total_s = sum(budget) or 1.0
    markers: dict[tuple[tuple[str, int], ...], Marker] = {}
    pieces_by_key: dict[tuple[tuple[str, int], ...], list[NestPiece]] = {}
    holes: dict[str, tuple[tuple[float, float], ...]] = {}
    done_s = 0.0
    nested: dict[tuple[tuple[str, int], ...], tuple[Marker, float]] = {}
    for index, (ratio, seconds) in enumerate(zip(candidates, budget, strict=True), start=1):
        key = ratio_key(ratio, sizes)
        label = ratio_label(key)
        pieces, piece_holes = pieces_from_pattern(pattern, dict(key), one_way=settings.one_way)
        holes.update(piece_holes)
        step = f"Nesting marker {index} of {len(candidates)} ({label})"
        report(PlanProgress(0.95 * done_s / total_s, step))
        show = _progress_of(report, step, done_s=done_s, seconds=seconds, total_s=total_s)
        started = time.monotonic()
        try:
            marker = nest(
                pieces,
                fabric_width_cm=settings.fabric_width_cm,
                margin_cm=settings.margin_cm,
                spacing_cm=settings.spacing_cm,
                time_s=seconds,
                on_progress=show,
            )
        except ValueError as exc:
            raise ValueError(f"{pattern.source or pattern.style_name}: {exc}") from exc
        problems = check_marker(
            marker, usable_width_cm=settings.usable_width_cm, pieces=pieces, spacing_cm=settings.spacing_cm
        )
        if problems:  # never hand a cutter an overlapping marker
            raise ValueError(f"marker {label} failed its check: {problems[0]}")
        markers[key] = marker
        nested[key] = (marker, time.monotonic() - started)
        pieces_by_key[key] = pieces
        done_s += seconds

    report(PlanProgress(0.96, "Choosing ratios and plies (CP-SAT)"))
    length = {key: marker.length_cm for key, marker in markers.items()}
    plan = plan_cut(
        demand=wanted,
        marker_length=lambda ratio: length[ratio_key(ratio, sizes)],
        candidates=candidates,
        max_plies=settings.max_plies,
        max_marker_length_cm=settings.max_marker_length_cm,
        setup_cost_cm=settings.setup_cost_cm,
        overcut_max=dict.fromkeys(wanted, settings.overcut_max),
        time_s=20,
    )
    # The naive plan's markers are the single-size ones nested above, with the same budget per garment.
    naive = naive_plan(wanted, lambda ratio: length[ratio_key(ratio, sizes)])
    assert abs(naive.fabric_cm - plan.naive_fabric_cm) < 1e-6

    report(PlanProgress(0.98, "Assigning rolls by shade lot"))
    lays = [(f"L{i}", lay.plies, lay.length_cm) for i, lay in enumerate(plan.lays, start=1)]
    roll_plan = assign_rolls(
        lays, rolls, end_loss_cm=settings.end_loss_cm, remnants_first=settings.remnants_first
    )
    consumed_cm2 = float(roll_plan.consumed_m) * 100 * settings.fabric_width_cm
    pieces_cm2 = sum(markers[ratio_key(lay.ratio, sizes)].piece_area_cm2 * lay.plies for lay in plan.lays)
    offcut_cm2 = max(0.0, consumed_cm2 - pieces_cm2)
    used = {ratio_key(lay.ratio, sizes) for lay in plan.lays}
    report(PlanProgress(1.0, "Done"))
    return OrderCut(
        markers={key: markers[key] for key in markers if key in used},
        plan=plan,
        rolls=roll_plan,
        offcut_area_cm2=offcut_cm2,
        offcut_kg=offcut_mass_kg(offcut_cm2, settings.gsm) if settings.gsm > 0 else 0.0,
        pieces={key: pieces_by_key[key] for key in used},
        drill_holes=holes,
        nested=nested,
    )


def _progress_of(
    report: Callable[[PlanProgress], None], step: str, *, done_s: float, seconds: float, total_s: float
) -> Callable[[Progress], None]:
    """The solver's reports for one marker as progress of the whole run."""

    def show(p: Progress) -> None:
        fraction = 0.95 * (done_s + min(p.elapsed_s, seconds)) / total_s
        report(PlanProgress(fraction, f"{step}: {p.best_length_cm:.1f} cm, {100 * p.utilization:.1f}%"))

    return show
