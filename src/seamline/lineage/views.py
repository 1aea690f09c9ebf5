"""Trace pages: a garment's journey (timeline, steps, rolls), an order's EPCIS export; and the panels the
ledger's readers add to a roll's and an order's pages."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from seamline.accounts.access import org_view
from seamline.accounts.models import Organization
from seamline.core.errors import DomainError, NotFoundError, found
from seamline.production.selectors import garment_get, order_get
from seamline.trace.checkpoints import checkpoint_take
from seamline.trace.verify import verification_header

from .sankey import mass_balance_svg
from .selectors import garment_lineage, order_document, order_events, order_mass_balance_read, roll_lineage
from .timeline_svg import Step, timeline_svg
from .verification import ledger_warnings


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
    context = {
        "garment": garment,
        "lineage": lineage,
        "timeline": picture,
        "order": garment.order,
        "ledger_warnings": ledger_warnings(lineage.steps),
    }
    return render(request, "lineage/garment_detail.html", context)


@org_view
def order_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The order's EPCIS document, with a checkpoint of each chain it draws from taken now (unless the head
    has not moved since the last one) so the archived copy vouches for every event in it."""
    order = found(order_get(organization=_org(request), pk=pk))
    events = order_events(organization=_org(request), order=order)
    for chain in Organization.objects.filter(pk__in={e.organization_id for e in events}).order_by("pk"):
        with suppress(DomainError):  # a chain failing verification is not signed: its last one is exported
            checkpoint_take(organization=chain)
    document = order_document(organization=_org(request), order=order, events=events)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/ld+json")
    for header, value in verification_header(events).items():
        response[header] = value
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
        "ledger_warnings": ledger_warnings(lineage.steps),
    }
    return render_to_string("lineage/_roll_downstream.html", context, request=request)


def order_mass_balance_panel(request: HttpRequest, order: Any) -> str:
    """Where the meters of the order's rolls went (once a lay is cut)."""
    balance, steps = order_mass_balance_read(organization=_org(request), order=order)
    if not balance.rolls:
        return ""
    context = {
        "balance": balance,
        "balance_svg": mass_balance_svg(balance, title=f"{order.number}: where the fabric went"),
        "ledger_warnings": ledger_warnings(steps),
    }
    return render_to_string("lineage/_mass_balance.html", context, request=request)
