"""Samples: a tiny order asked of the factory, cut from roll ends first through the cutting room (and its
ledger), fitted against the spec sheet (out-of-tolerance flags, the fitting's event), photographed; and
who may do what."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from seamline.catalog.models import FabricRoll
from seamline.catalog.services import roll_meters_take
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.models import LayRoll
from seamline.fitting.events import sample_fitted
from seamline.fitting.models import Sample, SamplePhoto
from seamline.fitting.samples import sample_create, sample_cut, sample_measure, sample_photo_add
from seamline.fitting.selectors import sample_get, sample_results, sample_rolls
from seamline.production.models import ProductionOrder
from seamline.trace import events as ev
from seamline.trace.models import Event
from seamline.trace.schema import validate_document

from .. import factories as f
from .conftest import import_v2

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _sample(brand, factory, studio, **kw):
    args = {"stage": "fit", "size": "M", "pattern_version": studio["v1"], "factory": factory.org}
    return sample_create(style=studio["style"], organization=brand.org, by=brand.user, **(args | kw))


def _bodies(org, **filters):
    return [json.loads(e.body) for e in Event.objects.filter(organization=org, **filters).order_by("seq")]


# Creating ---------------------------------------------------------------------------------------------


def test_a_sample_is_a_tiny_sample_order_placed_with_the_factory(brand, factory, studio):
    first = _sample(brand, factory, studio, units=3)
    second = _sample(brand, factory, studio)
    proto = _sample(brand, factory, studio, stage="proto", size="S", units=1)
    assert [(s.number, s.stage, s.fit_round) for s in (first, second, proto)] == [
        (1, "fit", 1),
        (2, "fit", 2),
        (3, "proto", None),
    ]
    order = first.order
    assert (order.kind, order.state, order.units, order.factory, order.brand) == (
        ProductionOrder.Kind.SAMPLE,
        "planned",
        3,
        factory.org,
        brand.org,
    )
    line = order.lines.get()
    colour = studio["style"].colourways[0]
    assert (line.variant.size, line.variant.colour, line.quantity) == ("M", colour, 3)
    assert str(first) == f"{studio['style'].code} sample 1 (fit 1, M)"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"units": 4}, "units"),
        ({"units": 0}, "units"),
        ({"size": "XXL"}, "size"),
        ({"stage": "final"}, "stage"),
    ],
)
def test_bad_samples_are_refused_and_nothing_is_ordered(brand, factory, studio, kw, field):
    with pytest.raises(ValidationError) as caught:
        _sample(brand, factory, studio, **kw)
    assert field in caught.value.fields
    assert not Sample.objects.exists() and not ProductionOrder.objects.exists()


def test_only_the_brand_of_the_style_asks_for_a_sample(brand, other_brand, factory, studio):
    for org in (other_brand.org, factory.org):
        with pytest.raises(ForbiddenError):
            sample_create(
                style=studio["style"],
                stage="proto",
                size="M",
                pattern_version=studio["v1"],
                factory=factory.org,
                organization=org,
            )


# Cutting ----------------------------------------------------------------------------------------------


def _remnant(floor, material, *, left: str, lot: str = "A"):
    roll = f.make_roll(floor, material, length_m="5.000", shade_lot=lot)
    roll_meters_take(roll_pk=roll.pk, meters=Decimal("5.000") - Decimal(left))
    return roll


def test_a_sample_is_cut_from_the_shortest_remnant_that_suffices(brand, factory, studio):
    floor, material = studio["floor"], studio["material"]
    whole = f.make_roll(floor, material, length_m="5.000")  # the oldest: production's rule would open it
    big_end = _remnant(floor, material, left="3.000")
    small_end = _remnant(floor, material, left="1.200")
    too_small = _remnant(floor, material, left="0.200")
    sample = _sample(brand, factory, studio, stage="proto")
    sample = sample_cut(sample=sample, organization=factory.org, by=factory.user)
    assert sample.cut_at is not None
    used = set(LayRoll.objects.filter(lay__plan__order=sample.order).values_list("roll_id", flat=True))
    assert used == {small_end.pk}
    left = dict(FabricRoll.objects.values_list("pk", "remaining_m"))
    assert left[whole.pk] == Decimal("5.000") and left[big_end.pk] == Decimal("3.000")
    assert left[too_small.pk] == Decimal("0.200") and left[small_end.pk] < Decimal("1.200")
    [took] = sample_rolls(sample)
    assert (took.label, took.was_remnant, took.available_m) == (small_end.roll_id, True, Decimal("1.200"))
    sample.order.refresh_from_db()
    assert sample.order.state == "cutting"
    # The cut is the cutting room's: its lay-cut event, in the factory's ledger, marked as a sample's.
    [cut] = [b for b in _bodies(factory.org) if b["type"] == "TransformationEvent"]
    assert cut["sl:orderKind"] == "sample" and cut["sl:orderNumber"] == sample.order.number
    assert cut["inputQuantityList"][0]["epcClass"] == small_end.epc_uri
    with pytest.raises(ConflictError):  # once
        sample_cut(sample=sample, organization=factory.org)


def test_without_a_remnant_long_enough_a_whole_roll_is_opened(brand, factory, studio):
    floor, material = studio["floor"], studio["material"]
    whole = f.make_roll(floor, material, length_m="5.000")
    _remnant(floor, material, left="0.300")
    sample = sample_cut(sample=_sample(brand, factory, studio), organization=factory.org)
    used = set(LayRoll.objects.filter(lay__plan__order=sample.order).values_list("roll_id", flat=True))
    assert used == {whole.pk}
    assert [r.was_remnant for r in sample_rolls(sample)] == [False]


def test_only_the_factory_of_the_sample_cuts_it(brand, factory, other_factory, studio):
    f.make_roll(studio["floor"], studio["material"])
    sample = _sample(brand, factory, studio)
    for org in (brand.org, other_factory.org):
        with pytest.raises(ForbiddenError):
            sample_cut(sample=sample, organization=org)


def test_a_sample_cuts_the_version_under_review(brand, factory, studio):
    f.make_roll(studio["floor"], studio["material"])
    v2 = import_v2(studio)
    sample = sample_cut(sample=_sample(brand, factory, studio, pattern_version=v2), organization=factory.org)
    assert sample.order.cut_plans.get().pattern_version == v2


# Fitting ----------------------------------------------------------------------------------------------


def test_measurements_flag_what_is_out_of_tolerance(brand, factory, studio):
    sample = _sample(brand, factory, studio)  # size M: FNL 9.5 ±0.5 critical, CBL 62 ±1, HEM 50 ±1
    when = datetime(2026, 11, 5, 15, 30, tzinfo=UTC)
    rows = sample_measure(
        sample=sample,
        values={"FNL": "10.2", "cbl": Decimal("61.0"), "HEM": "52", "": ""},
        organization=factory.org,
        by=factory.user,
        when=when,
    )
    assert len(rows) == 3
    results = {r.code: r for r in sample_results(sample)}
    fnl, cbl, hem = results["FNL"], results["CBL"], results["HEM"]
    assert (fnl.spec_cm, fnl.measured_cm, fnl.difference_cm, fnl.within, fnl.fails) == (
        Decimal("9.5"),
        Decimal("10.2"),
        Decimal("0.7"),
        False,
        True,
    )
    assert (cbl.difference_cm, cbl.within, cbl.fails) == (Decimal("-1.0"), True, False)  # the edge is in
    assert (hem.within, hem.critical, hem.fails) == (False, False, False)
    sample.refresh_from_db()
    assert sample.fitted_at == when
    # A second fitting counts: the latest measurement of a point is its result.
    sample_measure(sample=sample, values={"FNL": "9.6"}, organization=brand.org)
    assert sample_results(sample)[0].within is True


def test_the_fitting_is_an_inspecting_event_with_the_measurements(brand, factory, studio):
    sample = _sample(brand, factory, studio)
    sample_measure(
        sample=sample, values={"FNL": "10.2", "CBL": "62"}, organization=factory.org, by=factory.user
    )
    [event] = _bodies(factory.org, biz_step__endswith="inspecting")
    assert event["epcList"] == [f"urn:seamline:sample:{sample.uid}"]  # not sewn yet: the sample itself
    assert event["disposition"] == "non_conformant"  # FNL is critical and 0.7 cm off
    assert event["sl:outOfTolerance"] == ["FNL"]
    assert event["sl:pattern"] == f"urn:seamline:pattern:{studio['v1'].pk}"
    assert event["sl:measurements"][0] == {
        "sl:pom": "FNL",
        "sl:valueCm": 10.2,
        "sl:critical": True,
        "sl:specCm": 9.5,
        "sl:toleranceCm": 0.5,
        "sl:withinTolerance": False,
    }
    assert Event.objects.get(organization=factory.org, biz_step__endswith="inspecting").brand == brand.org


def test_the_fitting_event_passes_the_capture_schema():
    event = sample_fitted(
        epcs=["urn:seamline:garment:6f1c2b9e-64a7-4d5e-9a0b-5d2f0c1e7a11"],
        sample="urn:seamline:sample:0b0d1f7c-5a8e-4c1f-8a34-0c9b1f2e3d44",
        pattern=ev.pattern_uri(7),
        size="M",
        measurements=[
            {
                "code": "FNL",
                "value_cm": Decimal("9.6"),
                "spec_cm": Decimal("9.5"),
                "tolerance_cm": Decimal("0.5"),
                "within": True,
                "critical": True,
            }
        ],
        when=datetime(2026, 11, 5, 15, 30, tzinfo=UTC),
        order_number="PO-00012",
        stage="fit 2",
        operator="Ana",
    )
    assert event["disposition"] == "conformant" and event["sl:outOfTolerance"] == []
    validate_document(ev.document([event]))


def test_bad_measurements_name_the_code_and_save_nothing(brand, factory, studio):
    sample = _sample(brand, factory, studio)
    with pytest.raises(ValidationError) as caught:
        sample_measure(sample=sample, values={"FNL": "ten", "XYZ": "3", "CBL": "62"}, organization=brand.org)
    assert caught.value.fields == {
        "values.FNL": "FNL: 'ten' is not a number of cm.",
        "values.XYZ": f"XYZ: not a point of measure of {studio['style'].code}'s spec sheet.",
    }
    with pytest.raises(ValidationError):
        sample_measure(sample=sample, values={"FNL": ""}, organization=brand.org)  # nothing measured
    assert (
        not sample.measurements.exists()
        and not Event.objects.filter(biz_step__endswith="inspecting").exists()
    )


def test_photos_are_checked_by_their_bytes_and_size(brand, factory, studio, settings):
    sample = _sample(brand, factory, studio)
    photo = sample_photo_add(sample=sample, photo=PNG, organization=factory.org, caption="on the model")
    assert photo.content_type == "image/png"
    assert sample_photo_add(sample=sample, photo=JPEG, organization=brand.org).content_type == "image/jpeg"
    with pytest.raises(ValidationError) as caught:
        sample_photo_add(sample=sample, photo=b"GIF89a" + b"\x00" * 10, organization=brand.org)
    assert caught.value.fields == {"photo": "Not a JPEG or PNG picture."}
    with pytest.raises(ValidationError) as caught:
        sample_photo_add(sample=sample, photo=PNG + b"\x00" * (5 * 2**20), organization=brand.org)
    assert "more than the 5 MB" in caught.value.fields["photo"]
    assert SamplePhoto.objects.count() == 2


def test_another_brand_neither_sees_nor_measures_the_sample(
    brand, other_brand, factory, other_factory, studio
):
    sample = _sample(brand, factory, studio)
    assert sample_get(organization=other_brand.org, pk=sample.pk) is None
    assert sample_get(organization=other_factory.org, pk=sample.pk) is None
    assert sample_get(organization=factory.org, pk=sample.pk) == sample
    with pytest.raises(ForbiddenError):
        sample_measure(sample=sample, values={"FNL": "9.5"}, organization=other_brand.org)
    with pytest.raises(ForbiddenError):
        sample_photo_add(sample=sample, photo=PNG, organization=other_factory.org)


# The pages --------------------------------------------------------------------------------------------


def test_sample_pages(brand, other_brand, factory, studio):
    style = studio["style"]
    c = brand.client()
    answer = c.post(
        f"/fitting/styles/{style.pk}/samples/",
        {
            "stage": "fit",
            "size": "M",
            "units": "4",
            "pattern_version": studio["v1"].pk,
            "factory": factory.org.pk,
        },
    )
    assert answer.status_code == 422 and "A sample is 1 to 3 units (got 4)." in answer.text
    answer = c.post(
        f"/fitting/styles/{style.pk}/samples/",
        {
            "stage": "fit",
            "size": "M",
            "units": "2",
            "pattern_version": studio["v1"].pk,
            "factory": factory.org.pk,
        },
    )
    sample = Sample.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/fitting/samples/{sample.pk}/"
    listing = c.get(f"/fitting/styles/{style.pk}/samples/")
    assert "Fit 1" in listing.text and sample.order.number in listing.text

    page = c.post(f"/fitting/samples/{sample.pk}/", {"m-FNL": "10.2", "m-CBL": "abc"})
    assert page.status_code == 422 and "CBL: &#x27;abc&#x27; is not a number of cm." in page.text
    assert c.post(f"/fitting/samples/{sample.pk}/", {"m-FNL": "10.2", "m-CBL": "62"}).status_code == 302
    page = c.get(f"/fitting/samples/{sample.pk}/")
    assert 'class="out"' in page.text and "Fails: FNL out of tolerance" in page.text
    assert "Cut this sample" not in page.text  # the brand does not cut

    from django.core.files.uploadedfile import SimpleUploadedFile

    c.post(
        f"/fitting/samples/{sample.pk}/photos/",
        {"photo": SimpleUploadedFile("a.png", PNG), "caption": "front"},
    )
    c.post(f"/fitting/samples/{sample.pk}/photos/", {"photo": SimpleUploadedFile("a.png", b"<svg/>")})
    [photo] = SamplePhoto.objects.all()
    image = c.get(f"/fitting/sample-photos/{photo.pk}/")
    assert image["Content-Type"] == "image/png" and image.content == PNG
    assert image["X-Content-Type-Options"] == "nosniff"

    assert other_brand.client().get(f"/fitting/samples/{sample.pk}/").status_code == 404
    assert other_brand.client().get(f"/fitting/sample-photos/{photo.pk}/").status_code == 404
    assert "Cut this sample" in factory.client().get(f"/fitting/samples/{sample.pk}/").text


def test_the_factory_cuts_from_the_sample_page(brand, factory, studio):
    _remnant(studio["floor"], studio["material"], left="1.500")
    sample = _sample(brand, factory, studio)
    answer = factory.client().post(f"/fitting/samples/{sample.pk}/cut/", follow=True)
    assert answer.status_code == 200 and "(remnant, " in answer.text
    assert "Fabric it took" in answer.text
    sample.refresh_from_db()
    assert sample.cut_at is not None


def test_a_sewn_sample_garment_has_its_lineage_from_the_roll_end_to_the_fitting(brand, factory, studio):
    from seamline.cutting.models import Bundle
    from seamline.floor.services import bundle_sew
    from seamline.lineage.selectors import garment_lineage

    end = _remnant(studio["floor"], studio["material"], left="1.500")
    sample = sample_cut(sample=_sample(brand, factory, studio), organization=factory.org)
    [bundle] = Bundle.objects.filter(lay__plan__order=sample.order)
    [garment] = bundle_sew(bundle=bundle, organization=factory.org)
    sample_measure(sample=sample, values={"FNL": "9.4"}, organization=factory.org)
    [event] = _bodies(factory.org, biz_step__endswith="inspecting")
    assert event["epcList"] == [garment.epc_uri] and event["disposition"] == "conformant"  # sewn: its garment
    lineage = garment_lineage(organization=factory.org, garment_epc=garment.epc_uri)
    assert [r.label for r in lineage.rolls] == [end.roll_id]
    assert [s.kind for s in lineage.steps][-3:] == ["cutting", "sewing", "inspecting"]


def test_every_extension_term_of_the_new_events_is_in_the_published_context():
    from seamline.cutting.events import pattern_reviewed

    when = datetime(2026, 11, 5, 15, 30, tzinfo=UTC)
    fitted = sample_fitted(
        epcs=[ev.sample_uri("0b0d1f7c-5a8e-4c1f-8a34-0c9b1f2e3d44")],
        sample=ev.sample_uri("0b0d1f7c-5a8e-4c1f-8a34-0c9b1f2e3d44"),
        pattern=ev.pattern_uri(7),
        size="M",
        measurements=[
            {"code": "FNL", "value_cm": Decimal("10"), "spec_cm": 9, "tolerance_cm": 1, "within": True}
        ],
        when=when,
        order_number="PO-00001",
        stage="proto",
    )
    reviewed = pattern_reviewed(
        pattern=ev.pattern_uri(8),
        style_code="SD",
        number=2,
        approved=False,
        when=when,
        based_on=ev.pattern_uri(7),
        change_note="deeper",
        note="no",
    )
    used = {k for e in (fitted, reviewed) for k in e if k.startswith("sl:")}
    used |= {k for m in fitted["sl:measurements"] for k in m} | {"sl:orderKind"}
    terms = ev.seamline_context()["@context"]
    declared = {
        f"sl:{t}" for t, v in terms.items() if (v.get("@id") if isinstance(v, dict) else v) == f"sl:{t}"
    }
    assert used <= declared
