"""Form helpers shared by the HTML views: domain errors shown next to the fields they name."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from .errors import DomainError

__all__ = ["add_domain_error", "split_csv", "submit"]

T = TypeVar("T")

_LIST_ITEM = re.compile(r"\[(?P<index>\d+)\]\.?(?P<attr>\w*)")


def add_domain_error(
    form: forms.Form, exc: DomainError, *, field_for: Callable[[str], str | None] | None = None
) -> None:
    """Copy `exc` onto `form`: each of `exc.fields` next to its field, the rest (and the summary) on top.

    A service names nested fields with dots ("composition.cotton", "quantities.CJ-01-INDIGO-S") and list items
    with indices ("operations[2].sam"); the part before them is tried as the form field unless `field_for`
    maps the name itself, and an index becomes "Line 3 (sam): …" since a textarea holds the list.
    """
    form.add_error(None, exc.detail)
    for name, message in exc.fields.items():
        target = field_for(name) if field_for else None
        if target is None and name in form.fields:
            target = name
        elif target is None:
            head, tail = _split(name)
            if head in form.fields:
                target = head
                line = _LIST_ITEM.fullmatch(tail)
                if line:
                    message = f"Line {int(line['index']) + 1} ({line['attr'] or 'item'}): {message}"
                elif tail:
                    message = f"{tail}: {message}"
        form.add_error(target if target in form.fields else None, message)


def submit(
    form: forms.Form,
    write: Callable[[dict[str, Any]], T],
    *,
    field_for: Callable[[str], str | None] | None = None,
) -> T | None:
    """`write(form.cleaned_data)` when the form is valid; a DomainError it raises lands on the form. None when
    the form or the write failed (the view then re-renders the form with status 422)."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc, field_for=field_for)
        return None


def _split(name: str) -> tuple[str, str]:
    """'composition.cotton' -> ('composition', 'cotton'); 'operations[2].sam' -> ('operations', '[2].sam')."""
    cut = min((i for i in (name.find("."), name.find("[")) if i >= 0), default=len(name))
    return name[:cut], name[cut:].lstrip(".")


def split_csv(value: str) -> list[str]:
    """'XS, S ,M,' -> ['XS', 'S', 'M']."""
    return [part.strip() for part in value.split(",") if part.strip()]
