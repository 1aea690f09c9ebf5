"""Cut-order planning: which markers (size ratios) to make and how many plies to spread of each.

Pure: no Django. The lengths come from real nesting through the caller's ``marker_length``; it is called
only for the candidate ratios (and the single-size ones again for the naive comparison, so memoize it),
and nothing is estimated inside the integer program. The choice is an integer program solved by
OR-Tools CP-SAT:

    minimise   Σ_r length_r · plies_r + setup · lays_r
    such that  demand_s ≤ Σ_r ratio_r[s] · plies_r ≤ demand_s + overcut_max_s   for every size s
               lays_r ≤ plies_r ≤ max_plies · lays_r                             for every ratio r

``lays_r`` is how many lays of ratio r are spread (one when its plies fit one stack); each pays the setup
cost, the fabric-equivalent of making and spreading a marker. Lengths are modelled in whole millimetres.

    >>> length = lambda ratio: 200.0 * sum(ratio.values()) - 20.0 * (sum(ratio.values()) - 1)
    >>> plan = plan_cut(demand={"S": 2, "M": 2}, marker_length=length,
    ...                 candidates=[{"S": 1}, {"M": 1}, {"S": 1, "M": 1}], max_plies=10,
    ...                 max_marker_length_cm=600, setup_cost_cm=50, overcut_max={"S": 0, "M": 0})
    >>> [(dict(lay.ratio), lay.plies) for lay in plan.lays], plan.fabric_cm, plan.naive_fabric_cm
    ([({'S': 1, 'M': 1}, 2)], 760.0, 800.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = ["CutPlan", "Lay", "candidate_ratios", "naive_plan", "plan_cut"]

Ratio = Mapping[str, int]
_MM_PER_CM = 10


@dataclass(frozen=True)
class Lay:
    """One lay: a marker holding ``ratio`` (garments per size) spread ``plies`` high."""

    ratio: Mapping[str, int]
    plies: int
    length_cm: float

    @property
    def garments(self) -> int:
        """Garments cut by the whole lay."""
        return sum(self.ratio.values()) * self.plies

    @property
    def fabric_cm(self) -> float:
        """Fabric the lay's plies use (marker length × plies), cm."""
        return self.length_cm * self.plies


@dataclass(frozen=True)
class CutPlan:
    """The lays to spread, their fabric and how the result compares with the naive plan."""

    lays: tuple[Lay, ...]
    fabric_cm: float
    setup_count: int
    produced: Mapping[str, int]
    overcut: Mapping[str, int]
    naive_fabric_cm: float
    saving_pct: float
    status: str


def candidate_ratios(
    demand: Mapping[str, int],
    *,
    max_garments: int,
    estimate: Callable[[Ratio], float],
    shortlist: int,
    max_length_cm: float | None = None,
) -> list[dict[str, int]]:
    """Ratios worth nesting: the ``shortlist`` best multi-garment ratios plus every one-garment ratio.

    A ratio holds 1..``max_garments`` garments, never more of a size than its demand. ``estimate(ratio)`` is
    a cheap length guess (piece area / (usable width × assumed utilization)); ratios whose guess exceeds
    ``max_length_cm`` are skipped. Ranking is by estimated fabric per garment *relative to cutting the same
    garments one to a marker* (absolute fabric per garment would only ever shortlist the smallest sizes),
    then by more garments, then by how closely the ratio follows the order's size mix. The single-size
    ratios come first and always, so a feasible plan exists whenever each size fits the table alone.

    >>> est = lambda r: 100.0 * sum(r.values()) * (0.9 if sum(r.values()) > 1 else 1.0)
    >>> candidate_ratios({"S": 1, "M": 3}, max_garments=2, estimate=est, shortlist=1)
    [{'S': 1}, {'M': 1}, {'M': 2}]
    """
    if max_garments < 1 or shortlist < 0:
        raise ValueError("max_garments must be at least 1 and shortlist not negative")
    sizes = [size for size, quantity in demand.items() if quantity > 0]
    if not sizes:
        raise ValueError("the order has no garments to cut")
    total = sum(demand[size] for size in sizes)
    singles = [{size: 1} for size in sizes]
    single_guess = {size: estimate({size: 1}) for size in sizes}

    def rank(ratio: dict[str, int]) -> tuple[float, int, float]:
        garments = sum(ratio.values())
        relative = estimate(ratio) / sum(single_guess[s] * n for s, n in ratio.items())
        mix = sum(abs(ratio.get(s, 0) / garments - demand[s] / total) for s in sizes)
        return (round(relative, 6), -garments, mix)

    ranked = []
    for counts in itertools.product(*(range(min(demand[s], max_garments) + 1) for s in sizes)):
        garments = sum(counts)
        if garments < 2 or garments > max_garments:
            continue
        ratio = {s: n for s, n in zip(sizes, counts, strict=True) if n}
        if max_length_cm is not None and estimate(ratio) > max_length_cm:
            continue
        ranked.append(ratio)
    ranked.sort(key=rank)
    return singles + ranked[:shortlist]


def naive_plan(demand: Mapping[str, int], marker_length: Callable[[Ratio], float]) -> CutPlan:
    """One marker per size holding one garment, plied to that size's quantity (no stack limit, no overcut)."""
    lays = tuple(
        Lay({size: 1}, quantity, marker_length({size: 1}))
        for size, quantity in demand.items()
        if quantity > 0
    )
    fabric = sum(lay.fabric_cm for lay in lays)
    produced = {size: max(0, quantity) for size, quantity in demand.items()}
    return CutPlan(lays, fabric, len(lays), produced, dict.fromkeys(demand, 0), fabric, 0.0, "NAIVE")


def plan_cut(
    *,
    demand: Mapping[str, int],
    marker_length: Callable[[Ratio], float],
    candidates: Sequence[Ratio],
    max_plies: int,
    max_marker_length_cm: float,
    setup_cost_cm: float,
    overcut_max: Mapping[str, int],
    time_s: float = 30,
) -> CutPlan:
    """The cheapest lays (fabric plus setup) that cut ``demand`` within ``overcut_max`` more per size.

    Ratios whose nested length exceeds the table (``max_marker_length_cm``) are dropped. Raises ValueError
    naming the size when no plan can meet it.
    """
    if max_plies < 1:
        raise ValueError(f"max_plies must be at least 1, not {max_plies}")
    wanted = {size: quantity for size, quantity in demand.items() if quantity > 0}
    ceiling = {size: wanted[size] + max(0, overcut_max.get(size, 0)) for size in wanted}
    usable: list[tuple[dict[str, int], float]] = []
    for candidate in candidates:
        ratio = {size: n for size, n in candidate.items() if n > 0}
        if not ratio or any(size not in wanted for size in ratio):
            continue
        length = marker_length(ratio)
        if length <= max_marker_length_cm:
            usable.append((ratio, length))
    for size in wanted:
        if not any(size in ratio for ratio, _ in usable):
            raise ValueError(
                f"size {size}: no candidate marker holding it fits the {max_marker_length_cm} cm table"
            )
    model, plies, lays = _model(usable, wanted, ceiling, max_plies=max_plies, setup_cost_cm=setup_cost_cm)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_s
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            raise ValueError(_infeasible_reason(usable, wanted, ceiling, max_plies=max_plies))
        raise ValueError(f"no cut plan found within {time_s} s")
    chosen = []
    for (ratio, length), ply_var, lay_var in zip(usable, plies, lays, strict=True):
        total, count = solver.value(ply_var), solver.value(lay_var)
        for index in range(count):  # spread the plies as evenly as the stacks allow
            chosen.append(Lay(ratio, total // count + (index < total % count), length))
    produced = {size: sum(lay.ratio.get(size, 0) * lay.plies for lay in chosen) for size in wanted}
    fabric = sum(lay.fabric_cm for lay in chosen)
    naive = naive_plan(wanted, marker_length).fabric_cm
    return CutPlan(
        lays=tuple(sorted(chosen, key=lambda lay: (-lay.fabric_cm, sorted(lay.ratio.items())))),
        fabric_cm=fabric,
        setup_count=len(chosen),
        produced=produced,
        overcut={size: produced[size] - wanted[size] for size in wanted},
        naive_fabric_cm=naive,
        saving_pct=100.0 * (naive - fabric) / naive if naive else 0.0,
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
    )


def _model(
    usable: Sequence[tuple[dict[str, int], float]],
    wanted: Mapping[str, int],
    ceiling: Mapping[str, int],
    *,
    max_plies: int,
    setup_cost_cm: float,
    only: str | None = None,
) -> tuple[cp_model.CpModel, list[cp_model.IntVar], list[cp_model.IntVar]]:
    model = cp_model.CpModel()
    plies, lays, cost = [], [], []
    for index, (ratio, length) in enumerate(usable):
        most = min(ceiling[size] // n for size, n in ratio.items())
        ply_var = model.new_int_var(0, most, f"plies_{index}")
        lay_var = model.new_int_var(0, max(0, most), f"lays_{index}")
        model.add(ply_var >= lay_var)
        model.add(ply_var <= max_plies * lay_var)
        plies.append(ply_var)
        lays.append(lay_var)
        cost.append(round(length * _MM_PER_CM) * ply_var + round(setup_cost_cm * _MM_PER_CM) * lay_var)
    for size in wanted:
        if only is not None and size != only:
            continue
        made = sum(ratio.get(size, 0) * var for (ratio, _), var in zip(usable, plies, strict=True))
        model.add_linear_constraint(made, wanted[size], ceiling[size])
    model.minimize(sum(cost))
    return model, plies, lays


def _infeasible_reason(
    usable: Sequence[tuple[dict[str, int], float]],
    wanted: Mapping[str, int],
    ceiling: Mapping[str, int],
    *,
    max_plies: int,
) -> str:
    """Which size cannot be met on its own, else that the sizes cannot be met together."""
    for size in wanted:
        model, _, _ = _model(usable, wanted, ceiling, max_plies=max_plies, setup_cost_cm=0, only=size)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 5
        if solver.solve(model) == cp_model.INFEASIBLE:
            return (
                f"size {size}: {wanted[size]} to {ceiling[size]} garments cannot be cut from the candidate "
                "markers (widen its overcut or add a ratio that cuts it in other multiples)"
            )
    return f"sizes {', '.join(wanted)} cannot all be met within their overcut bounds with these markers"
