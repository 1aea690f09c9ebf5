"""/api/v1/materials, /rolls and /styles: thin handlers over the catalog selectors and services."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from seamline.accounts.access import organization_of, owned, require
from seamline.accounts.permissions import Permission
from seamline.core.apikit import Pagination
from seamline.core.errors import ValidationError, found
from seamline.core.schemas import Id, problems
from seamline.facilities.models import Facility
from seamline.facilities.selectors import facility_own_list

from . import selectors, services
from .models import FabricRoll, Material, Style
from .schemas import (
    BomLineIn,
    BomLineOut,
    CertificationIn,
    CertificationOut,
    MaterialIn,
    MaterialKindName,
    MaterialOut,
    RollIn,
    RollOut,
    RoutingIn,
    StyleDetail,
    StyleIn,
    StyleOut,
)

__all__ = ["materials", "rolls", "styles"]

materials = Router(tags=["materials"])
rolls = Router(tags=["rolls"])
styles = Router(tags=["styles"])

WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 422)

# The columns each schema reads: the lists load no others (of a related record, only its name). A column
# left out would cost a query per row, which tests/api/test_queries.py would catch.
MATERIAL_OUT_COLUMNS = (
    "id",
    "name",
    "kind",
    "composition",
    "weight_gsm",
    "usable_width_cm",
    "supplier",
    "mill",
    "country_of_origin",
    "price_per_m",
    "currency",
    "construction",
    "dyeing",
    "warp_share_pct",
    "yarn_dtex",
    "mill_port",
    "created_at",
    "organization__name",
)
ROLL_OUT_COLUMNS = (
    "id",
    "uid",
    "roll_id",
    "length_m",
    "remaining_m",
    "width_cm",
    "shade_lot",
    "received_at",
    "material__name",
    "facility__name",
)
STYLE_OUT_COLUMNS = (
    "id",
    "code",
    "name",
    "category",
    "sizes",
    "colourways",
    "care_wash_c",
    "care_tumble_dry",
    "created_at",
    "organization__name",
)


def _materials_out(request: HttpRequest, kind: str | None = None, q: str | None = None) -> QuerySet[Material]:
    """The caller's materials as MaterialOut reads them: its columns only, and the certifications as a plain
    list `certification_list` (a manager's prefetch would build one queryset per material)."""
    return (
        selectors.material_list(organization=organization_of(request), kind=kind, q=q)
        .only(*MATERIAL_OUT_COLUMNS)
        .prefetch_related(None)
        .prefetch_related(Prefetch("certifications", to_attr="certification_list"))
    )


def _material_out(request: HttpRequest, material_id: int) -> Material:
    return found(_materials_out(request).filter(pk=material_id).first(), "material")


def _material(request: HttpRequest, material_id: int) -> Material:
    return found(selectors.material_get(organization=organization_of(request), pk=material_id), "material")


def _style(request: HttpRequest, style_id: int) -> Style:
    return found(selectors.style_get(organization=organization_of(request), pk=style_id), "style")


def _roll(request: HttpRequest, roll_id: int) -> FabricRoll:
    return found(selectors.roll_get(organization=organization_of(request), pk=roll_id), "roll")


def _own_style(request: HttpRequest, style_id: int) -> Style:
    style = _style(request, style_id)
    return owned(request, style, style.organization_id, "style")


def _referenced(request: HttpRequest, *, facility_id: int | None = None, material_id: int) -> tuple:
    """The facility (one of the caller's own) and material (visible to the caller) a body names, or 422."""
    org = organization_of(request)
    errors: dict[str, str] = {}
    facility: Facility | None = None
    if facility_id is not None:
        facility = facility_own_list(organization=org).filter(pk=facility_id).first()
        if facility is None:
            errors["facility_id"] = f"No facility {facility_id} of your organization."
    material = selectors.material_get(organization=org, pk=material_id)
    if material is None:
        errors["material_id"] = f"No material {material_id} visible to your organization."
    if errors:
        raise ValidationError("The request names records you cannot use", fields=errors)
    return facility, material


# --- materials ---------------------------------------------------------------------------------


@materials.get("", response={200: list[MaterialOut], **problems(401, 422)}, summary="List materials")
@paginate(Pagination)
def material_list(
    request: HttpRequest, kind: MaterialKindName | None = None, q: str | None = None
) -> QuerySet[Material]:
    return _materials_out(request, kind=kind, q=q)


@materials.post("", response={201: MaterialOut, **problems(400, 401, 422)}, summary="Create a material")
def material_create(request: HttpRequest, payload: MaterialIn) -> Status:
    require(request, Permission.EDIT_CATALOG)
    material = services.material_create(organization=organization_of(request), **payload.dict())
    return Status(201, _material_out(request, material.pk))


@materials.get("/{material_id}", response={200: MaterialOut, **problems(401, 404)}, summary="One material")
def material_detail(request: HttpRequest, material_id: Id) -> Material:
    return _material_out(request, material_id)


@materials.post(
    "/{material_id}/certifications",
    response={201: CertificationOut, **WRITE_PROBLEMS},
    summary="Add a certification",
)
def certification_add(request: HttpRequest, material_id: Id, payload: CertificationIn) -> Status:
    require(request, Permission.EDIT_CATALOG)
    material = _material(request, material_id)
    owned(request, material, material.organization_id, "material")
    return Status(201, services.certification_add(material=material, **payload.dict()))


# --- rolls -------------------------------------------------------------------------------------


@rolls.get("", response={200: list[RollOut], **problems(401, 422)}, summary="List fabric rolls")
@paginate(Pagination)
def roll_list(
    request: HttpRequest,
    material_id: Id | None = None,
    facility_id: Id | None = None,
    shade_lot: str | None = None,
    in_stock: bool | None = None,
) -> QuerySet[FabricRoll]:
    return selectors.roll_list(
        organization=organization_of(request),
        material_id=material_id,
        facility_id=facility_id,
        shade_lot=shade_lot,
        in_stock=in_stock,
    ).only(*ROLL_OUT_COLUMNS)


@rolls.post("", response={201: RollOut, **WRITE_PROBLEMS}, summary="Receive a roll at one of your facilities")
def roll_receive(request: HttpRequest, payload: RollIn) -> Status:
    require(request, Permission.RECEIVE_ROLLS)
    data = payload.dict()
    facility, material = _referenced(
        request, facility_id=data.pop("facility_id"), material_id=data.pop("material_id")
    )
    roll = services.roll_receive(facility=facility, material=material, **data)
    return Status(201, _roll(request, roll.pk))


@rolls.get("/{roll_id}", response={200: RollOut, **problems(401, 404)}, summary="One fabric roll")
def roll_detail(request: HttpRequest, roll_id: Id) -> FabricRoll:
    return _roll(request, roll_id)


# --- styles ------------------------------------------------------------------------------------


@styles.get("", response={200: list[StyleOut], **problems(401)}, summary="List styles")
@paginate(Pagination)
def style_list(request: HttpRequest, q: str | None = None, category: str | None = None) -> QuerySet[Style]:
    return selectors.style_list(organization=organization_of(request), q=q, category=category).only(
        *STYLE_OUT_COLUMNS
    )


@styles.post(
    "", response={201: StyleDetail, **problems(400, 401, 409, 422)}, summary="Create a style and its SKUs"
)
def style_create(request: HttpRequest, payload: StyleIn) -> Status:
    require(request, Permission.EDIT_CATALOG)
    style = services.style_create(organization=organization_of(request), **payload.dict())
    return Status(201, _style(request, style.pk))


@styles.get(
    "/{style_id}", response={200: StyleDetail, **problems(401, 404)}, summary="One style with BOM and routing"
)
def style_detail(request: HttpRequest, style_id: Id) -> Style:
    return _style(request, style_id)


@styles.post("/{style_id}/bom-lines", response={201: BomLineOut, **WRITE_PROBLEMS}, summary="Add a BOM line")
def bom_line_add(request: HttpRequest, style_id: Id, payload: BomLineIn) -> Status:
    require(request, Permission.EDIT_CATALOG)
    style = _own_style(request, style_id)
    _, material = _referenced(request, material_id=payload.material_id)
    line = services.bom_line_add(
        style=style, material=material, placement=payload.placement, consumption=payload.consumption
    )
    return Status(201, line)


@styles.put(
    "/{style_id}/routing", response={200: StyleDetail, **WRITE_PROBLEMS}, summary="Replace the routing"
)
def routing_set(request: HttpRequest, style_id: Id, payload: RoutingIn) -> Style:
    require(request, Permission.EDIT_CATALOG)
    style = _own_style(request, style_id)
    services.routing_set(style=style, operations=[op.dict() for op in payload.operations])
    return _style(request, style_id)
