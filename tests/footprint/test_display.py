"""What people read of a footprint (pure): step and factor names, rounded figures, a source's events, and
chart labels that fit left of the bars however long a leg's name is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal as D

import pytest

from seamline.footprint.calc import calculate
from seamline.footprint.chart_svg import BOLD_CHAR_W, LABEL_CHARS, LABEL_W, comparison_svg, wrap_label
from seamline.footprint.display import csv_quantity, factor_label, significant, source_ref, step_label
from tests.footprint.test_calc import REG, garment_activities

SVG = "{http://www.w3.org/2000/svg}"
NI = "ni:///sha-256;8f0e190b04f3bed010865eff738f533b7fb483cef2fd56cd8315a76900337dc1?ver=CBV2.0"


@pytest.mark.parametrize(
    ("source", "events", "note", "default"),
    [
        (f"event {NI}", (NI,), "", False),
        # a mill line: the cut event and how its fabric mass was taken (the source of issue #11's 404s)
        (
            f"event {NI}: 2.8510 m of selvedge denim × 0.8 m × 457.7 g/m²; the mill's steps are the "
            "Carbonfact database's, not measured (secondary) (fabric mass walked back through "
            "input_kg_per_kg of process.weaving.shuttle and later steps)",
            (NI,),
            "2.8510 m of selvedge denim × 0.8 m × 457.7 g/m²; the mill's steps are the Carbonfact "
            "database's, not measured (secondary) (fabric mass walked back through input_kg_per_kg of "
            "process.weaving.shuttle and later steps)",
            False,
        ),
        (
            "event urn:uuid:5c1e0b7e-1d2f-4c3b-9a8e-7f6d5c4b3a21: one corrugated shipping carton shared "
            "by 4 garments",
            ("urn:uuid:5c1e0b7e-1d2f-4c3b-9a8e-7f6d5c4b3a21",),
            "one corrugated shipping carton shared by 4 garments",
            False,
        ),
        (
            f"default: a local e-van route across the city, parcels an e-van delivers on one route "
            f"(event {NI})",
            (NI,),
            "a local e-van route across the city, parcels an e-van delivers on one route",
            True,
        ),
        ("no off-cut event recorded", (), "no off-cut event recorded", False),
        ("default: 4.5 SAM min × 1.2 kW (a cutter)", (), "4.5 SAM min × 1.2 kW (a cutter)", True),
    ],
)
def test_a_source_names_its_events_apart_from_its_note(source, events, note, default):
    assert source_ref(source) == source_ref(source)
    ref = source_ref(source)
    assert (ref.event_ids, ref.note, ref.default) == (events, note, default)


def test_steps_and_factors_read_as_names():
    assert step_label("transport:Cut-and-sew floor → Dye house") == "Transport: Cut-and-sew floor → Dye house"
    assert [step_label(s) for s in ("transport:ocean", "transport:factory-port", "garment dyeing")] == [
        "Ocean freight",
        "Truck to the port",
        "Garment dyeing",
    ]
    assert step_label("end_of_life") == "End of life" and step_label("finishing:wash") == "Finishing: wash"
    long = (
        "weaving, shuttle service, Fabric, Weaved by shuttle loom production mix, at plant service, "
        "Fabric, Weaved by shuttle loom (per kg output, weaving)"
    )
    short = factor_label(long)
    assert len(short) <= 80 and short.endswith("…") and short.startswith("Weaving, shuttle service")
    assert factor_label("Grid electricity, eGRID subregion CAMX (California, incl. Los Angeles)") == (
        "Grid electricity, eGRID subregion CAMX (California, incl. Los Angeles)"
    )


def test_figures_round_for_people_and_the_csv_states_its_places():
    assert significant(D("7.929408205287014")) == "7.929"
    assert [significant(v) for v in (D("0.000149"), D("25"), D("0.80"), D("1234.5678"), 0)] == [
        "0.000149",
        "25",
        "0.8",
        "1235",
        "0",
    ]
    assert significant(D("9.6919"), 3) == "9.69" and significant(D("0.0005"), 3) == "0.0005"
    with pytest.raises(ValueError, match="digits"):
        significant(1, 0)
    assert csv_quantity("1.549471355374623711576000") == "1.549471"
    assert csv_quantity(D("0.0000004")) == "0.000000" and csv_quantity("2") == "2.000000"


def test_wrapped_labels_keep_their_width_and_say_when_they_were_cut():
    assert wrap_label("Garment dyeing", width=27, lines=3) == ["Garment dyeing"]
    lines = wrap_label("Transport: Pressing / finishing → Warehouse / dock", width=27, lines=3)
    assert lines == ["Transport: Pressing /", "finishing → Warehouse /", "dock"]
    assert wrap_label("a" * 60, width=27, lines=2) == ["a" * 27, "a" * 26 + "…"]
    with pytest.raises(ValueError):
        wrap_label("x", width=1, lines=1)


def test_long_step_names_fit_left_of_the_bars_with_their_full_name_on_hover():
    legs = (
        "transport:Olympic Boulevard cut-and-sew floor → Vernon garment dye house and laundry",
        "transport:Pressing / finishing → Warehouse / dock",
    )
    activities = garment_activities()
    leg = next(a for a in activities if a.step.startswith("transport:"))
    activities += [replace(leg, step=step) for step in legs]
    for offshore in ({}, {"Dhaka, BD": calculate(garment_activities(), REG)}):
        root = ET.fromstring(comparison_svg(calculate(activities, REG), offshore))
        labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "fp-step"]
        assert labels
        for label in labels:
            for span in label.iter(f"{SVG}tspan"):
                width = len(span.text) * BOLD_CHAR_W
                assert len(span.text) <= LABEL_CHARS and float(span.get("x")) - width >= 0, span.text
        titles = {label.find(f"{SVG}title").text for label in labels}
        assert f"{step_label(legs[0])} ({legs[0]})" in titles  # cut or not, the whole name on hover
        ys = [float(s.get("y")) for label in labels for s in label.iter(f"{SVG}tspan")]
        assert ys == sorted(ys) and len(set(ys)) == len(ys)  # no two lines drawn over each other
    assert LABEL_W - 6 >= LABEL_CHARS * BOLD_CHAR_W
