"""Trace pages: a garment's journey (timeline, steps, rolls), an order's EPCIS export; and the panels the
ledger's readers add to a roll's and an order's pages."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from seamline.accounts.access import org_view
from seamline.core.errors import NotFoundError, found
from seamline.production.selectors import garment_get, order_get

from .sankey import mass_balance_svg
from .selectors import garment_lineage, order_document, order_mass_balance, roll_lineage
from .timeline_svg import Step, timeline_svg


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


@org_view
def garment_detail(request: HttpRequest, uid: str) -> HttpResponse:
    garment = found(garment_get(organization=_org(request), uid=uid))
    lineage = garment_lineage(organization=_org(request), garment_epc=garment.epc_uri)
    if lineage is None:
        raise NotFoundError(f"No trace events about {garment.label} yet.")
    picture = timeline_svg(
        [
            Step(when=s.when, label=s.title, place=s.place, detail=s.detail, kind=s.kind)
            for s in lineage.steps
        ],
        title=f"{garment.label}: from roll to doorstep",
    )
    context = {"garment": garment, "lineage": lineage, "timeline": picture, "order": garment.order}
    return render(request, "lineage/garment_detail.html", context)


@org_view
def order_export(request: HttpRequest, pk: int) -> HttpResponse:
    order = found(order_get(organization=_org(request), pk=pk))
    document = order_document(organization=_org(request), order=order)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="{order.number}-epcis.jsonld"'
    return response


# Panels on the catalog's and production's pages (added in apps.py) ------------------------------------


def roll_downstream_panel(request: HttpRequest, roll: Any) -> str:
    """A roll's story from the ledger: received, each cut, the garments it went into."""
    lineage = roll_lineage(organization=_org(request), roll_epc=roll.epc_uri)
    steps = [
        Step(when=s.when, label=s.title, place=s.place, detail=s.detail, kind=s.kind) for s in lineage.steps
    ]
    context = {
        "roll": roll,
        "lineage": lineage,
        "timeline": timeline_svg(steps, title=f"Roll {roll.roll_id}") if steps else "",
        "ledger_left_m": lineage.received_m - lineage.taken_m,
    }
    return render_to_string("lineage/_roll_downstream.html", context, request=request)


def order_mass_balance_panel(request: HttpRequest, order: Any) -> str:
    """Where the meters of the order's rolls went (once a lay is cut)."""
    balance = order_mass_balance(organization=_org(request), order=order)
    if not balance.rolls:
        return ""
    picture = mass_balance_svg(balance, title=f"{order.number}: where the fabric went")
    return render_to_string(
        "lineage/_mass_balance.html", {"balance": balance, "balance_svg": picture}, request=request
    )
