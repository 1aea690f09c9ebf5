"""Sankey picture of a fabric mass balance: rolls on the left, where their meters went on the right.

``mass_balance_svg(balance)`` returns a standalone, deterministic SVG string (no scripts, no random
ids) to inline in a template. Each band is the centre line of a cubic Bézier ribbon stroked with a
width proportional to its meters (the d3-sankey way), so a band's ``stroke-width`` is its size and
``data-meters`` its exact value.

Discrepancies: a roll whose records account for more than it received (negative discrepancy) gets a
red hatched "over-drawn" band under its bar, so its bands still leave from a solid edge. When the whole
balance does not close, a red "Unaccounted" node appears: on the right (fed by the rolls' missing
meters) when meters are missing, or as a red flagged band on the left when more was used than received.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from .massbalance import MM, Balance, RollFlow

WIDTH_PX = 960
NODE_W_PX = 14
LEFT_X_PX = 250.0  # roll labels sit left of this, right-aligned
RIGHT_X_PX = WIDTH_PX - 260.0  # destination labels sit right of the right nodes
TOP_PX = 56.0
MIN_BODY_PX = 240.0
MAX_BODY_PX = 720.0  # 30 rolls still fit a laptop screen
PER_NODE_PX = 26.0
BAND_OPACITY = "0.45"
RED = "#c62828"

# (key, node label, colour); order = stacking order on each roll and top-to-bottom on the right.
DESTINATIONS: tuple[tuple[str, str, str], ...] = (
    ("garments", "In garments", "#2b6cb0"),
    ("offcuts", "Off-cuts to the recycler", "#2f855a"),
    ("other", "Cut for other orders", "#718096"),
    ("remnant", "Remnants on the rolls", "#b7791f"),
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: object) -> str:
    """Text safe in XML content and quoted attributes (control characters are not valid XML 1.0)."""
    return escape(_XML_INVALID.sub("", str(text)), quote=True)


def fmt_m(meters: Decimal) -> str:
    """Meters for reading: millimetre precision without trailing zeros (45.700 -> "45.7")."""
    text = f"{meters.quantize(MM):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _px(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class _Band:
    roll: int
    dest: str
    meters: Decimal


def _roll_flows(roll: RollFlow) -> list[tuple[str, Decimal]]:
    return [
        ("garments", roll.garments_m),
        ("offcuts", roll.offcuts_m),
        ("other", roll.other_orders_m),
        ("remnant", roll.remnant_m),
    ]


def mass_balance_svg(balance: Balance, *, title: str = "") -> str:
    """The balance as a Sankey-style SVG (see the module docstring for the picture's rules)."""
    rolls = balance.rolls
    missing = not balance.closes and balance.discrepancy_m > 0  # right-hand Unaccounted node
    overused = not balance.closes and balance.discrepancy_m < 0  # left-hand flagged band

    bands = [_Band(i, key, m) for i, r in enumerate(rolls) for key, m in _roll_flows(r) if m > 0]
    if missing:
        bands += [
            _Band(i, "unaccounted", r.discrepancy_m) for i, r in enumerate(rolls) if r.discrepancy_m > 0
        ]

    # Rolls used by this order alone need no "other orders" node.
    dests = [d for d in DESTINATIONS if d[0] != "other" or balance.other_orders_m > 0]
    if missing:
        dests.append(("unaccounted", "Unaccounted", RED))
    dest_m = {key: sum((b.meters for b in bands if b.dest == key), Decimal(0)) for key, _, _ in dests}

    # A roll's slot is tall enough for its received meters and for everything booked out of it.
    slot_m = [max(r.received_m, r.used_m) for r in rolls]
    left_nodes = len(rolls) + (1 if overused else 0)
    body_px = min(MAX_BODY_PX, max(MIN_BODY_PX, PER_NODE_PX * max(left_nodes, len(dests))))
    gap_l = min(12.0, 0.25 * body_px / max(left_nodes, 1))
    gap_r = 24.0
    flag_m = -balance.discrepancy_m if overused else Decimal(0)
    left_m = float(sum(slot_m, Decimal(0)) + flag_m)
    right_m = float(sum(dest_m.values(), Decimal(0)))
    # Nodes are drawn at least 1 px tall; reserve that so the columns never overflow the body.
    room_l = body_px - gap_l * (left_nodes - 1) - left_nodes
    room_r = body_px - gap_r * (len(dests) - 1) - len(dests)
    scale = min(room_l / left_m if left_m else float("inf"), room_r / right_m if right_m else float("inf"))
    if scale == float("inf"):
        scale = 0.0

    uid = "sk" + hashlib.sha256(repr((title, balance)).encode()).hexdigest()[:8]
    font = 12 if left_nodes <= 20 else 10
    out: list[str] = []

    # Left column: rolls (bar = received), over-drawn extension, then the flagged band when over-used.
    left_h = [max(float(m) * scale, 1.0) for m in slot_m]
    left_total = sum(left_h) + (max(float(flag_m) * scale, 1.0) if overused else 0.0)
    left_total += gap_l * (left_nodes - 1)
    y = TOP_PX + (body_px - left_total) / 2
    src_y: list[float] = []  # where the next band leaves each roll
    out.append('<g class="rolls">')
    for i, roll in enumerate(rolls):
        src_y.append(y)
        bar_px = max(float(roll.received_m) * scale, 1.0)
        over_m = roll.used_m - roll.received_m
        note = ""
        out.append(
            f'<g class="node roll" data-label="{_esc(roll.label)}" data-meters="{roll.received_m}">'
            f'<rect x="{_px(LEFT_X_PX)}" y="{_px(y)}" width="{NODE_W_PX}" height="{_px(bar_px)}" '
            f'fill="#4a5568">'
            f"<title>{_esc(roll.label)}: received {fmt_m(roll.received_m)} m</title></rect>"
        )
        if over_m > balance.tolerance_m:
            note = f" ⚑ +{fmt_m(over_m)} m over"
            out.append(
                f'<rect class="overdrawn" x="{_px(LEFT_X_PX)}" y="{_px(y + bar_px)}" width="{NODE_W_PX}" '
                f'height="{_px(max(float(over_m) * scale, 1.0))}" fill="url(#{uid}-hatch)" stroke="{RED}">'
                f"<title>{_esc(roll.label)}: {fmt_m(over_m)} m more booked out than received</title></rect>"
            )
        out.append(
            f'<text x="{_px(LEFT_X_PX - 6)}" y="{_px(y + left_h[i] / 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="{font}">'
            f"{_esc(roll.label)} · {fmt_m(roll.received_m)} m{_esc(note)}</text></g>"
        )
        y += left_h[i] + gap_l
    if overused:
        h = max(float(flag_m) * scale, 1.0)
        out.append(
            f'<g class="node unaccounted overused" data-meters="{balance.discrepancy_m}">'
            f'<rect x="{_px(LEFT_X_PX)}" y="{_px(y)}" width="{NODE_W_PX}" height="{_px(h)}" '
            f'fill="url(#{uid}-hatch)" stroke="{RED}"/>'
            f'<text x="{_px(LEFT_X_PX - 6)}" y="{_px(y + h / 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="{font}" font-weight="bold" fill="{RED}">'
            f"⚑ Unaccounted · {fmt_m(balance.discrepancy_m)} m</text>"
            f'<text x="{_px(LEFT_X_PX - 6)}" y="{_px(y + h / 2 + font + 2)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="{font - 1}" fill="{RED}">'
            "more used than received</text></g>"
        )
    out.append("</g>")

    # Right column: one node per destination, heights from the bands that reach it.
    right_h = {key: max(float(dest_m[key]) * scale, 1.0) for key, _, _ in dests}
    right_total = sum(right_h.values()) + gap_r * (len(dests) - 1)
    y = TOP_PX + (body_px - right_total) / 2
    dst_y: dict[str, float] = {}
    out.append('<g class="destinations">')
    for key, label, colour in dests:
        dst_y[key] = y
        shown = balance.discrepancy_m if key == "unaccounted" else dest_m[key]
        weight = f' font-weight="bold" fill="{RED}"' if key == "unaccounted" else ' fill="#1a202c"'
        out.append(
            f'<g class="node destination {key}" data-meters="{shown}">'
            f'<rect x="{_px(RIGHT_X_PX)}" y="{_px(y)}" width="{NODE_W_PX}" height="{_px(right_h[key])}" '
            f'fill="{colour}"/><text x="{_px(RIGHT_X_PX + NODE_W_PX + 6)}" y="{_px(y + right_h[key] / 2)}" '
            f'dominant-baseline="middle" font-size="12"{weight}>'
            f"{label} · {fmt_m(shown)} m</text></g>"
        )
        y += right_h[key] + gap_r
    out.append("</g>")

    # Bands: leave each roll stacked in destination order, arrive at each destination in roll order.
    colours = {key: colour for key, _, colour in dests}
    x0, x1 = LEFT_X_PX + NODE_W_PX, RIGHT_X_PX
    xm = (x0 + x1) / 2
    out.append(f'<g class="bands" fill="none" stroke-opacity="{BAND_OPACITY}">')
    for band in sorted(bands, key=lambda b: ([d[0] for d in dests].index(b.dest), b.roll)):
        w = float(band.meters) * scale
        if w <= 0:
            continue  # a zero-meter band would be an invisible, zero-width path
        # Positions: source offsets follow destination order within a roll; targets follow roll order.
        sy = src_y[band.roll] + _offset_on_roll(bands, band, scale, [d[0] for d in dests]) + w / 2
        ty = dst_y[band.dest] + w / 2
        dst_y[band.dest] += w
        roll = rolls[band.roll]
        dest_label = next(label for key, label, _ in dests if key == band.dest)
        out.append(
            f'<path class="band {band.dest}" data-from="{_esc(roll.label)}" data-to="{band.dest}" '
            f'data-meters="{band.meters}" stroke="{colours[band.dest]}" stroke-width="{_px(w)}" '
            f'd="M{_px(x0)},{_px(sy)} C{_px(xm)},{_px(sy)} {_px(xm)},{_px(ty)} {_px(x1)},{_px(ty)}">'
            f"<title>{_esc(roll.label)} → {dest_label}: {fmt_m(band.meters)} m</title></path>"
        )
    out.append("</g>")

    # Caption: the equation, then whether it closes (flagged when it does not).
    cap_y = TOP_PX + body_px + 30
    equation = (
        f"Received {fmt_m(balance.received_m)} m = in garments {fmt_m(balance.garments_m)} m"
        f" + off-cuts {fmt_m(balance.offcuts_m)} m"
        + (f" + other orders {fmt_m(balance.other_orders_m)} m" if balance.other_orders_m > 0 else "")
        + f" + remnants {fmt_m(balance.remnant_m)} m"
    )
    if balance.closes:
        verdict = '<tspan class="closes" x="24" dy="18" fill="#2f855a">closes to the centimetre</tspan>'
    else:
        more_used = " (more used than received)" if overused else ""
        verdict = (
            f'<tspan class="discrepancy" x="24" dy="18" fill="{RED}" font-weight="bold">does not close: '
            f"{fmt_m(balance.discrepancy_m)} m unaccounted{more_used}</tspan>"
        )
    out.append(f'<text class="caption" x="24" y="{_px(cap_y)}" font-size="13">{equation}{verdict}</text>')
    cap_y += 18  # the verdict's own line
    height = cap_y + 16
    off_rolls = balance.discrepancies()
    if off_rolls:
        listed = ", ".join(f"{label} ({'+' if d > 0 else ''}{fmt_m(d)} m)" for label, d in off_rolls[:6])
        if len(off_rolls) > 6:
            listed += f" and {len(off_rolls) - 6} more"
        out.append(
            f'<text class="roll-discrepancies" x="24" y="{_px(cap_y + 20)}" font-size="12" fill="{RED}">'
            f"Rolls that do not close on their own: {_esc(listed)}</text>"
        )
        height += 20

    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mass-balance" width="{WIDTH_PX}" '
        f'height="{_px(height)}" viewBox="0 0 {WIDTH_PX} {_px(height)}" role="img" '
        f'aria-labelledby="{uid}-title" font-family="system-ui, sans-serif">',
        f'<title id="{uid}-title">{_esc(title or "Fabric mass balance")}</title>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde8e8"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{RED}" stroke-width="3"/></pattern></defs>',
    ]
    if title:
        head.append(
            f'<text class="title" x="24" y="30" font-size="16" font-weight="bold">{_esc(title)}</text>'
        )
    return "\n".join([*head, *out, "</svg>"]) + "\n"


def _offset_on_roll(bands: list[_Band], band: _Band, scale: float, order: list[str]) -> float:
    """Pixels above ``band`` on its roll: the bands of that roll to destinations earlier in ``order``."""
    rank = order.index(band.dest)
    return sum(float(b.meters) * scale for b in bands if b.roll == band.roll and order.index(b.dest) < rank)
