"""Use cases that write a style's spec sheet: a point of measure added, edited or deleted, and the whole
sheet imported from CSV (specsheet.py reads it)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from seamline.accounts.models import Organization
from seamline.catalog.models import Style
from seamline.core.errors import ForbiddenError, ValidationError

from .models import PointOfMeasure
from .specsheet import PomLine, SpecSheetError, check_pom, parse_spec_csv

__all__ = ["MAX_SPEC_BYTES", "pom_delete", "pom_save", "spec_import"]

MAX_SPEC_BYTES = 512 * 1024  # 500 lines of a spec sheet are ~60 kB


def _brand_only(style: Style, organization: Organization) -> None:
    if organization.pk != style.organization_id:
        raise ForbiddenError("Only the brand that owns the style edits its spec sheet.")


def _values_json(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {size: str(value) for size, value in values.items()}


def _apply(point: PointOfMeasure, line: PomLine) -> None:
    point.code, point.name, point.how_to_measure = line.code, line.name, line.how_to_measure
    point.tolerance_cm, point.critical, point.subject = line.tolerance_cm, line.critical, line.subject
    point.values = _values_json(line.values)


@transaction.atomic
def pom_save(
    *,
    style: Style,
    organization: Organization,
    fields: Mapping[str, Any],
    point: PointOfMeasure | None = None,
    by: AbstractBaseUser | None = None,
) -> PointOfMeasure:
    """Add a point of measure to the style's sheet (``point`` None) or change one. ``fields``: code, name,
    how_to_measure, tolerance_cm, critical, subject and one value per size (text, as a form sends them).
    ValidationError naming each bad field; a code another point of the sheet has is refused."""
    _brand_only(style, organization)
    if point is not None and point.style_id != style.pk:
        raise ForbiddenError("This point of measure is another style's.")
    text = {k: "yes" if v is True else "no" if v is False else str(v or "") for k, v in fields.items()}
    line, problems = check_pom(text, style.sizes)
    others = PointOfMeasure.objects.filter(style=style).exclude(pk=point.pk if point else None)
    if line is not None and others.filter(code__iexact=line.code).exists():
        problems = {"code": f"{line.code} is on the sheet already"}
    if problems or line is None:
        raise ValidationError("The point of measure is not valid", fields=problems)
    if point is None:
        last = PointOfMeasure.objects.filter(style=style).aggregate(n=Max("position"))["n"]
        point = PointOfMeasure(style=style, position=(last or 0) + 1, tolerance_cm=line.tolerance_cm)
    _apply(point, line)
    point.save()
    return point


@transaction.atomic
def pom_delete(*, point: PointOfMeasure, organization: Organization) -> None:
    """Take a point off the sheet (its measurements of samples go with it)."""
    _brand_only(point.style, organization)
    point.delete()


@transaction.atomic
def spec_import(
    *, style: Style, text: str | bytes, organization: Organization, by: AbstractBaseUser | None = None
) -> list[PointOfMeasure]:
    """Replace the style's spec sheet with a CSV's (specsheet.py's columns), in one transaction.

    A point whose code is on the sheet already is updated in place (its samples' measurements stay);
    new codes are added; points the file leaves out are deleted. ValidationError naming every bad line and
    column (line 1 is the header), a size column that is not the style's, or a file that is too large;
    nothing changes then."""
    _brand_only(style, organization)
    if len(text) > MAX_SPEC_BYTES:
        raise ValidationError(
            "The spec sheet cannot be imported",
            fields={"csv": f"{len(text):,} bytes, more than the {MAX_SPEC_BYTES:,} a spec sheet may be"},
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The spec sheet cannot be imported",
                fields={"csv": f"not UTF-8 text (byte {exc.start}): save the sheet as CSV UTF-8"},
            ) from exc
    if "\x00" in text:
        raise ValidationError("The spec sheet cannot be imported", fields={"csv": "a NUL character"})
    try:
        lines = parse_spec_csv(text, style.sizes)
    except SpecSheetError as exc:
        raise ValidationError(
            f"The spec sheet cannot be imported: {len(exc.problems)} problem"
            f"{'' if len(exc.problems) == 1 else 's'}, nothing was changed",
            fields={f"line {n}, {col}": f"Line {n}, column {col}: {msg}" for n, col, msg in exc.problems},
        ) from exc
    Style.objects.select_for_update().filter(pk=style.pk).first()  # one import of a sheet at a time
    existing = {p.code.upper(): p for p in PointOfMeasure.objects.filter(style=style)}
    keep = {line.code.upper() for line in lines}
    PointOfMeasure.objects.filter(pk__in=[p.pk for c, p in existing.items() if c not in keep]).delete()
    saved = []
    for position, line in enumerate(lines, start=1):
        point = existing.get(line.code.upper()) or PointOfMeasure(style=style, tolerance_cm=line.tolerance_cm)
        _apply(point, line)
        point.position = position
        point.save()
        saved.append(point)
    return saved
