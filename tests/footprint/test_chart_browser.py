"""The footprint chart as chromium draws it inside a page with the site's stylesheet: each bar as wide as
its figure (a site rule once stretched every bar to full width) and no step label cut off on the left."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from seamline.footprint.baseline import offshore_baseline
from seamline.footprint.calc import calculate
from seamline.footprint.chart_svg import comparison_svg
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.footprint.test_calc import REG, garment_activities

CSS = Path(__file__).resolve().parents[2] / "src/seamline/core/static/seamline/seamline.css"


@pytest.mark.e2e
def test_bars_are_drawn_at_their_widths_and_labels_inside_the_chart():
    if not CHROMIUM.exists():
        pytest.fail("install Debian's chromium: apt-get install chromium", pytrace=False)
    activities = garment_activities()
    leg = next(a for a in activities if a.step.startswith("transport:"))
    activities.append(replace(leg, step="transport:Pressing / finishing → Warehouse / dock"))
    local = calculate(activities, REG)
    offshore = {
        "Made in Dhaka, BD": calculate(offshore_baseline(activities, country="BD", registry=REG), REG)
    }
    svg = comparison_svg(local, offshore, title="PO-00003-0001: made in Los Angeles and offshore")
    # the dashboard's pipeline bar shares the page, to show the scoped rule still sizes it
    html = (
        f"<!doctype html><html><head><style>{CSS.read_text()}</style></head><body><main class='page'>"
        f"<figure class='chart-figure'>{svg}</figure>"
        "<span class='bar-wrap' id='wrap'><span class='bar state-cutting' id='pipeline' style='height: 50%'>"
        "</span></span></main></body></html>"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_content(html)
            bars = page.eval_on_selector_all(
                "svg.fp-chart rect.fp-bar",
                "rs => rs.map(r => [r.getAttribute('width'), r.getBBox().width, r.dataset.step])",
            )
            assert len(bars) >= 20
            for attribute, drawn, step in bars:
                assert drawn == pytest.approx(float(attribute), abs=0.01), step
            labels = page.eval_on_selector_all(
                "svg.fp-chart text.fp-step", "ts => ts.map(t => [t.getBBox().x, t.textContent])"
            )
            assert labels and all(x >= 0 for x, _ in labels), labels
            texts = page.eval_on_selector_all(
                "svg.fp-chart text",
                "ts => ts.map(t => { const b = t.getBBox(); return [b.x + b.width, t.textContent]; })",
            )
            assert all(right <= 720 for right, _ in texts), [t for t in texts if t[0] > 720]
            pipeline = page.eval_on_selector("#pipeline", "e => e.getBoundingClientRect().width")
            assert pipeline == page.eval_on_selector("#wrap", "e => e.getBoundingClientRect().width") > 0
        finally:
            browser.close()
