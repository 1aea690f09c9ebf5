from decimal import Decimal

import pytest

from seamline.core.errors import ValidationError
from seamline.facilities.models import Facility
from seamline.facilities.selectors import facility_get, facility_list
from seamline.facilities.services import facility_create, facility_update
from tests import factories as f


def test_create_geocodes_the_zip(factory):
    dye = facility_create(
        organization=factory.org,
        name="Vernon dye house",
        kind="dye_house",
        street="4500 S Santa Fe Ave",
        zip_code="90058",
        city="vernon",
        solar_share_pct="20",
    )
    assert (dye.city, dye.state, dye.zip_code) == ("Vernon", "CA", "90058")
    assert round(dye.latitude, 2) == 34.0 and round(dye.longitude, 2) == -118.21
    assert dye.solar_share_pct == Decimal("20.00") and dye.grid_region == "CAMX"
    assert dye.epc_uri == f"urn:seamline:facility:{dye.uid}"


def test_unknown_zip_names_the_field_and_writes_nothing(factory):
    with pytest.raises(ValidationError) as err:
        facility_create(
            organization=factory.org, name="Nowhere", kind="dye_house", street="1 Main", zip_code="00000"
        )
    assert err.value.fields == {"zip_code": "ZIP code 00000 does not exist"}
    assert Facility.objects.count() == 0


def test_city_must_be_one_usps_accepts_for_the_zip(factory):
    with pytest.raises(ValidationError) as err:
        facility_create(
            organization=factory.org,
            name="Dye",
            kind="dye_house",
            street="1 Main",
            zip_code="90058",
            city="Pasadena",
        )
    assert err.value.fields == {
        "city": "Pasadena is not a city of ZIP 90058 (accepted: Los Angeles, Vernon)."
    }
    plain = facility_create(
        organization=factory.org, name="Dye", kind="dye_house", street="1 Main", zip_code="90058"
    )
    assert plain.city == "Los Angeles"


def test_every_bad_field_is_named_at_once(factory):
    with pytest.raises(ValidationError) as err:
        facility_create(
            organization=factory.org, name=" ", kind="spaceport", street="", zip_code="9", solar_share_pct=140
        )
    assert set(err.value.fields) == {"name", "kind", "street", "zip_code", "solar_share_pct"}


def test_a_brand_owns_no_facilities(brand):
    with pytest.raises(ValidationError) as err:
        f.make_facility(brand.org)
    assert "organization" in err.value.fields


def test_update_regeocodes(factory):
    fac = f.make_facility(factory.org, zip_code="90021")
    facility_update(facility=fac, zip_code="90033")
    fac.refresh_from_db()
    assert (fac.zip_code, fac.city) == ("90033", "Los Angeles")
    with pytest.raises(ValidationError):
        facility_update(facility=fac, zip_code="00000")
    fac.refresh_from_db()
    assert fac.zip_code == "90033"


def test_tenancy_factory_sees_own_brand_sees_its_makers(brand, factory, other_factory, other_brand):
    own = f.make_facility(factory.org)
    theirs = f.make_facility(other_factory.org)
    assert list(facility_list(organization=factory.org)) == [own]
    assert facility_get(organization=factory.org, pk=theirs.pk) is None
    assert list(facility_list(organization=brand.org)) == []  # no order placed yet
    f.make_order(brand.org, factory.org)
    assert list(facility_list(organization=brand.org)) == [own]
    assert list(facility_list(organization=other_brand.org)) == []
