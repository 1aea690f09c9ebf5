"""The dashboard, and what every HTML view shares: the tenant guard, pagination, a 404 helper."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from seamline.accounts.access import require
from seamline.accounts.permissions import Permission
from seamline.catalog.selectors import fabric_on_hand
from seamline.facilities.models import FacilityKind
from seamline.facilities.selectors import facility_list
from seamline.production.selectors import order_counts_by_state, order_list

from .lamap import LA_BBOX, Place, bbox_around, kind_colour, la_map

PER_PAGE = 50
FABRIC_BARS = 8  # the dashboard shows the materials with the most meters; the rest are on the materials page
T = TypeVar("T")
View = Callable[..., HttpResponse]


def org_view(view: View) -> View:
    """Sign-in required, and an organization to act for; a user without one gets a page that says so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "organization", None) is None:
            return render(request, "core/no_organization.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


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


def requires(permission: Permission) -> Callable[[View], View]:
    """Under @org_view: answer 403 unless the user's role in the organization allows `permission`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def paginate(request: HttpRequest, rows: QuerySet | list, *, per_page: int = PER_PAGE) -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def facility_places(facilities: Iterable[Any]) -> list[Place]:
    """Facilities as map pins (duck-typed: anything with the Facility fields)."""
    return [
        Place(
            label=f.name,
            kind=f.kind,
            latitude=f.latitude,
            longitude=f.longitude,
            url=reverse("facilities:detail", args=[f.pk]),
            detail=f"{f.get_kind_display()} · {f.city} {f.zip_code} · {f.organization.name}",
        )
        for f in facilities
    ]


def map_legend(kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(label, colour) for each facility kind shown, in the kinds' declared order."""
    shown = set(kinds)
    return [(label, kind_colour(value)) for value, label in FacilityKind.choices if value in shown]


def facility_maps(facilities: Iterable[Any]) -> dict[str, Any]:
    """Context for core/_maps.html: Los Angeles with the facilities, and a close-up when they cluster."""
    facilities = list(facilities)
    places = facility_places(facilities)
    overview = la_map(places)
    closeup = None
    if overview.markers:
        points = [(m.place.latitude, m.place.longitude) for m in overview.markers]
        frame = bbox_around(points, margin=0.015, aspect=overview.height / overview.width)
        if frame.north - frame.south < (LA_BBOX.north - LA_BBOX.south) / 2:
            closeup = la_map(
                [m.place for m in overview.markers], bbox=frame, spread_radius=14, with_labels=True
            )
    return {"lamap": overview, "closeup": closeup, "legend": map_legend(f.kind for f in facilities)}


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
    return render(request, "core/dashboard.html", context)
