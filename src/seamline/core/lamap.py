"""An SVG outline of Los Angeles drawn from data: a hand-entered Pacific coastline and the centroids of every
Los Angeles County ZIP code (from the offline `zipcodes` package), projected to SVG x/y.

Pure module (no Django): plain data in, frozen dataclasses out. The templates draw the SVG.

>>> m = la_map([Place(label="Cut floor", kind="cut_and_sew", latitude=34.0333, longitude=-118.2447)])
>>> 0 < m.markers[0].x < m.width and 0 < m.markers[0].y < m.height
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

__all__ = [
    "COASTLINE",
    "DOWNTOWN_LA",
    "LA_BBOX",
    "BBox",
    "LaMap",
    "Marker",
    "PinLabel",
    "Place",
    "Projection",
    "bbox_around",
    "kind_colour",
    "la_map",
    "place_labels",
    "spread",
    "zip_centroids",
]

LatLon = tuple[float, float]


@dataclass(frozen=True)
class BBox:
    """A latitude/longitude box in decimal degrees (west and east are negative in the Americas)."""

    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


LA_BBOX = BBox(south=33.69, north=34.20, west=-118.60, east=-118.00)
DOWNTOWN_LA: LatLon = (34.0522, -118.2437)

# The Pacific shore, north-west to south-east, read off a map by hand (lat, long).
COASTLINE: tuple[LatLon, ...] = (
    (34.035, -118.680),  # Malibu
    (34.037, -118.630),  # Las Flores
    (34.039, -118.580),  # Topanga
    (34.035, -118.535),  # Will Rogers State Beach
    (34.010, -118.500),  # Santa Monica
    (33.985, -118.473),  # Venice
    (33.965, -118.458),  # Marina del Rey
    (33.955, -118.447),  # Playa del Rey
    (33.915, -118.425),  # El Segundo
    (33.885, -118.412),  # Manhattan Beach
    (33.862, -118.402),  # Hermosa Beach
    (33.840, -118.392),  # Redondo Beach
    (33.803, -118.393),  # Malaga Cove
    (33.790, -118.408),  # Palos Verdes Estates
    (33.742, -118.411),  # Point Vicente
    (33.735, -118.370),  # Portuguese Bend
    (33.715, -118.325),  # White Point
    (33.705, -118.290),  # San Pedro, Point Fermin
    (33.712, -118.275),  # Cabrillo Beach
    (33.740, -118.255),  # Terminal Island
    (33.760, -118.190),  # Long Beach
    (33.755, -118.130),  # Belmont Shore
    (33.740, -118.100),  # Seal Beach
    (33.720, -118.070),  # Sunset Beach
    (33.655, -117.995),  # Huntington Beach
)

KM_PER_DEGREE_LAT = 111.32
OCEAN_LABEL_AT: LatLon = (33.79, -118.50)

# Grey labels that help a reader find their way.
LANDMARKS: tuple[tuple[str, LatLon], ...] = (
    ("Santa Monica", (34.020, -118.490)),
    ("LAX", (33.9425, -118.4081)),
    ("Pasadena", (34.1478, -118.1445)),
    ("Long Beach", (33.790, -118.185)),
    ("Burbank", (34.1808, -118.3090)),
)

KIND_COLOURS: dict[str, str] = {
    "pattern_room": "#7c3aed",
    "sample_line": "#db2777",
    "cut_and_sew": "#dc2626",
    "dye_house": "#2563eb",
    "laser_wash": "#0891b2",
    "finishing": "#ea580c",
    "warehouse": "#65a30d",
    "fibre_recycler": "#16a34a",
    "courier_hub": "#a16207",
}
DEFAULT_COLOUR = "#475569"


def kind_colour(kind: str) -> str:
    """The marker colour of a facility kind."""
    return KIND_COLOURS.get(kind, DEFAULT_COLOUR)


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of `bbox` onto a `width`-wide SVG; longitudes shrink by cos(mid latitude).

    >>> p = Projection(LA_BBOX, width=600)
    >>> p.project(LA_BBOX.north, LA_BBOX.west)
    (0.0, 0.0)
    """

    bbox: BBox
    width: float = 600.0

    @property
    def _kx(self) -> float:
        return math.cos(math.radians((self.bbox.south + self.bbox.north) / 2))

    @property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        return self.width / ((self.bbox.east - self.bbox.west) * self._kx)

    @property
    def height(self) -> float:
        return round((self.bbox.north - self.bbox.south) * self.scale, 1)

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x = (lon - self.bbox.west) * self._kx * self.scale
        y = (self.bbox.north - lat) * self.scale
        return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class Place:
    """Something to pin on the map."""

    label: str
    kind: str
    latitude: float
    longitude: float
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float
    colour: str
    place: Place
    label: PinLabel | None = None  # where its name goes; None when it fits nowhere (the number still shows)


@dataclass(frozen=True)
class PinLabel:
    """A pin's name, placed relative to the pin so it overlaps no other pin or name."""

    text: str
    dx: float
    dy: float
    anchor: str  # SVG text-anchor: start, end or middle


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class LaMap:
    width: float
    height: float
    coastline: str  # SVG polyline points "x,y x,y …"
    ocean: str  # SVG path of the sea, south-west of the coastline
    zip_dots: str  # SVG path: one zero-length segment per ZIP centroid, drawn with round caps
    zip_count: int
    downtown: tuple[float, float] | None  # None when Downtown is beyond the frame
    ocean_label: Label | None
    scale_km: int  # a round distance about a fifth of the width…
    scale_px: float  # …and its SVG length
    landmarks: tuple[Label, ...]
    markers: tuple[Marker, ...]
    outside: tuple[Place, ...]  # places beyond the frame, listed rather than drawn


def bbox_around(
    points: Iterable[LatLon], *, margin: float = 0.012, min_span: float = 0.05, aspect: float | None = None
) -> BBox:
    """The smallest box holding `points` plus `margin` degrees all round, at least `min_span` degrees a side,
    widened or heightened to `aspect` (projected height / width) when given.

    >>> bbox_around([(34.0, -118.2)]).contains(34.0, -118.2)
    True
    """
    pts = list(points)
    if not pts:
        raise ValueError("bbox_around needs at least one point")
    lats = [lat for lat, _ in pts]
    lons = [lon for _, lon in pts]
    mid_lat, mid_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    half_lat = max((max(lats) - min(lats)) / 2 + margin, min_span / 2)
    half_lon = max((max(lons) - min(lons)) / 2 + margin, min_span / 2)
    if aspect:
        kx = math.cos(math.radians(mid_lat))
        if half_lat < aspect * half_lon * kx:
            half_lat = aspect * half_lon * kx
        else:
            half_lon = half_lat / (aspect * kx)
    return BBox(
        south=mid_lat - half_lat, north=mid_lat + half_lat, west=mid_lon - half_lon, east=mid_lon + half_lon
    )


@lru_cache(maxsize=8)
def zip_centroids(county: str = "Los Angeles County") -> tuple[LatLon, ...]:
    """Distinct (lat, long) of every ZIP code in `county` (the table scan takes ~0.3 s, hence the cache)."""
    points = {(float(z["lat"]), float(z["long"])) for z in zipcodes.filter_by(county=county)}
    return tuple(sorted(points))


def _points(proj: Projection, latlons: Iterable[LatLon]) -> list[tuple[float, float]]:
    return [proj.project(lat, lon) for lat, lon in latlons]


def _ocean_path(proj: Projection, coast: Sequence[LatLon]) -> str:
    """The coastline closed round the south-west, well beyond the frame (the SVG viewport clips it)."""
    b = proj.bbox
    pad = 0.5
    corners = [
        (b.south - pad, coast[-1][1] + pad),
        (b.south - pad, b.west - pad),
        (coast[0][0], b.west - pad),
    ]
    pts = _points(proj, [*coast, *corners])
    return "M" + " L".join(f"{x},{y}" for x, y in pts) + " Z"


def spread(
    points: Sequence[tuple[float, float]], *, radius: float, first_angle: float = math.pi
) -> list[tuple[float, float]]:
    """Move points that share a position (same ZIP centroid) onto a small circle round it, so each shows;
    the first at ``first_angle`` (radians, SVG's y down), the circle wider when more than six share it."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, p in enumerate(points):
        groups.setdefault(p, []).append(i)
    out = list(points)
    for (x, y), members in groups.items():
        if len(members) < 2:
            continue
        r = radius * len(members) / (2 * math.pi) if len(members) > 6 else radius
        for k, i in enumerate(members):
            angle = first_angle + 2 * math.pi * k / len(members)
            out[i] = (round(x + r * math.cos(angle), 1), round(y + r * math.sin(angle), 1))
    return out


Box = tuple[float, float, float, float]  # x0, y0, x1, y1

PIN_RADIUS = 8.0
LABEL_CHARS = 26
CHAR_WIDTH = 6.0  # of the 10-unit bold label font, on average
LABEL_HEIGHT = 12.0


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    pins: Sequence[tuple[float, float, str]], *, width: float, height: float, obstacles: Sequence[Box] = ()
) -> list[PinLabel | None]:
    """Greedy placement of pin names: right, left, above or below each pin (x, y, text), the first spot
    inside the frame that covers no pin, obstacle or earlier name; None where no spot is free."""
    r = PIN_RADIUS
    taken: list[Box] = [*obstacles, *((x - r, y - r, x + r, y + r) for x, y, _ in pins)]
    out: list[PinLabel | None] = []
    for x, y, text in pins:
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
        w, h = len(short) * CHAR_WIDTH, LABEL_HEIGHT
        candidates = [
            (PinLabel(short, r + 3, 4, "start"), (x + r + 3, y - h / 2, x + r + 3 + w, y + h / 2)),
            (PinLabel(short, -r - 3, 4, "end"), (x - r - 3 - w, y - h / 2, x - r - 3, y + h / 2)),
            (PinLabel(short, 0, -r - 5, "middle"), (x - w / 2, y - r - 3 - h, x + w / 2, y - r - 3)),
            (PinLabel(short, 0, r + 13, "middle"), (x - w / 2, y + r + 3, x + w / 2, y + r + 3 + h)),
        ]
        chosen = None
        for label, box in candidates:
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_overlaps(box, other) for other in taken):
                chosen = label
                taken.append(box)
                break
        out.append(chosen)
    return out


def la_map(
    places: Iterable[Place],
    *,
    bbox: BBox = LA_BBOX,
    width: float = 600.0,
    spread_radius: float = 9.0,
    with_labels: bool = False,
) -> LaMap:
    """Everything the template needs to draw Los Angeles with `places` pinned on it, numbered from 1
    (and named beside the pins where there is room, `with_labels`)."""
    proj = Projection(bbox, width=width)
    places = list(places)
    inside = [p for p in places if bbox.contains(p.latitude, p.longitude)]
    outside = tuple(p for p in places if not bbox.contains(p.latitude, p.longitude))
    positions = spread(_points(proj, ((p.latitude, p.longitude) for p in inside)), radius=spread_radius)
    downtown = proj.project(*DOWNTOWN_LA) if bbox.contains(*DOWNTOWN_LA) else None
    labels: list[PinLabel | None] = [None] * len(inside)
    if with_labels:
        # Downtown's diamond and its name (drawn up and to the left of it) are in the way too.
        dt = (
            []
            if downtown is None
            else [(downtown[0] - 80, downtown[1] - 20, downtown[0] + 7, downtown[1] + 7)]
        )
        pins = [(x, y, p.label) for p, (x, y) in zip(inside, positions, strict=True)]
        labels = place_labels(pins, width=width, height=proj.height, obstacles=dt)
    markers = tuple(
        Marker(number=i, x=x, y=y, colour=kind_colour(p.kind), place=p, label=label)
        for i, (p, (x, y), label) in enumerate(zip(inside, positions, labels, strict=True), start=1)
    )
    dots = [proj.project(lat, lon) for lat, lon in zip_centroids() if bbox.contains(lat, lon)]
    px_per_km = proj.scale / KM_PER_DEGREE_LAT
    scale_km = max((k for k in (1, 2, 5, 10, 20) if k * px_per_km <= width / 4), default=1)
    return LaMap(
        width=width,
        height=proj.height,
        coastline=" ".join(f"{x},{y}" for x, y in _points(proj, COASTLINE)),
        ocean=_ocean_path(proj, COASTLINE),
        zip_dots="".join(f"M{x} {y}h0" for x, y in dots),
        zip_count=len(dots),
        downtown=downtown,
        ocean_label=Label("Pacific Ocean", *proj.project(*OCEAN_LABEL_AT))
        if bbox.contains(*OCEAN_LABEL_AT)
        else None,
        scale_km=scale_km,
        scale_px=round(scale_km * px_per_km, 1),
        landmarks=tuple(Label(text, *proj.project(*ll)) for text, ll in LANDMARKS if bbox.contains(*ll)),
        markers=markers,
        outside=outside,
    )
