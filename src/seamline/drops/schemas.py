"""Schemas of the drops API: the public pre-order and status bodies, and the brand's drop resources."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AliasPath, Field

from seamline.core.schemas import (
    MAX_INT,
    DecimalIn,
    Id,
    InSchema,
    IsoDatetime,
    OrgRef,
    OutSchema,
    Rows,
    UtcDatetime,
)

__all__ = [
    "BrandPreOrderOut",
    "DropDetail",
    "DropIn",
    "DropOut",
    "DropStatusOut",
    "OfferOut",
    "PreOrderIn",
    "PreOrderLineOut",
    "PreOrderOut",
    "PreOrderState",
    "StateName",
]

StateName = Literal["draft", "live", "funded", "closed_unfunded", "cancelled", "fulfilled"]
PreOrderState = Literal["held", "captured", "voided", "refunded"]


# Lengths and amounts are the columns' own, so a long value is a 422 here rather than a database error.
PRICE_MAX = Decimal("99999999.99")  # numeric(10, 2)
REVENUE_MAX = Decimal("9999999999.99")  # numeric(12, 2)
Units = Annotated[int, Field(le=MAX_INT)]


class PreOrderIn(InSchema):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    street: str = Field(max_length=200)
    city: str = Field("", max_length=100)
    zip_code: str = Field(max_length=10, description="US ZIP; outside the courier zone the order ships")
    delivery_window: str = Field(
        "", max_length=11, description="local delivery window chosen, e.g. 17:00-20:00; empty: the drop's"
    )
    quantities: dict[str, int] = Field(
        max_length=50, description='units per SKU, e.g. {"CJ-INDIGO-M": 1}', examples=[{"CJ-INDIGO-M": 1}]
    )


class PreOrderLineOut(OutSchema):
    sku: str = Field(validation_alias=AliasPath("offer", "variant", "sku"))
    size: str = Field(validation_alias=AliasPath("offer", "variant", "size"))
    colour: str = Field(validation_alias=AliasPath("offer", "variant", "colour"))
    quantity: int
    unit_price: Decimal


class PreOrderOut(OutSchema):
    """What the buyer gets back: the order and its private link (keep it; it is the only way back)."""

    id: int
    state: PreOrderState
    units: int
    amount: Decimal
    currency: str
    local_delivery: bool = Field(description="delivered by courier from the factory; false: it ships")
    order_url: str
    lines: Rows[PreOrderLineOut]


class DropStatusOut(OutSchema):
    slug: str
    state: StateName
    units_sold: int
    run_cap: int
    threshold_units: int | None
    threshold_revenue: Decimal | None
    revenue: Decimal
    funded_pct: int = Field(description="percent of the funding threshold reached; may pass 100")
    left: dict[str, int] = Field(description="units one buyer could still get, per SKU")
    closes_at: UtcDatetime


class DropIn(InSchema):
    style_id: Id
    factory_id: Id
    title: str = Field(max_length=200)
    prices: dict[str, Annotated[DecimalIn, Field(le=PRICE_MAX)]] = Field(
        description='price per SKU on offer, e.g. {"CJ-INDIGO-M": "180.00"}'
    )
    run_cap: Units
    opens_at: IsoDatetime
    closes_at: IsoDatetime
    threshold_units: Units | None = None
    threshold_revenue: DecimalIn | None = Field(None, le=REVENUE_MAX)
    variant_caps: dict[str, Units] = Field(default_factory=dict, description="optional cap per SKU")
    per_customer_limit: Units = 2
    overcut_pct: DecimalIn = Decimal(3)
    slug: str = Field("", max_length=80, description="the page's /d/<slug>; blank: from the title")
    description: str = ""


class DropStyleRef(OutSchema):
    """The style a drop offers (named apart from production's StyleRef: one OpenAPI name, one schema)."""

    id: int
    code: str
    name: str


class DropOut(OutSchema):
    id: int
    slug: str
    title: str
    state: StateName
    style: DropStyleRef
    factory: OrgRef
    currency: str
    run_cap: int
    threshold_units: int | None
    threshold_revenue: Decimal | None
    per_customer_limit: int
    units_sold: int
    revenue: Decimal
    opens_at: UtcDatetime
    closes_at: UtcDatetime
    funded_at: UtcDatetime | None
    production_order_id: int | None
    created_at: UtcDatetime


class OfferOut(OutSchema):
    sku: str = Field(validation_alias=AliasPath("variant", "sku"))
    size: str = Field(validation_alias=AliasPath("variant", "size"))
    colour: str = Field(validation_alias=AliasPath("variant", "colour"))
    price: Decimal
    cap: int | None
    sold: int
    left: int = Field(description="units one buyer could still get (its cap and the run cap)")


class DropDetail(DropOut):
    description: str
    overcut_pct: Decimal
    due_days: int
    funded_pct: int
    variants: list[OfferOut] = Field(validation_alias="offers")


class BrandPreOrderOut(OutSchema):
    id: int
    state: PreOrderState
    name: str
    email: str
    street: str
    city: str
    zip_code: str
    local_delivery: bool
    units: int
    amount: Decimal
    currency: str
    created_at: UtcDatetime
    lines: Rows[PreOrderLineOut]
