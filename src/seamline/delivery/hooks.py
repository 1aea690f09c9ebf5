"""What local delivery announces to the contexts above it (core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from seamline.core.hooks import Hook

__all__ = ["RouteEstimate", "parcel_delivered", "route_footprint"]


@dataclass
class RouteEstimate:
    """A planned route's kg CO2e, filled in by whoever knows the factors (the footprint)."""

    vehicle_kind: str
    km: Decimal
    co2e_kg: Decimal | None = None
    basis: str = "no footprint reaction installed"
    sourced: bool = False


# run(estimate) for each route a plan saves, inside its transaction: the footprint fills in the kg CO2e.
route_footprint = Hook("route footprint")
# run(parcel) inside the delivery's transaction: the passport drops the cached pages of its garments.
parcel_delivered = Hook("parcel delivered")
