"""Use cases that write facilities."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from seamline.accounts.models import Organization
from seamline.core.errors import ValidationError

from .geocode import UnknownZipError, geocode_zip
from .models import Facility, FacilityKind


def _validated(
    *,
    name: str,
    kind: str,
    street: str,
    zip_code: str,
    solar_share_pct: Decimal | float | str,
    city: str = "",
):
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "This field is required."
    if kind not in FacilityKind.values:
        errors["kind"] = f"Unknown facility kind {kind!r}; one of {', '.join(FacilityKind.values)}."
    if not street.strip():
        errors["street"] = "This field is required."
    place = None
    try:
        place = geocode_zip(str(zip_code))
    except UnknownZipError as exc:
        errors["zip_code"] = str(exc)
    city_name = place.city if place else ""
    if place and city.strip():
        city_name = place.city_named(city) or ""
        if not city_name:
            accepted = ", ".join((place.city, *place.other_cities))
            errors["city"] = f"{city.strip()} is not a city of ZIP {place.zip_code} (accepted: {accepted})."
    try:
        solar = Decimal(str(solar_share_pct))
        if not Decimal(0) <= solar <= Decimal(100):
            errors["solar_share_pct"] = "Must be between 0 and 100."
    except InvalidOperation:
        errors["solar_share_pct"] = "Must be a number."
        solar = Decimal(0)
    if errors:
        raise ValidationError("The facility is not valid", fields=errors)
    return place, city_name, solar


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
    place, city, solar = _validated(
        name=name, kind=kind, street=street, zip_code=zip_code, solar_share_pct=solar_share_pct, city=city
    )
    return Facility.objects.create(
        organization=organization,
        name=name.strip(),
        kind=kind,
        street=street.strip(),
        city=city,
        state=place.state,
        zip_code=place.zip_code,
        latitude=place.latitude,
        longitude=place.longitude,
        grid_region=grid_region.strip().upper() or "CAMX",
        solar_share_pct=solar,
    )


@transaction.atomic
def facility_update(*, facility: Facility, **changes) -> Facility:
    """Change a facility; a new ZIP is geocoded again."""
    merged = {
        "name": facility.name,
        "kind": facility.kind,
        "street": facility.street,
        "zip_code": facility.zip_code,
        "solar_share_pct": facility.solar_share_pct,
        "city": facility.city,
        **{k: v for k, v in changes.items() if v is not None},
    }
    if "zip_code" in changes and "city" not in changes:
        merged["city"] = ""  # a new ZIP brings its own city unless one is named
    place, city, solar = _validated(
        name=merged["name"],
        kind=merged["kind"],
        street=merged["street"],
        zip_code=merged["zip_code"],
        solar_share_pct=merged["solar_share_pct"],
        city=merged["city"],
    )
    facility.name = merged["name"].strip()
    facility.kind = merged["kind"]
    facility.street = merged["street"].strip()
    facility.city, facility.state, facility.zip_code = city, place.state, place.zip_code
    facility.latitude, facility.longitude = place.latitude, place.longitude
    facility.solar_share_pct = solar
    if changes.get("grid_region"):
        facility.grid_region = changes["grid_region"].strip().upper()
    facility.save()
    return facility
