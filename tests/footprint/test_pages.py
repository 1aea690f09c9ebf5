"""Issue #11 on the footprint pages: every "recorded event" link opens its event, a garment not published
yet says so, and people read names and rounded figures while the data keeps codes and full precision.

Issue #14: the order page states every boundary, the grid basis and the water split; a factor with no
citable published value is named in a banner and tagged in the lines; method-1 snapshots read as before."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse

from seamline.footprint.calc import BOUNDARIES
from seamline.footprint.display import CSV_QUANTITY_PLACES, WATER_PARTS, factor_label
from seamline.footprint.factors import DQR_KEYS, Registry, load_registry
from seamline.footprint.models import FootprintSnapshot
from seamline.footprint.services import footprint_publish
from seamline.footprint.storage import FIELDS, footprint_of
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
    grid = registry.get("electricity.grid.us")  # method 2: Los Angeles on the offshore grids' basis
    links = re.findall(r'<a href="[^"]*/electricity\.grid\.us/" title="([^"]+)">([^<]+)</a>', page)
    assert (grid.id, factor_label(grid.activity)) in [(title, unescape(text)) for title, text in links]

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


# Issue #14: boundaries, grid basis, water split, unsourced factors ------------------------------------

SHIPPED = Path(__file__).resolve().parents[2] / "src/seamline/footprint/data/factors-2026.2.json"
COTTON = "fibre.cotton.conventional"


def registry_with(tmp_path: Path, unsourced: dict[str, str] | None = None) -> Registry:
    """The shipped 2026.2 factors with every factor sourced but those of ``unsourced`` (id -> reason)."""
    unsourced = unsourced or {}
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for factor in document["factors"]:
        factor.pop("sourced", None)
        factor.pop("unsourced_reason", None)
        if factor["id"] in unsourced:
            factor.update(sourced=False, unsourced_reason=unsourced[factor["id"]])
    path = tmp_path / "factors-2026.2.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return load_registry(path=path)


def _text(html: str) -> str:
    """What a reader sees: tags dropped, spaces collapsed, none before punctuation."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.:;)])", r"\1", text)


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def test_the_order_page_lists_each_boundary_the_grid_basis_and_the_water_split(delivered, factory, tmp_path):
    order = delivered["order"]
    order.style.care_wash_c = 30  # the care label: a use phase to state
    order.style.save(update_fields=["care_wash_c"])
    snapshot = footprint_publish(order=order, registry=registry_with(tmp_path))
    snapshot.refresh_from_db()
    page = factory.client().get(reverse("footprint:order", args=[order.pk])).content.decode()
    boundaries = snapshot.assumptions["boundaries"]
    section = _section(page, "boundaries")
    footer = section[section.index("<tfoot>") :]
    names = re.findall(r'<th class="num" data-boundary="([^"]+)">([^<]+)</th>', footer)  # the totals
    assert names == [(name, boundaries[name]["co2e_kg"]) for name in BOUNDARIES]
    assert [name for name, _ in names] == [
        "cradle-to-gate",
        "cradle-to-customer",
        "cradle-to-grave",
        "cradle-to-grave-with-use",
    ]
    rows = dict(re.findall(r'<tr><td title="([^"]+)">[^<]*</td>(.*?)</tr>', section))
    ordered = [boundaries[name] for name in BOUNDARIES]  # jsonb keeps keys in an order of its own
    assert set(rows) == {step for b in ordered for step in b["steps"]}
    for step, cells in rows.items():  # each boundary's own steps, a dash outside it
        shown = re.findall(r'<td class="num">([^<]*)</td>', cells)
        assert shown == [b["steps"].get(step, "—") for b in ordered], step
    assert {"sizing", "delivery", "end_of_life:landfill", "use:washing"} <= set(rows)
    assert rows["use:washing"].count("—") == 3 and rows["delivery"].count("—") == 1
    text = _text(section)
    assert "Use: washing" in text and "End of life: landfill" in text and "Sizing" in text
    assert "Cradle to customer headline" in text and "nothing outside it is added to it" in text
    use = snapshot.assumptions["use"]
    assert f"Use phase, an assumption: {use['washes']} washes at 30 °C, line dried" in text

    rests = _text(_section(page, "assumptions"))
    assert "Electricity: Ember lifecycle, national averages, on both sides of the comparison." in rests
    alternative = snapshot.assumptions["grid"]["alternative"]["co2e_customer_kg"]
    assert (
        f"On eGRID CAMX, combustion, in-region generation: {alternative} kg CO2e a garment to the customer "
        "— a different basis, not compared."
    ) in rests
    parts = re.findall(r'<li data-part="(\w+)"><strong>\w+: <span title="([^"]+)">', page)
    assert parts == [(p, snapshot.water_split[p]) for p in WATER_PARTS] and [p for p, _ in parts] == [
        "fibre",
        "mill",
        "factory",
    ]
    assert sum(Decimal(litres) for _, litres in parts) == snapshot.water_l
    assert "blue water of growing the fibre (irrigation)" in rests and "the factory's metered water" in rests
    assert "the mill's process water, where the data gives litres" in rests
    assert "Mill finishing (desizing, sanforizing, drying) is not counted" in rests  # the exclusions
    assert snapshot.assumptions["material"][0] in rests
    # no reference is sourced for garment dyeing: no water saved, and not the old hard-coded reference
    assert "saved by waterless dyeing" not in page and "indigo-dyeing-conventional" not in page
    assert "This footprint uses factors with no citable published value" not in page
    assert ">unsourced<" not in page
    assert "Method 2." in _text(page)


def test_water_saved_is_shown_only_against_its_named_reference(delivered, factory, tmp_path):
    order = delivered["order"]
    snapshot = footprint_publish(order=order, registry=registry_with(tmp_path))
    url = reverse("footprint:order", args=[order.pk])
    FootprintSnapshot.objects.filter(pk=snapshot.pk).update(water_saved_l=Decimal("45"))
    assert "saved by waterless dyeing" not in factory.client().get(url).content.decode()

    reference = "water.reference.garment-dyeing-conventional"
    snapshot.assumptions["water_saved"]["reference"] = reference
    FootprintSnapshot.objects.filter(pk=snapshot.pk).update(assumptions=snapshot.assumptions)
    page = factory.client().get(url).content.decode()
    activity = load_registry(snapshot.registry_version).get(reference).activity
    link = re.search(
        r'saved by waterless dyeing, against the reference <a href="([^"]+)" title="([^"]+)">', page
    )
    assert link and link.group(1) == reverse("footprint:factor", args=[snapshot.registry_version, reference])
    assert link.group(2) == reference and factor_label(activity) in unescape(page)
    assert ">45 L<" in page and "indigo-dyeing-conventional" not in page


def test_a_method_1_snapshot_renders_as_before(delivered, factory):
    order = delivered["order"]
    first = footprint_publish(order=order)
    FootprintSnapshot.objects.filter(pk=first.pk).update(
        method_version=1,
        co2e_grave_kg=None,
        co2e_use_kg=None,
        water_split={},
        unsourced=[],
        assumptions={},
        water_saved_l=Decimal("37.5"),
    )
    footprint_publish(order=order)  # v2, of method 2: the versions list names both methods
    page = factory.client().get(reverse("footprint:order", args=[order.pk]) + "?version=1").content.decode()
    assert "Version 1, published" in page
    assert 'id="boundaries"' not in page and 'id="assumptions"' not in page and "Boundaries" not in page
    assert "Method 2." not in page and "Method 1." not in page
    assert "no citable published value" not in page and ">unsourced<" not in page
    reference = reverse(
        "footprint:factor", args=[first.registry_version, "water.reference.indigo-dyeing-conventional"]
    )
    assert (
        '<span class="big-number">38 L</span><span class="muted">saved by waterless dyeing, against '
        f'conventional indigo dyeing (<a href="{reference}">reference</a>)</span>'
    ) in page  # as method 1 always said it
    assert "Los Angeles against offshore, per step" in page and "Every line of" in page
    versions = _text(page[page.index("<h2>Versions</h2>") :])
    assert re.search(r"v2 · .* · method 2 · ", versions) and re.search(r"v1 · .* · method 1 · ", versions)


def test_unsourced_factors_are_named_in_a_banner_and_tagged_in_the_lines(delivered, factory, tmp_path):
    order = delivered["order"]
    reason = "test: no table of the cited study was seen"
    snapshot = footprint_publish(order=order, registry=registry_with(tmp_path, {COTTON: reason}))
    activity = load_registry(snapshot.registry_version).get(COTTON).activity
    assert snapshot.unsourced == [{"factor_id": COTTON, "activity": activity, "reason": reason}]
    garment = snapshot.garment_rows.order_by("garment__serial").first().garment
    client = factory.client()
    banner = (
        f"This footprint uses factors with no citable published value: {activity} ({reason}). "
        "Its figures are estimates; passports and hangtags do not print them."
    )
    for url in (
        reverse("footprint:order", args=[order.pk]),
        reverse("footprint:garment", args=[garment.uid]),
    ):
        page = client.get(url).content.decode()
        assert banner in _text(page), url
        rows = re.findall(r"<tr[^>]*>\s*<td title=\"[^\"]*\">.*?</tr>", page, flags=re.S)
        lines = [row for row in rows if "/footprint/factors/" in row]
        tagged = [row for row in lines if ">unsourced</span>" in row]
        assert tagged and all(f'title="{COTTON}"' in row for row in tagged)
        assert all(">unsourced</span>" in row for row in lines if f'title="{COTTON}"' in row)
        assert len(tagged) < len(lines)

    sourced = footprint_publish(order=order, registry=registry_with(tmp_path))
    assert sourced.unsourced == []
    page = client.get(reverse("footprint:order", args=[order.pk])).content.decode()
    assert "no citable published value" not in page and ">unsourced</span>" not in page


def test_the_factor_page_says_whether_it_is_sourced_its_basis_and_its_ratings(factory):
    client = factory.client()
    registry = load_registry("2026.2")
    unsourced = next(f for f in registry.factors.values() if not f.sourced)
    page = _text(
        client.get(reverse("footprint:factor", args=[registry.version, unsourced.id])).content.decode()
    )
    assert f"Sourced no: no citable published value ({unsourced.unsourced_reason})" in page
    grid = registry.get("electricity.grid.us-camx")
    page = _text(client.get(reverse("footprint:factor", args=[registry.version, grid.id])).content.decode())
    assert "Sourced yes: a citable published value" in page and f"Basis {grid.basis}" in page
    ratings = " ".join(f"{key.capitalize()}: {grid.dqr[key]} of 3" for key in DQR_KEYS)
    assert f"PACT data quality {ratings}" in page
    old = load_registry("2026.1").get("electricity.grid.us-camx")
    page = _text(client.get(reverse("footprint:factor", args=[old.version, old.id])).content.decode())
    assert "Sourced not assessed: registry 2026.1 predates the sourcing check" in page
    assert "PACT data quality" not in page and "Basis" not in page


def test_the_command_prints_the_boundaries_the_water_split_and_the_unsourced_factors(
    delivered, capsys, tmp_path
):
    from seamline.cli import main

    order = delivered["order"]
    snapshot = footprint_publish(order=order, registry=registry_with(tmp_path, {COTTON: "test: unseen"}))
    assert main(["footprint", order.number]) == 0
    out = capsys.readouterr().out
    stored = snapshot.assumptions["boundaries"]
    totals = " · ".join(f"{name} {stored[name]['co2e_kg']}" for name in BOUNDARIES)
    assert f"(the headline is cradle-to-customer): {totals}" in out
    assert "water, L a garment: " + ", ".join(f"{k} {snapshot.water_split[k]}" for k in WATER_PARTS) in out
    assert "UNSOURCED factors" in out and f"  {COTTON}: " in out and "(test: unseen)" in out
    assert main(["footprint", order.number, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["boundaries"] == {
        name: b["co2e_kg"] for name, b in snapshot.assumptions["boundaries"].items()
    }
    assert document["water_split_l_per_garment"] == snapshot.water_split
    assert document["unsourced"] == snapshot.unsourced and document["method_version"] == 2


def test_the_pact_export_rates_each_indicator_names_exclusions_and_unsourced_factors(
    delivered, factory, tmp_path
):
    order = delivered["order"]
    registry = registry_with(tmp_path, {COTTON: "test: unseen"})
    snapshot = footprint_publish(order=order, registry=registry)
    pact = factory.client().get(reverse("footprint:pact", args=[order.pk])).json()
    assert pact["comment"].endswith(
        f"Unsourced factors, with no citable published value: {COTTON} (test: unseen)."
    )
    assert (
        "Mill finishing (desizing, sanforizing, drying) is not counted"
        in pact["pcf"]["exemptedEmissionsDescription"]
    )
    assert "shipped in from the mill's port" in pact["pcf"]["boundaryProcessesDescription"]
    dqi = pact["pcf"]["dqi"]
    # the factors' own ratings, per indicator: the grid's are best on technology, worse on completeness
    row = snapshot.garment_rows.order_by("garment__serial").first()
    lines = footprint_of(row.lines, snapshot.sources, snapshot.registry_version).select("cradle-to-gate")
    total = sum(line.co2e_kg for line in lines)
    shipped = load_registry(snapshot.registry_version)
    for key in DQR_KEYS:
        expected = sum(line.co2e_kg * shipped.get(line.factor_id).dqr[key] for line in lines) / total
        assert dqi[f"{key}DQR"] == pytest.approx(float(expected), abs=0.005), key
    assert len({dqi[f"{key}DQR"] for key in DQR_KEYS}) > 1
    # the garment's mass is the woven fabric less off-cuts (not the warp-only sizing's smaller mass)
    weaving = next(line.quantity for line in lines if line.step == "weaving")
    offcuts = sum(line.quantity for line in lines if line.step == "offcuts")
    assert Decimal(pact["pcf"]["unitaryProductAmount"]) == (weaving - offcuts).quantize(Decimal("0.001"))
