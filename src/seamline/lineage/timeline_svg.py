"""A garment's (or a roll's) journey as a horizontal SVG timeline, left to right in time.

``timeline_svg(steps)`` returns a standalone, deterministic SVG string: a dot per step on a time axis
with date ticks shown in America/Los_Angeles (times are stored in UTC), each step's label, time, place
and detail in a block above or below the axis. Blocks alternate sides and, when neighbours would still
overlap, move one lane further out, so labels never collide. Steps at the same minute get their dots
nudged apart, keeping time order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

DISPLAY_TZ = ZoneInfo("America/Los_Angeles")
WIDTH_PX = 960
MARGIN_PX = 40.0
MIN_DOT_GAP_PX = 16.0  # dots closer than this (same minute) are nudged apart
LANE_PX = 50.0  # one label block: label, time · place, detail
LABEL_GAP_PX = 10.0
UNKNOWN_COLOUR = "#8c8c8c"
KIND_COLOURS: dict[str, str] = {
    "receiving": "#4a5568",
    "cutting": "#c05621",
    "sewing": "#2b6cb0",
    "dyeing": "#805ad5",
    "laser_washing": "#00a3c4",
    "pressing": "#b7791f",
    "inspecting": "#2f855a",
    "packing": "#975a16",
    "departing": "#d53f8c",
    "arriving": "#38a169",
    "recycling": "#276749",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Tick steps, smallest first; the first one giving at most MAX_TICKS ticks is used.
_TICK_STEPS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=2),
    timedelta(days=7),
    timedelta(days=14),
)
MAX_TICKS = 9
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Step:
    """One step of the journey; ``when`` must be timezone-aware (stored UTC, shown in Los Angeles)."""

    when: datetime
    label: str
    place: str
    detail: str = ""
    kind: str = ""


def _esc(text: object) -> str:
    return escape(_XML_INVALID.sub("", str(text)), quote=True)


def _px(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _local(when: datetime) -> datetime:
    return when.astimezone(DISPLAY_TZ)


def _fmt_day(local: datetime) -> str:
    return f"{_MONTHS[local.month - 1]} {local.day}"


def _fmt_when(local: datetime) -> str:
    return f"{_fmt_day(local)} {local:%H:%M} {local.tzname()}"


def kind_colour(kind: str) -> str:
    """The colour of a step kind; unknown kinds are grey."""
    return KIND_COLOURS.get(kind, UNKNOWN_COLOUR)


def _text_width_px(text: str, font_px: float) -> float:
    # No font metrics here: an average glyph is about 0.6 em, enough to keep blocks apart.
    return len(text) * font_px * 0.6


def _ticks(start: datetime, end: datetime) -> list[datetime]:
    """Tick instants in [start, end], on round Los Angeles wall-clock times."""
    span = end - start
    step = next((s for s in _TICK_STEPS if span / s <= MAX_TICKS), None)
    ticks: list[datetime] = []
    local = _local(start)
    if step is None or step >= timedelta(days=1):
        days = -(-span.days // MAX_TICKS) if step is None else step.days
        # Whole local days from local midnight (zoneinfo keeps midnight right across DST).
        day = datetime(local.year, local.month, local.day, tzinfo=DISPLAY_TZ)
        while day <= end:
            if day >= start:
                ticks.append(day)
            day = datetime.combine(day.date() + timedelta(days=days), day.time(), tzinfo=DISPLAY_TZ)
        return ticks
    # Walk round local wall-clock times (00:00, 06:00, ...) so ticks stay round across DST;
    # a wall time that does not exist (spring forward) is skipped.
    minutes = int(step.total_seconds() // 60)
    wall = local.replace(tzinfo=None, second=0, microsecond=0)
    since = wall.hour * 60 + wall.minute
    wall = wall.replace(hour=0, minute=0) + timedelta(minutes=since - since % minutes)
    while True:
        tick = wall.replace(tzinfo=DISPLAY_TZ)
        if tick > end:
            break
        exists = tick.astimezone(UTC).astimezone(DISPLAY_TZ).replace(tzinfo=None) == wall
        if exists and tick >= start:
            ticks.append(tick)
        wall += step
    return ticks


def timeline_svg(steps: Sequence[Step], *, title: str = "") -> str:
    """The steps as a horizontal timeline SVG (earliest on the left)."""
    for s in steps:
        if s.when.tzinfo is None or s.when.utcoffset() is None:
            raise ValueError(f"step {s.label!r}: naive datetime {s.when.isoformat()} (store UTC, aware)")
    # In UTC: aware datetimes sharing one tzinfo subtract as wall clocks, an hour off across DST.
    ordered = sorted(steps, key=lambda s: s.when.astimezone(UTC))  # stable for equal instants
    uid = "tl" + hashlib.sha256(repr((title, ordered)).encode()).hexdigest()[:8]
    x_lo, x_hi = MARGIN_PX, WIDTH_PX - MARGIN_PX

    if ordered:
        first, last = ordered[0].when.astimezone(UTC), ordered[-1].when.astimezone(UTC)
        span = last - first
        pad = span * 0.04 if span else timedelta(minutes=30)  # one instant: an hour around it
        start, end = first - pad, last + pad
        total_s = (end - start).total_seconds()

        def x_of(when: datetime) -> float:
            return x_lo + (when.astimezone(UTC) - start).total_seconds() / total_s * (x_hi - x_lo)

        xs = _spread([x_of(s.when) for s in ordered], x_lo, x_hi)
    else:
        start = end = datetime(2000, 1, 1, tzinfo=UTC)  # unused: no steps, no ticks
        xs = []

    # Label blocks: alternate above/below; a block moves one lane out while it would overlap.
    blocks = []
    lanes_end: dict[tuple[int, int], float] = {}  # (side, lane) -> right edge of the last block there
    for i, (step, x) in enumerate(zip(ordered, xs, strict=True)):
        local = _local(step.when)
        lines = [step.label, f"{_fmt_when(local)} · {step.place}", step.detail]
        width = max(_text_width_px(lines[0], 12), _text_width_px(lines[1], 10), _text_width_px(lines[2], 10))
        left = min(max(x - width / 2, 4.0), WIDTH_PX - 4.0 - width)
        side = 1 if i % 2 == 0 else -1  # 1 = above the axis
        lane = 0
        while lanes_end.get((side, lane), -1e9) + LABEL_GAP_PX > left:
            lane += 1
        lanes_end[(side, lane)] = left + width
        blocks.append((step, x, left, side, lane, lines))
    lanes_up = 1 + max([b[4] for b in blocks if b[3] == 1], default=0)
    lanes_down = 1 + max([b[4] for b in blocks if b[3] == -1], default=0)

    top = 48.0 if title else 16.0
    axis_y = top + lanes_up * LANE_PX + 20
    height = axis_y + 34 + lanes_down * LANE_PX + 28

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trace-timeline" width="{WIDTH_PX}" '
        f'height="{_px(height)}" viewBox="0 0 {WIDTH_PX} {_px(height)}" role="img" '
        f'aria-labelledby="{uid}-title" font-family="system-ui, sans-serif">',
        f'<title id="{uid}-title">{_esc(title or "Timeline")}</title>',
    ]
    if title:
        out.append(
            f'<text class="title" x="{_px(MARGIN_PX)}" y="30" font-size="16" font-weight="bold">'
            f"{_esc(title)}</text>"
        )
    out.append(
        f'<line class="axis" x1="{_px(x_lo)}" y1="{_px(axis_y)}" x2="{_px(x_hi)}" y2="{_px(axis_y)}" '
        f'stroke="#718096" stroke-width="2"/>'
    )
    if not ordered:
        out.append(
            f'<text x="{WIDTH_PX / 2}" y="{_px(axis_y - 12)}" text-anchor="middle" font-size="13" '
            f'fill="#718096">No steps yet</text>'
        )
    else:
        out.append('<g class="ticks" font-size="10" fill="#4a5568">')
        ticks = _ticks(start, end)
        days_differ = _local(start).date() != _local(end).date()
        total_s = (end - start).total_seconds()
        prev_day = None
        for tick in ticks:
            tx = x_lo + (tick - start).total_seconds() / total_s * (x_hi - x_lo)
            local = _local(tick)
            daily = (ticks[1] - ticks[0] >= timedelta(days=1)) if len(ticks) > 1 else False
            if daily:
                text = _fmt_day(local)
            elif local.date() != prev_day and (days_differ or prev_day is None):
                text = f"{_fmt_day(local)} {local:%H:%M}"
            else:
                text = f"{local:%H:%M}"
            prev_day = local.date()
            out.append(
                f'<g class="tick" data-when="{tick.isoformat()}"><line x1="{_px(tx)}" y1="{_px(axis_y - 4)}" '
                f'x2="{_px(tx)}" y2="{_px(axis_y + 4)}" stroke="#718096"/>'
                f'<text x="{_px(tx)}" y="{_px(axis_y + 18)}" text-anchor="middle">{text}</text></g>'
            )
        out.append("</g>")
        zone = sorted({_local(s.when).tzname() or "" for s in ordered})
        out.append(
            f'<text class="zone" x="{_px(x_hi)}" y="{_px(height - 8)}" text-anchor="end" font-size="10" '
            f'fill="#718096">Times in America/Los_Angeles ({"/".join(zone)})</text>'
        )

    out.append('<g class="steps">')
    for step, x, left, side, lane, lines in blocks:
        colour = kind_colour(step.kind)
        kind_cls = step.kind if step.kind in KIND_COLOURS else "other"
        if side == 1:
            block_top = axis_y - 20 - (lane + 1) * LANE_PX + 8
            leader_end = block_top + 40
        else:
            block_top = axis_y + 34 + lane * LANE_PX
            leader_end = block_top
        utc = step.when.astimezone(UTC).isoformat()
        out.append(
            f'<g class="step kind-{kind_cls}" data-when="{utc}">'
            f'<line class="leader" x1="{_px(x)}" y1="{_px(axis_y)}" x2="{_px(x)}" y2="{_px(leader_end)}" '
            f'stroke="{colour}" stroke-opacity="0.5"/>'
            f'<circle class="dot" cx="{_px(x)}" cy="{_px(axis_y)}" r="6" fill="{colour}" stroke="#fff" '
            f'stroke-width="1.5"><title>{_esc(lines[0])}: {_esc(lines[1])}</title></circle>'
            f'<text x="{_px(left)}" y="{_px(block_top + 12)}" font-size="12" font-weight="bold" '
            f'fill="{colour}">{_esc(lines[0])}</text>'
            f'<text x="{_px(left)}" y="{_px(block_top + 26)}" font-size="10" fill="#2d3748">'
            f"{_esc(lines[1])}</text>"
            + (
                f'<text x="{_px(left)}" y="{_px(block_top + 39)}" font-size="10" fill="#718096">'
                f"{_esc(lines[2])}</text>"
                if lines[2]
                else ""
            )
            + "</g>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _spread(xs: list[float], lo: float, hi: float) -> list[float]:
    """Push dots at least MIN_DOT_GAP_PX apart (keeping order), then fit them back into [lo, hi]."""
    if not xs:
        return []
    gap = min(MIN_DOT_GAP_PX, (hi - lo) / max(len(xs) - 1, 1))
    out = [xs[0]]
    for x in xs[1:]:
        out.append(max(x, out[-1] + gap))
    overflow = out[-1] - hi
    if overflow > 0:
        # Shift left as far as the first dot allows, then squeeze linearly into the bounds.
        shift = min(overflow, out[0] - lo)
        out = [x - shift for x in out]
        if out[-1] > hi:
            span = out[-1] - out[0]
            out = [lo + (x - out[0]) / span * (hi - lo) for x in out] if span else out
    return out
