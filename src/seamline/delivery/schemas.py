"""Schemas of the local-delivery API."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Literal

from pydantic import AliasPath, Field, field_validator

from seamline.core.schemas import DecimalIn, Id, InSchema, IsoDate, OutSchema, Rows, UtcDatetime

__all__ = [
    "ActionOut",
    "AddressIn",
    "CourierIn",
    "CourierOut",
    "NotDeliveredIn",
    "ParcelOut",
    "ParcelsMadeOut",
    "PlanIn",
    "PlanOut",
    "RouteOut",
    "RoutingTransfersIn",
    "StopOut",
    "TrackingOut",
    "TransferIn",
    "TransferOut",
    "VehicleIn",
    "VehicleOut",
]

VehicleKind = Literal["e_cargo_bike", "e_van", "car"]
ParcelStatus = Literal["ready", "on_vehicle", "delivered", "failed"]
Reason = Literal["nobody_home", "wrong_code", "no_access", "refused", "address", "other"]


class Ref(OutSchema):
    id: int
    name: str


class CourierIn(InSchema):
    name: str = Field(max_length=200)
    company: str = Field("", max_length=200, description="the courier company, when not the factory's staff")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=150, description="with password: the courier's own login")
    password: str = Field("", max_length=128)


class CourierOut(OutSchema):
    id: int
    name: str
    company: str
    phone: str
    login: str | None = Field(description="the courier's sign-in e-mail, if they have one")
    active: bool


class VehicleIn(InSchema):
    name: str = Field(max_length=100)
    kind: VehicleKind
    start_facility_id: Id = Field(description="where the shift starts: the courier hub")
    end_facility_id: Id | None = Field(None, description="where it ends (default: where it starts)")
    courier_id: Id | None = None
    profile: str | None = Field(None, max_length=16, description="travel-matrix profile (default by kind)")
    capacity_parcels: int | None = Field(None, ge=1, le=10_000)
    capacity_kg: DecimalIn | None = None
    speed_kmh: DecimalIn | None = None
    range_km: DecimalIn | None = None
    shift_start: str = Field("09:00", pattern=r"^\d{1,2}:\d{2}$")
    shift_end: str = Field("17:00", pattern=r"^\d{1,2}:\d{2}$")
    break_start: str | None = Field(None, pattern=r"^\d{1,2}:\d{2}$")
    break_end: str | None = Field(None, pattern=r"^\d{1,2}:\d{2}$")
    break_minutes: int = Field(0, ge=0, le=240)


class VehicleOut(OutSchema):
    id: int
    name: str
    kind: VehicleKind
    profile: str
    capacity_parcels: int
    capacity_kg: Decimal
    speed_kmh: Decimal
    range_km: Decimal | None
    shift_start: time
    shift_end: time
    break_start: time | None
    break_end: time | None
    break_minutes: int
    start_facility: Ref
    end_facility: Ref
    courier: Ref | None
    active: bool


class GarmentRef(OutSchema):
    label: str = Field(validation_alias=AliasPath("garment", "label"))
    epc: str = Field(validation_alias=AliasPath("garment", "epc_uri"))


class ParcelOut(OutSchema):
    id: int
    label: str
    status: ParcelStatus
    order: str = Field(validation_alias=AliasPath("order", "number"))
    preorder_id: int
    epc: str = Field(validation_alias="epc_uri")
    street: str
    city: str
    zip_code: str
    latitude: float
    longitude: float
    precision: Literal["zip_centroid", "doorstep"] = Field(
        description="zip_centroid: the ZIP's centre from offline data, not the door"
    )
    window_start: time
    window_end: time
    weight_kg: Decimal
    code_required: bool
    code_sent_at: UtcDatetime | None
    next_attempt_on: date | None
    delivered_at: UtcDatetime | None
    garments: Rows[GarmentRef] = Field(validation_alias="items")


class ParcelsMadeOut(OutSchema):
    parcels: list[ParcelOut]
    waiting: list[int] = Field(description="local pre-orders whose garments are not all packed yet")


class AddressIn(InSchema):
    street: str = Field(max_length=200)
    zip_code: str = Field(max_length=10)
    city: str = Field("", max_length=100)


class TransferIn(InSchema):
    origin_id: Id
    destination_id: Id
    day: IsoDate
    weight_kg: DecimalIn
    parcels: int = Field(1, ge=1, le=1000, description="boxes or bags")
    description: str = Field("", max_length=200)
    order_id: Id | None = Field(None, description="the production order whose work it carries")


class RoutingTransfersIn(InSchema):
    day: IsoDate
    kg_per_garment: DecimalIn | None = Field(None, description="default: from the style's fabrics")


class TransferOut(OutSchema):
    id: int
    label: str
    description: str
    origin: Ref
    destination: Ref
    day: date
    weight_kg: Decimal
    parcels: int
    status: Literal["pending", "on_vehicle", "delivered"]
    delivered_at: UtcDatetime | None


class PlanIn(InSchema):
    day: IsoDate
    seconds: DecimalIn = Field(Decimal(5), description="the planner's time budget, at most 60 s")


class ParcelRef(OutSchema):
    id: int
    label: str
    street: str
    city: str
    zip_code: str
    precision: str


class StopOut(OutSchema):
    id: int
    sequence: int
    kind: Literal["start", "parcel", "pickup", "dropoff", "break", "end"]
    status: Literal["pending", "picked_up", "delivered", "failed"]
    parcel: ParcelRef | None
    transfer_id: int | None
    facility: Ref | None
    latitude: float
    longitude: float
    planned_arrival: UtcDatetime
    service_s: int
    window_start: UtcDatetime | None
    window_end: UtcDatetime | None
    distance_m: int
    arrived_at: UtcDatetime | None
    done_at: UtcDatetime | None


class VehicleRef(OutSchema):
    id: int
    name: str
    kind: VehicleKind


class RouteOut(OutSchema):
    id: int
    plan_id: int
    number: int
    vehicle: VehicleRef
    courier: Ref | None
    km: Decimal
    duration_s: int
    co2e_kg: Decimal | None
    co2e_basis: str
    co2e_sourced: bool = Field(description="false: the figure rests on an unsourced estimate")
    departed_at: UtcDatetime | None
    stops: Rows[StopOut]


class UnassignedOut(OutSchema):
    parcel_id: int | None
    transfer_id: int | None
    reason: str = Field(description="window, too_heavy, out_of_range, skills, fleet_full or shift")
    detail: str


class PlanOut(OutSchema):
    id: int
    day: date
    status: Literal["queued", "running", "done", "failed"]
    progress_text: str
    replan_of_id: int | None
    solver: str
    seconds: float
    elapsed_s: float | None
    error: str
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    url: str = Field(validation_alias="pk", description="poll this for the plan's status")
    routes: Rows[RouteOut] = []
    unassigned: Rows[UnassignedOut] = []

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, pk: int) -> str:
        return f"/api/v1/delivery-plans/{pk}"


class ActionOut(OutSchema):
    changed: bool = Field(description="false: the stop was already so (a retried or double-tapped action)")
    stop: StopOut


class NotDeliveredIn(InSchema):
    reason: Reason
    next_attempt_on: IsoDate
    note: str = Field("", max_length=300)


class ProofOut(OutSchema):
    photo_sha256: str
    recipient_name: str
    code_checked: bool
    at: UtcDatetime


class TrackingOut(OutSchema):
    parcel: str = Field(validation_alias=AliasPath("parcel", "label"))
    state: Literal["packed", "planned", "on_the_way", "delivered", "not_delivered"]
    window: tuple[time, time]
    day: date | None
    planned_arrival: UtcDatetime | None
    stops_away: int | None
    proof: ProofOut | None
