"""Closing, cancelling and the periodic sweep: holds are released, captured money refunded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seamline.core.errors import ConflictError, ValidationError
from seamline.drops.models import Drop, PaymentHold, PreOrder
from seamline.drops.services import drop_cancel, drop_create, drop_open
from seamline.drops.sweep import drop_sweep
from tests import factories as f

from .helpers import buy, make_drop


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_sweep_closes_an_expired_unfunded_drop_and_releases_every_hold(
    brand, factory, django_capture_on_commit_callbacks
):
    drop = make_drop(brand.org, factory.org, threshold=5)
    buy(drop, "M", 1, n=1)
    buy(drop, "L", 2, n=2)
    Drop.objects.filter(pk=drop.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert drop_sweep.call() == {"closed": 1, "voided": 0}
    assert Drop.objects.get(pk=drop.pk).state == "closed_unfunded"
    assert set(PaymentHold.objects.values_list("status", flat=True)) == {"voided"}
    assert set(PreOrder.objects.values_list("state", flat=True)) == {"voided"}


def test_cancelling_a_funded_drop_refunds(brand, factory, django_capture_on_commit_callbacks):
    drop = make_drop(brand.org, factory.org, threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        buy(drop, "M", 2, n=1)
    assert PaymentHold.objects.get().status == "captured"
    with django_capture_on_commit_callbacks(execute=True):
        drop_cancel(drop=drop)
    assert (PaymentHold.objects.get().status, PreOrder.objects.get().state) == ("refunded", "refunded")
    with pytest.raises(ConflictError):
        drop_open(drop=drop)


def test_drop_create_names_every_bad_field(brand, factory):
    style = f.make_style(brand.org)
    now = timezone.now()
    with pytest.raises(ValidationError) as err:
        drop_create(
            brand=brand.org,
            factory=brand.org,
            style=style,
            title="",
            prices={"NOPE": "10", style.variants.first().sku: "-1"},
            run_cap=0,
            opens_at=now,
            closes_at=now - timedelta(hours=1),
        )
    assert set(err.value.fields) >= {
        "title",
        "run_cap",
        "threshold_units",
        "closes_at",
        "prices.NOPE",
        "factory",
    }
    assert Drop.objects.count() == 0
