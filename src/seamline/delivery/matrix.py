"""Travel matrices for the planner: seconds and metres between every pair of places, per vehicle profile.

Pure: no Django. Two providers answer ``matrices(points, profiles) -> {profile: Matrix}`` for points as
(latitude, longitude):

* ``GreatCircleProvider`` (the default, offline): the great-circle distance × an urban circuity factor
  gives road metres; ÷ the profile's average speed gives seconds. Every constant is in ``SOURCES`` with its
  citation, or flagged ``sourced=False`` as a Seamline assumption to replace with measured figures.
* ``TableProvider``: a routing server on real streets, OSRM (``/table/v1``) or Valhalla
  (``/sources_to_targets``), over plain HTTP (urllib, no extra dependency).

    >>> hub, vernon = (34.0400, -118.2330), (34.0039, -118.2301)
    >>> m = GreatCircleProvider().matrices([hub, vernon], ["van"])["van"]
    >>> m.distances_m[0][1], m.durations_s[0][1]
    (4828, 695)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from seamline.facilities.geocode import distance_km

from .problem import Matrix

__all__ = [
    "PROFILES",
    "SOURCES",
    "GreatCircleProvider",
    "MatrixError",
    "MatrixProvider",
    "Source",
    "TableProvider",
]

LatLon = tuple[float, float]


@dataclass(frozen=True)
class Source:
    """A constant of the offline provider, where it comes from, and whether a publication backs it."""

    value: float
    unit: str
    citation: str
    sourced: bool


SOURCES: dict[str, Source] = {
    "earth_radius": Source(
        6371.0088,
        "km",
        "Moritz (2000), 'Geodetic Reference System 1980', Journal of Geodesy 74(1):128-133: the mean radius "
        "R1 of the GRS 80 ellipsoid (used by seamline.facilities.geocode.distance_km)",
        True,
    ),
    "circuity": Source(
        1.20,
        "road km per great-circle km",
        "Ballou, Rahardja & Sakai (2002), 'Selected country circuity factors for road travel distance "
        "estimation', Transportation Research Part A 36(9):843-848: the factor for the United States",
        True,
    ),
    "speed_bike": Source(
        15.0,
        "km/h",
        "Seamline assumption: an e-cargo bike's average door-to-door speed in city traffic, well under the "
        "20 mph (32 km/h) at which a Class 1 e-bike's assistance must stop (California Vehicle Code "
        "§312.5); replace with the couriers' own GPS averages",
        False,
    ),
    "speed_van": Source(
        25.0,
        "km/h",
        "Seamline assumption: an e-van's average speed on Los Angeles surface streets with signals and "
        "parking; replace with the couriers' own GPS averages or a TableProvider",
        False,
    ),
    "speed_car": Source(
        30.0,
        "km/h",
        "Seamline assumption: a car's average speed across the city, freeways included; replace with "
        "measured averages or a TableProvider",
        False,
    ),
}


@dataclass(frozen=True)
class Profile:
    name: str
    speed_kmh: float
    circuity: float


PROFILES: dict[str, Profile] = {
    name: Profile(name, SOURCES[f"speed_{name}"].value, SOURCES["circuity"].value)
    for name in ("bike", "van", "car")
}


class MatrixError(ValueError):
    """A matrix could not be made: an unknown profile, an unreachable server, a place with no route."""


class MatrixProvider(Protocol):
    def matrices(self, points: Sequence[LatLon], profiles: Iterable[str]) -> dict[str, Matrix]: ...


class GreatCircleProvider:
    """Offline: great-circle km × circuity, at the profile's average speed (``PROFILES``)."""

    def __init__(self, profiles: Mapping[str, Profile] | None = None) -> None:
        self.profiles = dict(PROFILES if profiles is None else profiles)

    def matrices(self, points: Sequence[LatLon], profiles: Iterable[str]) -> dict[str, Matrix]:
        wanted = sorted(set(profiles))
        unknown = [p for p in wanted if p not in self.profiles]
        if unknown:
            raise MatrixError(
                f"no speed for profile {unknown[0]!r} (known: {', '.join(sorted(self.profiles))})"
            )
        km = [
            [0.0 if i == j else distance_km(a, b) for j, b in enumerate(points)] for i, a in enumerate(points)
        ]
        result = {}
        for name in wanted:
            profile = self.profiles[name]
            road_km = [[d * profile.circuity for d in row] for row in km]
            result[name] = Matrix(
                durations_s=tuple(tuple(round(d / profile.speed_kmh * 3600) for d in row) for row in road_km),
                distances_m=tuple(tuple(round(d * 1000) for d in row) for row in road_km),
            )
        return result


class TableProvider:
    """A routing server's table of times and distances: OSRM or Valhalla at ``base_url``.

    ``server_profiles`` maps Seamline's profiles to the server's (OSRM: the profile in the URL; Valhalla:
    the costing). One request per profile; ``timeout_s`` bounds each.
    """

    DEFAULT_PROFILES = {
        "osrm": {"bike": "bike", "van": "driving", "car": "driving"},
        "valhalla": {"bike": "bicycle", "van": "auto", "car": "auto"},
    }

    def __init__(
        self,
        base_url: str,
        kind: str = "osrm",
        *,
        timeout_s: float = 10.0,
        server_profiles: Mapping[str, str] | None = None,
    ) -> None:
        if kind not in self.DEFAULT_PROFILES:
            raise ValueError(f"kind must be osrm or valhalla, not {kind!r}")
        self.base_url = base_url.rstrip("/")
        self.kind = kind
        self.timeout_s = timeout_s
        self.server_profiles = dict(server_profiles or self.DEFAULT_PROFILES[kind])

    def matrices(self, points: Sequence[LatLon], profiles: Iterable[str]) -> dict[str, Matrix]:
        result = {}
        for name in sorted(set(profiles)):
            server_profile = self.server_profiles.get(name)
            if server_profile is None:
                raise MatrixError(f"no {self.kind} profile for {name!r}; pass server_profiles")
            if self.kind == "osrm":
                result[name] = self._osrm(points, server_profile)
            else:
                result[name] = self._valhalla(points, server_profile)
        return result

    def _osrm(self, points: Sequence[LatLon], profile: str) -> Matrix:
        where = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)  # OSRM takes longitude first
        url = f"{self.base_url}/table/v1/{profile}/{where}?annotations=duration,distance"
        answer = self._fetch(urllib.request.Request(url))
        if answer.get("code") != "Ok":
            raise MatrixError(f"OSRM at {self.base_url}: {answer.get('code')}: {answer.get('message', '')}")
        return _matrix("OSRM", answer.get("durations"), answer.get("distances"), len(points), metres=1.0)

    def _valhalla(self, points: Sequence[LatLon], costing: str) -> Matrix:
        places = [{"lat": lat, "lon": lon} for lat, lon in points]
        body = {"sources": places, "targets": places, "costing": costing, "units": "kilometers"}
        request = urllib.request.Request(
            f"{self.base_url}/sources_to_targets",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = self._fetch(request)
        table = answer.get("sources_to_targets")
        if isinstance(table, dict):  # Valhalla's compact form: whole matrices
            durations, distances = table.get("durations"), table.get("distances")
        elif isinstance(table, list):  # the verbose form: one object per pair
            durations = [[cell.get("time") for cell in row] for row in table]
            distances = [[cell.get("distance") for cell in row] for row in table]
        else:
            raise MatrixError(f"Valhalla at {self.base_url}: no sources_to_targets in the answer")
        return _matrix("Valhalla", durations, distances, len(points), metres=1000.0)

    def _fetch(self, request: urllib.request.Request) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")[:200]
            raise MatrixError(f"{self.kind} at {self.base_url}: HTTP {exc.code}: {text}") from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise MatrixError(
                f"{self.kind} at {self.base_url}: no answer within {self.timeout_s:g} s ({reason})"
            ) from exc
        except ValueError as exc:
            raise MatrixError(f"{self.kind} at {self.base_url}: the answer is not JSON ({exc})") from exc


def _matrix(server: str, durations: object, distances: object, n: int, *, metres: float) -> Matrix:
    """Whole seconds and metres from a server's table; ``metres`` per distance unit of the server."""
    rows = []
    for name, table in (("durations", durations), ("distances", distances)):
        if not isinstance(table, list) or len(table) != n or any(len(row) != n for row in table):
            raise MatrixError(f"{server}: the {name} table is not {n} × {n}")
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                if cell is None:
                    raise MatrixError(f"{server}: no route from place {i} to place {j}")
        rows.append(table)
    return Matrix(
        durations_s=tuple(tuple(round(cell) for cell in row) for row in rows[0]),
        distances_m=tuple(tuple(round(cell * metres) for cell in row) for row in rows[1]),
    )
