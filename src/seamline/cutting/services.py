"""Use cases that write the cutting room: import a pattern, request and run a cut plan, cut a lay."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.accounts.selectors import person_name
from seamline.catalog.models import FabricRoll, Material, Style
from seamline.catalog.services import roll_meters_take
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.facilities.models import Facility, FacilityKind
from seamline.production.models import ProductionOrder
from seamline.trace.eventhash import event_hash
from seamline.trace.events import document_context, offcut_class_uri, pattern_uri
from seamline.trace.services import record

from . import tasks
from .dxf_aama import read_dxf_aama
from .events import lay_cut as lay_cut_event
from .events import offcuts_shipped
from .events import pattern_reviewed as pattern_reviewed_event
from .models import Bundle, CutPlan, Lay, LayRoll, PatternPiece, PatternVersion
from .pattern import PatternError
from .selectors import (
    active_plan,
    demand_left,
    garments_cut,
    order_demand,
    pattern_of,
    pattern_version_latest,
    shell_fabric,
)

log = logging.getLogger("seamline.cutting")

_MM = Decimal("0.001")


# Patterns ---------------------------------------------------------------------------------------------

# A pattern's file and its pieces, bounded: a 29 MB file of 1,500 pieces took a worker to 615 MB and rendered
# a 4.9 MB page (the settings hold the limits: 10 MB a file, 400 pieces a version).
PATTERN_MAX_BYTES_DEFAULT = 10 * 1024 * 1024
PATTERN_MAX_PIECES_DEFAULT = 400


def _file_size(file: IO[bytes] | IO[str]) -> int:
    """An upload's size as Django counted it, else the stream's (seeked back to where it was)."""
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    here = file.tell()
    end = file.seek(0, 2)
    file.seek(here)
    return end


def _amount(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"


def _file_name(file: IO[bytes] | IO[str] | None, default: str) -> str:
    return Path(str(getattr(file, "name", "") or default)).name


def _files_checked(dxf: IO[bytes] | IO[str], rul: IO[bytes] | IO[str] | None) -> None:
    """Each file within the size limit, before a byte of it is parsed."""
    most = int(getattr(settings, "SEAMLINE_PATTERN_MAX_BYTES", PATTERN_MAX_BYTES_DEFAULT))
    errors = FieldErrors()
    for field, file in (("dxf", dxf), ("rul", rul)):
        if file is not None and (size := _file_size(file)) > most:
            errors.add(
                field,
                f"{_file_name(file, field)}: {_amount(size)}, more than the {_amount(most)} a pattern file "
                "may be",
            )
    errors.raise_if_any("The pattern cannot be imported")


def _pieces_checked(pattern: Any) -> None:
    """At most the pieces a version may hold, and names PostgreSQL can store (no NUL character)."""
    name = Path(pattern.source).name
    texts = [pattern.style_name, pattern.sample_size]
    texts += [text for piece in pattern.pieces for text in (piece.name, piece.size, piece.material)]
    if any("\x00" in (text or "") for text in texts):
        raise ValidationError(
            "The pattern cannot be imported",
            fields={"dxf": f"{name}: a name in the file holds a NUL character"},
        )
    most = int(getattr(settings, "SEAMLINE_PATTERN_MAX_PIECES", PATTERN_MAX_PIECES_DEFAULT))
    if len(pattern.pieces) > most:
        count = f"{len(pattern.pieces):,}"
        raise ValidationError(
            "The pattern cannot be imported",
            fields={
                "dxf": f"{name}: {count} pieces (every size), more than the {most} a pattern version may hold"
            },
        )


@transaction.atomic
def pattern_import(
    *,
    style: Style,
    dxf: IO[bytes] | IO[str],
    rul: IO[bytes] | IO[str] | None = None,
    by: AbstractBaseUser | None = None,
    based_on: PatternVersion | None = None,
    change_note: str = "",
    status: str = PatternVersion.Status.APPROVED,
) -> PatternVersion:
    """Read a DXF-AAMA file (and its .rul grade rules) into the style's next pattern version.

    A style's first pattern is approved as it comes; an edited file made for a change is imported
    ``based_on`` the version it changes, with ``status="review"``: production goes on cutting the latest
    approved version until the brand approves it (pattern_version_review).

    ValidationError naming the file and the piece when the file cannot be used (too large, too many
    pieces, unreadable), or naming ``based_on`` / ``status`` when they do not fit; nothing is saved then.
    """
    if status not in (PatternVersion.Status.APPROVED, PatternVersion.Status.REVIEW):
        raise ValidationError(
            "The pattern cannot be imported", fields={"status": "A new version is approved or to review."}
        )
    if based_on is not None and based_on.style_id != style.pk:
        raise ValidationError(
            "The pattern cannot be imported",
            fields={"based_on": f"pattern v{based_on.number} is another style's, not {style.code}'s"},
        )
    _files_checked(dxf, rul)
    try:
        pattern = read_dxf_aama(dxf, rul=rul)
    except PatternError as exc:
        raise ValidationError("The pattern cannot be imported", fields={"dxf": str(exc)}) from exc
    if not pattern.pieces:
        raise ValidationError(
            "The pattern cannot be imported", fields={"dxf": f"{pattern.source}: the file holds no pieces"}
        )
    _pieces_checked(pattern)
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
        status=status,
        based_on=based_on,
        change_note=change_note.strip()[:300],
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


@transaction.atomic
def pattern_version_from(
    pattern: Any,
    *,
    style: Style,
    based_on: PatternVersion | None,
    change_note: str,
    by: AbstractBaseUser | None = None,
    status: str = PatternVersion.Status.REVIEW,
) -> PatternVersion:
    """The style's next pattern version from a pattern Seamline made (an alteration of ``based_on``), with its
    pieces: under review by default, so a change is never approved without someone looking at it."""
    if not pattern.pieces:
        raise ValidationError(
            "The pattern cannot be saved", fields={"pattern": "the pattern holds no pieces"}
        )
    _pieces_checked(pattern)
    Style.objects.select_for_update().filter(pk=style.pk).first()  # number versions one at a time
    number = (PatternVersion.objects.filter(style=style).aggregate(n=Max("number"))["n"] or 0) + 1
    version = PatternVersion.objects.create(
        style=style,
        number=number,
        style_name=pattern.style_name[:200],
        source_name=(f"made from v{based_on.number}" if based_on else pattern.source or "made by Seamline")[
            :255
        ],
        units=pattern.units,
        sample_size=pattern.sample_size,
        sizes=list(pattern.sizes()),
        graded=based_on.graded if based_on else False,
        uploaded_by=by,
        status=status,
        based_on=based_on,
        change_note=change_note[:300],
    )
    PatternPiece.objects.bulk_create(_piece_row(version, i, p) for i, p in enumerate(pattern.pieces))
    return version


@transaction.atomic
def pattern_version_review(
    *,
    version: PatternVersion,
    approve: bool,
    organization: Organization,
    by: AbstractBaseUser | None,
    note: str = "",
    when: Any = None,
) -> PatternVersion:
    """The brand approves (production may cut it from now on) or rejects a version under review; the
    review goes to the brand's ledger as an inspecting event of the version (cutting.events)."""
    version = (
        PatternVersion.objects.select_for_update(of=("self",))
        .select_related("style__organization", "based_on")
        .get(pk=version.pk)
    )
    if organization.pk != version.style.organization_id:
        raise ForbiddenError("Only the brand that owns the style approves or rejects its pattern versions.")
    if version.status != PatternVersion.Status.REVIEW:
        raise ConflictError(
            f"{version.style.code} pattern v{version.number} is {version.get_status_display().lower()}, "
            "not under review.",
            fields={"version": "Not under review."},
        )
    if len(note) > 300:
        raise ValidationError("The review is not valid", fields={"note": "At most 300 characters."})
    version.status = PatternVersion.Status.APPROVED if approve else PatternVersion.Status.REJECTED
    version.reviewed_by, version.reviewed_at = by, when or timezone.now()
    version.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    event = pattern_reviewed_event(
        pattern=pattern_uri(version.pk),
        style_code=version.style.code,
        number=version.number,
        approved=approve,
        when=version.reviewed_at,
        based_on=pattern_uri(version.based_on_id) if version.based_on_id else None,
        change_note=version.change_note or None,
        note=note.strip() or None,
        operator=person_name(by),
    )
    record(organization=version.style.organization, events=[event], brand=version.style.organization)
    return version


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
    pattern_version: PatternVersion | None = None,
    **settings: Any,
) -> CutPlan:
    """Queue the cut plan of one colourway of ``order``; the background task nests and plans it.

    ``settings`` are CutPlan fields (fabric_width_cm, margin_cm, spacing_cm, max_plies,
    max_marker_length_cm, setup_cost_cm, overcut_max, one_way, seconds_per_garment); the material's width
    and the house defaults fill what is not given. ``enqueue=False`` leaves the run to the caller (the CLI).

    The pattern: the style's latest approved version (a newer one under review is passed over), unless a
    sample order names its sample's ``pattern_version`` (which may be under review: that is what a fitting
    is for); a production order naming a version is refused (ConflictError).
    """
    if organization.pk != order.factory_id:
        raise ForbiddenError("Only the factory that makes the order plans its cut.")
    if order.state not in PLANNABLE_STATES:
        raise ConflictError(f"{order.number} is {order.get_state_display().lower()}: its cut is behind it.")
    errors = FieldErrors()
    version = _version_to_cut(errors, order, pattern_version)
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


def _version_to_cut(
    errors: FieldErrors, order: ProductionOrder, chosen: PatternVersion | None
) -> PatternVersion | None:
    """The version the order's cut nests: a sample's chosen one, else the latest approved (the gate)."""
    if chosen is not None:
        chosen = PatternVersion.objects.get(pk=chosen.pk)  # its status now, not the caller's copy's
        if order.kind != ProductionOrder.Kind.SAMPLE:
            raise ConflictError(
                f"{order.number} is a production order: it cuts the latest approved pattern version, "
                f"not a chosen one (v{chosen.number}).",
                fields={"pattern": "Production cuts the latest approved version."},
            )
        if chosen.style_id != order.style_id:
            errors.add("pattern", f"pattern v{chosen.number} is not a version of {order.style.code}.")
        elif chosen.status == PatternVersion.Status.REJECTED:
            raise ConflictError(
                f"{order.style.code} pattern v{chosen.number} was rejected: a sample of it is not cut.",
                fields={"pattern": "Rejected."},
            )
        return chosen
    version = pattern_version_latest(style_id=order.style_id, approved=True)
    if version is None:
        newest = pattern_version_latest(style_id=order.style_id)
        if newest is None:
            errors.add("pattern", f"{order.style.code} has no pattern yet: import its DXF-AAMA file first.")
        else:
            errors.add(
                "pattern",
                f"{order.style.code} has no approved pattern version (v{newest.number} is "
                f"{newest.get_status_display().lower()}): production cuts only an approved version.",
            )
    return version


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
    who = person_name(by) or "someone"
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
    transaction.on_commit(lambda: tasks.cut_plan_run.enqueue(plan_id=plan_id))


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
    needed: dict[int, Decimal] = {}
    for use in uses:
        needed[use.roll_id] = needed.get(use.roll_id, Decimal(0)) + use.meters
    for roll_pk, meters in needed.items():
        roll = rolls[roll_pk]
        if roll.remaining_m < meters:
            raise ConflictError(
                f"Roll {roll.roll_id} has {roll.remaining_m} m left; lay {lay.number} needs {meters} m of it."
            )
    for roll_pk, meters in needed.items():  # in roll order, as locked
        roll_meters_take(roll_pk=roll_pk, meters=meters)
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
    plan = lay.plan
    facility = rolls[uses[0].roll_id].facility
    when = lay.cut_at
    operator = person_name(by)
    cut = lay_cut_event(
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
    if plan.order.kind == ProductionOrder.Kind.SAMPLE:  # a sample's cut, told from production's
        cut["sl:orderKind"] = ProductionOrder.Kind.SAMPLE.value
    # Its eventID, the event hash the ledger would give it anyway, set here so that its off-cuts name it.
    cut["eventID"] = event_hash(cut, document_context())
    events = [cut]
    if plan.recycler is not None and lay.offcut_kg > 0:
        offcuts = offcuts_shipped(
            material_class_offcut=offcut_class_uri(plan.material_id),
            mass_kg=lay.offcut_kg,
            facility=facility.epc_uri,
            recycler=plan.recycler.epc_uri,
            when=when,
            lay=cut["eventID"],  # not another lay's, cut at the same time and place
        )
        events.append({**offcuts, "sl:orderNumber": plan.order.number})  # ties the off-cuts to the order
    record(organization=plan.order.factory, events=events, brand=plan.order.brand)
