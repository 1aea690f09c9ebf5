"""Schemas of the cutting-room API."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AliasPath, Field

from seamline.core.schemas import DecimalIn, InSchema, OutSchema, Rows, UtcDatetime

__all__ = ["CutPlanIn", "CutPlanOut", "LayOut", "MarkerOut", "PatternPieceOut", "PatternVersionOut"]


class PatternPieceOut(OutSchema):
    size: str
    name: str
    quantity: int
    category: str
    material: str
    mirrored_pair: bool
    area_cm2: float
    width_cm: float
    length_cm: float
    geometry: dict = Field(
        description="boundary, grain_line, notches, drill_holes, internal_lines, sew_line (cm)"
    )


class PatternVersionOut(OutSchema):
    id: int
    style_id: int
    number: int
    style_name: str
    source_name: str
    units: str
    sample_size: str
    sizes: list[str]
    graded: bool
    created_at: UtcDatetime


class PatternVersionDetail(PatternVersionOut):
    pieces: Rows[PatternPieceOut]


SMALL_MAX = 32767  # a PositiveSmallIntegerField's largest value


# Every setting within its column (a larger one is a 422 here, not a database error on PostgreSQL); the
# service keeps the rules within them.
class CutPlanIn(InSchema):
    colour: str = Field("", max_length=64, description="the colourway to plan; the order's first when empty")
    fabric_width_cm: DecimalIn | None = Field(
        None, le=Decimal("99999.9"), description="default: the shell fabric's width"
    )
    margin_cm: DecimalIn | None = Field(None, le=Decimal("999.9"))
    spacing_cm: DecimalIn | None = Field(None, le=Decimal("99.99"))
    max_plies: int | None = Field(None, le=SMALL_MAX)
    max_marker_length_cm: DecimalIn | None = Field(
        None, le=Decimal("999999.9"), description="the cutting table's length"
    )
    setup_cost_cm: DecimalIn | None = Field(None, le=Decimal("99999.9"))
    overcut_max: int | None = Field(None, le=SMALL_MAX)
    one_way: bool = False
    seconds_per_garment: int | None = Field(None, ge=1, le=60)


class MarkerOut(OutSchema):
    id: int
    number: int
    ratio: dict[str, int]
    length_cm: float
    utilization: float
    piece_area_cm2: float
    waste_area_cm2: float


class LayRollOut(OutSchema):
    roll_id: int = Field(validation_alias=AliasPath("roll", "pk"))
    roll: str = Field(validation_alias=AliasPath("roll", "roll_id"))
    plies: int
    meters: Decimal


class LayOut(OutSchema):
    id: int
    number: int
    marker: int = Field(validation_alias=AliasPath("marker", "number"))
    plies: int
    shade_lot: str
    ply_m: Decimal
    meters: Decimal
    offcut_kg: Decimal
    cut_at: UtcDatetime | None
    rolls: Rows[LayRollOut] = Field(validation_alias="roll_uses")


class CutPlanOut(OutSchema):
    id: int
    order_id: int
    pattern_version_id: int
    material_id: int
    colour: str
    demand: dict[str, int]
    status: str
    progress_pct: float
    progress_text: str
    error: str
    fabric_width_cm: Decimal
    margin_cm: Decimal
    spacing_cm: Decimal
    max_plies: int
    max_marker_length_cm: Decimal
    setup_cost_cm: Decimal
    overcut_max: int
    one_way: bool
    fabric_m: Decimal | None
    naive_fabric_m: Decimal | None
    saving_pct: float | None
    consumed_m: Decimal | None
    remnant_m: Decimal | None
    offcut_kg: Decimal | None
    recycler_id: int | None
    produced: dict[str, int]
    rolls: list[dict]
    markers: Rows[MarkerOut]
    lays: Rows[LayOut]
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
