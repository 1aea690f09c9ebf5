"""/api/v1 cutting room: pattern versions of a style (DXF-AAMA upload), cut plans of an order, lays cut."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from seamline.accounts.access import organization_of, require, user_of
from seamline.accounts.permissions import Permission
from seamline.catalog.selectors import style_get
from seamline.core.errors import found
from seamline.core.schemas import Id, problems
from seamline.production.selectors import order_get

from . import selectors, services
from .schemas import CutPlanIn, CutPlanOut, LayOut, PatternVersionDetail, PatternVersionOut

__all__ = ["router"]

router = Router(tags=["cutting room"])


@router.get(
    "/styles/{style_id}/patterns",
    response={200: list[PatternVersionOut], **problems(401, 404)},
    summary="Pattern versions of a style, newest first",
)
def pattern_list(request: HttpRequest, style_id: Id) -> list:
    found(style_get(organization=organization_of(request), pk=style_id), "style")
    return list(selectors.pattern_versions(organization=organization_of(request), style_id=style_id))


@router.post(
    "/styles/{style_id}/patterns",
    response={201: PatternVersionDetail, **problems(400, 401, 403, 404, 413, 422)},
    summary="Import a DXF-AAMA file (and its .rul grade rules) as the style's next pattern version",
    description="A file of at most 10 MB and 400 pieces (every size); a request over 25 MB answers 413.",
)
def pattern_create(
    request: HttpRequest,
    style_id: Id,
    dxf: File[UploadedFile],
    # Not `File[UploadedFile] | None`: ninja reads that as a query parameter, and the .rul part was ignored.
    rul: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status:
    require(request, Permission.EDIT_CATALOG)
    style = found(style_get(organization=organization_of(request), pk=style_id), "style")
    version = services.pattern_import(style=style, dxf=dxf, rul=rul, by=user_of(request))
    return Status(201, _version(request, version.pk))


def _version(request: HttpRequest, pk: int):
    return found(selectors.pattern_version_get(organization=organization_of(request), pk=pk), "pattern")


@router.get(
    "/patterns/{pattern_id}",
    response={200: PatternVersionDetail, **problems(401, 404)},
    summary="One pattern version with its pieces (cm)",
)
def pattern_detail(request: HttpRequest, pattern_id: Id):
    return _version(request, pattern_id)


@router.get("/patterns/{pattern_id}/dxf", response={200: None, **problems(401, 404)}, summary="As DXF-AAMA")
def pattern_dxf(request: HttpRequest, pattern_id: Id) -> HttpResponse:
    version = found(selectors.pattern_version_get(organization=organization_of(request), pk=pattern_id))
    return HttpResponse(selectors.pattern_dxf_bytes(version), content_type="application/dxf")


@router.post(
    "/production-orders/{order_id}/cut-plans",
    response={202: CutPlanOut, **problems(400, 401, 403, 404, 422)},
    summary="Queue the cut plan of an order's colourway (factories); poll it for progress",
)
def cut_plan_create(request: HttpRequest, order_id: Id, payload: CutPlanIn) -> Status:
    require(request, Permission.PLAN_CUTS)
    org = organization_of(request)
    order = found(order_get(organization=org, pk=order_id), "production order")
    plan = services.cut_plan_request(order=order, organization=org, by=user_of(request), **payload.dict())
    return Status(202, _plan(request, plan.pk))


def _plan(request: HttpRequest, pk: int):
    return found(selectors.cut_plan_get(organization=organization_of(request), pk=pk), "cut plan")


@router.get(
    "/cut-plans/{plan_id}",
    response={200: CutPlanOut, **problems(401, 404)},
    summary="A cut plan: progress while it runs; markers, lays, rolls and totals when done",
)
def cut_plan_detail(request: HttpRequest, plan_id: Id):
    return _plan(request, plan_id)


@router.post(
    "/lays/{lay_id}/cut",
    response={200: LayOut, **problems(401, 403, 404, 409)},
    summary="Record a lay as cut: its rolls give their meters",
)
def lay_cut(request: HttpRequest, lay_id: Id):
    require(request, Permission.MOVE_ORDERS)
    lay = found(selectors.lay_get(organization=organization_of(request), pk=lay_id), "lay")
    services.lay_cut(lay=lay, organization=organization_of(request), by=user_of(request))
    plan = _plan(request, lay.plan_id)
    return next(row for row in plan.lays.all() if row.pk == lay.pk)
