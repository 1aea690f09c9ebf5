"""Pages of spec sheets and samples: the brand's styles, a style's sheet (sizes × points of measure, edited
in place, CSV in and out), its samples, and a sample's page (the fitting's measurements against the spec,
photos, and the factory's "cut this sample")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, organization_of, require, requires
from seamline.accounts.permissions import Permission
from seamline.accounts.selectors import factory_list
from seamline.core.errors import DomainError, ForbiddenError, found
from seamline.core.forms import add_domain_error, submit
from seamline.cutting.models import PatternVersion
from seamline.cutting.selectors import pattern_versions

from .models import PointOfMeasure, Sample
from .samples import MAX_PHOTO_BYTES, sample_create, sample_cut, sample_measure, sample_photo_add
from .selectors import (
    PomResult,
    points_of,
    pom_lines,
    sample_get,
    sample_list,
    sample_photo_get,
    sample_results,
    sample_rolls,
    spec_style_get,
    spec_styles,
)
from .spec_forms import SIZE_PREFIX, PhotoForm, PomForm, SampleForm, SpecImportForm
from .specs import MAX_SPEC_BYTES, pom_delete, pom_save, spec_import
from .specsheet import format_spec_csv


def _is_brand_of(request: HttpRequest, style: Any) -> bool:
    return organization_of(request).pk == style.organization_id


# Styles and spec sheets -------------------------------------------------------------------------------


@org_view
def spec_style_list(request: HttpRequest) -> HttpResponse:
    """The styles whose spec sheets and samples the organization reads, with counts."""
    org = organization_of(request)
    styles = list(spec_styles(organization=org))
    points: dict[int, int] = {}
    for style_id in PointOfMeasure.objects.filter(style__in=[s.pk for s in styles]).values_list(
        "style_id", flat=True
    ):
        points[style_id] = points.get(style_id, 0) + 1
    samples: dict[int, int] = {}
    for style_id in sample_list(organization=org).values_list("style_id", flat=True):
        samples[style_id] = samples.get(style_id, 0) + 1
    rows = [(s, points.get(s.pk, 0), samples.get(s.pk, 0)) for s in styles]
    return render(request, "fitting/spec_styles.html", {"rows": rows})


def _sheet_context(request: HttpRequest, style: Any, form: PomForm, import_form: SpecImportForm) -> dict:
    points = list(points_of(style))
    rows = [(p, [p.values.get(size, "") for size in style.sizes]) for p in points]
    return {
        "style": style,
        "rows": rows,
        "form": form,
        "import_form": import_form,
        "may_edit": _is_brand_of(request, style),
    }


@org_view
def spec_sheet(request: HttpRequest, style_pk: int) -> HttpResponse:
    """The sheet as a table (sizes × POMs); POST adds a point (the brand)."""
    style = found(spec_style_get(organization=organization_of(request), pk=style_pk), "style")
    form = PomForm(request.POST or None, sizes=style.sizes)
    if request.method == "POST":
        _may_edit(request, style)
        point = submit(
            form,
            lambda _: pom_save(
                style=style,
                organization=organization_of(request),
                fields=form.service_fields(),
                by=request.user,
            ),
            field_for=_pom_field,
        )
        if point is not None:
            messages.success(request, f"Added {point.code} {point.name}.")
            return redirect("fitting:spec_sheet", style_pk=style.pk)
        return render(
            request,
            "fitting/spec_sheet.html",
            _sheet_context(request, style, form, SpecImportForm()),
            status=422,
        )
    return render(request, "fitting/spec_sheet.html", _sheet_context(request, style, form, SpecImportForm()))


def _may_edit(request: HttpRequest, style: Any) -> None:
    if not _is_brand_of(request, style):
        raise ForbiddenError("Only the brand that owns the style edits its spec sheet.")
    require(request, Permission.EDIT_CATALOG)


def _pom_field(name: str) -> str | None:
    """A service's field name (a size) as the form's (size_<size>)."""
    return None if name in PomForm.base_fields else SIZE_PREFIX + name


@org_view
def pom_edit(request: HttpRequest, style_pk: int, point_pk: int) -> HttpResponse:
    style = found(spec_style_get(organization=organization_of(request), pk=style_pk), "style")
    point = found(PointOfMeasure.objects.filter(style=style, pk=point_pk).first(), "point of measure")
    _may_edit(request, style)
    initial = {
        "code": point.code,
        "name": point.name,
        "how_to_measure": point.how_to_measure,
        "tolerance_cm": point.tolerance_cm,
        "critical": point.critical,
        "subject": point.subject,
        **{SIZE_PREFIX + size: value for size, value in point.values.items()},
    }
    form = PomForm(request.POST or None, sizes=style.sizes, initial=initial)
    context = {"style": style, "point": point, "form": form}
    if request.method != "POST":
        return render(request, "fitting/pom_edit.html", context)
    saved = submit(
        form,
        lambda _: pom_save(
            style=style,
            organization=organization_of(request),
            fields=form.service_fields(),
            point=point,
            by=request.user,
        ),
        field_for=_pom_field,
    )
    if saved is None:
        return render(request, "fitting/pom_edit.html", context, status=422)
    messages.success(request, f"Saved {saved.code} {saved.name}.")
    return redirect("fitting:spec_sheet", style_pk=style.pk)


@org_view
@require_POST
def pom_delete_view(request: HttpRequest, style_pk: int, point_pk: int) -> HttpResponse:
    style = found(spec_style_get(organization=organization_of(request), pk=style_pk), "style")
    point = found(PointOfMeasure.objects.filter(style=style, pk=point_pk).first(), "point of measure")
    _may_edit(request, style)
    pom_delete(point=point, organization=organization_of(request))
    messages.success(request, f"Deleted {point.code} {point.name}.")
    return redirect("fitting:spec_sheet", style_pk=style.pk)


@org_view
def spec_csv(request: HttpRequest, style_pk: int) -> HttpResponse:
    """GET: the sheet as CSV. POST (the brand): a CSV replaces the sheet, or every bad line is named."""
    style = found(spec_style_get(organization=organization_of(request), pk=style_pk), "style")
    if request.method == "POST":
        return _spec_import(request, style)
    response = HttpResponse(
        format_spec_csv(pom_lines(style), style.sizes), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{style.code}-spec.csv"'
    return response


def _spec_import(request: HttpRequest, style: Any) -> HttpResponse:
    _may_edit(request, style)
    form = SpecImportForm(request.POST, request.FILES)

    def write(data: dict) -> list:
        upload = data["csv"]
        return spec_import(
            style=style,
            text=upload.read(MAX_SPEC_BYTES + 1),
            organization=organization_of(request),
            by=request.user,
        )

    saved = submit(form, write, field_for=lambda _: "csv")
    if saved is None:
        context = _sheet_context(request, style, PomForm(sizes=style.sizes), form)
        return render(request, "fitting/spec_sheet.html", context, status=422)
    messages.success(request, f"Imported {len(saved)} points of measure: the sheet was replaced.")
    return redirect("fitting:spec_sheet", style_pk=style.pk)


# Samples ----------------------------------------------------------------------------------------------


def _sample_form(request: HttpRequest, style: Any) -> SampleForm:
    versions = [
        v
        for v in pattern_versions(organization=organization_of(request), style_id=style.pk)
        if v.status != PatternVersion.Status.REJECTED
    ]
    return SampleForm(
        request.POST or None, sizes=style.sizes, versions=versions, factories=list(factory_list())
    )


@org_view
def sample_list_view(request: HttpRequest, style_pk: int) -> HttpResponse:
    """The style's sample rounds; POST: the brand asks a factory for a new sample."""
    org = organization_of(request)
    style = found(spec_style_get(organization=org, pk=style_pk), "style")
    form = _sample_form(request, style) if _is_brand_of(request, style) else None
    if request.method == "POST":
        if form is None:
            raise ForbiddenError("Only the brand that owns the style asks for its samples.")
        require(request, Permission.PLACE_ORDERS)

        def write(data: dict) -> Sample:
            return sample_create(
                style=style,
                stage=data["stage"],
                size=data["size"],
                pattern_version=PatternVersion.objects.get(pk=data["pattern_version"], style=style),
                factory=factory_list().get(pk=data["factory"]),
                organization=org,
                by=request.user,
                units=data["units"],
                fit_round=data["fit_round"],
                notes=data["notes"],
            )

        sample = submit(form, write)
        if sample is not None:
            messages.success(
                request, f"Asked {sample.order.factory} for sample {sample.number} ({sample.order.number})."
            )
            return redirect("fitting:sample_detail", pk=sample.pk)
    samples = sample_list(organization=org, style_id=style.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "fitting/sample_list.html", {"style": style, "samples": samples, "form": form}, status=status
    )


BAND_WIDTH = 120  # px of the tolerance picture


def _band(result: PomResult) -> dict[str, Any] | None:
    """Where the measurement falls against the tolerance band, in px of a BAND_WIDTH-wide picture."""
    diff = result.difference_cm
    if diff is None:
        return None
    tol = result.tolerance_cm or Decimal("0.1")
    span = max(tol * 2, abs(diff) * Decimal("1.25"))  # the picture shows ± span
    half = BAND_WIDTH / 2

    def x(cm: Decimal) -> float:
        return round(half + float(cm / span) * (half - 4), 1)

    return {"left": x(-tol), "width": round(x(tol) - x(-tol), 1), "dot": x(diff), "mid": half}


@org_view
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The sample: its facts, the rolls its cut took, the measurement form against the spec, photos.
    POST: the fitting's measurements (fields ``m-<code>``)."""
    org = organization_of(request)
    sample = found(sample_get(organization=org, pk=pk), "sample")
    errors: list[str] = []
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {
            key.removeprefix("m-"): value for key, value in request.POST.items() if key.startswith("m-")
        }
        try:
            sample_measure(sample=sample, values=values, organization=org, by=request.user)
        except DomainError as exc:
            errors.append(exc.detail)
            field_errors = {name.removeprefix("values."): msg for name, msg in exc.fields.items()}
            status = 422 if exc.status == 422 else exc.status
        else:
            messages.success(request, f"Saved the fitting of sample {sample.number}.")
            return redirect("fitting:sample_detail", pk=sample.pk)
    results = sample_results(sample)
    rows = [
        {
            "r": r,
            "band": _band(r),
            "posted": request.POST.get(f"m-{r.code}", "") if request.method == "POST" else "",
            "error": field_errors.get(r.code, ""),
        }
        for r in results
    ]
    is_factory = sample.order is not None and sample.order.factory_id == org.pk
    context = {
        "sample": sample,
        "style": sample.style,
        "rows": rows,
        "errors": errors + [m for name, m in field_errors.items() if name not in {r.code for r in results}],
        "out": sum(1 for r in results if r.within is False),
        "fails": [r for r in results if r.fails],
        "measured": sum(1 for r in results if r.measured_cm is not None),
        "rolls": sample_rolls(sample),
        "photos": list(sample.photos.order_by("taken_at", "pk").only("pk", "caption", "taken_at")),
        "photo_form": PhotoForm(),
        "may_cut": is_factory and sample.cut_at is None,
        "is_factory": is_factory,
        "max_photo_mb": MAX_PHOTO_BYTES // 2**20,
    }
    return render(request, "fitting/sample_detail.html", context, status=status)


@org_view
@require_POST
@requires(Permission.PLAN_CUTS)
def sample_cut_view(request: HttpRequest, pk: int) -> HttpResponse:
    org = organization_of(request)
    sample = found(sample_get(organization=org, pk=pk), "sample")
    try:
        sample = sample_cut(sample=sample, organization=org, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("fitting:sample_detail", pk=pk)
    took = [
        f"{r.label} ({'remnant' if r.was_remnant else 'whole roll'}, {r.consumed_m} m)"
        for r in sample_rolls(sample)
    ]
    messages.success(request, f"Cut sample {sample.number} from {', '.join(took) or 'no roll'}.")
    return redirect("fitting:sample_detail", pk=pk)


@org_view
@require_POST
def sample_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    org = organization_of(request)
    sample = found(sample_get(organization=org, pk=pk), "sample")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sample_photo_add(
                sample=sample,
                photo=form.cleaned_data["photo"].read(MAX_PHOTO_BYTES + 1),
                caption=form.cleaned_data["caption"],
                organization=org,
                by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, "Photo added.")
    return redirect("fitting:sample_detail", pk=pk)


@org_view
def sample_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample's photo, with the type its bytes were checked to be."""
    photo = found(sample_photo_get(organization=organization_of(request), pk=pk), "photo")
    response = HttpResponse(bytes(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def style_fitting_panel(request: HttpRequest, style: Any) -> str:
    """The style page's links to its spec sheet and samples."""
    context = {
        "style": style,
        "points": PointOfMeasure.objects.filter(style=style).count(),
        "samples": sample_list(organization=organization_of(request), style_id=style.pk).count(),
    }
    return render_to_string("fitting/_style_fitting_card.html", context, request=request)
