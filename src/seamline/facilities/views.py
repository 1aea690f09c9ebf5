"""Facility pages: the list (with a map), one facility, and the create/edit form (factories only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission
from seamline.core.errors import ForbiddenError, found
from seamline.core.forms import submit
from seamline.core.views import paginate

from .forms import FacilityFilterForm, FacilityForm
from .maps import facility_maps
from .models import Facility
from .selectors import facility_get, facility_list, facility_own_list
from .services import facility_create, facility_update

FACTORIES_ONLY = "Only a factory registers facilities; a brand sees those of the factories making its orders."


@org_view
def facility_list_view(request: HttpRequest) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    filters = FacilityFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(request, facility_list(organization=org, kind=data.get("kind"), q=data.get("q")))
    context = {
        "filters": filters,
        "page_obj": page,
        **facility_maps(page.object_list),
    }
    return render(request, "facilities/list.html", context)


@org_view
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    facility = found(facility_get(organization=org, pk=pk))
    context = {
        "facility": facility,
        "can_edit": facility.organization_id == org.pk,
        **facility_maps([facility]),
    }
    return render(request, "facilities/detail.html", context)


def _form_page(
    request: HttpRequest, form: FacilityForm, facility: Facility | None, status: int
) -> HttpResponse:
    return render(request, "facilities/form.html", {"form": form, "facility": facility}, status=status)


def _fields(form: FacilityForm) -> dict:
    data = dict(form.cleaned_data)
    data["solar_share_pct"] = data.get("solar_share_pct") or 0
    data["grid_region"] = data.get("grid_region") or "CAMX"
    return data


@org_view
@requires(Permission.EDIT_FACILITIES)
def facility_create_view(request: HttpRequest) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    if not org.is_factory:
        raise ForbiddenError(FACTORIES_ONLY)
    form = FacilityForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, None, 200)
    facility = submit(form, lambda _data: facility_create(organization=org, **_fields(form)))
    if facility is not None:
        messages.success(request, f"{facility.name} is registered in {facility.city} {facility.zip_code}.")
        return redirect("facilities:detail", pk=facility.pk)
    return _form_page(request, form, None, 422)


@org_view
@requires(Permission.EDIT_FACILITIES)
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    facility = found(facility_own_list(organization=org).filter(pk=pk).first())
    initial = {
        "name": facility.name,
        "kind": facility.kind,
        "street": facility.street,
        "zip_code": facility.zip_code,
        "city": facility.city,
        "grid_region": facility.grid_region,
        "solar_share_pct": facility.solar_share_pct,
    }
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, facility, 200)
    saved = submit(form, lambda _data: facility_update(facility=facility, **_fields(form)))
    if saved is not None:
        messages.success(request, f"{saved.name} is saved.")
        return redirect("facilities:detail", pk=saved.pk)
    return _form_page(request, form, facility, 422)
