"""Schemas of the production-orders API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AliasPath, Field, ValidationInfo, field_validator

from seamline.accounts.permissions import permissions_of
from seamline.accounts.selectors import person_name
from seamline.core.schemas import Id, InSchema, IsoDate, OrgRef, OutSchema, Rows, UtcDatetime

from .states import BRAND, FACTORY, allowed_targets

__all__ = ["OrderDetail", "OrderIn", "OrderLineOut", "OrderOut", "StateName", "TransitionIn", "TransitionOut"]

StateName = Literal["draft", "planned", "cutting", "sewing", "finishing", "packed", "delivered", "cancelled"]


class OrderIn(InSchema):
    style_id: Id
    factory_id: Id
    due_date: IsoDate
    quantities: dict[str, int] = Field(description='units per SKU, e.g. {"CJ-INDIGO-M": 10}')
    notes: str = ""


class TransitionIn(InSchema):
    target: StateName
    note: str = Field("", max_length=300)


class StyleRef(OutSchema):
    id: int
    code: str
    name: str


class OrderOut(OutSchema):
    id: int
    number: str
    state: StateName
    style: StyleRef
    brand: OrgRef
    factory: OrgRef
    due_date: date
    notes: str
    units: int
    allowed_transitions: list[StateName] = Field(
        validation_alias="state", description="states the caller may move the order to now"
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @field_validator("allowed_transitions", mode="before")
    @classmethod
    def _moves_of_caller(cls, state: str, info: ValidationInfo) -> list[str]:
        """Read from the order's state: the moves the caller's side (brand or factory) and role may make."""
        brand: OrgRef = info.data["brand"]
        request = info.context["request"]
        party = BRAND if request.organization.pk == brand.id else FACTORY
        mine = permissions_of(getattr(request, "role", None))
        return [str(target) for target in allowed_targets(state, party=party, permissions=mine)]


class OrderLineOut(OutSchema):
    sku: str = Field(validation_alias=AliasPath("variant", "sku"))
    size: str = Field(validation_alias=AliasPath("variant", "size"))
    colour: str = Field(validation_alias=AliasPath("variant", "colour"))
    quantity: int


class TransitionOut(OutSchema):
    source: str
    target: StateName
    organization: OrgRef
    by: str | None = Field(description="name of the person who made the move, if known")
    at: UtcDatetime
    note: str

    @field_validator("by", mode="before")
    @classmethod
    def _name_of(cls, user: Any) -> str | None:
        return person_name(user)


class OrderDetail(OrderOut):
    lines: Rows[OrderLineOut]
    transitions: Rows[TransitionOut]
