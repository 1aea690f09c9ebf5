"""Use cases that write samples: a brand asks its factory for a sample of a pattern version (a tiny
production order), the factory cuts it (from roll ends first), and the fitting measures it against the
spec sheet. The cut goes through the cutting room (its lay-cut events go to the ledger); the fitting is
an event of its own (fitting.events)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.accounts.selectors import person_name
from seamline.catalog.models import Style
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.cutting.models import CutPlan, PatternVersion
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut
from seamline.production.models import Garment, ProductionOrder
from seamline.production.services import production_order_create, production_order_transition
from seamline.production.states import State
from seamline.trace.events import garment_uri, pattern_uri, sample_uri
from seamline.trace.services import record

from .events import sample_fitted
from .models import Measurement, PointOfMeasure, Sample, SamplePhoto
from .selectors import sample_results

__all__ = [
    "MAX_PHOTO_BYTES",
    "MAX_SAMPLE_UNITS",
    "photo_type",
    "sample_create",
    "sample_cut",
    "sample_measure",
    "sample_photo_add",
]

MAX_SAMPLE_UNITS = 3  # a sample is a garment or three: the model on the stream, and a spare
MAX_PHOTO_BYTES = 5 * 1024 * 1024
SAMPLE_LEAD_DAYS = 7  # the sample order's due date: a week, as sample rooms quote
_PHOTO_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_TENTH = Decimal("0.1")


def photo_type(data: bytes) -> str | None:
    """JPEG or PNG by the file's first bytes (not by its name or the browser's word), else None."""
    return next((kind for magic, kind in _PHOTO_MAGIC if data.startswith(magic)), None)


def _first_colourway_sku(style: Style, size: str) -> str | None:
    colour = style.colourways[0] if style.colourways else None
    variants = style.variants.filter(size=size).order_by("position", "pk")
    if colour is not None:
        variants = variants.filter(colour=colour)
    variant = variants.first()
    return variant.sku if variant else None


@transaction.atomic
def sample_create(
    *,
    style: Style,
    stage: str,
    size: str,
    pattern_version: PatternVersion,
    factory: Organization,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    units: int = 1,
    fit_round: int | None = None,
    notes: str = "",
    when: Any = None,
) -> Sample:
    """The brand asks ``factory`` for a sample: a production order of kind "sample" (``units`` of the size
    in the style's first colourway, 1-3), placed with the factory, and the Sample (numbered per style;
    a fit sample's round is the next one unless given)."""
    if organization.pk != style.organization_id:
        raise ForbiddenError("Only the brand that owns the style asks for its samples.")
    errors = FieldErrors()
    if stage not in Sample.Stage.values:
        errors.add("stage", f"One of {', '.join(Sample.Stage.values)}.")
    n_units = errors.positive_int("units", units)
    if n_units > MAX_SAMPLE_UNITS:
        errors.add("units", f"A sample is 1 to {MAX_SAMPLE_UNITS} units (got {n_units}).")
    if size not in style.sizes:
        errors.add("size", f"{size!r} is not a size of {style.code} ({', '.join(style.sizes)}).")
    if pattern_version.style_id != style.pk:
        errors.add("pattern_version", f"pattern v{pattern_version.number} is not a version of {style.code}.")
    elif pattern_version.status == PatternVersion.Status.REJECTED:
        errors.add("pattern_version", f"pattern v{pattern_version.number} was rejected.")
    elif size in style.sizes and size not in pattern_version.sizes:
        errors.add("size", f"pattern v{pattern_version.number} has no pieces for size {size}.")
    if fit_round is not None and stage == Sample.Stage.FIT:
        fit_round = errors.positive_int("fit_round", fit_round)
    sku = _first_colourway_sku(style, size) if size in style.sizes else None
    if size in style.sizes and sku is None:
        errors.add("size", f"{style.code} has no SKU of size {size}.")
    if len(notes) > 2000:
        errors.add("notes", "At most 2,000 characters.")
    errors.raise_if_any("The sample is not valid")
    Style.objects.select_for_update().filter(pk=style.pk).first()  # number samples one at a time
    mine = Sample.objects.filter(style=style)
    number = (mine.aggregate(n=Max("number"))["n"] or 0) + 1
    if stage == Sample.Stage.FIT and fit_round is None:
        fit_round = (mine.filter(stage=Sample.Stage.FIT).aggregate(n=Max("fit_round"))["n"] or 0) + 1
    label = f"fit {fit_round}" if stage == Sample.Stage.FIT else Sample.Stage(stage).label.lower()
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    order = production_order_create(
        brand=organization,
        factory=factory,
        style=style,
        due_date=max(today, _day(when)) + timedelta(days=SAMPLE_LEAD_DAYS),
        quantities={sku: n_units},
        notes=f"Sample {number} of {style.code} ({label}), pattern v{pattern_version.number}."
        + (f"\n{notes}" if notes else ""),
        by=by,
        kind=ProductionOrder.Kind.SAMPLE,
    )
    order = production_order_transition(
        order=order, target=State.PLANNED, organization=organization, by=by, when=when
    )
    sample = Sample.objects.create(
        style=style,
        number=number,
        stage=stage,
        fit_round=fit_round if stage == Sample.Stage.FIT else None,
        pattern_version=pattern_version,
        order=order,
        size=size,
        units=n_units,
        notes=notes,
        created_by=by,
    )
    if when is not None:  # back-dated (the demo's finished session)
        Sample.objects.filter(pk=sample.pk).update(created_at=when)
        sample.created_at = when
    return sample


def _day(when: Any) -> date:
    if when is None:
        return date.min
    return timezone.localtime(when).date() if hasattr(when, "hour") else when


def sample_cut(
    *,
    sample: Sample,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    when: Any = None,
    seconds: int = 1,
) -> Sample:
    """The factory cuts the sample: plans the cut of its pattern version (roll ends first: the run
    prefers remnants for a sample order), runs the plan here and now, and cuts every lay (each a lay-cut
    event in the ledger). ``seconds``: the nesting's budget per garment.

    Not one transaction: the plan is queued and run as the cutting room runs any plan (its run saves its
    own result); the cut of the lays and the sample's cut time are one transaction."""
    sample = Sample.objects.select_related("order", "pattern_version", "style").get(pk=sample.pk)
    order = sample.order
    if order is None or organization.pk != order.factory_id:
        raise ForbiddenError("Only the factory that makes the sample cuts it.")
    if sample.cut_at is not None:
        raise ConflictError(
            f"Sample {sample.number} was cut on {timezone.localtime(sample.cut_at):%Y-%m-%d %H:%M}."
        )
    plan = CutPlan.objects.filter(order=order, status=CutPlan.Status.DONE).order_by("-pk").first()
    if plan is None or plan.lays.filter(cut_at__isnull=True).count() == 0:
        plan = cut_plan_request(
            order=order,
            organization=organization,
            by=by,
            enqueue=False,
            pattern_version=sample.pattern_version,
            seconds_per_garment=seconds,
            overcut_max=0,  # a sample is what was asked for, not a spare
        )
        plan = cut_plan_run(plan.pk)
    if plan.status != CutPlan.Status.DONE:
        raise ConflictError(
            f"The cut of sample {sample.number} could not be planned: "
            f"{plan.error or plan.get_status_display()}",
            fields={"cut": plan.error or "not planned"},
        )
    return _cut_lays(sample, plan, organization, by, when)


@transaction.atomic
def _cut_lays(
    sample: Sample, plan: CutPlan, organization: Organization, by: AbstractBaseUser | None, when: Any
) -> Sample:
    sample = Sample.objects.select_for_update(of=("self",)).select_related("order").get(pk=sample.pk)
    if sample.cut_at is not None:
        raise ConflictError(f"Sample {sample.number} is cut already.")
    moment = when or timezone.now()
    for lay in plan.lays.filter(cut_at__isnull=True).order_by("number"):
        lay_cut(lay=lay, organization=organization, by=by, when=moment)
    if sample.order.state == State.PLANNED:
        sample.order = production_order_transition(
            order=sample.order, target=State.CUTTING, organization=organization, by=by, when=moment
        )
    sample.cut_at = moment
    sample.save(update_fields=["cut_at"])
    return sample


def _party(sample: Sample, organization: Organization) -> None:
    if organization.pk not in (
        sample.style.organization_id,
        sample.order.factory_id if sample.order else None,
    ):
        raise ForbiddenError("Only the brand and the factory of the sample record its fitting.")


def _photo_checked(photo: bytes, field: str = "photo") -> str:
    if len(photo) > MAX_PHOTO_BYTES:
        raise ValidationError(
            "The photo cannot be kept",
            fields={
                field: f"{len(photo) / 2**20:.1f} MB, more than the {MAX_PHOTO_BYTES // 2**20} MB a photo "
                "may be"
            },
        )
    kind = photo_type(photo)
    if kind is None:
        raise ValidationError("The photo cannot be kept", fields={field: "Not a JPEG or PNG picture."})
    return kind


@transaction.atomic
def sample_photo_add(
    *,
    sample: Sample,
    photo: bytes,
    organization: Organization,
    caption: str = "",
    by: AbstractBaseUser | None = None,
) -> SamplePhoto:
    """A photo of the sample on the model: JPEG or PNG (by its first bytes), at most MAX_PHOTO_BYTES."""
    _party(sample, organization)
    kind = _photo_checked(photo)
    if len(caption) > 200:
        raise ValidationError("The photo cannot be kept", fields={"caption": "At most 200 characters."})
    return SamplePhoto.objects.create(sample=sample, image=photo, content_type=kind, caption=caption.strip())


def _value(errors: FieldErrors, code: str, raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add(f"values.{code}", f"{code}: {str(raw)[:40]!r} is not a number of cm.")
        return None
    value = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if not Decimal(0) < value <= Decimal("9999.9"):
        errors.add(f"values.{code}", f"{code}: must be more than 0 and at most 9,999.9 cm (got {value}).")
        return None
    return value


@transaction.atomic
def sample_measure(
    *,
    sample: Sample,
    values: Mapping[str, Decimal | str],
    organization: Organization,
    by: AbstractBaseUser | None = None,
    when: Any = None,
    photo: bytes | None = None,
    caption: str = "",
) -> list[Measurement]:
    """The fitting: the sample measured, {POM code: cm} (blank values skipped). ValidationError naming
    each unknown code or value that is not a number. The fitting goes to the ledger of the organization
    that measured (ObjectEvent inspecting, with the measurements and those out of tolerance), and the
    sample's fitted time is set."""
    sample = (
        Sample.objects.select_for_update(of=("self",))
        .select_related("style", "order", "pattern_version")
        .get(pk=sample.pk)
    )
    _party(sample, organization)
    points = {p.code.upper(): p for p in PointOfMeasure.objects.filter(style=sample.style)}
    errors = FieldErrors()
    taken: list[tuple[PointOfMeasure, Decimal]] = []
    for code, raw in values.items():
        if raw is None or str(raw).strip() == "":
            continue
        point = points.get(str(code).strip().upper())
        if point is None:
            errors.add(
                f"values.{code}", f"{code}: not a point of measure of {sample.style.code}'s spec sheet."
            )
            continue
        value = _value(errors, point.code, raw)
        if value is not None:
            taken.append((point, value))
    if not taken and not errors.errors:
        errors.add("values", "Give at least one measurement.")
    errors.raise_if_any("The measurements are not valid")
    if photo is not None:
        sample_photo_add(sample=sample, photo=photo, organization=organization, caption=caption, by=by)
    moment = when or timezone.now()
    rows = Measurement.objects.bulk_create(
        Measurement(sample=sample, point=point, value_cm=value, measured_by=by, measured_at=moment)
        for point, value in taken
    )
    sample.fitted_at = moment
    sample.save(update_fields=["fitted_at"])
    _record_fitting(sample, {p.pk for p, _ in taken}, organization, by, moment)
    return rows


def _record_fitting(
    sample: Sample, measured: set[int], organization: Organization, by: AbstractBaseUser | None, when: Any
) -> None:
    results = [r for r in sample_results(sample) if r.point_id in measured]
    garments = [
        garment_uri(uid)
        for uid in Garment.objects.filter(order=sample.order_id).values_list("uid", flat=True)
    ]
    stage = (
        f"fit {sample.fit_round}" if sample.stage == Sample.Stage.FIT else sample.get_stage_display().lower()
    )
    event = sample_fitted(
        epcs=garments or [sample_uri(sample.uid)],
        sample=sample_uri(sample.uid),
        pattern=pattern_uri(sample.pattern_version_id),
        size=sample.size,
        measurements=[
            {
                "code": r.code,
                "value_cm": r.measured_cm,
                "spec_cm": r.spec_cm,
                "tolerance_cm": r.tolerance_cm if r.spec_cm is not None else None,
                "within": r.within,
                "critical": r.critical,
            }
            for r in results
        ],
        when=when,
        order_number=sample.order.number if sample.order else None,
        stage=stage,
        operator=person_name(by),
    )
    record(organization=organization, events=[event], brand=sample.style.organization)
