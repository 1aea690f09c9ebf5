"""Running a queued cut plan: the engines nest and plan in a child process (isolated.py) while this
saves progress, watches for a cancel, a retry or the server stopping, and saves the result at once.

The background task (tasks.py), `seamline cutplan` and the demo seed run it; services.py queues it.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from seamline.catalog.models import FabricRoll
from seamline.core import worker
from seamline.production.models import ProductionOrder

from .isolated import Cancelled, ChildDied, run_isolated
from .marker_svg import marker_svg
from .models import CutPlan, Lay, LayRoll, Marker
from .outputs import marker_dxf, marker_json
from .pattern import Pattern
from .planner import CutSettings, OrderCut, PlanProgress, plan_order_cut, ratio_label
from .rolls import Roll
from .selectors import pattern_of, rolls_available

__all__ = ["cut_plan_run"]

log = logging.getLogger("seamline.cutting")

_MM = Decimal("0.001")
_PROGRESS_EVERY_S = 0.5


def cut_plan_run(plan_id: int, *, on_progress: Callable[[PlanProgress], None] | None = None) -> CutPlan:
    """Nest, plan and allocate rolls for a queued plan, saving progress as it goes and the result at once.

    The engines run in a child process (``isolated.run_isolated``): the server stays responsive, and a
    plan cancelled meanwhile (or retried, which starts a new attempt) stops its child within a second.
    A failure is saved on the plan (status failed, with the reason) rather than raised: the plan page
    shows it.
    """
    plan = CutPlan.objects.select_related("order", "material", "pattern_version").get(pk=plan_id)
    claimed = CutPlan.objects.filter(pk=plan_id, status=CutPlan.Status.QUEUED).update(
        status=CutPlan.Status.RUNNING, progress_text="Starting", heartbeat_at=timezone.now()
    )
    if not claimed:  # another worker has it, or it has finished or been cancelled
        return plan
    mine = CutPlan.objects.filter(pk=plan_id, status=CutPlan.Status.RUNNING, attempt=plan.attempt)
    pattern = pattern_of(plan.pattern_version)
    rolls = [
        Roll(str(row.pk), row.shade_lot or "(no lot)", row.available_m, row.remnant)
        for row in rolls_available(factory_id=plan.order.factory_id, material_id=plan.material_id, plan=plan)
    ]

    def stopped() -> bool:  # the server stopping, the plan cancelled or retried; also the heartbeat
        return worker.stopping.is_set() or not mine.update(heartbeat_at=timezone.now())

    try:
        result = run_isolated(
            plan_order_cut,
            pattern,
            plan.demand,
            _settings_of(plan),
            rolls,
            on_progress=_progress_saver(mine, on_progress),
            should_stop=stopped,
        )
    except Cancelled:
        if worker.stopping.is_set():
            error = "The server stopped while this plan was nesting. Retry the plan."
            mine.update(status=CutPlan.Status.FAILED, error=error, finished_at=timezone.now())
        log.info(
            "cut plan %s stopped: %s", plan_id, "server stopping" if worker.stopping.is_set() else "cancel"
        )
    except ValueError as exc:  # PatternError is one: the pattern or the settings cannot give a plan
        log.info("cut plan %s failed: %s", plan_id, exc)
        mine.update(status=CutPlan.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
    except ChildDied as exc:
        log.warning("cut plan %s stopped: %s", plan_id, exc)
        error = f"The planning stopped before it finished: {exc}. Retry the plan."
        mine.update(status=CutPlan.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    else:
        _save_result(plan, pattern, result, rolls)
    plan.refresh_from_db()
    return plan


def _settings_of(plan: CutPlan) -> CutSettings:
    return CutSettings(
        fabric_width_cm=float(plan.fabric_width_cm),
        margin_cm=float(plan.margin_cm),
        spacing_cm=float(plan.spacing_cm),
        max_plies=plan.max_plies,
        max_marker_length_cm=float(plan.max_marker_length_cm),
        setup_cost_cm=float(plan.setup_cost_cm),
        overcut_max=plan.overcut_max,
        one_way=plan.one_way,
        seconds_per_garment=plan.seconds_per_garment,
        gsm=float(plan.material.weight_gsm or 0),
        # A sample is a garment or three: cut from roll ends before a whole roll is opened.
        remnants_first=plan.order.kind == ProductionOrder.Kind.SAMPLE,
    )


def _progress_saver(mine: Any, also: Callable[[PlanProgress], None] | None) -> Callable[[PlanProgress], None]:
    """Write progress to the plan at most twice a second (the page polls it); always pass it on."""
    last = [0.0]

    def save(progress: PlanProgress) -> None:
        if also is not None:
            also(progress)
        now = time.monotonic()
        if now - last[0] < _PROGRESS_EVERY_S and progress.fraction < 1:
            return
        last[0] = now
        mine.update(
            progress_pct=round(100 * progress.fraction, 1),
            progress_text=progress.text[:200],
            heartbeat_at=timezone.now(),
        )

    return save


@transaction.atomic
def _save_result(plan: CutPlan, pattern: Pattern, result: OrderCut, rolls: list[Roll]) -> None:
    running = CutPlan.objects.select_for_update().filter(
        pk=plan.pk, status=CutPlan.Status.RUNNING, attempt=plan.attempt
    )
    if not running.exists():  # cancelled (or retried) while the child answered: keep nothing
        return
    sizes = list(pattern.sizes())
    labels = {f"{p.size}:{p.name}": f"{p.size} {p.name}" for p in pattern.pieces}
    markers: dict[tuple[tuple[str, int], ...], Marker] = {}
    for number, (key, marker) in enumerate(result.markers.items(), start=1):
        title = f"Marker M{number} ({ratio_label(key)}): {marker.length_cm:.1f} cm, "
        title += f"{100 * marker.utilization:.1f}% utilization"
        markers[key] = Marker.objects.create(
            plan=plan,
            number=number,
            ratio=dict(key),
            length_cm=round(marker.length_cm, 3),
            utilization=round(marker.utilization, 5),
            piece_area_cm2=round(marker.piece_area_cm2, 2),
            waste_area_cm2=round(marker.waste_area_cm2, 2),
            document=marker_json(marker, name=f"{plan.order.number} M{number}"),
            svg=marker_svg(marker, labels=labels, title=title),
            dxf=_dxf_text(marker, result, key),
        )
    gsm = float(plan.material.weight_gsm or 0)
    width_m = Decimal(str(plan.fabric_width_cm)) / 100
    for number, (lay, served) in enumerate(zip(result.plan.lays, result.rolls.lays, strict=True), start=1):
        key = tuple((s, lay.ratio[s]) for s in sizes if lay.ratio.get(s, 0) > 0)
        marker = markers[key]
        offcut_m2 = served.meters * width_m - Decimal(str(marker.piece_area_cm2 * lay.plies / 10_000))
        row = Lay.objects.create(
            plan=plan,
            number=number,
            marker=marker,
            plies=lay.plies,
            shade_lot=served.shade_lot,
            ply_m=served.ply_m,
            meters=served.meters,
            offcut_kg=(max(offcut_m2, Decimal(0)) * Decimal(str(gsm)) / 1000).quantize(_MM),
        )
        LayRoll.objects.bulk_create(
            LayRoll(lay=row, roll_id=int(use.roll_id), plies=use.plies, meters=use.meters)
            for use in served.uses
        )
    by_id = {roll.roll_id: roll for roll in rolls}
    labels_of = dict(FabricRoll.objects.filter(pk__in=[int(r) for r in by_id]).values_list("pk", "roll_id"))
    CutPlan.objects.filter(pk=plan.pk).update(
        status=CutPlan.Status.DONE,
        progress_pct=100,
        progress_text="Done",
        fabric_m=(Decimal(str(result.plan.fabric_cm)) / 100).quantize(_MM),
        naive_fabric_m=(Decimal(str(result.plan.naive_fabric_cm)) / 100).quantize(_MM),
        consumed_m=result.rolls.consumed_m,
        remnant_m=result.rolls.remnant_m,
        offcut_kg=Decimal(str(result.offcut_kg)).quantize(_MM),
        saving_pct=round(result.plan.saving_pct, 2),
        produced=dict(result.plan.produced),
        rolls=[
            {
                "roll": int(usage.roll_id),
                "label": labels_of.get(int(usage.roll_id), usage.roll_id),
                "shade_lot": usage.shade_lot,
                "available_m": str(usage.length_m),
                "consumed_m": str(usage.consumed_m),
                "remnant_m": str(usage.remnant_m),
                "was_remnant": by_id[usage.roll_id].remnant,  # a roll end before this plan cut it
            }
            for usage in result.rolls.rolls
            if usage.consumed_m > 0
        ],
        finished_at=timezone.now(),
    )


def _dxf_text(marker: Any, result: OrderCut, key: tuple[tuple[str, int], ...]) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = marker_dxf(
            marker, Path(folder) / "marker.dxf", pieces=result.pieces[key], drill_holes=result.drill_holes
        )
        return path.read_text(encoding="utf-8")
