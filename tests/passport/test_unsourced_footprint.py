"""Issue #14 on the passport: a footprint resting on a factor with no citable published value prints no
figure (public page, hangtag, signed credential) and says why; a fully sourced one prints it; the water
saved is shown only against a named reference."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from seamline.footprint.factors import load_registry
from seamline.footprint.models import FootprintSnapshot, GarmentFootprint
from seamline.footprint.services import footprint_publish
from seamline.passport.credential import validate_passport
from seamline.passport.hangtag import FOOTPRINT_UNVERIFIABLE, layout_tag
from seamline.passport.services import passports_issue
from seamline.passport.verify import envelope, verify_passport
from tests.footprint.test_pages import COTTON, registry_with
from tests.passport.test_hangtag import make_tag

SVG = "{http://www.w3.org/2000/svg}"
REASON = "test: no table of the cited study was seen"


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _footprint_card(page: str) -> str:
    start = page.index("<h2>Footprint</h2>")
    return _text(page[start : page.index("</section>", start)])


def _tags(client: Client, order) -> dict[str, str]:
    """Each hangtag's printed text, by serial, from the SVG sheet."""
    svg = client.get(reverse("passport:hangtags", args=[order.pk, "svg"])).content.decode()
    groups = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "hangtag"]
    return {g.get("data-serial"): " | ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in groups}


def _issue(delivered, tmp_path, unsourced: dict[str, str]):
    order = delivered["order"]
    snapshot = footprint_publish(order=order, registry=registry_with(tmp_path, unsourced))
    return order, snapshot, passports_issue(order=order)


def test_an_unsourced_factor_keeps_the_figure_off_the_page_the_hangtag_and_the_credential(
    delivered, brand, tmp_path
):
    order, snapshot, passports = _issue(delivered, tmp_path, {COTTON: REASON})
    activity = load_registry(snapshot.registry_version).get(COTTON).activity
    assert snapshot.unsourced == [{"factor_id": COTTON, "activity": activity, "reason": REASON}]
    row = GarmentFootprint.objects.get(snapshot=snapshot, garment=passports[0].garment)

    for passport in passports:
        subject = passport.credential["credentialSubject"]
        assert "emissionsScorecard" not in subject  # optional in the UNTP DPP schema
        validate_passport(passport.credential)
        checks, _ = verify_passport(envelope(passport.jws))
        assert all(check.ok for check in checks), checks

    card = _footprint_card(Client().get(f"/p/{passports[0].serial}").content.decode())
    assert (
        "Not printed: the footprint uses a factor with no citable published value: "
        "Conventional cotton fibre. Its figures are estimates until that value is published."
    ) in card
    assert "CO2e" not in card and "if made in" not in card and " kg" not in card
    assert f"{row.km:.0f} km traveled by it and its fabric to reach you" in card  # a distance, not a factor's

    tags = _tags(brand.client(), order)
    assert set(tags) == {p.serial for p in passports}
    for text in tags.values():
        assert FOOTPRINT_UNVERIFIABLE in text and "km traveled" in text
        assert "kg CO2e" not in text and "made in Dhaka" not in text


def test_a_fully_sourced_footprint_prints_its_figure_everywhere(delivered, brand, tmp_path):
    order, snapshot, passports = _issue(delivered, tmp_path, {})
    assert snapshot.unsourced == []
    row = GarmentFootprint.objects.get(snapshot=snapshot, garment=passports[0].garment)

    scorecard = passports[0].credential["credentialSubject"]["emissionsScorecard"]
    assert scorecard["carbonFootprint"] == float(row.co2e_gate_kg)
    assert scorecard["primarySourcedRatio"] == float(snapshot.primary_share)

    card = _footprint_card(Client().get(f"/p/{passports[0].serial}").content.decode())
    assert f"{row.co2e_customer_kg:.1f} kg CO2e to your door" in card and "Not printed" not in card
    bd = Decimal(row.baselines["BD"]["co2e_customer_kg"])
    assert f"{bd:.1f} kg if made in Dhaka" in card

    text = _tags(brand.client(), order)[passports[0].serial]
    assert f"{row.co2e_customer_kg.quantize(Decimal('0.1'))} kg CO2e" in text
    assert f"vs {bd.quantize(Decimal('0.1'))} kg made in Dhaka" in text
    assert FOOTPRINT_UNVERIFIABLE not in text


def test_the_unverifiable_line_keeps_the_tag_layout():
    figure = layout_tag(make_tag(1))
    withheld = layout_tag(make_tag(1, co2e_kg=None))
    assert [t.text for t in withheld.texts if t.role == "co2e"] == [FOOTPRINT_UNVERIFIABLE]  # one line
    assert [t.text for t in withheld.texts if t.role == "footprint"] == ["41.3 km traveled"]
    size = {t.role: t.size_pt for t in figure.texts}
    assert all(t.size_pt == size[t.role] for t in withheld.texts)  # the same type size: no shrinking
    assert max(t.y_mm for t in withheld.texts) < max(t.y_mm for t in figure.texts)


def test_water_saved_is_shown_only_against_a_named_reference(delivered, tmp_path):
    _, snapshot, passports = _issue(delivered, tmp_path, {})
    GarmentFootprint.objects.filter(snapshot=snapshot).update(water_saved_l=Decimal("45"))
    url = f"/p/{passports[0].serial}"
    assert "water saved" not in _footprint_card(Client().get(url).content.decode())  # no reference

    reference = "water.reference.garment-dyeing-conventional"
    snapshot.assumptions["water_saved"]["reference"] = reference
    FootprintSnapshot.objects.filter(pk=snapshot.pk).update(assumptions=snapshot.assumptions)
    cache.clear()
    card = _footprint_card(Client().get(url).content.decode())
    assert (
        "45 L of water saved by waterless dyeing (reference: Reference water use of conventional GARMENT "
        "dyeing (exhaust, front-loader or paddle))"
    ) in card

    FootprintSnapshot.objects.filter(pk=snapshot.pk).update(method_version=1, assumptions={})
    cache.clear()
    card = _footprint_card(Client().get(url).content.decode())  # method 1: its indigo reference, named
    assert "45 L of water saved by waterless dyeing (reference: " in card and "indigo" in card
