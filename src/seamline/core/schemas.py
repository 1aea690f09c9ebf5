"""What every context's API schemas share: `OutSchema` and `Rows` for response bodies, `OrgRef`,
the RFC 9457 `Problem` body and `problems()` for declaring error codes, and `UtcDatetime`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from django.db.models import Manager
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = ["FieldProblem", "OrgRef", "OutSchema", "Problem", "Rows", "UtcDatetime", "problems"]

T = TypeVar("T")


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
