"""The diff between two pattern versions finds exactly the changed pieces; the overlay picture is safe SVG."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from seamline.cutting.alteration import change_length, lower_neckline
from seamline.cutting.demo_dress import SLIP_DRESS_SIZES, slip_dress_pattern
from seamline.cutting.pattern import Piece
from seamline.cutting.pattern_diff import diff_patterns, overlay_svg

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dress():
    return slip_dress_pattern()


def piece(pattern, size, name):
    return next(p for p in pattern.pieces_for(size) if p.name == name)


def test_a_pattern_against_itself_has_no_change(dress):
    diff = diff_patterns(dress, slip_dress_pattern())
    assert diff.unchanged and diff.changed == () and diff.added == diff.removed == ()
    assert len(diff.rows) == 25
    assert all(row.delta_cm2 == 0 and row.moved_mm == 0 for row in diff.rows)


def test_the_diff_finds_exactly_the_pieces_the_alteration_changed(dress):
    altered = lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=2)
    diff = diff_patterns(dress, altered.pattern)
    assert {(r.name, r.size) for r in diff.changed} == set(
        itertools.product(("Front", "Front facing"), SLIP_DRESS_SIZES)
    )
    by_key = {(r.name, r.size): r for r in diff.rows}
    for change in altered.changes:
        row = by_key[(change.name, change.size)]
        assert row.delta_cm2 == pytest.approx(change.delta_cm2)
        assert row.area_before_cm2 == pytest.approx(change.area_before_cm2)
    front = by_key[("Front", "M")]
    assert front.delta_cm2 == pytest.approx(-19.0, rel=0.02)
    assert front.delta_pct == pytest.approx(100 * front.delta_cm2 / front.area_before_cm2)
    assert front.moved_mm == pytest.approx(20.0, abs=0.5)  # the centre front neck point, 2 cm
    facing = by_key[("Front facing", "M")]
    assert facing.changed and abs(facing.delta_cm2) < 0.5  # moved, same area


def test_only_the_sizes_altered_show(dress):
    altered = change_length(dress, pieces=["Front", "Back"], above_hem_cm=30, amount_cm=3, sizes=["L"])
    diff = diff_patterns(dress, altered.pattern)
    assert {(r.name, r.size) for r in diff.changed} == {("Front", "L"), ("Back", "L")}


def test_pieces_added_and_removed(dress):
    without_straps = replace(dress, pieces=tuple(p for p in dress.pieces if p.name != "Strap"))
    diff = diff_patterns(dress, without_straps)
    assert diff.removed == tuple(("Strap", s) for s in SLIP_DRESS_SIZES)
    assert diff.added == () and diff.changed == () and not diff.unchanged
    assert diff_patterns(without_straps, dress).added == diff.removed


def test_resampling_or_a_tiny_move_is_not_a_change_but_half_a_millimetre_is():
    square = Piece(name="Patch", size="M", quantity=1, boundary=((0, 0), (10, 0), (10, 10), (0, 10)))
    resampled = replace(square, boundary=((0, 0), (5, 0), (10, 0), (10, 10), (0, 10)))
    nudged = replace(square, boundary=((0, 0), (10, 0), (10.03, 10), (0, 10)))
    moved = replace(square, boundary=((0, 0), (10, 0), (10.08, 10), (0, 10)))

    def diff_of(after):
        before_pattern = replace(slip_dress_pattern(), pieces=(square,))
        return diff_patterns(before_pattern, replace(before_pattern, pieces=(after,))).rows[0]

    assert not diff_of(resampled).changed
    assert not diff_of(nudged).changed
    row = diff_of(moved)
    assert row.changed and abs(row.delta_cm2) < 0.5  # the area hardly moved, a vertex did
    assert diff_of(replace(square, quantity=2)).changed


def test_overlay_svg_shows_both_outlines_and_what_changed(dress):
    altered = lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=2).pattern
    before, after = piece(dress, "M", "Front"), piece(altered, "M", "Front")
    svg = overlay_svg(before, after)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") == "220" and root.get("role") == "img"
    title = root.find(f"{SVG}title").text
    assert "Front, size M" in title and "(-19 cm²)" in title and "Dashed: the old outline" in title
    paths = {p.get("class"): p for p in root.iter(f"{SVG}path")}
    assert set(paths) == {"before", "after", "changed"}
    assert paths["before"].get("stroke-dasharray") and paths["before"].get("fill") == "none"
    assert paths["after"].get("fill") != "none"
    # both outlines are drawn, vertex by vertex
    assert paths["before"].get("d").count("L") == len(before.boundary) - 1
    assert paths["after"].get("d").count("L") == len(after.boundary) - 1
    assert paths["before"].get("d") != paths["after"].get("d")
    assert (
        "<script" not in svg
        and "style=" not in svg
        and "on" not in {a[:2] for p in root.iter() for a in p.attrib}
    )


def test_overlay_svg_of_an_unchanged_piece_has_no_changed_region_and_escapes_names():
    sq = Piece(
        name='<script>alert("x")</script> & co',
        size="M",
        quantity=1,
        boundary=((0, 0), (10, 0), (10, 20), (0, 20)),
    )
    svg = overlay_svg(sq, sq, width_px=100)
    root = ET.fromstring(svg)
    assert "<script" not in svg and root.find(f"{SVG}script") is None
    assert '<script>alert("x")</script> & co, size M' in root.find(f"{SVG}title").text
    assert {p.get("class") for p in root.iter(f"{SVG}path")} == {"before", "after"}
    assert root.get("width") == "100" and int(root.get("height")) > 100  # taller than wide, as drafted
