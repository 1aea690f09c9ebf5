"""The traceability pictures: the mass-balance Sankey and the step timeline, read back as XML."""

import itertools
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from seamline.lineage.massbalance import RollFlow, balance
from seamline.lineage.sankey import mass_balance_svg
from seamline.lineage.timeline_svg import KIND_COLOURS, UNKNOWN_COLOUR, Step, timeline_svg

NS = {"s": "http://www.w3.org/2000/svg"}
S = "{http://www.w3.org/2000/svg}"


def roll(label: str, received: str, garments: str, offcuts: str, remnant: str) -> RollFlow:
    return RollFlow(label, Decimal(received), Decimal(garments), Decimal(offcuts), Decimal(remnant))


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in classes(el)]


def all_text(el: ET.Element) -> str:
    return "".join(el.itertext())


def bands(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{S}path") if "band" in classes(p)]


CLOSING = [
    roll("Selvedge denim 14oz #A1", "45.7", "38.2", "4.5", "3"),
    roll("Selvedge denim 14oz #A2", "50", "30", "5", "15"),
    roll("Canvas #C7", "12.5", "0", "0", "12.5"),  # untouched roll: only a remnant
]


# --- mass balance Sankey -------------------------------------------------------------------------


def test_sankey_has_a_node_per_roll_and_per_destination():
    svg = mass_balance_svg(balance(CLOSING), title="Drop 7 — jackets")
    root = ET.fromstring(svg)
    rolls = by_class(root, "roll")
    assert [r.get("data-label") for r in rolls] == [r.label for r in CLOSING]
    assert "Selvedge denim 14oz #A1 · 45.7 m" in all_text(rolls[0])
    dests = {
        tuple(sorted(classes(g) - {"node", "destination"})): all_text(g)
        for g in by_class(root, "destination")
    }
    assert dests == {
        ("garments",): "In garments · 68.2 m",
        ("offcuts",): "Off-cuts to the recycler · 9.5 m",
        ("remnant",): "Remnants on the rolls · 30.5 m",
    }
    assert by_class(root, "unaccounted") == [] and by_class(root, "discrepancy") == []
    caption = all_text(by_class(root, "caption")[0])
    assert caption == (
        "Received 108.2 m = in garments 68.2 m + off-cuts 9.5 m + remnants 30.5 mcloses to the centimetre"
    )
    assert root.find("s:title", NS).text == "Drop 7 — jackets"


def test_sankey_band_widths_are_proportional_to_meters():
    root = ET.fromstring(mass_balance_svg(balance(CLOSING)))
    paths = bands(root)
    # Zero flows draw no path: 3 + 3 + 1 (the canvas roll only has a remnant).
    assert len(paths) == 7
    per_meter = [float(p.get("stroke-width")) / float(p.get("data-meters")) for p in paths]
    assert all(float(p.get("stroke-width")) > 0 for p in paths)
    assert max(per_meter) == pytest.approx(min(per_meter), rel=1e-3)
    got = {(p.get("data-from"), p.get("data-to")): Decimal(p.get("data-meters")) for p in paths}
    assert got[("Selvedge denim 14oz #A2", "remnant")] == Decimal("15.000")
    assert ("Canvas #C7", "garments") not in got
    # Every band is one cubic Bézier from the left column to the right column.
    assert all(
        re.fullmatch(r"M[\d.]+,[\d.]+ C[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+", p.get("d")) for p in paths
    )
    # Node heights use the same scale: a roll's bar height / its received meters.
    bar = by_class(root, "roll")[1].find("s:rect", NS)
    assert float(bar.get("height")) / 50 == pytest.approx(per_meter[0], rel=1e-3)


def test_sankey_shows_unaccounted_meters_only_when_the_balance_does_not_close():
    within = [roll("R1", "50", "40", "7", "2.99")]  # 1 cm missing: closes
    root = ET.fromstring(mass_balance_svg(balance(within)))
    assert by_class(root, "unaccounted") == []
    assert "closes to the centimetre" in all_text(root)

    missing = [roll("R1", "50", "40", "7", "1.8"), roll("R2", "20", "15", "2", "3")]
    root = ET.fromstring(mass_balance_svg(balance(missing)))
    node = [el for el in by_class(root, "unaccounted") if "node" in classes(el)]
    assert len(node) == 1 and "destination" in classes(node[0])
    assert all_text(node[0]) == "Unaccounted · 1.2 m"
    assert node[0].find("s:rect", NS).get("fill") == "#c62828"
    flagged = by_class(root, "discrepancy")
    assert [all_text(el) for el in flagged] == ["does not close: 1.2 m unaccounted"]
    red = [p for p in bands(root) if p.get("data-to") == "unaccounted"]
    assert [(p.get("data-from"), p.get("data-meters")) for p in red] == [("R1", "1.200")]


def test_sankey_flags_more_used_than_received_on_the_left():
    over = [roll("R1", "20", "15", "3", "4.5"), roll("R2", "30", "25", "2", "3")]
    root = ET.fromstring(mass_balance_svg(balance(over)))
    node = by_class(root, "unaccounted")
    assert len(node) == 1 and "destination" not in classes(node[0])
    # Left column: same x as the rolls.
    assert node[0].find("s:rect", NS).get("x") == by_class(root, "roll")[0].find("s:rect", NS).get("x")
    assert [all_text(t) for t in node[0].findall("s:text", NS)] == [
        "⚑ Unaccounted · -2.5 m",
        "more used than received",
    ]
    assert [all_text(el) for el in by_class(root, "discrepancy")] == [
        "does not close: -2.5 m unaccounted (more used than received)"
    ]
    # The over-drawn roll carries a red hatched extension under its bar; bands still fit its slot.
    ext = by_class(root, "overdrawn")
    assert len(ext) == 1
    bar = by_class(root, "roll")[0].find("s:rect", NS)
    assert float(ext[0].get("y")) == pytest.approx(float(bar.get("y")) + float(bar.get("height")), abs=0.01)
    r1 = [float(p.get("stroke-width")) for p in bands(root) if p.get("data-from") == "R1"]
    assert sum(r1) == pytest.approx(float(bar.get("height")) + float(ext[0].get("height")), rel=1e-3)
    assert "Rolls that do not close on their own: R1 (-2.5 m)" in all_text(root)


def test_sankey_escapes_labels():
    evil = [roll('<script>alert("x")</script> & co', "10", "8", "1", "1")]
    svg = mass_balance_svg(balance(evil), title="<b>bold</b>")
    root = ET.fromstring(svg)
    assert "<script" not in svg and "<b>" not in svg
    assert not list(root.iter(f"{S}script")) and not list(root.iter("script"))
    assert by_class(root, "roll")[0].get("data-label") == '<script>alert("x")</script> & co'
    assert '<script>alert("x")</script> & co · 10 m' in all_text(root)


def test_sankey_is_deterministic_and_handles_edge_cases():
    b = balance(CLOSING)
    assert mass_balance_svg(b, title="t") == mass_balance_svg(balance(list(CLOSING)), title="t")

    # Nothing moved at all: no bands, still a valid picture with its nodes.
    root = ET.fromstring(mass_balance_svg(balance([roll("Empty", "0", "0", "0", "0")])))
    assert bands(root) == [] and len(by_class(root, "roll")) == 1 and len(by_class(root, "destination")) == 3
    root = ET.fromstring(mass_balance_svg(balance([])))
    assert bands(root) == [] and "Received 0 m" in all_text(root)

    # A single roll.
    root = ET.fromstring(mass_balance_svg(balance([roll("Solo", "3", "2", "0.5", "0.5")])))
    assert len(by_class(root, "roll")) == 1 and len(bands(root)) == 3


def test_sankey_scales_thirty_rolls_to_fit():
    flows = [roll(f"R{i:02d}", str(20 + i), str(10 + i), "5", "5") for i in range(30)]
    root = ET.fromstring(mass_balance_svg(balance(flows)))
    assert len(by_class(root, "roll")) == 30
    height = float(root.get("height"))
    assert height <= 900
    rects = [el for el in root.iter(f"{S}rect") if el.get("y")]
    assert all(float(r.get("y")) >= 0 and float(r.get("y")) + float(r.get("height")) <= height for r in rects)
    # Rolls do not overlap each other.
    bars = [g.find("s:rect", NS) for g in by_class(root, "roll")]
    for upper, lower in itertools.pairwise(bars):
        assert float(upper.get("y")) + float(upper.get("height")) <= float(lower.get("y"))
    paths = bands(root)
    per_meter = [float(p.get("stroke-width")) / float(p.get("data-meters")) for p in paths]
    assert max(per_meter) == pytest.approx(min(per_meter), rel=1e-2)


# --- timeline --------------------------------------------------------------------------------------

T0 = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # 08:00 PST


def dots(root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    return [(g, g.find("s:circle", NS)) for g in by_class(root, "step")]


def test_timeline_dots_run_left_to_right_in_time():
    steps = [
        Step(T0 + timedelta(hours=30), "Pressed", "Presser, 5th St", kind="pressing"),
        Step(T0, "Roll received", "Cutting room", "roll A1, 45.7 m", kind="receiving"),
        Step(T0 + timedelta(hours=3), "Cut", "Cutting room", kind="cutting"),
        Step(T0 + timedelta(hours=20), "Dyed indigo", "Dye house", kind="dyeing"),
        Step(T0 + timedelta(hours=26), "Teleported", "Nowhere", kind="teleporting"),
    ]
    root = ET.fromstring(timeline_svg(steps, title="Jacket SLN-42"))
    found = dots(root)
    assert len(found) == 5
    whens = [datetime.fromisoformat(g.get("data-when")) for g, _ in found]
    xs = [float(c.get("cx")) for _, c in found]
    assert whens == sorted(s.when for s in steps)
    assert xs == sorted(xs) and len(set(xs)) == 5
    # Position is proportional to time (no nudging needed here).
    frac = (xs[2] - xs[0]) / (xs[-1] - xs[0])
    assert frac == pytest.approx(20 / 30, abs=1e-3)
    fills = [c.get("fill") for _, c in found]
    assert fills[0] == KIND_COLOURS["receiving"] and fills[1] == KIND_COLOURS["cutting"]
    assert fills[3] == UNKNOWN_COLOUR
    assert "kind-other" in classes(found[3][0])
    # Shown in Los Angeles time, with place and detail.
    first = all_text(found[0][0])
    assert "Mar 6 08:00 PST · Cutting room" in first and "roll A1, 45.7 m" in first


def test_timeline_labels_alternate_and_do_not_collide():
    steps = [
        Step(T0 + timedelta(minutes=20 * i), f"Step number {i}", "Sewing line 2", kind="sewing")
        for i in range(12)
    ]
    root = ET.fromstring(timeline_svg(steps))
    boxes = []
    for g, _ in dots(root):
        texts = g.findall("s:text", NS)
        x = float(texts[0].get("x"))
        width = max(len(all_text(t)) * float(t.get("font-size")) * 0.6 for t in texts)
        top = float(texts[0].get("y")) - 12
        boxes.append((x, x + width, top, float(texts[-1].get("y"))))
    axis_y = float(root.find("s:line", NS).get("y1"))
    sides = [b[2] < axis_y for b in boxes]
    assert sides[:4] == [True, False, True, False]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = a[0] < b[1] and b[0] < a[1]
            overlap_y = a[2] < b[3] and b[2] < a[3]
            assert not (overlap_x and overlap_y), (a, b)


def test_timeline_one_step_and_steps_at_the_same_minute():
    root = ET.fromstring(timeline_svg([Step(T0, "Received", "Dock")]))
    ((_, dot),) = dots(root)
    assert float(dot.get("cx")) == pytest.approx(480)  # centred
    assert by_class(root, "tick")

    same = [
        Step(T0 + timedelta(seconds=40), "Packed", "Packing table", kind="packing"),
        Step(T0, "Inspected", "QC", kind="inspecting"),
        Step(T0 + timedelta(seconds=10), "Bagged", "Packing table", kind="packing"),
    ]
    root = ET.fromstring(timeline_svg(same))
    found = dots(root)
    assert [all_text(g.find("s:text", NS)) for g, _ in found] == ["Inspected", "Bagged", "Packed"]
    xs = [float(c.get("cx")) for _, c in found]
    assert xs == sorted(xs) and min(b - a for a, b in itertools.pairwise(xs)) >= 15.9


def test_timeline_ticks_in_los_angeles_across_dst():
    # 2026-03-08 02:00 PST -> 03:00 PDT; three days at 6-hour ticks stay on round local hours.
    steps = [Step(T0, "A", "x"), Step(T0 + timedelta(days=2, hours=20), "B", "y")]
    root = ET.fromstring(timeline_svg(steps))
    ticks = [datetime.fromisoformat(t.get("data-when")) for t in by_class(root, "tick")]
    assert len(ticks) >= 3
    assert all(t.minute == 0 for t in ticks)
    assert {t.utcoffset() for t in ticks} == {timedelta(hours=-8), timedelta(hours=-7)}
    step_h = (ticks[1].replace(tzinfo=None) - ticks[0].replace(tzinfo=None)) // timedelta(hours=1)
    assert all(t.hour % step_h == 0 for t in ticks)
    assert "Times in America/Los_Angeles (PDT/PST)" in all_text(root)


def test_timeline_escapes_and_refuses_naive_times():
    svg = timeline_svg([Step(T0, "<script>x</script>", "A & B", detail='"quoted"', kind="<b>")], title="<i>")
    root = ET.fromstring(svg)
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "<script>x</script>" in all_text(root)
    with pytest.raises(ValueError):
        timeline_svg([Step(datetime(2026, 3, 6, 8, 0), "Naive", "x")])


def test_timeline_empty_and_deterministic():
    root = ET.fromstring(timeline_svg([]))
    assert dots(root) == [] and "No steps yet" in all_text(root)
    steps = [Step(T0 + timedelta(days=i), f"s{i}", "p", kind="arriving") for i in range(40)]
    assert timeline_svg(steps) == timeline_svg(list(reversed(steps)))  # input order does not matter
    xs = [float(c.get("cx")) for _, c in dots(ET.fromstring(timeline_svg(steps)))]
    assert xs == sorted(xs) and xs[0] > 0 and xs[-1] < 960


def test_timeline_positions_use_elapsed_time_across_dst():
    # Given in Los Angeles time: 00:00 PST to 04:00 PDT on 2026-03-08 is 3 hours, not 4.
    la = ZoneInfo("America/Los_Angeles")
    steps = [
        Step(datetime(2026, 3, 8, 0, 0, tzinfo=la), "A", "x"),
        Step(datetime(2026, 3, 8, 1, 30, tzinfo=la), "B", "x"),  # 1.5 h after A
        Step(datetime(2026, 3, 8, 4, 0, tzinfo=la), "C", "x"),  # 3 h after A
    ]
    xs = [float(c.get("cx")) for _, c in dots(ET.fromstring(timeline_svg(steps)))]
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(0.5, abs=1e-3)
