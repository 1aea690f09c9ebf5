"""Trace pages: a garment's journey (timeline, steps, rolls), an order's EPCIS export."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seamline.core.errors import NotFoundError, found
from seamline.core.views import org_view
from seamline.production.selectors import garment_get, order_get

from .lineage import garment_lineage, order_document
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
    return render(request, "trace/garment_detail.html", context)


@org_view
def order_export(request: HttpRequest, pk: int) -> HttpResponse:
    order = found(order_get(organization=_org(request), pk=pk))
    document = order_document(organization=_org(request), order=order)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="{order.number}-epcis.jsonld"'
    return response
