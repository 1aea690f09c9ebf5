"""What every context's API schemas share: `InSchema` and its value types for request bodies, `OutSchema`
and `Rows` for response bodies, `OrgRef`, the RFC 9457 `Problem` body and `problems()` for declaring error
codes, `UtcDatetime`, and the bounds of what the databases store (`Id`, `MAX_ID`, `MAX_INT`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db.models import Manager
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict

__all__ = [
    "MAX_ID",
    "MAX_INT",
    "AwareIsoDatetime",
    "DecimalIn",
    "FieldProblem",
    "Id",
    "InSchema",
    "IsoDate",
    "IsoDatetime",
    "OrgRef",
    "OutSchema",
    "Problem",
    "Rows",
    "UtcDatetime",
    "problems",
]

T = TypeVar("T")

# What the databases store: a primary key (BigAutoField) up to 2^63 - 1, an IntegerField up to 2^31 - 1 on
# PostgreSQL. A larger number in a path, a query or a body is a 422 naming it, not a database error.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Text like 2026-03-01 -> date; a number (lax pydantic read 0 as 1970-01-01) or a datetime is refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    raise ValueError("Give a date as YYYY-MM-DD.")


def _iso_datetime(value: Any) -> Any:
    """An ISO 8601 text -> datetime; a number (a Unix time to lax pydantic) is refused."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("Give a date and time in ISO 8601, e.g. 2026-03-01T09:00:00-08:00.")


# The value types of InSchema's fields that are not JSON types: JSON carries them as text only.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_datetime)]
AwareIsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]
# A decimal as a JSON string ("1.700", exact) or number; not a boolean.
DecimalIn = Annotated[Decimal, Strict(False)]


class InSchema(Schema):
    """Base of every request body: JSON types taken as they are, never converted.

    pydantic's lax mode reads "1" and true as the integer 1, and 0 as the date 1970-01-01; a client that sends
    them has a bug we should name (422), not guess around. Fields that JSON has no type for use the types
    above: `IsoDate`, `IsoDatetime` / `AwareIsoDatetime` (ISO text only) and `DecimalIn`.
    """

    model_config = ConfigDict(strict=True)


class OutSchema(BaseModel):
    """Base of every response body: plain pydantic reading model attributes in its Rust core.

    Not ninja's `Schema`, which wraps each object in a Python `DjangoGetter` (about 0.1 ms a list row).
    A value computed from a record is a model property, an `AliasPath` (`AliasPath("variant", "sku")`)
    or a `field_validator`; `info.context["request"]` is the request.
    """

    model_config = ConfigDict(from_attributes=True)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rows(value: Any) -> Any:
    """A related manager (`material.certifications`) becomes the list of its rows (prefetched ones if so)."""
    return list(value.all()) if isinstance(value, Manager) else value


# Every datetime leaves the API in UTC (ISO 8601, "Z"), whatever zone it was given in.
UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]
# A list read from a to-many relation of the record: `certifications: Rows[CertificationOut]`.
Rows = Annotated[list[T], BeforeValidator(_rows)]


class FieldProblem(OutSchema):
    field: str
    message: str


class Problem(OutSchema):
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


class OrgRef(OutSchema):
    id: int
    name: str
