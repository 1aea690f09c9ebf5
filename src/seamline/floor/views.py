"""The order's floor panel: sew bundles, record finishing steps, QC, pack, ship and deliver (factory side)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission
from seamline.core.errors import DomainError, NotFoundError, ValidationError, found
from seamline.cutting.models import Bundle
from seamline.facilities.models import Facility
from seamline.production.selectors import order_get

from . import services as floor
from .selectors import order_floor


def _facility(request: HttpRequest, org: Any) -> Facility:
    facility = Facility.objects.filter(organization=org, pk=request.POST.get("facility") or 0).first()
    if facility is None:
        raise ValidationError("Choose a facility", fields={"facility": "Choose one of your facilities."})
    return facility


def _decimal(request: HttpRequest, name: str) -> Decimal | None:
    text = (request.POST.get(name) or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            f"{text!r} is not a number", fields={name: f"{text!r} is not a number."}
        ) from exc


def _serials(text: str, *, field: str = "failed") -> list[int]:
    """'2, 7' or '1-4, 9' -> the serial numbers (a range includes both ends)."""
    serials = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        first, dash, last = part.partition("-")
        if not part:
            continue
        if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
            raise ValidationError(
                "Serials are whole numbers", fields={field: "Give serial numbers, e.g. 2, 7 or 1-12."}
            )
        serials.extend(range(int(first), int(last or first) + 1))
    return serials


def _sew(request: HttpRequest, order: Any, org: Any) -> str:
    bundle = Bundle.objects.filter(pk=request.POST.get("bundle") or 0, lay__plan__order=order).first()
    if bundle is None:
        raise NotFoundError("No such bundle in this order.")
    garments = floor.bundle_sew(bundle=bundle, organization=org, by=request.user)
    return f"Bundle {bundle.lay.number}-{bundle.number} sewn: {len(garments)} garments."


def _finish(request: HttpRequest, order: Any, org: Any) -> str:
    step = request.POST.get("step", "")
    chosen = _serials(request.POST.get("serials", ""), field="serials")
    count = floor.garments_finish(
        order=order,
        organization=org,
        step=step,
        facility=_facility(request, org),
        energy_kwh=_decimal(request, "energy_kwh"),
        water_l=_decimal(request, "water_l"),
        serials=chosen or None,  # blank: every sewn garment of the order
    )
    which = f"serials {request.POST['serials'].strip()}" if chosen else "every sewn garment"
    return f"{step.replace('_', ' ').capitalize()} recorded for {count} garments ({which})."


def _inspect(request: HttpRequest, order: Any, org: Any) -> str:
    failed = _serials(request.POST.get("failed", ""))
    passed, rejected = floor.garments_inspect(
        order=order, organization=org, facility=_facility(request, org), failed=failed
    )
    return f"QC: {passed} passed, {rejected} failed."


def _pack(request: HttpRequest, order: Any, org: Any) -> str:
    per = int(request.POST.get("per_carton") or 12)
    cartons = floor.garments_pack(
        order=order, organization=org, facility=_facility(request, org), per_carton=per
    )
    return f"Packed {len(cartons)} carton{'s' if len(cartons) != 1 else ''}."


def _ship(request: HttpRequest, order: Any, org: Any) -> str:
    count = floor.cartons_ship(order=order, organization=org, facility=_facility(request, org))
    return f"{count} carton{'s' if count != 1 else ''} left the dock."


def _deliver(request: HttpRequest, order: Any, org: Any) -> str:
    count = floor.cartons_deliver(order=order, organization=org)
    return f"{count} carton{'s' if count != 1 else ''} delivered."


ACTIONS: dict[str, Callable[[HttpRequest, Any, Any], str]] = {
    "sew": _sew,
    "finish": _finish,
    "inspect": _inspect,
    "pack": _pack,
    "ship": _ship,
    "deliver": _deliver,
}


@require_POST
@org_view
@requires(Permission.MOVE_ORDERS)
def floor_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    order = found(order_get(organization=org, pk=pk))
    if action not in ACTIONS:
        raise NotFoundError(f"No floor action {action!r}.")
    try:
        messages.success(request, ACTIONS[action](request, order, org))
    except DomainError as exc:
        details = "; ".join(exc.fields.values()) if exc.fields else ""
        messages.error(request, f"{exc.detail}{': ' + details if details else ''}")
    return redirect(reverse("production:order_detail", args=[order.pk]) + "#floor")


def order_floor_panel(request: HttpRequest, order: Any) -> str:
    """The floor card of an order's page: bundles to sew, the step forms (factory side), garments, cartons."""
    org = request.organization  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        **order_floor(order=order),
        "order": order,
        "floor_steps": floor.FINISHING_KINDS,
    }
    if org.pk == order.factory_id:
        context["facilities"] = list(Facility.objects.filter(organization=org).order_by("kind", "name"))
    return render_to_string("floor/_floor.html", context, request=request)
