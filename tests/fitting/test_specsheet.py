"""Spec sheets: the CSV read and written (pure), the import that replaces a sheet whole or not at all,
editing points in the app, and who may read or edit a sheet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seamline.core.errors import ForbiddenError, ValidationError
from seamline.fitting.models import PointOfMeasure
from seamline.fitting.selectors import pom_lines
from seamline.fitting.specs import pom_delete, pom_save, spec_import
from seamline.fitting.specsheet import PomLine, SpecSheetError, format_spec_csv, parse_spec_csv

from .. import factories as f
from .conftest import SHEET

SIZES = ["S", "M", "L"]


# The pure reader and writer -------------------------------------------------------------------------


def test_csv_round_trip_keeps_every_field():
    lines = parse_spec_csv(SHEET, SIZES)
    assert [line.code for line in lines] == ["FNL", "CBL", "HEM"]
    fnl = lines[0]
    assert fnl == PomLine(
        code="FNL",
        name="Front neck drop",
        how_to_measure="HPS to CF neck seam",
        tolerance_cm=Decimal("0.5"),
        critical=True,
        subject="neckline",
        values={"S": Decimal("9.0"), "M": Decimal("9.5"), "L": Decimal("10.0")},
    )
    text = format_spec_csv(lines, SIZES)
    assert text == SHEET  # what it writes is what it read
    assert parse_spec_csv(text, SIZES) == lines


def test_a_size_left_blank_or_not_in_the_file_has_no_value():
    lines = parse_spec_csv(
        "code,name,how_to_measure,tolerance_cm,critical,subject,M\nA,Chest,,1,,,50\n", SIZES
    )
    assert lines[0].values == {"M": Decimal("50.0")} and lines[0].critical is False
    assert format_spec_csv(lines, SIZES).splitlines()[1] == "A,Chest,,1.0,no,,,50.0,"


def test_every_bad_line_is_named_with_its_line_and_column():
    text = (
        "code,name,how_to_measure,tolerance_cm,critical,subject,S,M,L\n"
        "FNL,Front neck drop,,0.5,yes,neckline,9,9.5,10\n"
        ",No code,,0.5,no,,1,2,3\n"  # line 3: code
        "CBL,Back length,,lots,maybe,,60,-2,x\n"  # line 4: tolerance, critical, M, L
        "FNL,Again,,0.5,no,,1,2,3\n"  # line 5: code given twice
    )
    with pytest.raises(SpecSheetError) as caught:
        parse_spec_csv(text, SIZES)
    named = {(line, column) for line, column, _ in caught.value.problems}
    assert named == {(3, "code"), (4, "tolerance_cm"), (4, "critical"), (4, "M"), (4, "L"), (5, "code")}
    assert "line 4, column tolerance_cm: 'lots' is not a number" in str(caught.value)
    assert "line 5, column code: FNL is on line 2 already" in str(caught.value)


def test_a_size_the_style_does_not_have_and_a_missing_column_are_refused_on_line_one():
    with pytest.raises(SpecSheetError) as caught:
        parse_spec_csv("code,name,tolerance_cm,critical,subject,S,XL\nA,Chest,1,no,,1,2\n", SIZES)
    assert set(caught.value.problems) == {
        (1, "how_to_measure", "missing"),
        (1, "XL", "not a size of the style (S, M, L)"),
    }


# The import ------------------------------------------------------------------------------------------


def test_import_replaces_the_sheet_and_export_gives_it_back(brand):
    style = f.make_style(brand.org)
    spec_import(
        style=style,
        text="code,name,how_to_measure,tolerance_cm,critical,subject,S\nOLD,Old,,1,,,1\n",
        organization=brand.org,
    )
    saved = spec_import(
        style=style, text=SHEET.encode("utf-8-sig"), organization=brand.org
    )  # a BOM, as Excel
    assert [p.code for p in saved] == ["FNL", "CBL", "HEM"]
    assert not PointOfMeasure.objects.filter(style=style, code="OLD").exists()  # left out: deleted
    assert format_spec_csv(pom_lines(style), style.sizes) == SHEET


def test_a_bad_line_saves_nothing_and_the_error_names_it(brand):
    style = f.make_style(brand.org)
    spec_import(style=style, text=SHEET, organization=brand.org)
    before = list(PointOfMeasure.objects.filter(style=style).values_list("code", "values", "tolerance_cm"))
    bad = (
        SHEET.replace("HEM,Hem width,edge to edge,1.0", "HEM,Hem width,edge to edge,wide")
        + "NEW,New,,1,no,,1,2,3\n"
    )
    with pytest.raises(ValidationError) as caught:
        spec_import(style=style, text=bad, organization=brand.org)
    assert caught.value.fields == {
        "line 4, tolerance_cm": "Line 4, column tolerance_cm: 'wide' is not a number"
    }
    after = list(PointOfMeasure.objects.filter(style=style).values_list("code", "values", "tolerance_cm"))
    assert after == before


def test_import_keeps_measurements_of_points_it_keeps(brand, factory, studio):
    from seamline.fitting.samples import sample_create, sample_measure

    sample = sample_create(
        style=studio["style"],
        stage="proto",
        size="M",
        pattern_version=studio["v1"],
        factory=factory.org,
        organization=brand.org,
    )
    sample_measure(sample=sample, values={"FNL": "9.6", "HEM": "50"}, organization=brand.org)
    spec_import(
        style=studio["style"], text=SHEET.replace("HEM,Hem width", "SW,Sweep"), organization=brand.org
    )
    codes = set(sample.measurements.values_list("point__code", flat=True))
    assert codes == {"FNL"}  # HEM left the sheet, its measurement with it; FNL's stays


def test_only_the_brand_edits_the_sheet(brand, other_brand, factory, studio):
    style = studio["style"]
    for org in (other_brand.org, factory.org):
        with pytest.raises(ForbiddenError):
            spec_import(style=style, text=SHEET, organization=org)
        with pytest.raises(ForbiddenError):
            pom_save(style=style, organization=org, fields={"code": "X", "name": "X", "tolerance_cm": "1"})


def test_a_point_is_added_edited_and_deleted(brand):
    style = f.make_style(brand.org)
    fields = {
        "code": "SL",
        "name": "Sleeve length",
        "tolerance_cm": "1",
        "critical": True,
        "subject": "sleeves",
        "S": "60",
        "M": "61.25",
    }
    point = pom_save(style=style, organization=brand.org, fields=fields)
    assert (point.values, point.critical, point.subject) == ({"S": "60.0", "M": "61.3"}, True, "sleeves")
    with pytest.raises(ValidationError) as caught:
        pom_save(style=style, organization=brand.org, fields={**fields, "M": "abc"}, point=point)
    assert caught.value.fields == {"M": "'abc' is not a number"}
    with pytest.raises(ValidationError) as caught:
        pom_save(style=style, organization=brand.org, fields={**fields, "code": "sl"})  # the same code again
    assert caught.value.fields == {"code": "sl is on the sheet already"}
    point = pom_save(style=style, organization=brand.org, fields={**fields, "L": "62"}, point=point)
    assert point.values == {"S": "60.0", "M": "61.3", "L": "62.0"}
    pom_delete(point=point, organization=brand.org)
    assert not PointOfMeasure.objects.filter(style=style).exists()


# The pages -------------------------------------------------------------------------------------------


def test_spec_pages_export_import_and_scoping(brand, other_brand, factory, studio):
    style = studio["style"]
    c = brand.client()
    listing = c.get("/fitting/styles/")
    assert listing.status_code == 200 and f"/fitting/styles/{style.pk}/spec/" in listing.text
    page = c.get(f"/fitting/styles/{style.pk}/spec/")
    assert page.status_code == 200 and "Front neck drop" in page.text and "critical" in page.text
    export = c.get(f"/fitting/styles/{style.pk}/spec.csv")
    assert export["Content-Type"].startswith("text/csv") and export.content.decode() == SHEET

    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("spec.csv", (SHEET + "X,Bad,,1,no,,1,zz,3\n").encode(), content_type="text/csv")
    answer = c.post(f"/fitting/styles/{style.pk}/spec.csv", {"csv": bad})
    assert answer.status_code == 422 and "Line 5, column M: &#x27;zz&#x27; is not a number" in answer.text
    good = SimpleUploadedFile("spec.csv", SHEET.replace("9.5", "9.7").encode(), content_type="text/csv")
    assert c.post(f"/fitting/styles/{style.pk}/spec.csv", {"csv": good}).status_code == 302
    assert PointOfMeasure.objects.get(style=style, code="FNL").values["M"] == "9.7"

    add = c.post(
        f"/fitting/styles/{style.pk}/spec/",
        {"code": "SL", "name": "Sleeve", "tolerance_cm": "1", "size_S": "60", "size_M": "nope"},
    )
    assert add.status_code == 422 and "is not a number" in add.text
    assert other_brand.client().get(f"/fitting/styles/{style.pk}/spec/").status_code == 404
    assert other_brand.client().get(f"/fitting/styles/{style.pk}/spec.csv").status_code == 404
    # A factory reads the sheet of a style it makes (it has the style's sample order below) but edits nothing.
    f.make_order(brand.org, factory.org, style, S=1)
    fc = factory.client()
    assert fc.get(f"/fitting/styles/{style.pk}/spec/").status_code == 200
    assert (
        fc.post(
            f"/fitting/styles/{style.pk}/spec/", {"code": "SL", "name": "S", "tolerance_cm": "1"}
        ).status_code
        == 403
    )
