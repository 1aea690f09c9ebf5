"""Use cases that write facilities."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from seamline.accounts.models import Organization
from seamline.core.errors import ValidationError
from seamline.core.validation import FieldErrors

from .geocode import UnknownZipError, ZipPlace, geocode_zip
from .models import Facility, FacilityKind


@dataclass(frozen=True)
class _Checked:
    place: ZipPlace
    city: str
    solar_share_pct: Decimal


def _checked(
    *, name: str, kind: str, street: str, zip_code: str, city: str, solar_share_pct: Any
) -> _Checked:
    errors = FieldErrors()
    errors.required("name", name)
    if kind not in FacilityKind.values:
        errors.add("kind", f"Unknown facility kind {kind!r}; one of {', '.join(FacilityKind.values)}.")
    errors.required("street", street)
    solar = errors.decimal("solar_share_pct", solar_share_pct, places=2, min_value=0, max_value=100)
    place, city_name = None, ""
    try:
        place = geocode_zip(str(zip_code))
    except UnknownZipError as exc:
        errors.add("zip_code", str(exc))
    if place is not None:
        city_name = place.city_named(city) if city.strip() else place.city
        if not city_name:
            accepted = ", ".join((place.city, *place.other_cities))
            errors.add(
                "city", f"{city.strip()} is not a city of ZIP {place.zip_code} (accepted: {accepted})."
            )
    errors.raise_if_any("The facility is not valid")
    return _Checked(place=place, city=city_name, solar_share_pct=solar)


@transaction.atomic
def facility_create(
    *,
    organization: Organization,
    name: str,
    kind: str,
    street: str,
    zip_code: str,
    city: str = "",
    grid_region: str = "CAMX",
    solar_share_pct: Decimal | float | str = 0,
) -> Facility:
    """Register a facility; its ZIP is geocoded offline, an unknown ZIP is refused.

    `city` may name another city USPS accepts for the ZIP (Vernon for 90058); blank takes the ZIP's own.
    """
    if not organization.is_factory:
        raise ValidationError(
            "Only a factory organization owns facilities", fields={"organization": "Must be a factory."}
        )
    ok = _checked(
        name=name, kind=kind, street=street, zip_code=zip_code, city=city, solar_share_pct=solar_share_pct
    )
    return Facility.objects.create(
        organization=organization,
        name=name.strip(),
        kind=kind,
        street=street.strip(),
        city=ok.city,
        state=ok.place.state,
        zip_code=ok.place.zip_code,
        latitude=ok.place.latitude,
        longitude=ok.place.longitude,
        grid_region=grid_region.strip().upper() or "CAMX",
        solar_share_pct=ok.solar_share_pct,
    )


@transaction.atomic
def facility_update(*, facility: Facility, **changes: Any) -> Facility:
    """Change a facility; a new ZIP is geocoded again (and brings its own city unless one is named)."""
    given = {k: v for k, v in changes.items() if v is not None}
    merged = {
        "name": facility.name,
        "kind": facility.kind,
        "street": facility.street,
        "zip_code": facility.zip_code,
        "city": "" if "zip_code" in given else facility.city,
        "solar_share_pct": facility.solar_share_pct,
    } | {k: v for k, v in given.items() if k != "grid_region"}
    ok = _checked(**merged)
    facility.name, facility.kind, facility.street = (
        merged["name"].strip(),
        merged["kind"],
        merged["street"].strip(),
    )
    facility.city, facility.state, facility.zip_code = ok.city, ok.place.state, ok.place.zip_code
    facility.latitude, facility.longitude = ok.place.latitude, ok.place.longitude
    facility.solar_share_pct = ok.solar_share_pct
    if given.get("grid_region"):
        facility.grid_region = given["grid_region"].strip().upper()
    facility.save()
    return facility
