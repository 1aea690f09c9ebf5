"""Small checks shared by the services; each records a message per field instead of raising at once,
so one error can name every bad field."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .countries import ISO_3166_ALPHA2
from .errors import ValidationError

__all__ = ["ISO_3166_ALPHA2", "FieldErrors", "to_decimal"]


def to_decimal(value: Any, *, places: int) -> Decimal:
    """Decimal rounded to `places`; raises InvalidOperation/TypeError on junk (floats go through str)."""
    if isinstance(value, bool) or value is None:
        raise InvalidOperation
    d = Decimal(str(value).strip())
    if not d.is_finite():
        raise InvalidOperation
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class FieldErrors:
    """Collects field errors; `raise_if_any` raises one ValidationError naming them all."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def required(self, name: str, value: str | None) -> str:
        text = (value or "").strip()
        if not text:
            self.add(name, "This field is required.")
        return text

    def decimal(
        self,
        name: str,
        value: Any,
        *,
        places: int,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        strictly_positive: bool = False,
        unit: str = "",
    ) -> Decimal:
        """`unit` ("cm") follows the numbers of the range messages, so "at most 400 cm" reads as meant."""
        try:
            d = to_decimal(value, places=places)
        except (InvalidOperation, TypeError, ValueError):
            self.add(name, f"{value!r} is not a number.")
            return Decimal(0)
        u = f" {unit}" if unit else ""
        if strictly_positive and d <= 0:
            self.add(name, f"Must be greater than 0 (got {d}).")
        if min_value is not None and d < min_value:
            self.add(name, f"Must be at least {min_value}{u} (got {d}{u}).")
        if max_value is not None and d > max_value:
            self.add(name, f"Must be at most {max_value}{u} (got {d}{u}).")
        return d

    def positive_int(self, name: str, value: Any) -> int:
        try:
            n = int(value)
            if isinstance(value, bool) or str(n) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            self.add(name, f"{value!r} is not a whole number.")
            return 0
        if n <= 0:
            self.add(name, f"Must be greater than 0 (got {n}).")
        return n

    def int_at_least(self, name: str, value: Any, least: int) -> int:
        try:
            n = int(value)
            if isinstance(value, bool) or str(n) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            self.add(name, f"{value!r} is not a whole number.")
            return least
        if n < least:
            self.add(name, f"Must be at least {least} (got {n}).")
        return n

    def date(self, name: str, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except (TypeError, ValueError):
            self.add(name, f"{value!r} is not a date (YYYY-MM-DD).")
            return None

    def country(self, name: str, value: str | None) -> str:
        """An ISO 3166-1 alpha-2 code, upper-cased ("jp" -> "JP"); blank stays blank (an optional field)."""
        text = (value or "").strip()
        if text and text.upper() not in ISO_3166_ALPHA2:
            self.add(name, f"{text!r} is not an ISO 3166-1 country code (two letters, e.g. JP or US).")
        return text.upper()

    def raise_if_any(self, detail: str) -> None:
        if self.errors:
            raise ValidationError(detail, fields=self.errors)
