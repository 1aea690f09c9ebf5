"""Schemas of the catalog API: materials, rolls, styles (variants, BOM lines, routing).

Decimals travel as strings ("1.700") so no meter or percent is rounded by a JSON float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import AwareDatetime, Field

from seamline.core.schemas import OrgRef, OutSchema, Rows, UtcDatetime
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


class CertificationIn(Schema):
    scheme: str
    certificate_number: str
    expires_on: date


class CertificationOut(OutSchema):
    id: int
    scheme: str
    certificate_number: str
    expires_on: date


class MaterialIn(Schema):
    name: str
    kind: MaterialKindName = "fabric"
    composition: dict[str, Decimal]
    weight_gsm: Decimal | None = None
    usable_width_cm: Decimal | None = None
    supplier: str = ""
    mill: str = ""
    country_of_origin: str = ""
    price_per_m: Decimal | None = None
    currency: str = "USD"


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
    organization: OrgRef
    # Read from the plain list the API's material queries prefetch (catalog.api._materials_out).
    certifications: list[CertificationOut] = Field(validation_alias="certification_list")
    created_at: UtcDatetime


class RollIn(Schema):
    facility_id: int
    material_id: int
    roll_id: str
    length_m: Decimal
    width_cm: Decimal | None = None
    shade_lot: str = ""
    received_at: AwareDatetime | None = None


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


class StyleIn(Schema):
    code: str
    name: str
    category: str
    sizes: list[str]
    colourways: list[str]


class VariantOut(OutSchema):
    id: int
    sku: str
    size: str
    colour: str


class BomLineIn(Schema):
    material_id: int
    placement: str
    consumption: dict[str, Decimal]


class BomLineOut(OutSchema):
    id: int
    material: MaterialRef
    placement: str
    consumption: dict[str, Decimal]


class OperationIn(Schema):
    name: str
    sam: Decimal
    facility_kind: FacilityKindName = "cut_and_sew"
    machine: str = ""
    skill_level: int = 2


class OperationOut(OutSchema):
    id: int
    sequence: int
    name: str
    sam: Decimal
    facility_kind: str
    machine: str
    skill_level: int


class RoutingIn(Schema):
    operations: list[OperationIn]


class StyleOut(OutSchema):
    id: int
    code: str
    name: str
    category: str
    sizes: list[str]
    colourways: list[str]
    variant_count: int
    organization: OrgRef
    created_at: UtcDatetime


class StyleDetail(StyleOut):
    """A style with its SKUs, bill of materials and routing (total standard minutes in `total_sam`)."""

    variants: Rows[VariantOut]
    bom_lines: Rows[BomLineOut]
    operations: Rows[OperationOut]
    total_sam: Decimal
