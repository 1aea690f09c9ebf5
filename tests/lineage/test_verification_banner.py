"""Pages that show ledger records carry a banner once `trace verify` has found a record at or before them
edited (the kept result is read, not verified again); before that, and on pages showing only earlier
records, none."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seamline.passport.services import passports_issue
from seamline.production.models import Garment
from seamline.trace.models import ChainCheck, Event
from seamline.trace.verify import chain_verify
from tests.trace.conftest import tamper

BANNER = "The ledger failed verification at record"


@pytest.fixture
def pages(delivered, factory):
    """The garment, roll and order pages (signed in as the factory) and a garment's public passport."""
    order = delivered["order"]
    garment = Garment.objects.filter(order=order, inspected=True).order_by("serial").first()
    passports_issue(order=order)
    roll = delivered["rolls"][0]
    return {
        "garment": reverse("trace:garment_detail", args=[garment.uid]),
        "roll": reverse("catalog:roll_detail", args=[roll.pk]),
        "order": reverse("production:order_detail", args=[order.pk]),
        "passport": f"/p/{garment.label}",
    }


def _dyeing(org) -> Event:
    return Event.objects.get(organization=org, biz_step__endswith="dyeing")


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_no_banner_while_the_ledger_verifies(pages, factory):
    assert chain_verify(factory.org) is None
    client = factory.client()
    for url in pages.values():
        assert BANNER not in _get(client, url), url


def test_an_edited_column_puts_the_banner_on_every_page_showing_that_record_or_a_later_one(pages, factory):
    anonymous = Client()
    assert BANNER not in _get(anonymous, pages["passport"])  # rendered and cached before the edit
    dyeing = _dyeing(factory.org)
    tamper(
        "UPDATE trace_event SET biz_location = %s WHERE id = %s",
        ["urn:seamline:facility:elsewhere", dyeing.pk],
    )
    client = factory.client()
    assert BANNER not in _get(client, pages["garment"])  # nothing verified yet: nothing known
    problem = chain_verify(factory.org)
    assert (problem.seq, problem.kind) == (dyeing.seq, "modified")
    check = ChainCheck.objects.get(organization=factory.org)
    expected = (
        f"{BANNER} {dyeing.seq} on {timezone.localtime(check.checked_at):%-d %b %Y}: "
        "what this page shows from there on may have been altered."
    )
    page = _get(client, pages["garment"])
    assert expected in page and 'role="alert"' in page
    assert expected in _get(anonymous, pages["passport"])  # the cached page is not served without it
    # the roll's downstream and the order's mass balance show receipts and cuts, all before the edited
    # record: no banner there
    assert BANNER not in _get(client, pages["roll"])
    assert BANNER not in _get(client, pages["order"])


def test_a_failure_at_the_first_record_warns_on_every_page(pages, factory):
    first = Event.objects.get(organization=factory.org, seq=1)
    tamper("UPDATE trace_event SET event_time = %s WHERE id = %s", ["2001-01-01 00:00:00+00:00", first.pk])
    assert chain_verify(factory.org).seq == 1
    client = factory.client()
    for name, url in pages.items():
        assert f"{BANNER} 1 on" in _get(client, url), name


def test_the_page_reads_the_kept_result_once_and_verifies_nothing(pages, factory, monkeypatch):
    tamper("UPDATE trace_event SET biz_step = %s WHERE id = %s", ["x", _dyeing(factory.org).pk])
    chain_verify(factory.org)

    def refuse(*args, **kwargs):
        raise AssertionError("a page verified the chain")

    monkeypatch.setattr("seamline.trace.verify._first_problem", refuse)
    assert BANNER in _get(factory.client(), pages["garment"])
