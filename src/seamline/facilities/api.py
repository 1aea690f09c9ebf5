"""/api/v1/facilities: a factory's places of work (a brand reads those of its factories)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from seamline.accounts.access import organization_of, owned, require
from seamline.accounts.permissions import Permission
from seamline.core.apikit import Pagination
from seamline.core.errors import found
from seamline.core.schemas import Id, problems

from . import selectors, services
from .models import Facility
from .schemas import FacilityIn, FacilityKindName, FacilityOut, FacilityPatch

__all__ = ["router"]

router = Router(tags=["facilities"])

# The columns FacilityOut reads: the list loads no others (of the organization, only its name). A column left
# out would cost a query per row, which tests/api/test_queries.py would catch.
FACILITY_OUT_COLUMNS = (
    "id",
    "uid",
    "name",
    "kind",
    "street",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "grid_region",
    "solar_share_pct",
    "created_at",
    "organization__name",
)


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    return found(selectors.facility_get(organization=organization_of(request), pk=facility_id), "facility")


@router.get("", response={200: list[FacilityOut], **problems(401, 422)}, summary="List facilities")
@paginate(Pagination)
def facility_list(
    request: HttpRequest, kind: FacilityKindName | None = None, q: str | None = None
) -> QuerySet[Facility]:
    return selectors.facility_list(organization=organization_of(request), kind=kind, q=q).only(
        *FACILITY_OUT_COLUMNS
    )


@router.post("", response={201: FacilityOut, **problems(400, 401, 422)}, summary="Register a facility")
def facility_create(request: HttpRequest, payload: FacilityIn) -> Status:
    require(request, Permission.EDIT_FACILITIES)
    facility = services.facility_create(organization=organization_of(request), **payload.dict())
    return Status(201, _facility(request, facility.pk))  # read back: the stored (rounded) values


@router.get("/{facility_id}", response={200: FacilityOut, **problems(401, 404)}, summary="One facility")
def facility_detail(request: HttpRequest, facility_id: Id) -> Facility:
    return _facility(request, facility_id)


@router.patch(
    "/{facility_id}",
    response={200: FacilityOut, **problems(400, 401, 403, 404, 422)},
    summary="Change a facility",
)
def facility_update(request: HttpRequest, facility_id: Id, payload: FacilityPatch) -> Facility:
    require(request, Permission.EDIT_FACILITIES)
    facility = _facility(request, facility_id)
    owned(request, facility, facility.organization_id, "facility")
    services.facility_update(facility=facility, **payload.dict(exclude_unset=True))
    return _facility(request, facility_id)
