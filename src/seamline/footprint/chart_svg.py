"""Side-by-side SVG of a local garment's footprint and its offshore baselines, per step.

One group of horizontal bars per step (kg CO2e, cradle-to-customer), one bar per run, then each run's
total and the kilometres its garment travels. Plain string building, deterministic (same input, same
bytes), every label escaped; no scripts, so the page can inline it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from seamline.footprint.calc import Footprint, steps_in_order

BOUNDARY = "cradle-to-customer"
COLOURS = ("#2e7d32", "#c62828", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f")
WIDTH = 720
LABEL_W = 150
BAR_MAX_W = 420
BAR_H = 12
GAP = 4
GROUP_GAP = 10
TOP = 40


def _n(value: Decimal | float) -> str:
    return f"{value:.1f}"


def comparison_svg(local: Footprint, offshore: Mapping[str, Footprint], *, title: str = "") -> str:
    """The chart as an SVG document; ``offshore`` maps a run label ("Dhaka, BD") to its footprint."""
    runs: list[tuple[str, Footprint]] = [("Local", local), *offshore.items()]
    steps = steps_in_order((fp for _, fp in runs), boundary=BOUNDARY)
    per_run = [fp.by_step(boundary=BOUNDARY) for _, fp in runs]
    largest = max((co2e for totals in per_run for co2e, _ in totals.values()), default=Decimal(0))
    scale = Decimal(BAR_MAX_W) / largest if largest > 0 else Decimal(0)

    body: list[str] = []
    y = TOP
    # Legend
    for index, (label, _) in enumerate(runs):
        x = LABEL_W + index * 140
        colour = COLOURS[index % len(COLOURS)]
        body.append(f'<rect x="{x}" y="{y - 14}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{x + 14}" y="{y - 5}" class="legend">{escape(label)}</text>')
    y += 6
    for step in steps:
        body.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H}" text-anchor="end" class="step">{escape(step)}</text>'
        )
        for index, ((label, _), totals) in enumerate(zip(runs, per_run, strict=True)):
            co2e = totals.get(step, (Decimal(0), Decimal(0)))[0]
            width = co2e * scale
            colour = COLOURS[index % len(COLOURS)]
            body.append(
                f'<rect class="bar" data-run={quoteattr(label)} data-step={quoteattr(step)} x="{LABEL_W}" '
                f'y="{y}" width="{_n(width)}" height="{BAR_H}" fill="{colour}">'
                f"<title>{escape(f'{label}, {step}: {co2e} kg CO2e')}</title></rect>"
            )
            body.append(
                f'<text x="{_n(LABEL_W + width + 4)}" y="{y + BAR_H - 2}" class="value">{co2e}</text>'
            )
            y += BAR_H + GAP
        y += GROUP_GAP
    y += 10
    for index, (label, fp) in enumerate(runs):
        text = f"{label}: {fp.co2e_kg(boundary=BOUNDARY)} kg CO2e per garment, travels {fp.km_traveled} km"
        body.append(
            f'<text x="{LABEL_W}" y="{y}" class="total" data-run={quoteattr(label)} '
            f'fill="{COLOURS[index % len(COLOURS)]}">{escape(text)}</text>'
        )
        y += 18
    height = y + 10
    heading = escape(title) if title else "kg CO2e per garment, by step (cradle to customer)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title or "footprint comparison")}>'
        "<style>text{font:11px sans-serif}.step{font-weight:bold}.total{font-size:12px}</style>"
        f'<text x="10" y="18" class="title" style="font-size:14px">{heading}</text>'
        + "".join(body)
        + "</svg>"
    )
