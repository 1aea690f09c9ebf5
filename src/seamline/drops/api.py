"""/api/v1/drops: the public pre-order and status of a drop, and the brand's own drop resources.

Public (no auth): `POST /{slug}/preorders` (rate-limited per client IP, Idempotency-Key required) and
`GET /{slug}/status`. Everything else is the brand's: another organization's drop reads as missing (404).
"""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Header, Router, Status
from ninja.pagination import paginate

from seamline.accounts.access import organization_of, require
from seamline.accounts.permissions import Permission
from seamline.core.apikit import Pagination
from seamline.core.errors import found
from seamline.core.ratelimit import throttle
from seamline.core.schemas import problems
from seamline.production.selectors import style_and_factory

from . import services
from .models import Drop, PreOrder, PreOrderLine
from .preorders import IDEMPOTENCY_KEY_MAX_LENGTH, Customer, preorder_place, preorder_rate
from .schemas import (
    BrandPreOrderOut,
    DropDetail,
    DropIn,
    DropOut,
    DropStatusOut,
    PreOrderIn,
    PreOrderOut,
    PreOrderState,
)
from .selectors import drop_offers, drop_public_get, drop_status, drop_status_of
from .tasks import order_url

__all__ = ["router"]

router = Router(tags=["drops"])

WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 422)
# 401 is declared on the public operations only because every operation of the API declares it; they never
# answer it.
PUBLIC_PROBLEMS = problems(400, 401, 402, 404, 409, 422, 429)

_LINES = Prefetch("lines", queryset=PreOrderLine.objects.select_related("offer__variant"))


def _drop(request: HttpRequest, slug: str) -> Drop:
    """The caller's own drop; another brand's looks exactly like a missing one."""
    drop = (
        Drop.objects.select_related("style", "factory")
        .filter(brand=organization_of(request), slug=slug)
        .first()
    )
    return found(drop, "drop")


def _detail(drop: Drop) -> Drop:
    """`drop` with what DropDetail reads beyond its columns: the offers with what is left, and funded %."""
    offers = drop_offers(drop)
    status = drop_status_of(drop, offers)
    for offer in offers:
        offer.left = status["left"][offer.variant.sku]  # type: ignore[attr-defined]
    drop.offers, drop.funded_pct = offers, status["funded_pct"]  # type: ignore[attr-defined]
    return drop


def _preorder_out(preorder: PreOrder) -> PreOrder:
    preorder = PreOrder.objects.select_related("drop").prefetch_related(_LINES).get(pk=preorder.pk)
    preorder.order_url = order_url(preorder)  # type: ignore[attr-defined]
    return preorder


@router.post(
    "/{slug}/preorders",
    auth=None,
    response={201: PreOrderOut, 200: PreOrderOut, **PUBLIC_PROBLEMS},
    summary="Pre-order from a live drop (public; 200 replays the order of a reused Idempotency-Key)",
)
def preorder_create(
    request: HttpRequest,
    slug: str,
    payload: PreOrderIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="one per checkout; a retry sends the same key and gets the same order back",
    ),
) -> Status:
    throttle(request, scope="preorder", rate=preorder_rate())
    preorder, created = preorder_place(
        drop=drop_public_get(slug=slug),
        customer=Customer(**payload.dict(exclude={"quantities"})),
        basket=payload.quantities,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _preorder_out(preorder))


@router.get(
    "/{slug}/status",
    auth=None,
    response={200: DropStatusOut, **problems(401, 404)},
    summary="A drop's live counters (public)",
)
def drop_status_get(request: HttpRequest, slug: str) -> dict:
    return drop_status(drop_public_get(slug=slug))


@router.get("", response={200: list[DropOut], **problems(401, 422)}, summary="List your drops")
@paginate(Pagination)
def drop_list(request: HttpRequest) -> QuerySet[Drop]:
    return Drop.objects.filter(brand=organization_of(request)).select_related("style", "factory")


@router.post("", response={201: DropDetail, **WRITE_PROBLEMS}, summary="Create a draft drop")
def drop_create(request: HttpRequest, payload: DropIn) -> Status:
    require(request, Permission.PLACE_ORDERS)
    org = organization_of(request)
    style, factory = style_and_factory(
        brand=org, style_id=payload.style_id, factory_id=payload.factory_id, what="drop"
    )
    drop = services.drop_create(
        brand=org, factory=factory, style=style, **payload.dict(exclude={"style_id", "factory_id"})
    )
    return Status(201, _detail(_drop(request, drop.slug)))


@router.get(
    "/{slug}", response={200: DropDetail, **problems(401, 404)}, summary="One drop, offers and counters"
)
def drop_detail(request: HttpRequest, slug: str) -> Drop:
    return _detail(_drop(request, slug))


def _move(request: HttpRequest, slug: str, use_case) -> Drop:
    require(request, Permission.PLACE_ORDERS)
    use_case(drop=_drop(request, slug))
    return _detail(_drop(request, slug))


@router.post("/{slug}/open", response={200: DropDetail, **WRITE_PROBLEMS}, summary="Start taking pre-orders")
def drop_open(request: HttpRequest, slug: str) -> Drop:
    return _move(request, slug, services.drop_open)


@router.post(
    "/{slug}/close",
    response={200: DropDetail, **WRITE_PROBLEMS},
    summary="Close a live drop (below its threshold: unfunded, holds released)",
)
def drop_close(request: HttpRequest, slug: str) -> Drop:
    return _move(request, slug, services.drop_close)


@router.post(
    "/{slug}/cancel",
    response={200: DropDetail, **WRITE_PROBLEMS},
    summary="Cancel a drop (holds voided, payments refunded)",
)
def drop_cancel(request: HttpRequest, slug: str) -> Drop:
    return _move(request, slug, services.drop_cancel)


@router.get(
    "/{slug}/preorders",
    response={200: list[BrandPreOrderOut], **problems(401, 404, 422)},
    summary="The pre-orders of your drop",
)
@paginate(Pagination)
def drop_preorders(request: HttpRequest, slug: str, state: PreOrderState | None = None) -> QuerySet[PreOrder]:
    preorders = PreOrder.objects.filter(drop=_drop(request, slug)).prefetch_related(_LINES)
    return preorders.filter(state=state) if state else preorders
