"""What every HTML view shares: the style chosen in a form, and pagination."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

__all__ = ["PER_PAGE", "chosen_style", "paginate"]

PER_PAGE = 50


def chosen_style(request: HttpRequest, styles: QuerySet) -> Any:
    """The style picked in a form (POST) or a link (?style=), with its variants; on a first GET, the only one
    when there is just one. None otherwise."""
    raw = request.POST.get("style") or request.GET.get("style")
    if raw and raw.isdigit():
        return styles.filter(pk=int(raw)).prefetch_related("variants").first()
    if not raw and request.method == "GET":
        only = list(styles.prefetch_related("variants")[:2])
        return only[0] if len(only) == 1 else None
    return None


def paginate(request: HttpRequest, rows: QuerySet | list, *, per_page: int = PER_PAGE) -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
