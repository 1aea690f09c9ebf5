import pytest

from seamline.facilities.geocode import UnknownZipError, geocode_zip


def test_geocodes_fashion_district_zip_offline():
    place = geocode_zip("90015")
    assert (place.city, place.state, place.county) == ("Los Angeles", "CA", "Los Angeles County")
    assert 34.0 < place.latitude < 34.1 and -118.3 < place.longitude < -118.2


def test_other_accepted_city_names():
    vernon = geocode_zip("90058")
    assert vernon.city == "Los Angeles" and vernon.city_named("VERNON") == "Vernon"
    assert vernon.city_named("Pasadena") is None
    assert geocode_zip("90280").city == "South Gate"


@pytest.mark.parametrize("bad", ["00000", "99999"])
def test_unknown_zip_is_refused(bad):
    with pytest.raises(UnknownZipError, match=f"ZIP code {bad} does not exist"):
        geocode_zip(bad)


@pytest.mark.parametrize("bad", ["9001", "900155", "ABCDE", ""])
def test_malformed_zip_is_refused(bad):
    with pytest.raises(UnknownZipError, match="not a 5-digit ZIP code"):
        geocode_zip(bad)
