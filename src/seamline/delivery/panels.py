"""What delivery adds to the pages of contexts below it (core.panels): a drop's lead time to the doorstep."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from .selectors import drop_lead_times

__all__ = ["drop_lead_time_panel"]


def drop_lead_time_panel(request: HttpRequest, drop: Any) -> str:
    """Funded → doorstep on a drop's dashboard: the share delivered within 7 days, median and 90th
    percentile; nothing before the drop is funded or when it has no local pre-orders."""
    if drop.funded_at is None:
        return ""
    times = drop_lead_times(drop=drop)
    if not times.local:
        return ""
    return render_to_string("delivery/_lead_time.html", {"times": times}, request=request)
