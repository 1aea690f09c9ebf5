"""Offline ZIP geocoding from the `zipcodes` package (no network)."""

from dataclasses import dataclass
from functools import lru_cache
from math import asin, cos, radians, sin, sqrt

import zipcodes

__all__ = ["UnknownZipError", "ZipPlace", "geocode_zip"]


class UnknownZipError(ValueError):
    pass


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    county: str
    latitude: float
    longitude: float
    other_cities: tuple[str, ...] = ()  # names USPS also accepts for the ZIP (90058: Vernon)

    def city_named(self, name: str) -> str | None:
        """The accepted spelling of `name` for this ZIP, or None when USPS does not accept it."""
        wanted = name.strip().casefold()
        return next((c for c in (self.city, *self.other_cities) if c.casefold() == wanted), None)


@lru_cache(maxsize=4096)  # a lookup scans the whole table (~1 ms)
def geocode_zip(zip_code: str) -> ZipPlace:
    """The place of a 5-digit US ZIP code.

    >>> geocode_zip("90015").city
    'Los Angeles'
    """
    code = zip_code.strip()
    if len(code) != 5 or not code.isdigit():
        raise UnknownZipError(f"{zip_code!r} is not a 5-digit ZIP code")
    matches = zipcodes.matching(code)
    if not matches:
        raise UnknownZipError(f"ZIP code {code} does not exist")
    m = matches[0]
    return ZipPlace(
        zip_code=code,
        city=m["city"].title(),
        state=m["state"],
        county=m.get("county") or "",
        latitude=float(m["lat"]),
        longitude=float(m["long"]),
        other_cities=tuple(c.title() for c in m.get("acceptable_cities") or ()),
    )


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, long) points.

    >>> round(distance_km((34.0434, -118.2716), (33.9425, -118.4081)), 1)  # Fashion District to LAX
    16.9
    """
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))
