"""Reads of spec sheets and samples, scoped to the organization that asks: the brand that owns the style
reads everything of it; a factory reads the sheets of styles it makes and the samples it makes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.catalog.selectors import style_list
from seamline.trace.namespaces import Parties, parties, uuid_keys

from .change_selectors import spec_shifts
from .models import Measurement, PointOfMeasure, Sample, SamplePhoto
from .specsheet import PomLine

__all__ = [
    "PomResult",
    "points_of",
    "pom_lines",
    "sample_get",
    "sample_list",
    "sample_photo_get",
    "sample_results",
    "sample_rolls",
    "samples_known",
    "spec_style_get",
    "spec_styles",
]


def spec_styles(*, organization: Organization) -> QuerySet[Style]:
    """The styles whose spec sheets and samples the organization reads."""
    return style_list(organization=organization)


def spec_style_get(*, organization: Organization, pk: int) -> Style | None:
    return spec_styles(organization=organization).filter(pk=pk).first()


def points_of(style: Style) -> QuerySet[PointOfMeasure]:
    return PointOfMeasure.objects.filter(style=style).order_by("position", "code")


def pom_lines(style: Style) -> list[PomLine]:
    """The sheet as specsheet's plain lines (for the CSV)."""
    return [
        PomLine(
            code=p.code,
            name=p.name,
            how_to_measure=p.how_to_measure,
            tolerance_cm=p.tolerance_cm,
            critical=p.critical,
            subject=p.subject,
            values={size: Decimal(str(v)) for size, v in p.values.items()},
        )
        for p in points_of(style)
    ]


def sample_list(*, organization: Organization, style_id: int | None = None) -> QuerySet[Sample]:
    """Samples of the brand's styles, or those a factory makes; newest first."""
    qs = Sample.objects.filter(Q(style__organization=organization) | Q(order__factory=organization))
    if style_id is not None:
        qs = qs.filter(style_id=style_id)
    return qs.select_related("style", "pattern_version", "order__factory").order_by("style", "-number")


def sample_get(*, organization: Organization, pk: int) -> Sample | None:
    return (
        sample_list(organization=organization)
        .select_related("style__organization", "created_by")
        .filter(pk=pk)
        .first()
    )


def sample_photo_get(*, organization: Organization, pk: int) -> SamplePhoto | None:
    return SamplePhoto.objects.filter(pk=pk, sample__in=sample_list(organization=organization)).first()


@dataclass(frozen=True)
class PomResult:
    """One point of the sample's spec, and what the fitting measured of it (latest measurement)."""

    point_id: int
    code: str
    name: str
    how_to_measure: str
    subject: str
    critical: bool
    tolerance_cm: Decimal
    spec_cm: Decimal | None  # the graded value for the sample's size (None: the sheet gives none)
    measured_cm: Decimal | None
    measured_at: object = None

    @property
    def difference_cm(self) -> Decimal | None:
        if self.measured_cm is None or self.spec_cm is None:
            return None
        return self.measured_cm - self.spec_cm

    @property
    def within(self) -> bool | None:
        """Within ± tolerance of the spec; None when not measured or without a spec value."""
        diff = self.difference_cm
        return None if diff is None else abs(diff) <= self.tolerance_cm

    @property
    def fails(self) -> bool:
        """A critical point out of tolerance: the sample fails."""
        return self.critical and self.within is False


def _spec_value(point: PointOfMeasure, size: str) -> Decimal | None:
    raw = point.values.get(size)
    return None if raw in (None, "") else Decimal(str(raw))


def _shifted(value: Decimal | None, shift: Decimal | None) -> Decimal | None:
    return value if value is None or shift is None else value + shift


def sample_results(sample: Sample) -> list[PomResult]:
    """Per POM of the style's sheet: the spec for the sample's size, tolerance, the latest measurement,
    difference, within or out of tolerance, critical. The spec is the sheet's moved by the alterations that
    made the sample's pattern version (change_selectors.spec_shifts): a fit sample of the neckline lowered
    2 cm is measured against the deeper neckline."""
    shifts = spec_shifts(sample.pattern_version)
    latest: dict[int, Measurement] = {}
    for m in Measurement.objects.filter(sample=sample).order_by("point_id", "-measured_at", "-pk"):
        latest.setdefault(m.point_id, m)
    out = []
    for point in points_of(sample.style):
        m = latest.get(point.pk)
        out.append(
            PomResult(
                point_id=point.pk,
                code=point.code,
                name=point.name,
                how_to_measure=point.how_to_measure,
                subject=point.subject,
                critical=point.critical,
                tolerance_cm=point.tolerance_cm,
                spec_cm=_shifted(
                    _spec_value(point, sample.size), shifts.get(point.subject, {}).get(sample.size)
                ),
                measured_cm=m.value_cm if m else None,
                measured_at=m.measured_at if m else None,
            )
        )
    return out


@dataclass(frozen=True)
class SampleRoll:
    """A roll the sample's cut took fabric from, and whether it was a roll end (remnant) before."""

    label: str
    shade_lot: str
    available_m: Decimal
    consumed_m: Decimal
    left_m: Decimal
    was_remnant: bool


def sample_rolls(sample: Sample) -> list[SampleRoll]:
    """What the sample's cut took: the rolls of its order's newest finished cut plan."""
    if sample.order_id is None:
        return []
    plan = sample.order.cut_plans.filter(status="done").order_by("-created_at", "-pk").first()
    if plan is None:
        return []
    return [
        SampleRoll(
            label=str(row.get("label", row.get("roll"))),
            shade_lot=row.get("shade_lot", ""),
            available_m=Decimal(row["available_m"]),
            consumed_m=Decimal(row["consumed_m"]),
            left_m=Decimal(row["remnant_m"]),
            was_remnant=bool(row.get("was_remnant", False)),
        )
        for row in plan.rolls
    ]


def samples_known(uids: list[str]) -> dict[str, Parties]:
    """The ledger's look-up of sample identifiers (``urn:seamline:sample:<uid>``): the style's brand, and
    the factory making the sample, as parties."""
    rows = Sample.objects.filter(uid__in=uuid_keys(uids)).values_list(
        "uid", "style__organization_id", "order__factory_id"
    )
    return {str(uid): parties(brand, brand, factory) for uid, brand, factory in rows}
