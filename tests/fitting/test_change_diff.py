"""Issue #17, the diff of two pattern versions: the pieces that changed and by how much, the points of measure
the alteration moves, one garment re-nested on the shell fabric for both and the fabric's CO2e; and the loop's
arithmetic."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from seamline.fitting import change_selectors
from seamline.fitting.change_selectors import version_diff
from seamline.fitting.changes import change_request_alter
from seamline.fitting.loop import duration_text, loop_headline, loop_steps

from .change_setup import session_with_request, slip_dress


@pytest.fixture
def altered(brand, factory, tmp_path):
    cache.clear()
    dress = slip_dress(brand, factory, tmp_path)
    _, request = session_with_request(dress, brand)
    version = change_request_alter(request=request, organization=brand.org, by=brand.user)
    yield dress, request, version
    cache.clear()


def test_diff_rows_name_the_pieces_that_changed_in_every_size(altered, brand):
    dress, _, v2 = altered
    diff = version_diff(organization=brand.org, before_pk=dress["v1"].pk, after_pk=v2.pk, seconds=1)
    changed = {(r.name, r.size) for r in diff.rows if r.changed}
    sizes = dress["v1"].sizes
    assert {("Front", s) for s in sizes} <= changed
    assert {("Front facing", s) for s in sizes} <= changed
    assert not {(p, s) for p, s in changed if p in ("Back", "Back facing", "Strap")}
    front_m = next(r for r in diff.rows if r.name == "Front" and r.size == "M")
    assert front_m.area_after_cm2 < front_m.area_before_cm2
    assert front_m.area_after_cm2 - front_m.area_before_cm2 == pytest.approx(front_m.delta_cm2)
    assert diff.size == "M" and {name for name, _ in diff.overlays} == {
        "Front",
        "Back",
        "Front facing",
        "Back facing",
        "Strap",
    }
    assert all(svg.lstrip().startswith("<svg") for _, svg in diff.overlays)


def test_the_points_of_measure_of_the_alterations_subject_move_by_its_amount(altered, brand):
    dress, _, v2 = altered
    diff = version_diff(organization=brand.org, before_pk=dress["v1"].pk, after_pk=v2.pk, seconds=1)
    assert [p.code for p in diff.poms] == ["FND"]  # the neckline's; the length stays
    values = {size: (before, after) for size, before, after in diff.poms[0].values}
    assert values["M"] == ("12.0", "14.0") and values["XS"] == ("11.0", "13.0")
    assert len(values) == 5


def test_fabric_is_renested_for_both_versions_with_the_fabrics_co2e_and_cached(altered, brand, monkeypatch):
    dress, _, v2 = altered
    cache.clear()
    diff = version_diff(organization=brand.org, before_pk=dress["v1"].pk, after_pk=v2.pk, seconds=1)
    before, after = diff.fabric
    assert before.version_number == 1 and after.version_number == 2
    assert Decimal("0.8") < before.meters < Decimal("3") and Decimal("0.8") < after.meters < Decimal("3")
    assert diff.fabric_delta_m == after.meters - before.meters
    assert diff.fabric_delta_pct == (diff.fabric_delta_m * 100 / before.meters).quantize(Decimal("0.1"))
    # the fabric's CO2e follows its meters: 1 m of 140 cm × 82 g/m² silk is 0.1148 kg of fabric
    assert before.co2e_kg > 0 and after.co2e_kg > 0
    ratio = float(before.co2e_kg / after.co2e_kg)
    assert ratio == pytest.approx(float(before.meters / after.meters), rel=0.01)
    assert any(fid.startswith("fibre.silk") for fid, _, _ in diff.co2e_sources)
    assert all(source for _, _, source in diff.co2e_sources)
    nests = []
    nest_one = change_selectors._nest_one
    monkeypatch.setattr(change_selectors, "_nest_one", lambda *a: nests.append(a) or nest_one(*a))
    again = version_diff(organization=brand.org, before_pk=dress["v1"].pk, after_pk=v2.pk, seconds=1)
    assert nests == []  # both nests cached, by the pieces' content
    assert (again.fabric[0].meters, again.fabric[1].meters) == (before.meters, after.meters)


def test_the_diff_page_shows_overlays_and_is_refused_across_styles(altered, brand, other_brand):
    dress, request, v2 = altered
    client = brand.client()
    page = client.get(f"/fitting/patterns/{dress['v1'].pk}/diff/{v2.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 5 and "FND" in html and "12.0 → <strong>14.0</strong>" in html
    assert "Silk charmeuse" in html
    detail = client.get(f"/fitting/changes/{request.uid}/").content.decode()
    assert f"/fitting/patterns/{dress['v1'].pk}/diff/{v2.pk}/" in detail
    assert other_brand.client().get(f"/fitting/patterns/{dress['v1'].pk}/diff/{v2.pk}/").status_code == 404


def test_durations_and_headlines():
    t = datetime(2026, 12, 3, 13, 0)
    assert duration_text(timedelta(hours=3, minutes=40)) == "3 h 40 min"
    assert duration_text(timedelta(minutes=59, seconds=59)) == "59 min"
    assert duration_text(timedelta(days=1, minutes=5)) == "1 d"
    steps = loop_steps(
        first_comment=t,
        requested=t + timedelta(minutes=9),
        version=t + timedelta(minutes=50),
        approved=t + timedelta(hours=2, minutes=5),
        recut=t + timedelta(hours=3, minutes=40),
        fitted=t + timedelta(hours=5),
    )
    assert loop_headline(steps) == "re-cut 3 h 40 min after the first comment"
    steps = loop_steps(first_comment=t, requested=t, version=None, approved=None, recut=None, fitted=None)
    assert loop_headline(steps) == "requested under a minute after the first comment"
    steps = loop_steps(first_comment=None, requested=t, version=None, approved=None, recut=None, fitted=None)
    assert loop_headline(steps) == "waiting for the pattern room"
