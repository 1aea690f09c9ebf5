"""The offshore baseline: the same garment made in another country and shipped to Los Angeles.

Same bill of materials and consumption (the material chain and every process quantity are the local
run's), with two differences only: electricity on the origin country's grid, and the transport legs
(factory -> export port by truck, container ship to the Port of Los Angeles, truck to a warehouse in
the Inland Empire). The warehouse-to-customer delivery is the local run's own delivery activities.

Distances are estimates computed here from coordinates, not taken from a port-distance table:
- sea legs: great-circle segments through the waypoints a container route takes (Strait of Malacca,
  Singapore Strait, Luzon Strait), so they are a lower bound of the real track (published tables give
  Hong Kong - Los Angeles about 6,380 nmi; our Nansha route gives about 6,570 nmi);
- road legs: great-circle x 1.3, a usual road circuity factor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from seamline.footprint.calc import Activity, stage

if TYPE_CHECKING:
    from seamline.footprint.factors import Registry

GRID_PREFIX = "electricity.grid."
TRANSPORT_PREFIX = "transport:"  # local legs between facilities; the baseline replaces them
TRUCK_FACTOR = "transport.road.truck"
SEA_FACTOR = "transport.sea.container"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
ROAD_CIRCUITY = 1.3
# A packed garment; pass the measured mass (recorded at packing) when there is one.
DEFAULT_SHIPPED_KG_PER_GARMENT = Decimal("1.0")

LatLon = tuple[float, float]
PORT_OF_LOS_ANGELES: LatLon = (33.74, -118.27)
INLAND_EMPIRE_WAREHOUSE: LatLon = (34.06, -117.65)  # Ontario, CA: where import cargo is warehoused
DOWNTOWN_LOS_ANGELES: LatLon = (34.03, -118.25)  # the garment district
# Every Asian route here passes the Luzon Strait; a port's route to it, joined to another's, gives the route
# between them (a lower bound of the sailed track, like every sea distance here).
LUZON_STRAIT: LatLon = (20.5, 121.0)


@dataclass(frozen=True)
class Port:
    """A port fabric ships from (UN/LOCODE), with its waypoints to the Luzon Strait and to Los Angeles."""

    locode: str
    name: str
    at: LatLon
    to_hub: tuple[LatLon, ...]  # waypoints between the port and the Luzon Strait
    via_hub_to_la: bool  # False: the great circle across the North Pacific


PORTS: dict[str, Port] = {
    port.locode: port
    for port in (
        Port("JPUKB", "Kobe", (34.68, 135.20), ((33.9, 135.0),), False),  # out through the Kii Channel
        Port("CNNGB", "Ningbo", (29.87, 121.88), (), False),
        Port("CNNSA", "Nansha", (22.75, 113.62), ((21.9, 113.9),), True),
        Port("BDCGP", "Chattogram", (22.27, 91.80), ((6.0, 94.5), (2.5, 101.0), (1.2, 104.0)), True),
        Port("INMAA", "Chennai", (13.08, 80.29), ((6.0, 94.5), (2.5, 101.0), (1.2, 104.0)), True),
    )
}
LOS_ANGELES_LOCODE = "USLAX"


def port_name(locode: str) -> str:
    port = PORTS.get(locode)
    return f"{port.name} ({locode})" if port else locode


def _port(locode: str) -> Port:
    try:
        return PORTS[locode]
    except KeyError:
        raise ValueError(f"no sea route from port {locode!r}; known: {', '.join(sorted(PORTS))}") from None


def sea_km_between(origin: str, destination: str) -> Decimal:
    """Sea km between two ports by UN/LOCODE (USLAX for Los Angeles), through their route waypoints."""
    if origin == destination:
        return Decimal(0)
    a = _port(origin)
    if destination == LOS_ANGELES_LOCODE:
        if a.via_hub_to_la:
            return route_km([a.at, *a.to_hub, LUZON_STRAIT, PORT_OF_LOS_ANGELES])
        return route_km([a.at, *a.to_hub, PORT_OF_LOS_ANGELES] if a.to_hub else [a.at, PORT_OF_LOS_ANGELES])
    b = _port(destination)
    return route_km([a.at, *a.to_hub, LUZON_STRAIT, *reversed(b.to_hub), b.at])


def great_circle_km(a: LatLon, b: LatLon) -> float:
    """Haversine distance on the mean-radius sphere."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def route_km(waypoints: Sequence[LatLon], *, circuity: float = 1.0) -> Decimal:
    """Length of a route through waypoints (great-circle segments x circuity), in whole km."""
    km = sum(great_circle_km(waypoints[i], waypoints[i + 1]) for i in range(len(waypoints) - 1))
    return Decimal(round(km * circuity))


@dataclass(frozen=True)
class Leg:
    """One transport leg of the offshore garment (quantity in t.km from the shipped mass)."""

    step: str
    factor_id: str
    distance_km: Decimal
    note: str  # where the distance comes from


@dataclass(frozen=True)
class Origin:
    country: str  # ISO 3166 alpha-2
    city: str
    port: str
    legs: tuple[Leg, ...]
    port_locode: str = ""


def _origin(
    country: str, city: str, city_at: LatLon, port: str, sea_route: Sequence[LatLon], locode: str
) -> Origin:
    port_at = sea_route[0]
    return Origin(
        country,
        city,
        port,
        (
            Leg(
                "transport:factory-port",
                TRUCK_FACTOR,
                route_km([city_at, port_at], circuity=ROAD_CIRCUITY),
                f"{city} to {port}: great-circle x {ROAD_CIRCUITY} road circuity (estimate)",
            ),
            Leg(
                "transport:ocean",
                SEA_FACTOR,
                route_km(sea_route),
                f"{port} to the Port of Los Angeles: great-circle segments through {len(sea_route) - 2} "
                "route waypoints (estimate, a lower bound of the sailed track)",
            ),
            Leg(
                "transport:port-warehouse",
                TRUCK_FACTOR,
                route_km([PORT_OF_LOS_ANGELES, INLAND_EMPIRE_WAREHOUSE], circuity=ROAD_CIRCUITY),
                f"Port of Los Angeles to a warehouse in Ontario, CA: great-circle x {ROAD_CIRCUITY} (est.)",
            ),
        ),
        locode,
    )


ORIGINS: dict[str, Origin] = {
    "BD": _origin(
        "BD",
        "Dhaka",
        (23.81, 90.41),
        "Chattogram port",
        # Chattogram -> Six Degree Channel -> Strait of Malacca -> Singapore Strait -> Luzon Strait -> LA
        [(22.27, 91.80), (6.0, 94.5), (2.5, 101.0), (1.2, 104.0), (20.5, 121.0), PORT_OF_LOS_ANGELES],
        "BDCGP",
    ),
    "CN": _origin(
        "CN",
        "Guangzhou",
        (23.13, 113.26),
        "Nansha port",
        # Nansha -> Pearl River estuary mouth -> Luzon Strait -> LA
        [(22.75, 113.62), (21.9, 113.9), (20.5, 121.0), PORT_OF_LOS_ANGELES],
        "CNNSA",
    ),
}
DEFAULT_BASELINES = ("BD", "CN")


def grid_factor_id(country: str) -> str:
    return f"{GRID_PREFIX}{country.lower()}"


def offshore_baseline(
    local_activities: Sequence[Activity],
    *,
    country: str,
    registry: Registry,
    legs: Sequence[Leg] | None = None,
    shipped_kg_per_garment: Decimal = DEFAULT_SHIPPED_KG_PER_GARMENT,
    fabric_kg: Decimal = Decimal(0),
    mill_port: str = "",
) -> list[Activity]:
    """The activities of the same garment made in ``country`` (ISO alpha-2) and shipped to Los Angeles.

    Grid electricity of the making switches to the country's grid factor (the delivery van still runs
    in Los Angeles); the local "transport:*" legs (the fabric's way in and the moves between facilities)
    are replaced by ``legs`` (the country's default legs when None), preceded by ``fabric_kg`` of fabric
    shipped from ``mill_port`` to the country's port and trucked to its factory, placed where the first
    local leg was (or before the delivery); everything else is kept as it is.
    """
    code = country.upper()
    if legs is None:
        if code not in ORIGINS:
            raise ValueError(
                f"no offshore baseline for country {country!r}; known: {', '.join(sorted(ORIGINS))}"
            )
        legs = ORIGINS[code].legs
    grid = grid_factor_id(code)
    if grid not in registry.factors:
        known = sorted(
            fid.removeprefix(GRID_PREFIX).upper() for fid in registry.factors if fid.startswith(GRID_PREFIX)
        )
        raise ValueError(f"no grid factor {grid!r} for country {country!r}; known: {', '.join(known)}")
    shipped_t = shipped_kg_per_garment / 1000
    leg_activities = _inbound(code, legs, fabric_kg, mill_port) + [
        Activity(
            leg.step,
            leg.factor_id,
            shipped_t * leg.distance_km,
            "t.km",
            f"baseline {code}: {shipped_kg_per_garment} kg shipped x {leg.distance_km} km ({leg.note})",
            False,
            distance_km=leg.distance_km,
        )
        for leg in legs
    ]

    result: list[Activity] = []
    legs_placed = False
    for activity in local_activities:
        if activity.step.startswith(TRANSPORT_PREFIX):
            if not legs_placed:
                result.extend(leg_activities)
                legs_placed = True
            continue
        if activity.factor_id.startswith(GRID_PREFIX) and stage(activity.step) == "production":
            activity = replace(
                activity, factor_id=grid, source=f"{activity.source}; baseline {code}: on the {code} grid"
            )
        elif activity.step == "delivery" and not legs_placed:
            result.extend(leg_activities)
            legs_placed = True
        result.append(activity)
    if not legs_placed:
        result.extend(leg_activities)
    return result


def _inbound(code: str, legs: Sequence[Leg], fabric_kg: Decimal, mill_port: str) -> list[Activity]:
    """The fabric's way from the mill's port to the offshore factory: by sea to its port, then by truck."""
    origin = ORIGINS.get(code)
    if not mill_port or fabric_kg <= 0 or origin is None or not origin.port_locode:
        return []
    tonnes = fabric_kg / 1000
    sea_km = sea_km_between(mill_port, origin.port_locode)
    road_km = next((leg.distance_km for leg in legs if leg.step == "transport:factory-port"), Decimal(0))
    out = []
    if sea_km:
        out.append(
            Activity(
                "transport:inbound fabric",
                SEA_FACTOR,
                tonnes * sea_km,
                "t.km",
                f"baseline {code}: {fabric_kg} kg of fabric, {port_name(mill_port)} to "
                f"{port_name(origin.port_locode)}, {sea_km} km (great-circle through waypoints, an estimate)",
                False,
                distance_km=sea_km,
            )
        )
    if road_km:
        out.append(
            Activity(
                "transport:inbound fabric",
                TRUCK_FACTOR,
                tonnes * road_km,
                "t.km",
                f"baseline {code}: {origin.port} to the factory in {origin.city}, {road_km} km (estimate)",
                False,
                distance_km=road_km,
            )
        )
    return out
