"""Facilities on the map of Los Angeles (core.lamap draws it): pins, the legend, and a close-up when
they cluster."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from seamline.core.lamap import LA_BBOX, Place, bbox_around, kind_colour, la_map

from .models import FacilityKind

__all__ = ["facility_maps", "facility_places", "map_legend"]


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
