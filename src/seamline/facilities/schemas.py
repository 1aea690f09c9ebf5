"""Schemas of the facilities API."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from seamline.core.schemas import OrgRef, OutSchema, UtcDatetime

__all__ = ["FacilityIn", "FacilityKindName", "FacilityOut", "FacilityPatch", "FacilityRef"]

FacilityKindName = Literal[
    "pattern_room",
    "sample_line",
    "cut_and_sew",
    "dye_house",
    "laser_wash",
    "finishing",
    "warehouse",
    "fibre_recycler",
    "courier_hub",
]


class FacilityIn(Schema):
    name: str
    kind: FacilityKindName
    street: str
    zip_code: str
    city: str = Field("", description="blank: the ZIP's own city; or another name USPS accepts for it")
    grid_region: str = "CAMX"
    solar_share_pct: Decimal = Decimal(0)


class FacilityPatch(Schema):
    """Only the fields sent change; a new ZIP is geocoded again."""

    name: str | None = None
    kind: FacilityKindName | None = None
    street: str | None = None
    zip_code: str | None = None
    city: str | None = Field(None, description="a new ZIP brings its own city unless one is named")
    grid_region: str | None = None
    solar_share_pct: Decimal | None = None


class FacilityRef(OutSchema):
    id: int
    name: str


class FacilityOut(OutSchema):
    id: int
    uid: UUID
    epc_uri: str
    name: str
    kind: str
    street: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    grid_region: str
    solar_share_pct: Decimal
    organization: OrgRef
    created_at: UtcDatetime
