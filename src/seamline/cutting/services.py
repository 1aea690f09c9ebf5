"""Use cases that write the cutting room: import a pattern, request and run a cut plan, cut a lay."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import FabricRoll, Material, Style
from seamline.core import worker
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.facilities.models import Facility, FacilityKind
from seamline.production.models import ProductionOrder

from .dxf_aama import read_dxf_aama
from .isolated import Cancelled, ChildDied, run_isolated
from .marker_svg import marker_svg
from .models import Bundle, CutPlan, Lay, LayRoll, Marker, PatternPiece, PatternVersion
from .outputs import marker_dxf, marker_json
from .pattern import Pattern, PatternError
from .planner import CutSettings, OrderCut, PlanProgress, plan_order_cut, ratio_label
from .rolls import Roll
from .selectors import (
    active_plan,
    demand_left,
    garments_cut,
    order_demand,
    pattern_of,
    pattern_version_latest,
    rolls_available,
    shell_fabric,
)

log = logging.getLogger("seamline.cutting")

_MM = Decimal("0.001")
_PROGRESS_EVERY_S = 0.5


# Patterns ---------------------------------------------------------------------------------------------


@transaction.atomic
def pattern_import(
    *,
    style: Style,
    dxf: IO[bytes] | IO[str],
    rul: IO[bytes] | IO[str] | None = None,
    by: AbstractBaseUser | None = None,
) -> PatternVersion:
    """Read a DXF-AAMA file (and its .rul grade rules) into the style's next pattern version.

    ValidationError naming the file and the piece when the file cannot be used; nothing is saved then.
    """
    try:
        pattern = read_dxf_aama(dxf, rul=rul)
    except PatternError as exc:
        raise ValidationError("The pattern cannot be imported", fields={"dxf": str(exc)}) from exc
    if not pattern.pieces:
        raise ValidationError(
            "The pattern cannot be imported", fields={"dxf": f"{pattern.source}: the file holds no pieces"}
        )
    unknown = [s for s in pattern.sizes() if style.sizes and s not in style.sizes]
    if unknown:
        raise ValidationError(
            "The pattern cannot be imported",
            fields={"dxf": f"{pattern.source}: sizes {', '.join(unknown)} are not sizes of {style.code}"},
        )
    Style.objects.select_for_update().filter(pk=style.pk).first()  # number versions one at a time
    number = (PatternVersion.objects.filter(style=style).aggregate(n=Max("number"))["n"] or 0) + 1
    # The file names, not the paths they were uploaded from.
    sources = [Path(pattern.source).name, Path(getattr(rul, "name", "") or "").name if rul else ""]
    version = PatternVersion.objects.create(
        style=style,
        number=number,
        style_name=pattern.style_name[:200],
        source_name=" + ".join(s for s in sources if s)[:255],
        units=pattern.units,
        sample_size=pattern.sample_size,
        sizes=list(pattern.sizes()),
        graded=rul is not None,
        uploaded_by=by,
    )
    PatternPiece.objects.bulk_create(_piece_row(version, i, p) for i, p in enumerate(pattern.pieces))
    return version


def _piece_row(version: PatternVersion, position: int, piece: Any) -> PatternPiece:
    min_x, min_y, max_x, max_y = piece.bounds
    return PatternPiece(
        version=version,
        position=position,
        size=piece.size,
        name=piece.name[:100],
        quantity=piece.quantity,
        category=piece.category,
        material=piece.material[:100],
        mirrored_pair=piece.mirrored_pair,
        area_cm2=round(piece.area_cm2, 4),
        width_cm=round(max_x - min_x, 3),
        length_cm=round(max_y - min_y, 3),
        geometry={
            "boundary": [list(p) for p in piece.boundary],
            "grain_line": [list(p) for p in piece.grain_line] if piece.grain_line else None,
            "notches": [list(p) for p in piece.notches],
            "drill_holes": [list(p) for p in piece.drill_holes],
            "internal_lines": [[list(p) for p in line] for line in piece.internal_lines],
            "sew_line": [list(p) for p in piece.sew_line],
            "grade_rules": list(piece.grade_rules),
        },
    )


# Cut plans --------------------------------------------------------------------------------------------

# A cut is planned before sewing starts (a draft may be planned ahead of its placing).
PLANNABLE_STATES = ("draft", "planned", "cutting")


@transaction.atomic
def cut_plan_request(
    *,
    order: ProductionOrder,
    organization: Organization,
    material: Material | None = None,
    colour: str = "",
    by: AbstractBaseUser | None = None,
    enqueue: bool = True,
    **settings: Any,
) -> CutPlan:
    """Queue the cut plan of one colourway of ``order``; the background task nests and plans it.

    ``settings`` are CutPlan fields (fabric_width_cm, margin_cm, spacing_cm, max_plies,
    max_marker_length_cm, setup_cost_cm, overcut_max, one_way, seconds_per_garment); the material's width
    and the house defaults fill what is not given. ``enqueue=False`` leaves the run to the caller (the CLI).
    """
    if organization.pk != order.factory_id:
        raise ForbiddenError("Only the factory that makes the order plans its cut.")
    if order.state not in PLANNABLE_STATES:
        raise ConflictError(f"{order.number} is {order.get_state_display().lower()}: its cut is behind it.")
    errors = FieldErrors()
    version = pattern_version_latest(style_id=order.style_id)
    if version is None:
        errors.add("pattern", f"{order.style.code} has no pattern yet: import its DXF-AAMA file first.")
    demand_by_colour = order_demand(order)
    if not demand_by_colour:
        errors.add("colour", f"{order.number} has no units to cut.")
    colour = colour or (next(iter(demand_by_colour)) if demand_by_colour else "")
    if demand_by_colour and colour not in demand_by_colour:
        errors.add("colour", f"{colour!r} is not a colourway of {order.number}.")
    material = material or shell_fabric(order)
    if material is None:
        errors.add("material", f"{order.style.code} has no shell fabric in its bill of materials.")
    elif material.kind != Material.Kind.FABRIC or not material.weight_gsm:
        errors.add("material", f"{material.name} is not a fabric with a weight in g/m².")
    values = _plan_settings(errors, material, settings)
    # A plan after some lays were cut plans only what is left (the cut bundles stay as they are).
    demand = demand_left(demand_by_colour.get(colour, {}), garments_cut(order_id=order.pk, colour=colour))
    if demand_by_colour.get(colour) and not demand:
        errors.add("colour", f"Every {colour} garment of {order.number} is cut already.")
    if version is not None and demand:
        missing = [size for size in demand if size not in version.sizes]
        if missing:
            errors.add(
                "pattern",
                f"pattern v{version.number} ({version.source_name}) has no pieces for size "
                f"{', '.join(missing)}",
            )
        usable = float(values.get("fabric_width_cm", 0)) - 2 * float(values.get("margin_cm", 0))
        too_wide = _too_wide(version, list(demand), usable)
        if too_wide:
            errors.add("fabric_width_cm", "; ".join(too_wide))
    errors.raise_if_any("The cut plan cannot be made")
    plan = CutPlan.objects.create(
        order=order,
        pattern_version=version,
        material=material,
        colour=colour,
        demand=demand,
        created_by=by,
        recycler=Facility.objects.filter(organization=organization, kind=FacilityKind.FIBRE_RECYCLER)
        .order_by("pk")
        .first(),
        **values,
    )
    if enqueue:
        _enqueue_run(plan.pk)
    return plan


PLAN_DEFAULTS = {
    "margin_cm": Decimal("1.0"),
    "spacing_cm": Decimal("0.30"),
    "max_plies": 30,
    "max_marker_length_cm": Decimal("1200.0"),  # 40 ft, the short end of LA cutting tables
    "setup_cost_cm": Decimal("50.0"),
    "overcut_max": 1,
    "one_way": False,
    "seconds_per_garment": 3,
}
_DECIMAL_PLACES = {
    "fabric_width_cm": 1,
    "margin_cm": 1,
    "spacing_cm": 2,
    "max_marker_length_cm": 1,
    "setup_cost_cm": 1,
}


def _plan_settings(errors: FieldErrors, material: Material | None, given: dict[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(PLAN_DEFAULTS) - {"fabric_width_cm"}
    if unknown:
        raise TypeError(f"unknown cut plan settings: {', '.join(sorted(unknown))}")
    values = {**PLAN_DEFAULTS, **{k: v for k, v in given.items() if v is not None and v != ""}}
    if "fabric_width_cm" not in values and material is not None and material.usable_width_cm:
        values["fabric_width_cm"] = material.usable_width_cm
    out: dict[str, Any] = {"one_way": bool(values["one_way"])}
    if "fabric_width_cm" not in values:
        errors.add("fabric_width_cm", "Give the fabric width in cm (the material has none).")
    for name, places in _DECIMAL_PLACES.items():
        if name in values:
            out[name] = errors.decimal(name, values[name], places=places, min_value=0)
    for name, least in (("max_plies", 1), ("overcut_max", 0), ("seconds_per_garment", 1)):
        out[name] = errors.int_at_least(name, values[name], least)
    width, margin = out.get("fabric_width_cm"), out.get("margin_cm")
    if width is not None and margin is not None and width - 2 * margin <= 0:
        errors.add("margin_cm", f"Selvedge margins of 2 × {margin} cm leave no usable width of {width} cm.")
    if out.get("max_marker_length_cm") is not None and out["max_marker_length_cm"] <= 0:
        errors.add("max_marker_length_cm", "The table length must be more than 0 cm.")
    return out


def _too_wide(version: PatternVersion, sizes: list[str], usable_cm: float) -> list[str]:
    """A message per piece wider than the usable width across its grain (pieces turn only 0 or 180°)."""
    pattern = pattern_of(version)
    messages = []
    for piece in pattern.pieces:
        if piece.size not in sizes:
            continue
        shape = _across_grain_cm(piece)
        if shape > usable_cm + 1e-6:
            messages.append(
                f"{version.source_name}: piece {piece.name!r} ({piece.size}) is {shape:.1f} cm across the "
                f"grain, wider than the usable {usable_cm:.1f} cm"
            )
    return messages


def _across_grain_cm(piece: Any) -> float:
    gx, gy = piece.grain_vector or (0.0, 1.0)
    spans = [-gy * x + gx * y for x, y in piece.boundary]  # the coordinate across the grain
    return max(spans) - min(spans)


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
        Roll(str(row.pk), row.shade_lot or "(no lot)", row.available_m)
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


@transaction.atomic
def cut_plan_cancel(
    *, plan: CutPlan, organization: Organization, by: AbstractBaseUser | None = None
) -> CutPlan:
    """Stop a queued or running plan: its run notices within a second and ends its nesting process."""
    plan = CutPlan.objects.select_for_update().select_related("order").get(pk=plan.pk)
    if organization.pk != plan.order.factory_id:
        raise ForbiddenError("Only the factory that makes the order cancels its cut plans.")
    if not plan.is_running:
        raise ConflictError(f"Cut plan {plan.pk} is {plan.get_status_display().lower()}: nothing to cancel.")
    who = (by.get_full_name() or by.get_username()) if by is not None else "someone"
    plan.status, plan.finished_at = CutPlan.Status.CANCELLED, timezone.now()
    plan.progress_text = f"Cancelled by {who}"[:200]
    plan.save(update_fields=["status", "finished_at", "progress_text"])
    return plan


@transaction.atomic
def cut_plan_retry(*, plan: CutPlan, organization: Organization, enqueue: bool = True) -> CutPlan:
    """Queue a failed or cancelled plan again, as a new attempt with the same settings."""
    plan = CutPlan.objects.select_for_update().select_related("order").get(pk=plan.pk)
    if organization.pk != plan.order.factory_id:
        raise ForbiddenError("Only the factory that makes the order plans its cut.")
    if not plan.can_retry:
        raise ConflictError(
            f"Cut plan {plan.pk} is {plan.get_status_display().lower()}: only a failed or cancelled plan "
            "is retried."
        )
    CutPlan.objects.filter(pk=plan.pk).update(
        status=CutPlan.Status.QUEUED,
        attempt=F("attempt") + 1,
        progress_pct=0,
        progress_text="",
        error="",
        heartbeat_at=None,
        finished_at=None,
    )
    if enqueue:
        _enqueue_run(plan.pk)
    plan.refresh_from_db()
    return plan


def _enqueue_run(plan_id: int) -> None:
    from . import tasks  # tasks import these services

    transaction.on_commit(lambda: tasks.cut_plan_run.enqueue(plan_id=plan_id))


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


# Cutting ----------------------------------------------------------------------------------------------


@transaction.atomic
def lay_cut(
    *, lay: Lay, organization: Organization, by: AbstractBaseUser | None = None, when: Any = None
) -> Lay:
    """Record that a lay was cut: its rolls give their meters (locked, in a fixed order), once."""
    lay = (
        Lay.objects.select_for_update(of=("self",))
        .select_related("plan__order", "plan__recycler", "marker")
        .get(pk=lay.pk)
    )
    if organization.pk != lay.plan.order.factory_id:
        raise ForbiddenError("Only the factory that makes the order cuts its lays.")
    if lay.cut_at is not None:
        raise ConflictError(
            f"Lay {lay.number} was already cut on {timezone.localtime(lay.cut_at):%Y-%m-%d %H:%M}."
        )
    current = active_plan(order_id=lay.plan.order_id, colour=lay.plan.colour)
    if current is not None and current.pk != lay.plan_id:
        raise ConflictError(
            f"Cut plan {lay.plan_id} was replaced by cut plan {current.pk} "
            f"({current.get_status_display().lower()}): cut from the newer plan's lays."
        )
    uses = list(lay.roll_uses.order_by("roll_id"))
    rolls = {
        r.pk: r
        for r in FabricRoll.objects.select_for_update(of=("self",))
        .select_related("facility")
        .filter(pk__in=[u.roll_id for u in uses])
    }
    for use in uses:
        roll = rolls[use.roll_id]
        if roll.remaining_m < use.meters:
            raise ConflictError(
                f"Roll {roll.roll_id} has {roll.remaining_m} m left; "
                f"lay {lay.number} needs {use.meters} m of it."
            )
    for use in uses:
        FabricRoll.objects.filter(pk=use.roll_id).update(remaining_m=F("remaining_m") - use.meters)
    lay.cut_at, lay.cut_by = when or timezone.now(), by
    lay.save(update_fields=["cut_at", "cut_by"])
    bundles = _bundles_of(lay)
    _record_cut(lay, uses, rolls, bundles, by)
    return lay


def _bundles_of(lay: Lay) -> list[Bundle]:
    """One bundle per garment position of the marker (a ratio of 2 M gives two M bundles), all plies."""
    per_garment = dict(
        PatternPiece.objects.filter(version_id=lay.plan.pattern_version_id)
        .values_list("size")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    rows, number = [], 0
    for size, copies in lay.marker.ratio.items():
        for _ in range(copies):
            number += 1
            rows.append(
                Bundle(
                    lay=lay,
                    number=number,
                    size=size,
                    ply_from=1,
                    ply_to=lay.plies,
                    pieces=per_garment.get(size, 0) * lay.plies,
                )
            )
    return Bundle.objects.bulk_create(rows)


def _record_cut(
    lay: Lay, uses: list[LayRoll], rolls: dict[int, FabricRoll], bundles: list[Bundle], by: Any
) -> None:
    """The lay's cutting event (meters per roll in, bundles out) and its off-cuts leaving for the
    recycler, in the factory's chain, in the same transaction as the cut."""
    from seamline.trace import events as ev
    from seamline.trace.services import record

    plan = lay.plan
    facility = rolls[uses[0].roll_id].facility
    when = lay.cut_at
    operator = (by.get_full_name() or by.get_username()) if by is not None else None
    events = [
        ev.lay_cut(
            inputs=[(rolls[u.roll_id].epc_uri, u.meters) for u in uses],
            bundles=[
                {"uri": b.epc_uri, "size": b.size, "plies": f"{b.ply_from}-{b.ply_to}", "pieces": b.pieces}
                for b in bundles
            ],
            facility=facility.epc_uri,
            when=when,
            order_number=plan.order.number,
            operator=operator,
        )
    ]
    if plan.recycler is not None and lay.offcut_kg > 0:
        offcuts = ev.offcuts_shipped(
            material_class_offcut=ev.offcut_class_uri(plan.material_id),
            mass_kg=lay.offcut_kg,
            facility=facility.epc_uri,
            recycler=plan.recycler.epc_uri,
            when=when,
        )
        events.append({**offcuts, "sl:orderNumber": plan.order.number})  # ties the off-cuts to the order
    record(organization=plan.order.factory, events=events, brand=plan.order.brand)
