"""Schemas of the production-orders API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from seamline.accounts.schemas import OrgRef, UtcDatetime

from .services import party_of
from .states import allowed_targets

__all__ = ["OrderDetail", "OrderIn", "OrderLineOut", "OrderOut", "StateName", "TransitionIn", "TransitionOut"]

StateName = Literal["draft", "planned", "cutting", "sewing", "finishing", "packed", "delivered", "cancelled"]


class OrderIn(Schema):
    style_id: int
    factory_id: int
    due_date: date
    quantities: dict[str, int] = Field(description='units per SKU, e.g. {"CJ-INDIGO-M": 10}')
    notes: str = ""


class TransitionIn(Schema):
    target: StateName
    note: str = Field("", max_length=300)


class StyleRef(Schema):
    id: int
    code: str
    name: str


class OrderOut(Schema):
    id: int
    number: str
    state: StateName
    style: StyleRef
    brand: OrgRef
    factory: OrgRef
    due_date: date
    notes: str
    units: int
    allowed_transitions: list[StateName] = Field(description="states the caller may move the order to now")
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @staticmethod
    def resolve_units(obj: Any) -> int:
        return obj.units or 0

    @staticmethod
    def resolve_allowed_transitions(obj: Any, context: dict) -> list[str]:
        party = party_of(obj, context["request"].organization)
        return [str(target) for target in allowed_targets(obj.state, party=party)]


class OrderLineOut(Schema):
    sku: str
    size: str
    colour: str
    quantity: int

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return obj.variant.sku

    @staticmethod
    def resolve_size(obj: Any) -> str:
        return obj.variant.size

    @staticmethod
    def resolve_colour(obj: Any) -> str:
        return obj.variant.colour


class TransitionOut(Schema):
    source: str
    target: StateName
    organization: OrgRef
    by: str | None = Field(description="name of the person who made the move, if known")
    at: UtcDatetime
    note: str

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return (obj.by.get_full_name() or obj.by.get_username()) if obj.by else None


class OrderDetail(OrderOut):
    lines: list[OrderLineOut]
    transitions: list[TransitionOut]
