from datetime import date
from decimal import Decimal

import pytest

from seamline.catalog.models import BomLine, Certification, FabricRoll, Material, Operation, Style, Variant
from seamline.catalog.services import (
    bom_line_add,
    certification_add,
    material_create,
    roll_receive,
    routing_set,
    style_create,
)
from seamline.core.errors import ConflictError, ValidationError
from tests import factories as f


def _denim(org, **over):
    kw = dict(
        organization=org,
        name="Selvedge denim",
        composition={"cotton": 100},
        weight_gsm="457.7",
        usable_width_cm="80",
        country_of_origin="jp",
    )
    return material_create(**(kw | over))


def test_material_keeps_composition_and_units(brand):
    m = _denim(brand.org, composition={"Cotton": "98.5", "elastane": 1.5})
    assert m.composition == {"cotton": "98.50", "elastane": "1.50"}
    assert m.weight_gsm == Decimal("457.7") and m.usable_width_cm == Decimal("80.0")
    assert m.country_of_origin == "JP"
    assert m.composition_label == "98.5% cotton, 1.5% elastane"


@pytest.mark.parametrize(
    ("composition", "message"),
    [
        ({"cotton": 98, "elastane": 1}, "Fibre percentages must sum to 100 (they sum to 99)."),
        ({"cotton": 60, "polyester": 60}, "Fibre percentages must sum to 100 (they sum to 120)."),
        ({}, "Give at least one fibre with its percentage."),
    ],
)
def test_composition_must_sum_to_100(brand, composition, message):
    with pytest.raises(ValidationError) as err:
        _denim(brand.org, composition=composition)
    assert err.value.fields["composition"] == message
    assert Material.objects.count() == 0


def test_negative_or_junk_numbers_are_named(brand):
    with pytest.raises(ValidationError) as err:
        _denim(brand.org, composition={"cotton": -10, "silk": 110}, weight_gsm="-3", usable_width_cm="wide")
    assert set(err.value.fields) == {
        "composition.cotton",
        "composition.silk",
        "weight_gsm",
        "usable_width_cm",
    }
    assert err.value.fields["usable_width_cm"] == "'wide' is not a number."


def test_a_fabric_needs_weight_and_width_a_trim_does_not(brand):
    with pytest.raises(ValidationError) as err:
        material_create(organization=brand.org, name="Denim", composition={"cotton": 100})
    assert err.value.fields == {
        "weight_gsm": "A fabric needs this.",
        "usable_width_cm": "A fabric needs this.",
    }
    trim = material_create(organization=brand.org, name="Buttons", kind="trim", composition={"copper": 100})
    assert trim.weight_gsm is None


def test_certification(brand):
    m = _denim(brand.org)
    cert = certification_add(material=m, scheme="GOTS", certificate_number="CU 1", expires_on="2027-06-30")
    assert cert.expires_on == date(2027, 6, 30)
    with pytest.raises(ValidationError) as err:
        certification_add(material=m, scheme="", certificate_number="x", expires_on="next year")
    assert set(err.value.fields) == {"scheme", "expires_on"}
    assert Certification.objects.count() == 1


def test_roll_receive_puts_the_full_length_on_hand(brand, factory):
    m = _denim(brand.org)
    fac = f.make_facility(factory.org)
    roll = roll_receive(facility=fac, material=m, roll_id="IBR-01", length_m="45.7", shade_lot="A")
    assert roll.length_m == roll.remaining_m == Decimal("45.700")
    assert roll.width_cm == Decimal("80.0")  # the material's usable width
    assert roll.epc_uri.startswith("urn:seamline:roll:")


@pytest.mark.parametrize("length", ["-5", "0", "abc", None])
def test_roll_length_must_be_positive(brand, factory, length):
    fac = f.make_facility(factory.org)
    with pytest.raises(ValidationError) as err:
        roll_receive(facility=fac, material=_denim(brand.org), roll_id="R1", length_m=length)
    assert "length_m" in err.value.fields
    assert FabricRoll.objects.count() == 0


def test_roll_id_is_unique_per_facility(brand, factory):
    fac, m = f.make_facility(factory.org), _denim(brand.org)
    roll_receive(facility=fac, material=m, roll_id="R1", length_m="10")
    with pytest.raises(ConflictError):
        roll_receive(facility=fac, material=m, roll_id="R1", length_m="10")


def test_remaining_can_never_exceed_length_in_the_database(brand, factory):
    from django.db import IntegrityError, transaction

    roll = f.make_roll(f.make_facility(factory.org), _denim(brand.org), length_m="10")
    with pytest.raises(IntegrityError), transaction.atomic():
        FabricRoll.objects.filter(pk=roll.pk).update(remaining_m=Decimal("10.001"))


def test_style_gets_a_variant_per_size_and_colour(brand):
    style = style_create(
        organization=brand.org,
        code="sd-02",
        name="Slip dress",
        category="Dresses",
        sizes=["XS", "S", "M"],
        colourways=["Ivory", "Ink"],
    )
    assert style.code == "SD-02"
    skus = list(
        Variant.objects.filter(style=style).order_by("colour", "position").values_list("sku", flat=True)
    )
    assert skus == [
        "SD-02-INK-XS",
        "SD-02-INK-S",
        "SD-02-INK-M",
        "SD-02-IVORY-XS",
        "SD-02-IVORY-S",
        "SD-02-IVORY-M",
    ]


def test_style_bad_input(brand, factory):
    with pytest.raises(ValidationError) as err:
        style_create(organization=brand.org, code="", name="x", category="", sizes=["S", "S"], colourways=[])
    assert set(err.value.fields) == {"code", "category", "sizes", "colourways"}
    with pytest.raises(ValidationError) as err:
        style_create(
            organization=factory.org, code="A", name="x", category="y", sizes=["S"], colourways=["c"]
        )
    assert "organization" in err.value.fields
    assert Style.objects.count() == 0


def test_bom_line_needs_every_size(brand):
    style = f.make_style(brand.org)
    m = _denim(brand.org)
    with pytest.raises(ValidationError) as err:
        bom_line_add(style=style, material=m, placement="shell", consumption={"S": "1.7", "XL": "2"})
    assert err.value.fields["consumption"] == "No consumption for size(s) M, L."
    line = bom_line_add(
        style=style, material=m, placement="shell", consumption={"S": 1.7, "M": "1.8", "L": "1.9"}
    )
    assert line.consumption == {"S": "1.700", "M": "1.800", "L": "1.900"}
    assert BomLine.objects.count() == 1


def test_routing_is_replaced_in_order_and_totals_sam(brand):
    style = f.make_style(brand.org)
    routing_set(
        style=style,
        operations=[
            {"name": "Cut", "sam": "4.5", "facility_kind": "cut_and_sew"},
            {"name": "Sew", "sam": "30.25", "machine": "Lockstitch", "skill_level": 3},
            {"name": "Press", "sam": 2, "facility_kind": "finishing"},
        ],
    )
    style.refresh_from_db()
    assert [(o.sequence, o.name) for o in style.operations.all()] == [(1, "Cut"), (2, "Sew"), (3, "Press")]
    assert style.total_sam == Decimal("36.75")
    with pytest.raises(ValidationError) as err:
        routing_set(
            style=style, operations=[{"name": "Sew", "sam": -1, "facility_kind": "moon", "skill_level": 9}]
        )
    assert set(err.value.fields) == {
        "operations[0].sam",
        "operations[0].facility_kind",
        "operations[0].skill_level",
    }
    assert Operation.objects.filter(style=style).count() == 3  # the old routing is intact


@pytest.mark.parametrize("country", ["ZZ", "UK", "XX", "J1", "JPN"])
def test_country_of_origin_must_be_an_iso_3166_code(brand, country):
    with pytest.raises(ValidationError) as err:
        _denim(brand.org, country_of_origin=country)
    assert err.value.fields == {
        "country_of_origin": f"{country!r} is not an ISO 3166-1 country code (two letters, e.g. JP or US)."
    }
    assert Material.objects.count() == 0


def test_a_blank_country_of_origin_is_allowed_and_a_real_one_kept(brand):
    assert _denim(brand.org, country_of_origin="").country_of_origin == ""
    assert _denim(brand.org, name="Denim 2", country_of_origin=" gb ").country_of_origin == "GB"


def test_the_shipped_country_codes_are_those_of_the_tz_database():
    """core.validation ships ISO 3166-1 alpha-2 in the code; tzdata's iso3166.tab, when installed, is its
    maintained source (a new or withdrawn code shows up here)."""
    from importlib import resources

    from seamline.core.validation import ISO_3166_ALPHA2

    tzdata = pytest.importorskip("tzdata")
    text = resources.files(tzdata).joinpath("zoneinfo", "iso3166.tab").read_text(encoding="utf-8")
    codes = {line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")}
    assert codes == ISO_3166_ALPHA2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("usable_width_cm", "1000", "Must be at most 400 cm (got 1000.0 cm)."),
        ("usable_width_cm", "8", "Must be at least 30 cm (got 8.0 cm)."),
        ("weight_gsm", "45770", "Must be at most 2000 g/m² (got 45770.0 g/m²)."),
        ("weight_gsm", "0.5", "Must be at least 5 g/m² (got 0.5 g/m²)."),
    ],
)
def test_a_materials_width_and_weight_are_physically_sane(brand, field, value, message):
    with pytest.raises(ValidationError) as err:
        _denim(brand.org, **{field: value})
    assert err.value.fields == {field: message}
    assert Material.objects.count() == 0


def test_a_roll_is_never_wider_than_its_material(brand, factory):
    fac, denim = f.make_facility(factory.org), _denim(brand.org)  # 80 cm usable width
    for width in ("1000", "80.1"):
        with pytest.raises(ValidationError) as err:
            roll_receive(facility=fac, material=denim, roll_id="R1", length_m="45", width_cm=width)
        got = f"{Decimal(width):.1f} cm"
        assert err.value.fields == {
            "width_cm": f"Selvedge denim is 80 cm wide: a roll of it cannot be wider (got {got})."
        }
    with pytest.raises(ValidationError) as err:
        roll_receive(facility=fac, material=denim, roll_id="R1", length_m="45", width_cm="12")
    assert err.value.fields == {"width_cm": "A fabric roll is 30–400 cm wide (got 12.0 cm)."}
    assert FabricRoll.objects.count() == 0
    roll = roll_receive(facility=fac, material=denim, roll_id="R1", length_m="45", width_cm="78.5")
    assert roll.width_cm == Decimal("78.5")  # a narrower roll of the lot is fine


def test_a_roll_is_at_most_a_thousand_meters(brand, factory):
    fac, denim = f.make_facility(factory.org), _denim(brand.org)
    with pytest.raises(ValidationError) as err:
        roll_receive(facility=fac, material=denim, roll_id="R1", length_m="4570")
    assert err.value.fields == {"length_m": "Must be at most 1000 m (got 4570.000 m)."}
    assert roll_receive(facility=fac, material=denim, roll_id="R1", length_m="1000").length_m == 1000
