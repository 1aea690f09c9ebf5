"""Charts of the founder's drop pages, drawn server-side as SVG: no JavaScript and no chart library to ship.

Pure module (no Django): plain data in, SVG markup (a string, every label escaped) out.

>>> from datetime import datetime, timedelta, timezone
>>> t0 = datetime(2025, 6, 1, 18, 0, tzinfo=timezone.utc)
>>> series = cumulative_series([(t0 + timedelta(minutes=5), "M", 2), (t0 + timedelta(minutes=9), "S", 1)],
...                            keys=["S", "M", "L"])
>>> [(s.label, [n for _, n in s.points]) for s in series]
[('S', [1]), ('M', [2]), ('L', [])]
>>> svg = line_chart_svg(series, start=t0, end=t0 + timedelta(hours=1), tz=timezone.utc)
>>> svg.startswith("<svg") and svg.count('class="series"') == 3
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from html import escape

__all__ = ["PALETTE", "Bar", "Series", "cumulative_series", "hbar_chart_svg", "line_chart_svg", "nice_step"]

PALETTE = ("#3b4fb8", "#e07a2f", "#2a9d8f", "#c0392b", "#8e44ad", "#6b8e23", "#d4a017", "#1b98e0")
TONES = {"in": "#2a9d8f", "out": "#e07a2f", "surplus": "#2a9d8f", "gap": "#c0392b", "neutral": "#64748b"}
# Tick spacings on the time axis, in seconds: the smallest that gives at most MAX_X_TICKS ticks is used.
TIME_STEPS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)
MAX_X_TICKS = 6
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    """One line: `points` are (when, running total) after each event of this key, oldest first."""

    label: str
    points: tuple[tuple[datetime, int], ...]

    @property
    def total(self) -> int:
        return self.points[-1][1] if self.points else 0


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # its magnitude sets the bar's length; the sign is told by `tone` and `text`
    text: str  # the value as shown, e.g. "$1,234.00"
    tone: str = "neutral"  # in, out, surplus, gap, neutral


def cumulative_series(events: Iterable[tuple[datetime, str, int]], *, keys: Sequence[str]) -> list[Series]:
    """Events (when, key, units), in any order, as one running-total series per key: `keys` first in their
    order (each even without events), then any other key in sorted order."""
    by_key: dict[str, list[tuple[datetime, int]]] = {k: [] for k in keys}
    for when, key, units in sorted(events, key=lambda e: e[0]):
        points = by_key.setdefault(key, [])
        points.append((when, (points[-1][1] if points else 0) + units))
    order = list(keys) + sorted(k for k in by_key if k not in keys)
    return [Series(label=k, points=tuple(by_key[k])) for k in order]


def nice_step(top: float, *, ticks: int = 5) -> int:
    """A whole 1, 2 or 5 × 10^k step that covers 0..top in about `ticks` steps.

    >>> nice_step(0), nice_step(7), nice_step(70), nice_step(1234)
    (1, 2, 20, 500)
    """
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _clock(t: datetime, *, with_day: bool) -> str:
    hour = t.hour % 12 or 12
    text = f"{hour}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"
    return f"{t:%a} {text}" if with_day else text


def _time_ticks(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, str]]:
    span = (end - start).total_seconds()
    step = next((s for s in TIME_STEPS if span / s <= MAX_X_TICKS), TIME_STEPS[-1])
    # Align ticks to whole steps of local time (on the hour, at midnight), not to the drop's opening minute.
    offset = start.astimezone(tz).utcoffset() or timedelta(0)
    local0 = start.timestamp() + offset.total_seconds()
    first = math.ceil(local0 / step) * step - offset.total_seconds()
    ticks = []
    t = first
    while t <= end.timestamp():
        when = datetime.fromtimestamp(t, tz)
        label = f"{when:%b} {when.day}" if step >= 86400 else _clock(when, with_day=span > 86400)
        ticks.append((when, label))
        t += step
    return ticks


def line_chart_svg(
    series: Sequence[Series],
    *,
    start: datetime,
    end: datetime,
    tz: tzinfo,
    title: str = "Pre-orders by size over time",
    unit: str = "units",
    width: int = 960,
    height: int = 300,
) -> str:
    """Running totals as step lines over start…end, with both axes, a dot and tooltip per event, and a
    legend. Times are labelled in `tz`. Each series is a `<g class="series" data-series="…">`."""
    if end <= start:
        end = start + timedelta(hours=1)
    left, right, top = 44, 14, 14
    legend_rows = math.ceil(max(len(series), 1) / max(1, (width - left) // 90))
    bottom = 30 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((s.total for s in series), default=0)
    step = nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)
    t0, span = start.timestamp(), (end - start).total_seconds()

    def x(when: datetime) -> float:
        return left + plot_w * min(1.0, max(0.0, (when.timestamp() - t0) / span))

    def y(n: float) -> float:
        return top + plot_h * (1 - n / y_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart" {FONT}><title>{escape(title)}</title>',
        '<g class="axis y">',
    ]
    for n in range(0, y_max + 1, step):
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(n):.1f}" y2="{y(n):.1f}" stroke="#e2e8f0"/>'
            f'<text x="{left - 6}" y="{y(n) + 4:.1f}" text-anchor="end" fill="#64748b">{n}</text>'
        )
    out.append(
        f'<text x="10" y="{top + plot_h / 2:.1f}" transform="rotate(-90 10 {top + plot_h / 2:.1f})" '
        f'text-anchor="middle" fill="#64748b">{escape(unit)}</text></g><g class="axis x">'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#94a3b8"/>'
    )
    for when, label in _time_ticks(start, end, tz):
        out.append(
            f'<line x1="{x(when):.1f}" x2="{x(when):.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
            f'stroke="#94a3b8"/><text x="{x(when):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="#64748b">{escape(label)}</text>'
        )
    out.append("</g>")
    if peak == 0:
        out.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
            f'fill="#64748b">No pre-orders yet</text>'
        )
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        path = [f"M{left} {y(0):.1f}"]
        dots = []
        for when, n in s.points:
            path.append(f"H{x(when):.1f}V{y(n):.1f}")
            dots.append(
                f'<circle cx="{x(when):.1f}" cy="{y(n):.1f}" r="2.5" fill="{colour}">'
                f"<title>{escape(s.label)}: {n} {escape(unit)} at "
                f"{escape(_clock(when.astimezone(tz), with_day=True))}</title></circle>"
            )
        path.append(f"H{x(end):.1f}")
        out.append(
            f'<g class="series" data-series="{escape(s.label)}" data-points="{len(s.points)}">'
            f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>{"".join(dots)}</g>'
        )
    out.append('<g class="legend">')
    per_row = max(1, (width - left) // 90)
    for i, s in enumerate(series):
        lx, ly = left + 90 * (i % per_row), top + plot_h + 34 + 18 * (i // per_row)
        out.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" rx="2" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{ly}" fill="#1e2533">{escape(s.label)} · {s.total}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


def hbar_chart_svg(
    bars: Sequence[Bar], *, title: str = "Cash flow", width: int = 960, label_w: int = 170, bar_h: int = 22
) -> str:
    """Horizontal bars, one a row, their lengths proportional to |value|, each labelled and valued."""
    gap, value_w = 10, 110
    height = len(bars) * (bar_h + gap) + gap
    track = width - label_w - value_w
    top_value = max((abs(b.value) for b in bars), default=Decimal(0)) or Decimal(1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart hbars-chart" {FONT}><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = gap + i * (bar_h + gap)
        length = float(abs(bar.value) / top_value) * track
        colour = TONES.get(bar.tone, TONES["neutral"])
        out.append(
            f'<g class="bar" data-tone="{escape(bar.tone)}">'
            f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end" fill="#1e2533">'
            f"{escape(bar.label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" rx="3" fill="{colour}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar_h / 2 + 4:.1f}" fill="#1e2533" '
            f'font-weight="600">{escape(bar.text)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)
