"""Cutting room pages: pattern versions with their pieces drawn, cut plans with markers and lay sheets."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission, can
from seamline.catalog.selectors import style_get
from seamline.core.errors import ConflictError, DomainError, NotFoundError, found
from seamline.core.forms import submit
from seamline.production.selectors import order_get

from .forms import CutPlanForm, PatternImportForm
from .marker_svg import marker_from_document, marker_tiles
from .models import CutPlan, PatternVersion
from .pattern_svg import pieces_svg
from .planner import ratio_label
from .selectors import (
    active_plan,
    cut_plan_get,
    cut_plans_of_order,
    lay_get,
    marker_get,
    order_demand,
    order_material_needs,
    pattern_dxf_bytes,
    pattern_of,
    pattern_version_get,
    pattern_version_latest,
    pattern_versions,
    shell_fabric,
)
from .services import (
    PLAN_DEFAULTS,
    cut_plan_cancel,
    cut_plan_request,
    cut_plan_retry,
    lay_cut,
    pattern_import,
    pattern_version_review,
)


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


# Patterns ---------------------------------------------------------------------------------------------


@org_view
@requires(Permission.EDIT_CATALOG)
def pattern_import_view(request: HttpRequest, style_pk: int) -> HttpResponse:
    style = found(style_get(organization=_org(request), pk=style_pk))
    form = PatternImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        version = submit(
            form, lambda data: pattern_import(style=style, dxf=data["dxf"], rul=data["rul"], by=request.user)
        )
        if version is not None:
            messages.success(
                request, f"Imported {version.source_name} as pattern v{version.number} of {style.code}."
            )
            return redirect("cutting:pattern_detail", pk=version.pk)
        return render(request, "cutting/pattern_import.html", {"form": form, "style": style}, status=422)
    return render(request, "cutting/pattern_import.html", {"form": form, "style": style})


@org_view
def pattern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = found(pattern_version_get(organization=_org(request), pk=pk))
    pattern = pattern_of(version)
    size = request.GET.get("size") or version.sample_size or version.sizes[0]
    if size not in version.sizes:
        raise NotFoundError(f"Pattern v{version.number} has no size {size}.")
    pieces = pattern.pieces_for(size)
    context = {
        "version": version,
        "style": version.style,
        "size": size,
        "pieces": pieces,
        "rows": [(p, p.bounds[2] - p.bounds[0], p.bounds[3] - p.bounds[1]) for p in pieces],
        "svg": pieces_svg(pieces, title=f"{version.style.code} v{version.number}, size {size}"),
        "area_cm2": pattern.total_area_cm2(size),
        "cut_pieces": sum(p.quantity for p in pieces),
        "approved_now": pattern_version_latest(style_id=version.style_id, approved=True),
        "may_review": version.status == PatternVersion.Status.REVIEW
        and version.style.organization_id == _org(request).pk
        and can(getattr(request, "role", None), Permission.EDIT_CATALOG),
    }
    return render(request, "cutting/pattern_detail.html", context)


@org_view
@require_POST
@requires(Permission.EDIT_CATALOG)
def pattern_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The brand approves or rejects a version under review (pattern_version_review)."""
    version = found(pattern_version_get(organization=_org(request), pk=pk))
    approve = request.POST.get("decision") == "approve"
    try:
        version = pattern_version_review(
            version=version,
            approve=approve,
            organization=_org(request),
            by=request.user,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        verdict = "approved: production cuts it from now on" if approve else "rejected"
        messages.success(request, f"Pattern v{version.number} of {version.style.code} {verdict}.")
    return redirect("cutting:pattern_detail", pk=pk)


@org_view
def pattern_download(request: HttpRequest, pk: int) -> HttpResponse:
    version = found(pattern_version_get(organization=_org(request), pk=pk))
    response = HttpResponse(pattern_dxf_bytes(version), content_type="application/dxf")
    name = f"{version.style.code}-v{version.number}.dxf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Cut plans --------------------------------------------------------------------------------------------


@org_view
@requires(Permission.PLAN_CUTS)
def cut_plan_create_view(request: HttpRequest, order_pk: int) -> HttpResponse:
    org = _org(request)
    order = found(order_get(organization=org, pk=order_pk))
    demand = order_demand(order)
    material = shell_fabric(order)
    initial = {**PLAN_DEFAULTS, "colour": next(iter(demand), "")}
    if material is not None and material.usable_width_cm:
        initial["fabric_width_cm"] = material.usable_width_cm
    form = CutPlanForm(request.POST or None, colours=list(demand), initial=initial)
    context = {
        "form": form,
        "order": order,
        "demand": demand,
        "material": material,
        "version": pattern_version_latest(style_id=order.style_id, approved=True),
    }
    if request.method != "POST":
        return render(request, "cutting/cut_plan_form.html", context)
    plan = submit(
        form,
        lambda data: cut_plan_request(order=order, organization=org, by=request.user, **data),
        field_for=lambda name: None if name in ("pattern", "material") else name,
    )
    if plan is None:
        return render(request, "cutting/cut_plan_form.html", context, status=422)
    messages.success(request, "The cut plan is queued: nesting runs in the background.")
    return redirect("cutting:cut_plan_detail", pk=plan.pk)


_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def _aspect(svg: str) -> float:
    """Width over height of a stored marker picture (its viewBox), to size it on screen."""
    found_box = _VIEWBOX.search(svg)
    return round(float(found_box[1]) / float(found_box[2]), 4) if found_box else 8.0


def _plan_context(plan: CutPlan) -> dict[str, Any]:
    markers = list(plan.markers.all())
    lays = list(plan.lays.all())
    return {
        "plan": plan,
        "order": plan.order,
        "markers": [(m, ratio_label(m.ratio), sum(m.ratio.values()), _aspect(m.svg)) for m in markers],
        "lays": [
            (lay, ratio_label(lay.marker.ratio), lay.plies * sum(lay.marker.ratio.values())) for lay in lays
        ],
        "garments": sum(plan.demand.values()),
        "produced": sum((plan.produced or {}).values()),
        "saving_m": (plan.naive_fabric_m - plan.fabric_m) if plan.fabric_m is not None else None,
        "fewer_markers": len(plan.demand) - len(markers),
    }


def _progress_context(request: HttpRequest, plan: CutPlan) -> dict[str, Any]:
    role = getattr(request, "role", None)
    return {
        "plan": plan,
        "quiet_minutes": plan.quiet_minutes(now=timezone.now()),
        "can_manage": can(role, Permission.PLAN_CUTS) and _org(request).pk == plan.order.factory_id,
    }


@org_view
def cut_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = found(cut_plan_get(organization=_org(request), pk=pk))
    context = {**_plan_context(plan), **_progress_context(request, plan)}
    context["others"] = cut_plans_of_order(organization=_org(request), order_id=plan.order_id).exclude(pk=pk)
    current = active_plan(order_id=plan.order_id, colour=plan.colour)
    context["replaced_by"] = current if current is not None and current.pk != plan.pk else None
    order_garments = sum(order_demand(plan.order).get(plan.colour, {}).values())
    context["order_garments"] = order_garments
    context["already_cut"] = max(order_garments - context["garments"], 0)
    return render(request, "cutting/cut_plan_detail.html", context)


@org_view
def cut_plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar and the status badge (polled by HTMX while the plan runs); a plan that has just
    finished reloads the page."""
    plan = found(cut_plan_get(organization=_org(request), pk=pk))
    context = {**_progress_context(request, plan), "oob": bool(request.htmx)}  # type: ignore[attr-defined]
    response = render(request, "cutting/_progress.html", context)
    if plan.status == CutPlan.Status.DONE and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


def _plan_action(request: HttpRequest, pk: int, act: Callable[[CutPlan], Any], done: str) -> HttpResponse:
    """Cancel or retry: a refusal (the plan has moved on meanwhile) is a message, not an error page."""
    plan = found(cut_plan_get(organization=_org(request), pk=pk))
    try:
        act(plan)
    except ConflictError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done.format(plan=plan.pk))
    return redirect("cutting:cut_plan_detail", pk=plan.pk)


@require_POST
@org_view
@requires(Permission.PLAN_CUTS)
def cut_plan_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(
        request,
        pk,
        lambda plan: cut_plan_cancel(plan=plan, organization=_org(request), by=request.user),
        "Cut plan {plan} is cancelled; its nesting stops within a second.",
    )


@require_POST
@org_view
@requires(Permission.PLAN_CUTS)
def cut_plan_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(
        request,
        pk,
        lambda plan: cut_plan_retry(plan=plan, organization=_org(request)),
        "Cut plan {plan} is queued again.",
    )


# 1:15: a 3 m length of marker prints 21 cm wide with its ruler, two or three to an A4 landscape page, its
# labels about 3 mm tall.
LAY_SHEET_SCALE = 15
LAY_SHEET_TILE_CM = 300.0


@org_view
def lay_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    plan = found(cut_plan_get(organization=_org(request), pk=pk))
    context = _plan_context(plan)
    documents = dict(
        plan.markers.values_list("pk", "document")
    )  # the page's markers defer their JSON: read it once here
    tiles = {
        pk: marker_tiles(
            marker_from_document(document),
            tile_cm=LAY_SHEET_TILE_CM,
            labels={p["piece"]: p["piece"].replace(":", " ") for p in document["placements"]},
        )
        for pk, document in documents.items()
    }
    context["tiles"] = tiles
    context["scale"] = LAY_SHEET_SCALE
    context["lays"] = [(*row, tiles[row[0].marker_id]) for row in context["lays"]]
    return render(request, "cutting/lay_sheets.html", context)


_FORMATS = {"svg": "image/svg+xml", "json": "application/json", "dxf": "application/dxf"}


@org_view
def marker_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    marker = found(marker_get(organization=_org(request), pk=pk))
    if fmt not in _FORMATS:
        raise NotFoundError(f"No {fmt} form of a marker (svg, json or dxf).")
    if fmt == "svg":
        body: Any = marker.svg
    elif fmt == "json":
        return JsonResponse(marker.document)
    else:
        body = marker.dxf
    response = HttpResponse(body, content_type=_FORMATS[fmt])
    if fmt == "dxf":
        name = f"{marker.plan.order.number}-M{marker.number}.dxf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@org_view
@requires(Permission.MOVE_ORDERS)
def lay_cut_view(request: HttpRequest, pk: int) -> HttpResponse:
    lay = found(lay_get(organization=_org(request), pk=pk))
    try:
        lay_cut(lay=lay, organization=_org(request), by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Lay {lay.number} is cut; its rolls gave {lay.meters} m.")
    return redirect(reverse("cutting:cut_plan_detail", args=[lay.plan_id]) + f"#lay-{lay.number}")


# Panels on the catalog's and production's pages (added in apps.py) ------------------------------------


def style_patterns_panel(request: HttpRequest, style: Any) -> str:
    """The style page's pattern versions."""
    patterns = pattern_versions(organization=_org(request), style_id=style.pk)
    return render_to_string(
        "cutting/_patterns_card.html", {"patterns": patterns, "style": style}, request=request
    )


def order_work_panel(request: HttpRequest, order: Any) -> str:
    """Standard minutes and material needs of an order: the style's routing and BOM, and a fabric a
    finished cut plan of the order nests, from its markers."""
    style = order.style
    units = order.units
    sam = style.total_sam
    totals = {
        "units": units,
        "sam_each": sam,
        "sam_total": sam * units,
        "hours": sam * units / 60,
        "needs": order_material_needs(order=order, bom_lines=style.bom_lines.all()),
    }
    return render_to_string("cutting/_order_work.html", {"order": order, "totals": totals}, request=request)


def order_cut_plans_panel(request: HttpRequest, order: Any) -> str:
    context = {
        "order": order,
        "cut_plans": cut_plans_of_order(organization=_org(request), order_id=order.pk),
        # Without a pattern there is nothing to nest: the card offers the import instead.
        "has_pattern": pattern_version_latest(style_id=order.style_id) is not None,
    }
    return render_to_string("cutting/_cut_plans_card.html", context, request=request)
