"""What fit sessions add to the pages of contexts below (core.panels): on a drop's public page, what changed
because of the comments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from .change_selectors import drop_change_notes

__all__ = ["drop_changes_panel"]


def drop_changes_panel(request: HttpRequest, drop: Any) -> str:
    """ "Neckline 2 cm deeper, after your comments": the approved changes of the drop's live fittings (or of
    its style); nothing when there are none."""
    notes = drop_change_notes(drop=drop)
    if not notes:
        return ""
    return render_to_string("fitting/_drop_changes.html", {"notes": notes}, request=request)
