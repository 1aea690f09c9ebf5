"""Side-by-side SVG of a local garment's footprint and its offshore baselines, per step.

One group of horizontal bars per step (kg CO2e, cradle-to-customer), one bar per run, then each run's
total and the kilometres its garment travels. Plain string building, deterministic (same input, same
bytes), every label escaped; no scripts, so the page can inline it.

The page inlines the SVG, so its classes and its <style> live in the page's stylesheet namespace: every
class is prefixed ``fp-`` and every rule scoped to ``.fp-chart`` (a site rule for ``.bar`` once drew each
bar full width, and a bare ``text{}`` rule here would restyle every other SVG on the page).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from seamline.footprint.calc import Footprint, steps_in_order
from seamline.footprint.display import significant, step_label

__all__ = ["comparison_svg", "wrap_label"]

BOUNDARY = "cradle-to-customer"
COLOURS = ("#2e7d32", "#c62828", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f")
WIDTH = 720
LABEL_W = 200
BAR_MAX_W = 420
BAR_H = 12
GAP = 4
GROUP_GAP = 10
LINE_H = 13
TITLE_Y = 18
# Average advance of an 11 px sans-serif character (bold for step labels): enough to wrap and never clip.
CHAR_W = 6.2
BOLD_CHAR_W = 6.8
LABEL_CHARS = int((LABEL_W - 14) / BOLD_CHAR_W)
STYLE = (
    ".fp-chart text{font:11px sans-serif}.fp-chart .fp-step{font-weight:bold}"
    ".fp-chart .fp-total{font-size:12px}.fp-chart .fp-title{font-size:14px}"
)


def _n(value: Decimal | float) -> str:
    return f"{value:.1f}"


def wrap_label(text: str, *, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width`` characters, cut at spaces; what does not fit
    ends the last line with "…".

    >>> wrap_label("Transport: Pressing / finishing → Warehouse / dock", width=28, lines=2)
    ['Transport: Pressing /', 'finishing → Warehouse / dock']
    >>> wrap_label("Transport: Pressing / finishing → Warehouse / dock", width=27, lines=1)
    ['Transport: Pressing /…']
    """
    if width < 2 or lines < 1:
        raise ValueError(f"width must be at least 2 and lines at least 1, got {width}, {lines}")
    words = [word[i : i + width] for word in text.split() for i in range(0, len(word), width)]
    out: list[str] = []
    for word in words:
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1][: width - 1] + "…"]
    return out


def _legend(labels: list[str], y: int) -> tuple[list[str], int]:
    """The legend's swatches, wrapped onto more rows when the labels do not fit one; the y below it."""
    parts: list[str] = []
    x = float(LABEL_W)
    for index, label in enumerate(labels):
        advance = 14 + len(label) * CHAR_W + 20
        if x > LABEL_W and x + advance > WIDTH:
            x, y = float(LABEL_W), y + 16
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{_n(x)}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{_n(x + 14)}" y="{y}" class="fp-legend">{escape(label)}</text>')
        x += advance
    return parts, y + 12


def _step_label(step: str, y: int, group_h: int) -> tuple[str, int]:
    """A step's name, right-aligned against the bars and wrapped to fit left of them; its full name and
    code in a <title>. Returns the element and the height it takes."""
    name = step_label(step)
    lines = wrap_label(name, width=LABEL_CHARS, lines=max(3, (group_h + GAP) // LINE_H))
    height = len(lines) * LINE_H
    first = y + (max(group_h, height) - height) // 2 + LINE_H - 3
    x = LABEL_W - 6
    spans = "".join(
        f'<tspan x="{x}" y="{first + i * LINE_H}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    title = escape(name if name == step else f"{name} ({step})")
    return f'<text text-anchor="end" class="fp-step"><title>{title}</title>{spans}</text>', height


def comparison_svg(local: Footprint, offshore: Mapping[str, Footprint], *, title: str = "") -> str:
    """The chart as an SVG document; ``offshore`` maps a run label ("Dhaka, BD") to its footprint."""
    runs: list[tuple[str, Footprint]] = [("Local", local), *offshore.items()]
    steps = steps_in_order((fp for _, fp in runs), boundary=BOUNDARY)
    per_run = [fp.by_step(boundary=BOUNDARY) for _, fp in runs]
    largest = max((co2e for totals in per_run for co2e, _ in totals.values()), default=Decimal(0))
    scale = Decimal(BAR_MAX_W) / largest if largest > 0 else Decimal(0)

    body, y = _legend([label for label, _ in runs], TITLE_Y + 18)
    y += 6
    bars_h = len(runs) * (BAR_H + GAP) - GAP
    for step in steps:
        label, label_h = _step_label(step, y, bars_h)
        body.append(label)
        top = y + max(0, label_h - bars_h) // 2
        for index, ((run, _), totals) in enumerate(zip(runs, per_run, strict=True)):
            co2e = totals.get(step, (Decimal(0), Decimal(0)))[0]
            width = co2e * scale
            colour = COLOURS[index % len(COLOURS)]
            bar_y = top + index * (BAR_H + GAP)
            body.append(
                f'<rect class="fp-bar" data-run={quoteattr(run)} data-step={quoteattr(step)} x="{LABEL_W}" '
                f'y="{bar_y}" width="{_n(width)}" height="{BAR_H}" fill="{colour}">'
                f"<title>{escape(f'{run}, {step_label(step)}: {co2e} kg CO2e')}</title></rect>"
            )
            body.append(
                f'<text x="{_n(LABEL_W + width + 4)}" y="{bar_y + BAR_H - 2}" class="fp-value">'
                f"{significant(co2e, 3)}</text>"
            )
        y += max(bars_h, label_h) + GROUP_GAP
    y += 10
    for index, (run, fp) in enumerate(runs):
        text = (
            f"{run}: {fp.co2e_kg(boundary=BOUNDARY):.2f} kg CO2e per garment, "
            f"travels {fp.km_traveled:,.0f} km"
        )
        body.append(
            f'<text x="10" y="{y}" class="fp-total" data-run={quoteattr(run)} '
            f'fill="{COLOURS[index % len(COLOURS)]}">{escape(text)}</text>'
        )
        y += 18
    height = y + 10
    heading = escape(title) if title else "kg CO2e per garment, by step (cradle to customer)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fp-chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title or "footprint comparison")}>'
        f"<style>{STYLE}</style>"
        f'<text x="10" y="{TITLE_Y}" class="fp-title">{heading}</text>' + "".join(body) + "</svg>"
    )
