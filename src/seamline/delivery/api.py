"""/api/v1 local delivery: couriers and vehicles, parcels and transfers, a day's plan (queued, then polled),
its routes and stops, and the courier's actions at a stop (picked up, arrived, delivered with proof, not
delivered). Reads are open to the organization's members; dispatching needs the dispatch permission; a
courier with a login acts on the stops of their own routes."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from seamline.accounts.access import organization_of, require, user_of
from seamline.accounts.permissions import Permission
from seamline.core.apikit import Pagination
from seamline.core.errors import found
from seamline.core.schemas import Id, IsoDate, problems
from seamline.facilities.selectors import facility_get
from seamline.production.selectors import order_get

from . import actions, planning, selectors, services
from .models import Courier, Parcel, Plan, Proof, Stop, Transfer, Vehicle
from .schemas import (
    ActionOut,
    AddressIn,
    CourierIn,
    CourierOut,
    NotDeliveredIn,
    ParcelOut,
    ParcelsMadeOut,
    PlanIn,
    PlanOut,
    RouteOut,
    RoutingTransfersIn,
    StopOut,
    TrackingOut,
    TransferIn,
    TransferOut,
    VehicleIn,
    VehicleOut,
)

__all__ = ["router"]

router = Router(tags=["local delivery"])
WRITE = problems(400, 401, 403, 404, 409, 422)


def _org(request: HttpRequest):
    return organization_of(request)


# Couriers and vehicles --------------------------------------------------------------------------------


@router.get("/couriers", response={200: list[CourierOut], **problems(401, 422)}, summary="List couriers")
@paginate(Pagination)
def courier_list(request: HttpRequest) -> QuerySet[Courier]:
    return selectors.courier_list(organization=_org(request))


@router.post(
    "/couriers", response={201: CourierOut, **WRITE}, summary="Add a courier (with a login, if given)"
)
def courier_create(request: HttpRequest, payload: CourierIn) -> Status:
    require(request, Permission.DISPATCH)
    return Status(201, services.courier_create(organization=_org(request), **payload.dict()))


@router.get("/vehicles", response={200: list[VehicleOut], **problems(401, 422)}, summary="List vehicles")
@paginate(Pagination)
def vehicle_list(request: HttpRequest) -> QuerySet[Vehicle]:
    return selectors.vehicle_list(organization=_org(request))


@router.post("/vehicles", response={201: VehicleOut, **WRITE}, summary="Add a vehicle and its shift")
def vehicle_create(request: HttpRequest, payload: VehicleIn) -> Status:
    require(request, Permission.DISPATCH)
    org = _org(request)
    data = payload.dict()
    start = found(facility_get(organization=org, pk=data.pop("start_facility_id")), "facility")
    end_id, courier_id = data.pop("end_facility_id"), data.pop("courier_id")
    end = found(facility_get(organization=org, pk=end_id), "facility") if end_id else None
    courier = found(selectors.courier_get(organization=org, pk=courier_id), "courier") if courier_id else None
    vehicle = services.vehicle_create(
        organization=org, start_facility=start, end_facility=end, courier=courier, **data
    )
    return Status(201, selectors.vehicle_get(organization=org, pk=vehicle.pk))


# Parcels and transfers ---------------------------------------------------------------------------------


def _parcel(request: HttpRequest, parcel_id: int) -> Parcel:
    return found(selectors.parcel_get(organization=_org(request), pk=parcel_id), "parcel")


@router.get("/parcels", response={200: list[ParcelOut], **problems(401, 422)}, summary="List parcels")
@paginate(Pagination)
def parcel_list(request: HttpRequest, status: str | None = None) -> QuerySet[Parcel]:
    return selectors.parcel_list(organization=_org(request), status=status).prefetch_related("items__garment")


@router.get("/parcels/{parcel_id}", response={200: ParcelOut, **problems(401, 404)}, summary="One parcel")
def parcel_detail(request: HttpRequest, parcel_id: Id) -> Parcel:
    return _parcel(request, parcel_id)


@router.get(
    "/parcels/{parcel_id}/tracking",
    response={200: TrackingOut, **problems(401, 404)},
    summary="A parcel's state, window, stops away and proof",
)
def parcel_tracking(request: HttpRequest, parcel_id: Id):
    return selectors.parcel_tracking(parcel=_parcel(request, parcel_id))


@router.post(
    "/production-orders/{order_id}/parcels",
    response={201: ParcelsMadeOut, **WRITE},
    summary="Make parcels of the order's packed local pre-orders (each customer is e-mailed a code)",
)
def parcels_create(request: HttpRequest, order_id: Id) -> Status:
    require(request, Permission.DISPATCH)
    org = _org(request)
    order = found(order_get(organization=org, pk=order_id), "production order")
    made = services.parcels_create(order=order, organization=org)
    parcels = [_parcel(request, p.pk) for p in made.parcels]
    return Status(201, {"parcels": parcels, "waiting": [p.pk for p in made.waiting]})


@router.post(
    "/parcels/{parcel_id}/address", response={200: ParcelOut, **WRITE}, summary="Correct the address"
)
def parcel_address(request: HttpRequest, parcel_id: Id, payload: AddressIn) -> Parcel:
    require(request, Permission.DISPATCH)
    services.parcel_address_change(
        parcel=_parcel(request, parcel_id), organization=_org(request), **payload.dict()
    )
    return _parcel(request, parcel_id)


@router.post(
    "/parcels/{parcel_id}/code",
    response={202: None, **WRITE},
    summary="E-mail the customer a new delivery code",
)
def parcel_code(request: HttpRequest, parcel_id: Id) -> Status:
    require(request, Permission.DISPATCH)
    services.parcel_code_resend(parcel=_parcel(request, parcel_id), organization=_org(request))
    return Status(202, None)


@router.get("/transfers", response={200: list[TransferOut], **problems(401, 422)}, summary="List transfers")
@paginate(Pagination)
def transfer_list(request: HttpRequest, day: IsoDate | None = None) -> QuerySet[Transfer]:
    return selectors.transfer_list(organization=_org(request), day=day)


@router.post("/transfers", response={201: TransferOut, **WRITE}, summary="Goods to move between facilities")
def transfer_create(request: HttpRequest, payload: TransferIn) -> Status:
    require(request, Permission.DISPATCH)
    org, data = _org(request), payload.dict()
    origin = found(facility_get(organization=org, pk=data.pop("origin_id")), "facility")
    destination = found(facility_get(organization=org, pk=data.pop("destination_id")), "facility")
    order_id = data.pop("order_id")
    order = found(order_get(organization=org, pk=order_id), "production order") if order_id else None
    transfer = services.transfer_create(
        organization=org, origin=origin, destination=destination, order=order, **data
    )
    return Status(201, selectors.transfer_list(organization=org).get(pk=transfer.pk))


@router.post(
    "/production-orders/{order_id}/transfers",
    response={201: list[TransferOut], **WRITE},
    summary="Transfers along the style's routing (one for each change of facility)",
)
def transfers_from_routing(request: HttpRequest, order_id: Id, payload: RoutingTransfersIn) -> Status:
    require(request, Permission.DISPATCH)
    org = _org(request)
    order = found(order_get(organization=org, pk=order_id), "production order")
    made = services.transfers_from_routing(order=order, organization=org, **payload.dict())
    return Status(201, list(selectors.transfer_list(organization=org).filter(pk__in=[t.pk for t in made])))


# Plans, routes, stops ----------------------------------------------------------------------------------


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return found(selectors.plan_get(organization=_org(request), pk=plan_id), "plan")


@router.post(
    "/delivery-plans",
    response={202: PlanOut, **WRITE},
    summary="Plan a day in the background (a re-plan when the day has a plan); poll the plan's url",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status:
    require(request, Permission.DISPATCH)
    plan = planning.plan_request(organization=_org(request), by=user_of(request), **payload.dict())
    return Status(202, _plan(request, plan.pk))


@router.get("/delivery-plans", response={200: list[PlanOut], **problems(401, 422)}, summary="List plans")
@paginate(Pagination)
def plan_list(request: HttpRequest, day: IsoDate | None = None) -> QuerySet[Plan]:
    return selectors.plan_list(organization=_org(request), day=day)


@router.get(
    "/delivery-plans/{plan_id}",
    response={200: PlanOut, **problems(401, 404)},
    summary="A plan: its progress while it runs; routes, stops and unassigned jobs when done",
)
def plan_detail(request: HttpRequest, plan_id: Id) -> Plan:
    return _plan(request, plan_id)


@router.get(
    "/routes/{route_id}", response={200: RouteOut, **problems(401, 404)}, summary="A route and its stops"
)
def route_detail(request: HttpRequest, route_id: Id):
    return found(selectors.route_get(organization=_org(request), pk=route_id), "route")


def _stop(request: HttpRequest, stop_id: int) -> Stop:
    return found(selectors.stop_get(organization=_org(request), pk=stop_id), "stop")


def _may_act(request: HttpRequest, courier: Courier | None) -> None:
    """The route's own courier may act on its stops; anyone else needs the dispatch permission."""
    user = user_of(request)
    if courier is not None and user is not None and courier.user_id == user.pk:
        return
    require(request, Permission.DISPATCH)


@router.post(
    "/routes/{route_id}/depart", response={200: RouteOut, **WRITE}, summary="The route leaves the hub"
)
def route_depart(request: HttpRequest, route_id: Id):
    route = found(selectors.route_get(organization=_org(request), pk=route_id), "route")
    _may_act(request, route.courier)
    actions.route_depart(route=route, organization=_org(request), by=user_of(request))
    return selectors.route_get(organization=_org(request), pk=route_id)


@router.get("/stops/{stop_id}", response={200: StopOut, **problems(401, 404)}, summary="One stop")
def stop_detail(request: HttpRequest, stop_id: Id) -> Stop:
    return _stop(request, stop_id)


def _acted(request: HttpRequest, stop_id: int, changed: bool) -> dict:
    return {"changed": changed, "stop": _stop(request, stop_id)}


@router.post("/stops/{stop_id}/picked-up", response={200: ActionOut, **WRITE}, summary="Goods taken aboard")
def stop_picked_up(request: HttpRequest, stop_id: Id) -> dict:
    stop = _stop(request, stop_id)
    _may_act(request, stop.route.courier)
    _, changed = actions.stop_pick_up(stop=stop, organization=_org(request), by=user_of(request))
    return _acted(request, stop_id, changed)


@router.post("/stops/{stop_id}/arrived", response={200: ActionOut, **WRITE}, summary="At the stop")
def stop_arrived(request: HttpRequest, stop_id: Id) -> dict:
    stop = _stop(request, stop_id)
    _may_act(request, stop.route.courier)
    _, changed = actions.stop_arrive(stop=stop, organization=_org(request), by=user_of(request))
    return _acted(request, stop_id, changed)


@router.post(
    "/stops/{stop_id}/delivered",
    response={200: ActionOut, **problems(400, 401, 403, 404, 409, 413, 422)},
    summary="Delivered, with proof: a photo, the recipient's name and the customer's 4-digit code",
    description="multipart/form-data; a parcel needs the photo (JPEG, PNG, WebP or HEIC, at most 10 MB), "
    "the recipient's name and, when its drop asks for one, the code; a transfer needs none.",
)
def stop_delivered(
    request: HttpRequest,
    stop_id: Id,
    recipient_name: Form[str] = "",
    code: Form[str] = "",
    # Not `File[UploadedFile] | None`: ninja reads that as a query parameter. Missing: the service names it.
    photo: File[UploadedFile] = None,  # type: ignore[assignment]
) -> dict:
    stop = _stop(request, stop_id)
    _may_act(request, stop.route.courier)
    data = photo.read(actions.MAX_PHOTO_BYTES + 1) if photo is not None else None
    _, changed = actions.stop_deliver(
        stop=stop,
        organization=_org(request),
        photo=data,
        recipient_name=recipient_name[:300],
        code=code[:20],
        by=user_of(request),
    )
    return _acted(request, stop_id, changed)


@router.post(
    "/stops/{stop_id}/not-delivered",
    response={200: ActionOut, **WRITE},
    summary="Not delivered: why, and when next",
)
def stop_not_delivered(request: HttpRequest, stop_id: Id, payload: NotDeliveredIn) -> dict:
    stop = _stop(request, stop_id)
    _may_act(request, stop.route.courier)
    _, changed = actions.stop_fail(
        stop=stop, organization=_org(request), by=user_of(request), **payload.dict()
    )
    return _acted(request, stop_id, changed)


@router.get(
    "/stops/{stop_id}/proof.photo",
    response={200: None, **problems(401, 404)},
    summary="The proof-of-delivery photo (its SHA-256 is in the ledger's delivery event)",
)
def stop_proof_photo(request: HttpRequest, stop_id: Id) -> HttpResponse:
    proof = found(Proof.objects.filter(stop=_stop(request, stop_id)).first(), "proof")
    return HttpResponse(bytes(proof.photo), content_type=proof.photo_type)
