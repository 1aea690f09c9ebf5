"""Schemas of the accounts API, and the small pieces every context's API shares.

The shared pieces live here because every context already depends on accounts (organizations):
`OrgRef`, the RFC 9457 `Problem` body and `problems()` for declaring error codes, and `UtcDatetime`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator

__all__ = [
    "FactoryOut",
    "FieldProblem",
    "MeOut",
    "OrgRef",
    "OrganizationOut",
    "Problem",
    "UtcDatetime",
    "problems",
]


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Every datetime leaves the API in UTC (ISO 8601, "Z"), whatever zone it was given in.
UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


def problems(*codes: int) -> dict[int, type[Problem]]:
    """Response declarations for error codes: `response={200: Out, **problems(401, 404)}`."""
    return dict.fromkeys(codes, Problem)


class OrgRef(Schema):
    id: int
    name: str


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    created_at: UtcDatetime


class MeOut(Schema):
    organization: OrganizationOut
    auth: Literal["token", "session"]
    token_name: str | None = None


class FactoryOut(Schema):
    id: int
    name: str
    slug: str
