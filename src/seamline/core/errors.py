"""The one error hierarchy of Seamline's domain.

Services raise these; the API turns them into RFC 9457 problem details, the HTML views into
form errors, and the CLI into one line and exit status 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

__all__ = ["ConflictError", "DomainError", "ForbiddenError", "NotFoundError", "ValidationError", "found"]

T = TypeVar("T")


class DomainError(Exception):
    """Base of every error a use case may raise on purpose."""

    status = 400
    code = "domain-error"
    title = "The request cannot be carried out"

    def __init__(self, detail: str, *, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields: dict[str, str] = dict(fields or {})

    def __str__(self) -> str:
        if not self.fields:
            return self.detail
        named = "; ".join(f"{name}: {msg}" for name, msg in self.fields.items())
        return f"{self.detail} ({named})"


class ValidationError(DomainError):
    """Input that breaks a rule; `fields` maps each offending field to what is wrong with it."""

    status = 422
    code = "validation-error"
    title = "Invalid input"


class ConflictError(DomainError):
    """The request clashes with the current state (an illegal transition, a duplicate)."""

    status = 409
    code = "conflict"
    title = "Conflict with the current state"


class NotFoundError(DomainError, Http404):
    """A record that does not exist or belongs to another organization (both look the same).

    Also an Http404, so an HTML view that lets it through answers Django's 404 page.
    """

    status = 404
    code = "not-found"
    title = "Not found"


class ForbiddenError(DomainError, PermissionDenied):
    """The caller may see the record or page but their role or organization may not do this (403)."""

    status = 403
    code = "forbidden"
    title = "Not allowed"


def found(obj: T | None, what: str = "record") -> T:
    """`obj`, or NotFoundError: another organization's record looks exactly like a missing one."""
    if obj is None:
        raise NotFoundError(f"No such {what}.")
    return obj
