"""A cut plan's life beyond the happy path (issue #11): cancelled while it nests and retried; a second plan
after some lays were cut plans only what is left and voids the first plan's uncut lays; and an order starts
sewing only when its breakdown is cut."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from seamline.core.errors import ConflictError, ValidationError
from seamline.cutting.models import CutPlan, Marker
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_cancel, cut_plan_request, cut_plan_retry, lay_cut
from seamline.production.services import production_order_transition

from .conftest import FAST, SETTINGS


def _cutting(shop, brand, factory):
    order = shop["order"]
    production_order_transition(order=order, target="planned", organization=brand.org)
    production_order_transition(order=order, target="cutting", organization=factory.org)
    return order


# Cancel and retry -------------------------------------------------------------------------------------


def test_a_queued_plan_is_cancelled_then_retried_as_a_new_attempt(shop, factory):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **FAST)
    cancelled = cut_plan_cancel(plan=plan, organization=factory.org, by=factory.user)
    assert cancelled.status == "cancelled" and "Cancelled by" in cancelled.progress_text
    assert cut_plan_run(plan.pk).status == "cancelled"  # a worker picking it up later does nothing
    with pytest.raises(ConflictError, match="nothing to cancel"):
        cut_plan_cancel(plan=plan, organization=factory.org)
    again = cut_plan_retry(plan=plan, organization=factory.org, enqueue=False)
    assert (again.status, again.attempt, again.progress_pct, again.error) == ("queued", 2, 0, "")
    done = cut_plan_run(plan.pk)
    assert done.status == "done" and done.markers.exists()
    with pytest.raises(ConflictError, match="only a failed or cancelled plan"):
        cut_plan_retry(plan=done, organization=factory.org)


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_running_plan_stops_its_nesting_within_seconds(shop, factory):
    slow = {**SETTINGS, "seconds_per_garment": 20}  # minutes of nesting if nobody stops it
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **slow)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["plan"] = cut_plan_run(plan.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 30
    while CutPlan.objects.get(pk=plan.pk).progress_pct == 0 and time.monotonic() < deadline:
        time.sleep(0.2)  # until the child process reports its first progress
    assert CutPlan.objects.get(pk=plan.pk).status == "running"
    cut_plan_cancel(plan=plan, organization=factory.org, by=factory.user)
    stopped_at = time.monotonic()
    worker.join(timeout=15)
    assert not worker.is_alive(), "the run did not notice the cancel"
    assert time.monotonic() - stopped_at < 5
    plan.refresh_from_db()
    assert plan.status == "cancelled" and not Marker.objects.filter(plan=plan).exists()
    assert not [c for c in multiprocessing.active_children() if c.name == "seamline-planner"]


def test_a_failed_plan_can_be_retried_from_its_page(shop, factory):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **FAST)
    CutPlan.objects.filter(pk=plan.pk).update(status="failed", error="the worker died")
    client = factory.client()
    page = client.get(reverse("cutting:cut_plan_detail", args=[plan.pk])).content.decode()
    assert "the worker died" in page and "Retry" in page
    response = client.post(reverse("cutting:cut_plan_retry", args=[plan.pk]))
    assert response.status_code == 302
    assert CutPlan.objects.get(pk=plan.pk).status == "queued"


def test_a_running_plan_page_offers_cancel_and_says_when_it_stalled(shop, factory):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **FAST)
    client = factory.client()
    page = client.get(reverse("cutting:cut_plan_detail", args=[plan.pk])).content.decode()
    assert "Cancel" in page and "Queued" in page
    CutPlan.objects.filter(pk=plan.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(minutes=5), progress_pct=12
    )
    progress = client.get(
        reverse("cutting:cut_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "No sign of life for 5 min" in progress
    assert 'id="plan-status"' in progress and "Running" in progress  # the badge moves with the bar
    client.post(reverse("cutting:cut_plan_cancel", args=[plan.pk]))
    assert CutPlan.objects.get(pk=plan.pk).status == "cancelled"


def test_only_the_factory_cancels(shop, brand, factory):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **FAST)
    response = brand.client().post(reverse("cutting:cut_plan_cancel", args=[plan.pk]))
    assert response.status_code in (403, 404)
    assert CutPlan.objects.get(pk=plan.pk).status == "queued"


# A second plan after some lays are cut --------------------------------------------------------------------


def test_a_second_plan_plans_only_what_is_not_cut_and_voids_the_first_plans_uncut_lays(shop, brand, factory):
    order = _cutting(shop, brand, factory)
    first = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    lays = list(first.lays.order_by("number"))
    assert len(lays) >= 2
    lay_cut(lay=lays[0], organization=factory.org)
    cut_now = {s: n * lays[0].plies for s, n in lays[0].marker.ratio.items()}
    second = cut_plan_request(order=order, organization=factory.org, enqueue=False, **FAST)
    expected = {s: n - cut_now.get(s, 0) for s, n in {"S": 3, "M": 2}.items() if n > cut_now.get(s, 0)}
    assert second.demand == expected
    with pytest.raises(ConflictError, match=f"replaced by cut plan {second.pk}"):
        lay_cut(lay=lays[1], organization=factory.org)
    cut_plan_run(second.pk)
    with pytest.raises(ConflictError, match=f"replaced by cut plan {second.pk}"):
        lay_cut(lay=lays[1], organization=factory.org)
    page = factory.client().get(reverse("cutting:cut_plan_detail", args=[first.pk])).content.decode()
    assert "Replaced by" in page and f">cut plan {second.pk}</a>" in page and ">void<" in page


def test_no_plan_once_everything_is_cut(shop, brand, factory):
    order = _cutting(shop, brand, factory)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory.org)
    with pytest.raises(ValidationError) as caught:
        cut_plan_request(order=order, organization=factory.org, enqueue=False, **FAST)
    assert "is cut already" in caught.value.fields["colour"]


# Sewing starts when the cut is complete -------------------------------------------------------------------


def test_sewing_waits_until_every_garment_is_cut(shop, brand, factory):
    order = _cutting(shop, brand, factory)
    client = factory.client()
    page = client.get(reverse("production:order_detail", args=[order.pk])).content.decode()
    assert "Nothing is cut yet" in page and "disabled" in page
    with pytest.raises(ConflictError, match="Nothing is cut yet"):
        production_order_transition(order=order, target="sewing", organization=factory.org)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    lays = list(plan.lays.order_by("number"))
    lay_cut(lay=lays[0], organization=factory.org)
    with pytest.raises(ConflictError, match=rf"Garments still to cut: .*cut plan {plan.pk}"):
        production_order_transition(order=order, target="sewing", organization=factory.org)
    for lay in lays[1:]:
        lay_cut(lay=lay, organization=factory.org)
    moved = production_order_transition(order=order, target="sewing", organization=factory.org)
    assert moved.state == "sewing"


def test_an_order_past_cutting_offers_no_plan(shop, brand, factory):
    order = _cutting(shop, brand, factory)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory.org)
    production_order_transition(order=order, target="sewing", organization=factory.org)
    order.refresh_from_db()
    page = factory.client().get(reverse("production:order_detail", args=[order.pk])).content.decode()
    assert reverse("cutting:cut_plan_create", args=[order.pk]) not in page
    with pytest.raises(ConflictError, match="is sewing: its cut is behind it"):
        cut_plan_request(order=order, organization=factory.org, enqueue=False, **FAST)
