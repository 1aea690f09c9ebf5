"""/api/v1/production-orders: a brand places orders with a factory; both move them through their states."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from seamline.accounts.access import organization_of, require, user_of
from seamline.accounts.permissions import Permission
from seamline.core.apikit import Pagination
from seamline.core.errors import found
from seamline.core.schemas import Id, problems

from . import selectors, services
from .models import ProductionOrder
from .schemas import OrderDetail, OrderIn, OrderOut, StateName, TransitionIn
from .selectors import style_and_factory
from .states import permission_to_move

__all__ = ["router"]

router = Router(tags=["production orders"])

# The columns OrderOut reads: the list loads no others (of the style and organizations, only what it shows).
# A column left out would cost a query per row, which tests/api/test_queries.py would catch.
ORDER_OUT_COLUMNS = (
    "id",
    "state",
    "due_date",
    "notes",
    "units",
    "created_at",
    "updated_at",
    "style__code",
    "style__name",
    "brand__name",
    "factory__name",
)


def _order(request: HttpRequest, order_id: int) -> ProductionOrder:
    return found(selectors.order_get(organization=organization_of(request), pk=order_id), "production order")


@router.get("", response={200: list[OrderOut], **problems(401, 422)}, summary="List production orders")
@paginate(Pagination)
def order_list(
    request: HttpRequest, state: StateName | None = None, style_id: Id | None = None, open: bool = False
) -> QuerySet[ProductionOrder]:
    return selectors.order_list(
        organization=organization_of(request), state=state, style_id=style_id, open_only=open
    ).only(*ORDER_OUT_COLUMNS)


@router.post(
    "", response={201: OrderDetail, **problems(400, 401, 422)}, summary="Place a draft order (brands)"
)
def order_create(request: HttpRequest, payload: OrderIn) -> Status:
    require(request, Permission.PLACE_ORDERS)
    org = organization_of(request)
    style, factory = style_and_factory(
        brand=org, style_id=payload.style_id, factory_id=payload.factory_id, what="production order"
    )
    order = services.production_order_create(
        brand=org,
        factory=factory,
        style=style,
        by=user_of(request),
        **payload.dict(exclude={"style_id", "factory_id"}),
    )
    return Status(201, _order(request, order.pk))


@router.get(
    "/{order_id}", response={200: OrderDetail, **problems(401, 404)}, summary="One order, lines and timeline"
)
def order_detail(request: HttpRequest, order_id: Id) -> ProductionOrder:
    return _order(request, order_id)


@router.post(
    "/{order_id}/transitions",
    response={200: OrderDetail, **problems(400, 401, 403, 404, 409, 422)},
    summary="Move an order to another state",
)
def order_transition(request: HttpRequest, order_id: Id, payload: TransitionIn) -> ProductionOrder:
    require(request, permission_to_move(payload.target))
    order = _order(request, order_id)
    services.production_order_transition(
        order=order, organization=organization_of(request), by=user_of(request), **payload.dict()
    )
    return _order(request, order_id)
