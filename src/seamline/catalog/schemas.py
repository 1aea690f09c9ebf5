"""Schemas of the catalog API: materials, rolls, styles (variants, BOM lines, routing).

Decimals travel as strings ("1.700") so no meter or percent is rounded by a JSON float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from seamline.core.schemas import (
    AwareIsoDatetime,
    DecimalIn,
    Id,
    InSchema,
    IsoDate,
    OrgRef,
    OutSchema,
    Rows,
    UtcDatetime,
)
from seamline.facilities.schemas import FacilityKindName, FacilityRef

__all__ = [
    "BomLineIn",
    "BomLineOut",
    "CertificationIn",
    "CertificationOut",
    "MaterialIn",
    "MaterialKindName",
    "MaterialOut",
    "MaterialRef",
    "OperationIn",
    "OperationOut",
    "RollIn",
    "RollOut",
    "RoutingIn",
    "StyleDetail",
    "StyleIn",
    "StyleOut",
    "VariantOut",
]

MaterialKindName = Literal["fabric", "trim"]

# Input lengths and amounts are bounded by their columns (a longer text or a larger number is a 422 here,
# not a database error on PostgreSQL); the services keep the rules within them.
PRICE_MAX = Decimal("99999999.99")  # numeric(10, 2)
SAM_MAX = Decimal("99999.99")  # numeric(7, 2)
Size = Annotated[str, Field(max_length=16)]
Colour = Annotated[str, Field(max_length=64)]


class CertificationIn(InSchema):
    scheme: str = Field(max_length=100)
    certificate_number: str = Field(max_length=100)
    expires_on: IsoDate


class CertificationOut(OutSchema):
    id: int
    scheme: str
    certificate_number: str
    expires_on: date


class MaterialIn(InSchema):
    name: str = Field(max_length=200)
    kind: MaterialKindName = "fabric"
    composition: dict[str, DecimalIn] = Field(max_length=20)
    weight_gsm: DecimalIn | None = None
    usable_width_cm: DecimalIn | None = None
    supplier: str = Field("", max_length=200)
    mill: str = Field("", max_length=200)
    country_of_origin: str = ""
    price_per_m: DecimalIn | None = Field(None, le=PRICE_MAX)
    currency: str = "USD"
    construction: str = Field("", max_length=16)
    dyeing: str = Field("", max_length=16)
    warp_share_pct: DecimalIn | None = None
    yarn_dtex: DecimalIn | None = None
    mill_port: str = Field("", max_length=5)


class MaterialRef(OutSchema):
    id: int
    name: str


class MaterialOut(OutSchema):
    id: int
    name: str
    kind: str
    composition: dict[str, Decimal]
    weight_gsm: Decimal | None
    usable_width_cm: Decimal | None
    supplier: str
    mill: str
    country_of_origin: str
    price_per_m: Decimal | None
    currency: str
    construction: str
    dyeing: str
    warp_share_pct: Decimal | None
    yarn_dtex: Decimal | None
    mill_port: str
    organization: OrgRef
    # Read from the plain list the API's material queries prefetch (catalog.api._materials_out).
    certifications: list[CertificationOut] = Field(validation_alias="certification_list")
    created_at: UtcDatetime


class RollIn(InSchema):
    facility_id: Id
    material_id: Id
    roll_id: str = Field(max_length=64)
    length_m: DecimalIn
    width_cm: DecimalIn | None = None
    shade_lot: str = Field("", max_length=32)
    received_at: AwareIsoDatetime | None = None


class RollOut(OutSchema):
    id: int
    uid: UUID
    epc_uri: str
    roll_id: str
    material: MaterialRef
    facility: FacilityRef
    length_m: Decimal
    remaining_m: Decimal
    width_cm: Decimal
    shade_lot: str
    received_at: UtcDatetime


class StyleIn(InSchema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    category: str = Field(max_length=64)
    sizes: list[Size] = Field(max_length=50)
    colourways: list[Colour] = Field(max_length=50)
    care_wash_c: int | None = Field(None, description="the care label's wash temperature: 30, 40 or 60 °C")
    care_tumble_dry: bool = False


class VariantOut(OutSchema):
    id: int
    sku: str
    size: str
    colour: str


class BomLineIn(InSchema):
    material_id: Id
    placement: str = Field(max_length=100)
    consumption: dict[str, DecimalIn] = Field(max_length=50)


class BomLineOut(OutSchema):
    id: int
    material: MaterialRef
    placement: str
    consumption: dict[str, Decimal]


class OperationIn(InSchema):
    name: str = Field(max_length=200)
    sam: DecimalIn = Field(le=SAM_MAX)
    facility_kind: FacilityKindName = "cut_and_sew"
    machine: str = Field("", max_length=100)
    skill_level: int = 2


class OperationOut(OutSchema):
    id: int
    sequence: int
    name: str
    sam: Decimal
    facility_kind: str
    machine: str
    skill_level: int


class RoutingIn(InSchema):
    operations: list[OperationIn] = Field(max_length=200)


class StyleOut(OutSchema):
    id: int
    code: str
    name: str
    category: str
    sizes: list[str]
    colourways: list[str]
    care_wash_c: int | None
    care_tumble_dry: bool
    variant_count: int
    organization: OrgRef
    created_at: UtcDatetime


class StyleDetail(StyleOut):
    """A style with its SKUs, bill of materials and routing (total standard minutes in `total_sam`)."""

    variants: Rows[VariantOut]
    bom_lines: Rows[BomLineOut]
    operations: Rows[OperationOut]
    total_sam: Decimal
