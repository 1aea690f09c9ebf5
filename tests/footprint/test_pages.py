"""Issue #11 on the footprint pages: every "recorded event" link opens its event, a garment not published
yet says so, and people read names and rounded figures while the data keeps codes and full precision."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html import unescape
from urllib.parse import unquote

from django.urls import reverse

from seamline.footprint.display import CSV_QUANTITY_PLACES
from seamline.footprint.factors import load_registry
from seamline.footprint.models import FootprintSnapshot
from seamline.footprint.services import footprint_publish
from seamline.footprint.storage import FIELDS
from seamline.production.models import Garment
from seamline.trace.models import Event

EVENT_LINK = re.compile(r'href="(/epcis/events/[^"]+)"[^>]*>recorded event<')


def _event_links(page: str) -> list[str]:
    return EVENT_LINK.findall(page)


def test_every_recorded_event_link_opens_an_event_of_the_ledger(delivered, brand, factory):
    order = delivered["order"]
    snapshot = footprint_publish(order=order)
    ids = set(Event.objects.values_list("event_id", flat=True))
    garment = snapshot.garment_rows.order_by("garment__serial").first().garment
    for client in (factory.client(), brand.client()):
        pages = [
            client.get(reverse("footprint:order", args=[order.pk])).content.decode(),
            client.get(reverse("footprint:garment", args=[garment.uid])).content.decode(),
        ]
        for page in pages:
            links = _event_links(page)
            # the mill lines, the off-cuts, each batch, each leg, the shared carton, the delivery
            assert len(links) >= 12, len(links)
            for href in set(links):
                assert unquote(href.removeprefix("/epcis/events/")) in ids, href
                assert client.get(href).status_code == 200, href
    # the explanation that used to be pasted into the link is shown beside it, in full on hover
    assert "m of " in pages[0] and "shared by 2 garments" in pages[0]


def test_a_garment_whose_footprint_is_not_published_yet_says_so(delivered, factory):
    garment = Garment.objects.filter(order=delivered["order"]).order_by("serial").first()
    response = factory.client().get(reverse("footprint:garment", args=[garment.uid]))
    page = response.content.decode()
    assert response.status_code == 200 and "not published yet" in page
    assert "another organization" not in page
    assert reverse("footprint:order", args=[delivered["order"].pk]) in page  # where it gets published
    assert not FootprintSnapshot.objects.exists()


def test_the_pages_show_names_and_rounded_figures_and_keep_the_codes_at_hand(delivered, factory):
    order = delivered["order"]
    snapshot = footprint_publish(order=order)
    client = factory.client()
    page = client.get(reverse("footprint:order", args=[order.pk])).content.decode()
    shown = re.sub(r"<title>.*?</title>", " ", page, flags=re.S)  # hover text may name the codes
    text = unescape(re.sub(r"<[^>]+>", " ", shown))
    assert not re.search(r"\btransport:", text)  # step codes only in titles and data attributes
    assert "Transport: Cut-and-sew floor → Dye house" in unescape(page)
    registry = load_registry(snapshot.registry_version)
    grid = registry.get("electricity.grid.us-camx")
    link = re.search(r'<a href="[^"]*/electricity\.grid\.us-camx/" title="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(1) == grid.id and unescape(link.group(2)) == grid.activity

    dyeing = registry.get("process.dyeing.indigo-rope-continuous-cellulosic")
    assert str(dyeing.co2e_kg) == "7.929408205287014"
    factor_page = client.get(reverse("footprint:factor", args=[dyeing.version, dyeing.id])).content.decode()
    assert ">7.929<" in factor_page and f'title="{dyeing.co2e_kg}"' in factor_page
    assert "<h1>Yarn dyeing, Continuous, Rope, Indigo" in factor_page

    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("footprint:csv", args=[order.pk])).content.decode()))
    )
    stored = [
        line[FIELDS.index("quantity")]
        for row in snapshot.garment_rows.order_by("garment__serial")
        for line in row.lines
    ]
    assert len(rows) == len(stored)
    assert any(len(q.split(".")[-1]) > CSV_QUANTITY_PLACES for q in stored)  # the data keeps every decimal
    for row, exact in zip(rows, stored, strict=True):
        assert re.fullmatch(rf"\d+\.\d{{{CSV_QUANTITY_PLACES}}}", row["quantity"]), row["quantity"]
        assert abs(Decimal(row["quantity"]) - Decimal(exact)) <= Decimal("0.0000005")
        assert row["factor_id"] in registry.factors  # the CSV is data: codes, not names
