"""Catalog pages: materials, fabric rolls and styles (with their BOM and routing). Thin: selectors read,
services write, domain errors become form errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission
from seamline.core.errors import ForbiddenError, found
from seamline.core.forms import submit
from seamline.core.views import paginate
from seamline.facilities.selectors import facility_own_list

from .forms import (
    BomLineForm,
    MaterialFilterForm,
    MaterialForm,
    RollFilterForm,
    RollForm,
    RoutingForm,
    StyleFilterForm,
    StyleForm,
    routing_text,
)
from .models import Material, Style
from .panels import ROLL_PANELS, STYLE_PANELS
from .selectors import (
    material_get,
    material_list,
    material_own_list,
    roll_get,
    roll_list,
    style_get,
    style_list,
)
from .services import bom_line_add, material_create, roll_receive, routing_set, style_create

BRANDS_ONLY = "Only a brand creates and edits styles; a factory sees the styles of the orders placed with it."


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _optional(data: dict, *names: str) -> dict:
    """Drop blank optional values so the service applies its own defaults."""
    return {k: v for k, v in data.items() if not (k in names and v in (None, ""))}


# Materials ------------------------------------------------------------------------------------------


@org_view
def material_list_view(request: HttpRequest) -> HttpResponse:
    filters = MaterialFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = material_list(organization=_org(request), kind=data.get("kind"), q=data.get("q"))
    return render(
        request, "catalog/material_list.html", {"filters": filters, "page_obj": paginate(request, rows)}
    )


@org_view
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    material = found(material_get(organization=org, pk=pk))
    rolls = roll_list(organization=org, material_id=material.pk)
    context = {
        "material": material,
        "rolls": rolls[:50],
        "roll_count": rolls.count(),
        "on_hand_m": rolls.aggregate(m=Sum("remaining_m"))["m"] or 0,
    }
    return render(request, "catalog/material_detail.html", context)


@org_view
@requires(Permission.EDIT_CATALOG)
def material_create_view(request: HttpRequest) -> HttpResponse:
    form = MaterialForm(request.POST or None)
    if request.method != "POST":
        return render(request, "catalog/material_form.html", {"form": form})
    optional = ("weight_gsm", "usable_width_cm", "price_per_m", "warp_share_pct", "yarn_dtex")
    material = submit(
        form, lambda data: material_create(organization=_org(request), **_optional(data, *optional))
    )
    if material is not None:
        messages.success(request, f"Material “{material.name}” is added.")
        return redirect("catalog:material_detail", pk=material.pk)
    return render(request, "catalog/material_form.html", {"form": form}, status=422)


# Fabric rolls ---------------------------------------------------------------------------------------


def _fabrics(org: Any):
    return material_list(organization=org, kind=Material.Kind.FABRIC).prefetch_related(None)


@org_view
def roll_list_view(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    filters = RollFilterForm(request.GET or None, materials=_fabrics(org))
    data = filters.cleaned_data if filters.is_valid() else {}
    in_stock = {"yes": True, "no": False}.get(data.get("in_stock") or "")
    rows = roll_list(
        organization=org,
        material_id=data["material"].pk if data.get("material") else None,
        shade_lot=data.get("shade_lot") or None,
        in_stock=in_stock,
    )
    context = {"filters": filters, "page_obj": paginate(request, rows), "can_receive": org.is_factory}
    return render(request, "catalog/roll_list.html", context)


@org_view
def roll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roll = found(roll_get(organization=_org(request), pk=pk))
    used = roll.length_m - roll.remaining_m
    pct = round(100 * roll.remaining_m / roll.length_m) if roll.length_m else 0
    context = {
        "roll": roll,
        "used_m": used,
        "remaining_pct": pct,
        "panels": ROLL_PANELS.render(request, roll),
    }
    return render(request, "catalog/roll_detail.html", context)


@org_view
@requires(Permission.RECEIVE_ROLLS)
def roll_receive_view(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    facilities = facility_own_list(organization=org)
    form = RollForm(request.POST or None, facilities=facilities, materials=_fabrics(org))
    context = {"form": form, "has_facilities": facilities.exists()}
    if request.method != "POST":
        return render(request, "catalog/roll_form.html", context)
    roll = submit(form, lambda data: roll_receive(**_optional(data, "width_cm")))
    if roll is not None:
        messages.success(
            request, f"Roll {roll.roll_id} ({roll.length_m} m) received at {roll.facility.name}."
        )
        return redirect("catalog:roll_detail", pk=roll.pk)
    return render(request, "catalog/roll_form.html", context, status=422)


# Styles ---------------------------------------------------------------------------------------------


@org_view
def style_list_view(request: HttpRequest) -> HttpResponse:
    filters = StyleFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = style_list(organization=_org(request), q=data.get("q"))
    return render(
        request, "catalog/style_list.html", {"filters": filters, "page_obj": paginate(request, rows)}
    )


def _variant_grid(style: Style) -> list[tuple[str, list[Any]]]:
    """[(colour, [variant per size, in size order])] for a colour × size table."""
    by_key = {(v.colour, v.size): v for v in style.variants.all()}
    return [(c, [by_key.get((c, s)) for s in style.sizes]) for c in style.colourways]


@org_view
def style_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    style = found(style_get(organization=org, pk=pk))
    context = {
        "style": style,
        "variant_grid": _variant_grid(style),
        "can_edit": style.organization_id == org.pk,
        "panels": STYLE_PANELS.render(request, style),  # its patterns and orders, from the contexts above
    }
    return render(request, "catalog/style_detail.html", context)


@org_view
@requires(Permission.EDIT_CATALOG)
def style_create_view(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    if not org.is_brand:
        raise ForbiddenError(BRANDS_ONLY)
    form = StyleForm(request.POST or None)
    if request.method != "POST":
        return render(request, "catalog/style_form.html", {"form": form})
    style = submit(form, lambda data: style_create(organization=org, **data))
    if style is not None:
        messages.success(request, f"Style {style.code} is created with {style.variants.count()} variants.")
        return redirect("catalog:style_detail", pk=style.pk)
    return render(request, "catalog/style_form.html", {"form": form}, status=422)


@org_view
@requires(Permission.EDIT_CATALOG)
def bom_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    style = found(style_get(organization=org, pk=pk))
    if style.organization_id != org.pk:
        raise ForbiddenError(BRANDS_ONLY)
    form = BomLineForm(request.POST or None, style=style, materials=material_own_list(organization=org))
    if request.method != "POST":
        return render(request, "catalog/bom_form.html", {"form": form, "style": style})
    line = submit(
        form,
        lambda data: bom_line_add(
            style=style,
            material=data["material"],
            placement=data["placement"],
            consumption=form.consumption(),
        ),
        field_for=form.field_for,
    )
    if line is not None:
        messages.success(request, f"{line.material} is on the bill of materials.")
        return redirect("catalog:style_detail", pk=style.pk)
    return render(request, "catalog/bom_form.html", {"form": form, "style": style}, status=422)


@org_view
@requires(Permission.EDIT_CATALOG)
def routing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    style = found(style_get(organization=org, pk=pk))
    if style.organization_id != org.pk:
        raise ForbiddenError(BRANDS_ONLY)
    form = RoutingForm(request.POST or None, initial={"operations": routing_text(style)})
    if request.method != "POST":
        return render(request, "catalog/routing_form.html", {"form": form, "style": style})
    ops = submit(form, lambda data: routing_set(style=style, operations=data["operations"]))
    if ops is not None:
        messages.success(request, f"The routing of {style.code} has {len(ops)} operations.")
        return redirect("catalog:style_detail", pk=style.pk)
    return render(request, "catalog/routing_form.html", {"form": form, "style": style}, status=422)
