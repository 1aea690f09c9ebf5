"""Schemas of the facilities API."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from seamline.core.schemas import DecimalIn, InSchema, OrgRef, OutSchema, UtcDatetime

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


# Text no longer than its column: a longer value is a 422 here, not a database error on PostgreSQL.
class FacilityIn(InSchema):
    name: str = Field(max_length=200)
    kind: FacilityKindName
    street: str = Field(max_length=200)
    zip_code: str = Field(max_length=10)
    city: str = Field(
        "", max_length=100, description="blank: the ZIP's own city; or another name USPS accepts for it"
    )
    grid_region: str = Field("CAMX", max_length=16)
    solar_share_pct: DecimalIn = Decimal(0)


class FacilityPatch(InSchema):
    """Only the fields sent change; a new ZIP is geocoded again."""

    name: str | None = Field(None, max_length=200)
    kind: FacilityKindName | None = None
    street: str | None = Field(None, max_length=200)
    zip_code: str | None = Field(None, max_length=10)
    city: str | None = Field(
        None, max_length=100, description="a new ZIP brings its own city unless one is named"
    )
    grid_region: str | None = Field(None, max_length=16)
    solar_share_pct: DecimalIn | None = None


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
