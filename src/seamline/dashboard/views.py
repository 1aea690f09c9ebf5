"""The dashboard reads across contexts (orders, fabric, facilities): it sits above them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seamline.accounts.access import org_view
from seamline.catalog.selectors import fabric_on_hand
from seamline.facilities.maps import facility_maps
from seamline.facilities.selectors import facility_list
from seamline.production.selectors import order_counts_by_state, order_list

FABRIC_BARS = 8  # the dashboard shows the materials with the most meters; the rest are on the materials page


@org_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open orders by state, fabric on hand, and the facilities on a map of Los Angeles."""
    org = request.organization  # type: ignore[attr-defined]
    counts = order_counts_by_state(organization=org)
    fabric = fabric_on_hand(organization=org)
    shown_fabric = fabric[:FABRIC_BARS]
    facilities = list(facility_list(organization=org))
    top_count = max((n for _, n in counts), default=0) or 1
    top_meters = max((r["meters"] for r in fabric), default=0) or 1
    context = {
        "counts": [(state, n, round(100 * n / top_count)) for state, n in counts],
        "open_total": sum(n for _, n in counts),
        "fabric": [{**r, "pct": round(100 * r["meters"] / top_meters, 1)} for r in shown_fabric],
        "fabric_more": len(fabric) - len(shown_fabric),
        "fabric_total": sum((r["meters"] for r in fabric), 0),
        **facility_maps(facilities),
        "facility_count": len(facilities),
        "recent_orders": order_list(organization=org)[:5],
    }
    return render(request, "dashboard/dashboard.html", context)
