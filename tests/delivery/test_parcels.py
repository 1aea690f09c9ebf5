"""Parcels from a drop's packed local pre-orders: garments given by variant, the address's precision, the
aggregation event, the e-mailed code (stored as an HMAC only), and the courier zone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from seamline.core.errors import ForbiddenError, ValidationError
from seamline.delivery.codes import code_matches
from seamline.delivery.models import Parcel, Precision
from seamline.delivery.services import parcel_address_change, parcels_create
from seamline.drops.models import PreOrder
from seamline.production.models import Garment
from seamline.trace.models import Event


def test_each_local_preorder_gets_a_parcel_of_its_own_garments(
    shop, factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = parcels_create(order=shop.order, organization=factory.org)
    assert made.waiting == []
    by_name = {p.preorder.name: p for p in made.parcels}
    assert set(by_name) == {"Ana Ruiz", "Dev Patel", "Jo Tanaka"}  # New York ships
    for name, parcel in by_name.items():
        lines = {(line.offer.variant_id, line.quantity) for line in shop.preorders[name].lines.all()}
        garments = list(parcel.garments.all())
        assert {
            (g.variant_id, sum(1 for x in garments if x.variant_id == g.variant_id)) for g in garments
        } == lines
        assert all(g.carton_id is not None and g.inspected for g in garments)
        assert parcel.precision == Precision.ZIP_CENTROID  # offline ZIP data is never the doorstep
        assert parcel.weight_kg > Decimal("0.05")
    dev = by_name["Dev Patel"]
    assert (dev.window_start.isoformat(), dev.window_end.isoformat()) == ("17:00:00", "20:00:00")
    ana = by_name["Ana Ruiz"]
    assert (ana.window_start.isoformat(), ana.window_end.isoformat()) == (
        "09:00:00",
        "18:00:00",
    )  # the drop's

    packed = Event.objects.filter(
        organization=factory.org, biz_step__endswith="packing", body__contains="parcel"
    )
    assert packed.count() == 3

    # The code: e-mailed once per parcel, stored only as an HMAC that the e-mailed code matches.
    codes = [m for m in mail.outbox if m.subject.startswith("Your delivery code")]
    assert sorted(m.to[0] for m in codes) == [
        "buyer0@example.com",
        "buyer1@example.com",
        "buyer2@example.com",
    ]
    for message in codes:
        code = re.search(r"this code: (\d{4})", message.body).group(1)
        parcel = Parcel.objects.get(preorder__email=message.to[0])
        # A 64-hex digest, never the code itself (a four-digit run inside hex is chance, not a leak).
        assert re.fullmatch(r"[0-9a-f]{64}", parcel.code_hash)
        assert code_matches(code, parcel.code_hash, parcel_uid=str(parcel.uid), key=settings.SECRET_KEY)
        wrong = f"{(int(code) + 1) % 10000:04d}"
        assert not code_matches(wrong, parcel.code_hash, parcel_uid=str(parcel.uid), key=settings.SECRET_KEY)

    again = parcels_create(order=shop.order, organization=factory.org)
    assert again.parcels == [] and Parcel.objects.count() == 3  # each pre-order once


def test_a_preorder_waits_until_all_its_garments_are_packed(shop, factory):
    dev = shop.preorders["Dev Patel"]  # two L jackets: all but one L is taken back off the packing table
    size = dev.lines.get().offer.variant
    unpacked = Garment.objects.filter(order=shop.order, variant=size).order_by("serial")[1:]
    Garment.objects.filter(pk__in=[g.pk for g in unpacked]).update(carton=None)
    made = parcels_create(order=shop.order, organization=factory.org)
    assert made.waiting == [dev]
    assert {p.preorder.name for p in made.parcels} == {"Ana Ruiz", "Jo Tanaka"}


def test_an_address_outside_the_zone_is_refused_naming_it_and_nothing_is_written(shop, factory):
    PreOrder.objects.filter(pk=shop.preorders["Jo Tanaka"].pk).update(zip_code="93510")  # Acton: 49 km out
    with pytest.raises(ValidationError) as err:
        parcels_create(order=shop.order, organization=factory.org)
    field = f"preorders[{shop.preorders['Jo Tanaka'].pk}].zip_code"
    assert list(err.value.fields) == [field]
    assert "farther than the 35 km" in err.value.fields[field]
    assert Parcel.objects.count() == 0
    assert not Event.objects.filter(body__contains="urn:seamline:parcel:").exists()


def test_a_parcels_address_is_corrected_and_checked(parcels, factory, other_factory):
    parcel = parcels[0]
    for zip_code, words in (
        ("00000", "does not exist"),
        ("92801", "outside the delivery area"),
        ("9002", "5-digit"),
    ):
        with pytest.raises(ValidationError) as err:
            parcel_address_change(
                parcel=parcel, organization=factory.org, street="1 Elm St", zip_code=zip_code
            )
        assert list(err.value.fields) == ["zip_code"] and words in err.value.fields["zip_code"]
    with pytest.raises(ValidationError) as err:
        parcel_address_change(parcel=parcel, organization=factory.org, street=" ", zip_code="90027")
    assert list(err.value.fields) == ["street"]
    with pytest.raises(ForbiddenError):
        parcel_address_change(
            parcel=parcel, organization=other_factory.org, street="1 Elm St", zip_code="90027"
        )
    moved = parcel_address_change(
        parcel=parcel, organization=factory.org, street="2250 Hyperion Ave", zip_code="90027"
    )
    assert (moved.zip_code, moved.city, moved.precision) == ("90027", "Los Angeles", Precision.ZIP_CENTROID)


def test_another_factory_cannot_make_the_parcels(shop, other_factory):
    with pytest.raises(ForbiddenError):
        parcels_create(order=shop.order, organization=other_factory.org)
