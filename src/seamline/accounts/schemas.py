"""Schemas of the accounts API."""

from __future__ import annotations

from typing import Literal

from seamline.core.schemas import OutSchema, UtcDatetime

__all__ = ["FactoryOut", "MeOut", "OrganizationOut"]


class OrganizationOut(OutSchema):
    id: int
    name: str
    slug: str
    kind: str
    created_at: UtcDatetime


class MeOut(OutSchema):
    organization: OrganizationOut
    auth: Literal["token", "session"]
    token_name: str | None = None


class FactoryOut(OutSchema):
    id: int
    name: str
    slug: str
