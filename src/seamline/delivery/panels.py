"""What delivery adds to the pages of contexts below it (core.panels): a drop's lead time to the doorstep, and
on a customer's order page the link to follow their parcel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from .selectors import drop_lead_times, tracking_by_token

__all__ = ["drop_lead_time_panel", "preorder_tracking_panel"]


def drop_lead_time_panel(request: HttpRequest, drop: Any) -> str:
    """Funded → doorstep on a drop's dashboard: the share delivered within 7 days, median and 90th
    percentile; nothing before the drop is funded or when it has no local pre-orders."""
    if drop.funded_at is None:
        return ""
    times = drop_lead_times(drop=drop)
    if not times.local:
        return ""
    return render_to_string("delivery/_lead_time.html", {"times": times}, request=request)


def preorder_tracking_panel(request: HttpRequest, preorder: Any) -> str:
    """ "Track your delivery" on the customer's order page once their parcel is packed, with where it is;
    nothing before (or for a pre-order that ships by post)."""
    tracking = tracking_by_token(token=preorder.access_token)
    if tracking is None:
        return ""
    return render_to_string(
        "delivery/_tracking_link.html", {"t": tracking, "token": preorder.access_token}, request=request
    )
