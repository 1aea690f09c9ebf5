"""Lead time from funding to the doorstep: per pre-order, and a drop's median, 90th percentile and share
delivered within 7 days, on the drop's dashboard."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from seamline.delivery import actions, tasks
from seamline.delivery.leadtime import lead_times, quantile
from seamline.delivery.models import Stop
from seamline.delivery.selectors import drop_lead_times, preorder_lead_times

from .conftest import plan_day


def test_quantiles_and_shares_by_hand():
    assert quantile([5], 0.9) == 5
    assert quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)
    days = [timedelta(days=d) for d in (1, 2, 6.5, 7, 8)]
    t = lead_times(days, local=5)
    assert (t.delivered, t.median_days, t.p90_days, t.within_pct) == (5, Decimal("6.5"), Decimal("7.6"), 80)
    assert t.sentence == "delivered within 7 days of funding: 80 %"
    assert lead_times([], local=0).within_pct is None
    with pytest.raises(ValueError):
        lead_times(days, local=2)


def test_a_drops_lead_time_counts_every_local_preorder_and_shows_on_its_dashboard(
    shop, brand, factory, fleet, parcels
):
    plan = plan_day(factory.org)
    stop = Stop.objects.get(route__plan=plan, parcel__preorder__name="Ana Ruiz")
    for each in Stop.objects.filter(route=stop.route, kind=Stop.Kind.PARCEL):
        actions.stop_pick_up(stop=each, organization=factory.org)
    actions.route_depart(route=stop.route, organization=factory.org)
    tasks.parcel_code_send.call(parcel_id=stop.parcel_id)
    code = re.search(r"this code: (\d{4})", mail.outbox[-1].body).group(1)
    drop = shop.drop
    drop.refresh_from_db()
    when = drop.funded_at + timedelta(days=3, hours=12)
    actions.stop_deliver(
        stop=stop,
        organization=factory.org,
        photo=b"\xff\xd8\xff-door",
        recipient_name="Ana",
        code=code,
        when=when,
    )

    rows = {r.preorder.name: r for r in preorder_lead_times(drop=drop)}
    assert set(rows) == {"Ana Ruiz", "Dev Patel", "Jo Tanaka"}  # New York ships: not a local lead time
    assert rows["Ana Ruiz"].days == Decimal("3.5") and rows["Dev Patel"].days is None
    times = drop_lead_times(drop=drop)
    assert (times.delivered, times.local, times.median_days, times.p90_days) == (
        1,
        3,
        Decimal("3.5"),
        Decimal("3.5"),
    )
    assert times.within_pct == 33  # two still on their way count as not within 7 days

    page = brand.client().get(reverse("drops_founder:drop_detail", args=[drop.slug])).content.decode()
    assert "Delivered within 7 days of funding: 33 %" in page and "1 of 3 local pre-orders" in page
