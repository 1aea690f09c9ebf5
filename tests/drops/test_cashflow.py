"""The pure engines of the founder's pages: the cash flow (numbers worked by hand) and the SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from seamline.drops.cashflow import MaterialUse, Sale, cash_flow, cut_by_size
from seamline.drops.charts import Bar, cumulative_series, hbar_chart_svg, line_chart_svg, nice_step

SVG = "{http://www.w3.org/2000/svg}"
LA = ZoneInfo("America/Los_Angeles")
DENIM = MaterialUse(
    name="Selvedge denim",
    kind="fabric",
    consumption={"S": Decimal("1.700"), "M": Decimal("1.800"), "L": Decimal("1.900")},
    unit_price=Decimal("12.00"),
    placement="shell",
)
BUTTONS = MaterialUse(
    name="Shank buttons",
    kind="trim",
    consumption={"S": Decimal("6"), "M": Decimal("6"), "L": Decimal("6")},
    unit_price=Decimal("0.35"),
    placement="front",
)


def test_the_cash_flow_of_a_funded_run_worked_by_hand():
    flow = cash_flow(
        captured=Decimal("3420.00"),  # 19 units at $180
        held=Decimal("0"),
        sold=[Sale("S", 6), Sale("M", 10), Sale("L", 3)],
        overcut_pct=Decimal("5"),
        materials=[DENIM, BUTTONS],
        sam_per_unit=Decimal("34.5"),
        wage_per_hour=Decimal("20.00"),
    )
    # 5% of 19 sold is 0.95, rounded up once: 1 more, to M (remainders 6/19, 10/19, 3/19).
    assert flow.cut_by_size == {"S": 6, "M": 11, "L": 3}
    assert flow.cut_units == 20
    assert flow.overcut_rule == "19 sold + 1 overcut (5% of 19, rounded up once, shared by size)"
    denim, buttons = flow.materials
    # 1.7 × 6 + 1.8 × 11 + 1.9 × 3 = 10.2 + 19.8 + 5.7 = 35.7 m at $12.00.
    assert (denim.label, denim.quantity, denim.unit, denim.amount) == (
        "Selvedge denim (shell)",
        Decimal("35.700"),
        "m",
        Decimal("428.40"),
    )
    # 6 a garment × 20 = 120 pieces at $0.35.
    assert (buttons.quantity, buttons.unit, buttons.amount) == (
        Decimal("120.000"),
        "pieces",
        Decimal("42.00"),
    )
    assert flow.materials_total == Decimal("470.40")
    # 34.5 standard minutes × 20 = 690 min at $20/h = $230.00.
    assert (flow.payroll.quantity, flow.payroll.amount) == (Decimal("690.00"), Decimal("230.00"))
    assert flow.costs == Decimal("700.40")
    assert flow.balance == Decimal("2719.60")
    assert flow.warnings == ()


def test_a_live_drop_shows_the_gap_now_and_the_balance_once_holds_are_captured():
    flow = cash_flow(
        captured=Decimal("0"),
        held=Decimal("600.00"),
        sold=[Sale("S", 1), Sale("M", 2), Sale("L", 3)],
        overcut_pct=Decimal("10"),
        materials=[DENIM],
        sam_per_unit=Decimal("34.5"),
        wage_per_hour=Decimal("20.00"),
    )
    # 10% of 6 is 0.6 -> 1 more, to L; 1.7×1 + 1.8×2 + 1.9×4 = 12.9 m = $154.80;
    # 34.5 × 7 = 241.5 min = $80.50.
    assert flow.cut_by_size == {"S": 1, "M": 2, "L": 4}
    assert flow.materials_total == Decimal("154.80")
    assert flow.payroll.amount == Decimal("80.50")
    assert flow.balance == Decimal("-235.30")
    assert flow.balance_if_all_captured == Decimal("364.70")


def test_overcut_is_rounded_up_once_for_the_run_like_the_production_order():
    # Two colourways of size S, one unit each: ceil(3% of 2) = 1 more, not one more per SKU.
    assert cut_by_size([Sale("S", 1), Sale("S", 1), Sale("M", 0)], Decimal("3")) == {"S": 3}
    assert cut_by_size([Sale("M", 100)], Decimal("0")) == {"M": 100}
    # Issue #11: 50 sold over five sizes is 52 cut with a 3% overcut (it was 55, one more per size).
    sold = [Sale("XS", 1), Sale("S", 7), Sale("M", 19), Sale("L", 16), Sale("XL", 7)]
    assert cut_by_size(sold, Decimal("3")) == {"XS": 1, "S": 7, "M": 20, "L": 17, "XL": 7}


def test_a_capped_sku_keeps_to_its_cap_in_the_cash_flow_too():
    sold = [Sale("XS", 6, sku="J-XS", cap=6), Sale("M", 4, sku="J-M")]
    # 10% of 10 is 1: XS's share (0.6) goes to M, because XS sold its cap.
    assert cut_by_size(sold, Decimal("10")) == {"XS": 6, "M": 5}


def test_the_wage_a_minute_is_not_rounded_before_it_is_multiplied():
    flow = cash_flow(
        captured=Decimal("0"),
        held=Decimal("0"),
        sold=[Sale("M", 1)],
        overcut_pct=Decimal("0"),
        materials=[],
        sam_per_unit=Decimal("100"),
        wage_per_hour=Decimal("17.87"),
    )
    # 100 min × 17.87 / 60 = 29.7833… -> 29.78 (a wage of $0.30 a minute would give 30.00).
    assert flow.payroll.amount == Decimal("29.78")
    assert flow.costs == Decimal("29.78")


def test_an_unpriced_material_and_a_size_without_consumption_are_warned_about():
    lining = MaterialUse(name="Cupro lining", kind="fabric", consumption={"S": Decimal("1")}, unit_price=None)
    flow = cash_flow(
        captured=Decimal("100"),
        held=Decimal("0"),
        sold=[Sale("S", 1), Sale("XL", 2)],
        overcut_pct=Decimal("0"),
        materials=[lining],
        sam_per_unit=Decimal("0"),
        wage_per_hour=Decimal("20"),
    )
    assert flow.materials[0].quantity == Decimal("1.000")
    assert flow.materials[0].amount == Decimal("0.00")
    assert flow.warnings == (
        "Cupro lining has no consumption for size XL; counted as none.",
        "Cupro lining has no price; its cost is left out.",
    )


def test_no_preorders_cost_nothing():
    flow = cash_flow(
        captured=Decimal("0"),
        held=Decimal("0"),
        sold=[],
        overcut_pct=Decimal("3"),
        materials=[DENIM],
        sam_per_unit=Decimal("34.5"),
        wage_per_hour=Decimal("20"),
    )
    assert (flow.cut_units, flow.costs, flow.balance) == (0, Decimal("0.00"), Decimal("0.00"))


# Charts.

T0 = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)  # 11:00 am in Los Angeles


def _events() -> list[tuple[datetime, str, int]]:
    return [
        (T0 + timedelta(minutes=20), "M", 2),
        (T0 + timedelta(minutes=5), "S", 1),
        (T0 + timedelta(minutes=12), "M", 1),
        (T0 + timedelta(minutes=31), "XXL", 1),  # a size outside `keys` comes last
        (T0 + timedelta(minutes=40), "M", 1),
    ]


def test_cumulative_series_sorts_events_and_keeps_running_totals_per_key():
    series = cumulative_series(_events(), keys=["S", "M", "L"])
    assert [s.label for s in series] == ["S", "M", "L", "XXL"]
    assert [n for _, n in series[1].points] == [1, 3, 4]
    assert [when for when, _ in series[1].points] == [T0 + timedelta(minutes=m) for m in (12, 20, 40)]
    assert [s.total for s in series] == [1, 4, 0, 1]


def test_the_line_chart_is_valid_svg_with_one_group_and_one_dot_per_point_per_series():
    series = cumulative_series(_events(), keys=["S", "M", "L"])
    svg = line_chart_svg(series, start=T0, end=T0 + timedelta(hours=1), tz=LA)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    groups = root.findall(f".//{SVG}g[@class='series']")
    assert [g.get("data-series") for g in groups] == ["S", "M", "L", "XXL"]
    assert [len(g.findall(f"{SVG}circle")) for g in groups] == [1, 3, 0, 1]
    assert [g.get("data-points") for g in groups] == ["1", "3", "0", "1"]
    assert all(len(g.findall(f"{SVG}path")) == 1 for g in groups)
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == ["S · 1", "M · 4", "L · 0", "XXL · 1"]
    # The time axis is labelled in Los Angeles time on whole steps (every 10 minutes over an hour).
    x_labels = [t.text for t in root.findall(f".//{SVG}g[@class='axis x']/{SVG}text")]
    assert x_labels == ["11:00 am", "11:10 am", "11:20 am", "11:30 am", "11:40 am", "11:50 am", "12:00 pm"]
    # The y axis goes from 0 to a whole step above the largest total (4): 0, 1, 2, 3, 4.
    y_labels = [t.text for t in root.findall(f".//{SVG}g[@class='axis y']/{SVG}text")]
    assert y_labels[:-1] == ["0", "1", "2", "3", "4"] and y_labels[-1] == "units"


def test_the_line_chart_escapes_labels_and_says_when_there_is_nothing_yet():
    svg = line_chart_svg(
        cumulative_series([], keys=['S<"&>']), start=T0, end=T0 - timedelta(minutes=1), tz=LA
    )
    root = ET.fromstring(svg)  # parses: the label is escaped
    assert root.find(f".//{SVG}g[@class='series']").get("data-series") == 'S<"&>'
    assert "No pre-orders yet" in svg


def test_nice_steps_for_the_y_axis():
    assert [nice_step(n) for n in (0, 3, 5, 6, 12, 70, 101, 999)] == [1, 1, 1, 2, 5, 20, 50, 200]


def test_the_bar_chart_has_one_bar_a_row_scaled_to_the_largest_value():
    bars = [
        Bar("Deposits", Decimal("1000"), "$1,000.00", "in"),
        Bar("Fabric", Decimal("250"), "$250.00", "out"),
        Bar("Gap", Decimal("-500"), "−$500.00", "gap"),
    ]
    root = ET.fromstring(hbar_chart_svg(bars, width=640, label_w=170))
    rows = root.findall(f"{SVG}g[@class='bar']")
    assert [g.get("data-tone") for g in rows] == ["in", "out", "gap"]
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in rows]
    assert widths == [360.0, 90.0, 180.0]  # a track of 640 - 170 - 110 = 360 px
    assert [g.findall(f"{SVG}text")[1].text for g in rows] == ["$1,000.00", "$250.00", "−$500.00"]
