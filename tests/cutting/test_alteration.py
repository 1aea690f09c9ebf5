"""Alterations on the graded pattern: the area changes by what the geometry says, seams that sew together stay
equal within 1 mm, the grading between sizes is kept, and bad alterations are refused naming what is wrong."""

from __future__ import annotations

import doctest
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from seamline.cutting import alteration, demo_dress, pattern_diff
from seamline.cutting.alteration import (
    AlterationError,
    change_length,
    lower_neckline,
    neck_curve,
    seam_length,
)
from seamline.cutting.demo_dress import SLIP_DRESS_SIZES, slip_dress_pattern
from seamline.cutting.pattern import Pattern, Piece

NECK_HALF_M = 9.5  # centre line to the inner strap point, size M (19 cm neck width)


@pytest.fixture(scope="module")
def dress():
    return slip_dress_pattern()


def piece(pattern, size, name):
    return next(p for p in pattern.pieces_for(size) if p.name == name)


def vee_top(*, width=40.0, height=60.0, half=10.0, depth=10.0, steps=10, size="M", name="Top") -> Piece:
    """A rectangle with a straight V neck at the top, sampled evenly across: centre line at width / 2."""
    cx = width / 2
    right = [(cx + half * k / steps, height - depth + depth * k / steps) for k in range(steps + 1)]
    left = [(2 * cx - x, y) for x, y in reversed(right[1:])]
    boundary = ((0.0, 0.0), (width, 0.0), (width, height), *reversed(right), *reversed(left), (0.0, height))
    return Piece(name=name, size=size, quantity=1, boundary=boundary, grain_line=((cx, 5.0), (cx, 30.0)))


def single(*pieces: Piece) -> Pattern:
    return Pattern(style_name="Test", units="METRIC", sample_size=pieces[0].size, pieces=pieces)


def centre_neck_y(p: Piece) -> float:
    cx = (p.bounds[0] + p.bounds[2]) / 2
    return max(y for i in neck_curve(p) for x, y in [p.boundary[i]] if abs(x - cx) < 1e-6)


def neck_length(p: Piece) -> float:
    return seam_length([p.boundary[i] for i in neck_curve(p)])


def width_at(p: Piece, y: float) -> float:
    min_x, _, max_x, _ = p.bounds
    return p.polygon().intersection(LineString([(min_x - 1, y), (max_x + 1, y)])).length


def side_seam(body: Piece) -> float:
    """Right side seam of a dress body: from the hem corner (lowest right vertex) up to the underarm."""
    boundary = body.boundary
    min_y, max_y = body.bounds[1], body.bounds[3]
    start = max((i for i, (_, y) in enumerate(boundary) if y == min_y), key=lambda i: boundary[i][0])
    upper = [i for i, (_, y) in enumerate(boundary) if max_y - 25 < y < max_y - 5]
    end = max(upper, key=lambda i: boundary[i][0])
    n = len(boundary)
    return seam_length([boundary[(start + k) % n] for k in range((end - start) % n + 1)])


def test_the_pure_examples_hold():
    for module in (alteration, demo_dress, pattern_diff):
        results = doctest.testmod(module)
        assert results.attempted > 0 and results.failed == 0, module.__name__


# --- the neck curve -----------------------------------------------------------------------------------


def test_neck_curve_runs_from_strap_point_to_strap_point_through_the_centre():
    top = vee_top()
    indices = neck_curve(top)
    points = [top.boundary[i] for i in indices]
    assert points[0] == (30.0, 60.0) and points[-1] == (10.0, 60.0)
    assert (20.0, 50.0) in points and len(points) == 21


def test_neck_curve_of_the_dress_is_the_v_between_the_inner_strap_points(dress):
    front = piece(dress, "M", "Front")
    points = [front.boundary[i] for i in neck_curve(front)]
    assert {round(x, 3) for x, _ in (points[0], points[-1])} == {31 - 9.5, 31 + 9.5}
    assert all(y == front.bounds[3] for _, y in (points[0], points[-1]))
    assert all(y < front.bounds[3] for _, y in points[1:-1])
    assert min(y for _, y in points) == pytest.approx(front.bounds[3] - 12.0)


def test_a_piece_without_a_neckline_is_refused(dress):
    for p in (
        piece(dress, "M", "Strap"),
        Piece(name="Skirt", size="M", quantity=1, boundary=((0, 0), (9, 0), (7, 9), (2, 9))),
    ):
        with pytest.raises(AlterationError, match="no neckline") as caught:
            neck_curve(p)
        assert caught.value.field == "piece"
        assert p.name in str(caught.value) and "size M" in str(caught.value)
    with pytest.raises(AlterationError, match=r"Strap, size XS: .*import the edited DXF instead") as caught:
        lower_neckline(dress, piece="Strap", facing=None, amount_cm=2)
    assert caught.value.field == "piece"


def test_a_half_piece_is_not_symmetric_and_is_refused():
    half = Piece(name="Front", size="M", quantity=2, boundary=((0, 0), (25, 0), (25, 50), (12, 50), (0, 40)))
    with pytest.raises(AlterationError, match="not symmetric") as caught:
        neck_curve(half)
    assert caught.value.field == "piece"


# --- lowering and raising the neckline ----------------------------------------------------------------


def test_lowering_a_straight_v_takes_out_exactly_amount_times_half_the_neck_width():
    top = vee_top(half=10.0, depth=10.0)
    altered = lower_neckline(single(top), piece="Top", facing=None, amount_cm=3.0)
    after = altered.pattern.pieces[0]
    assert top.area_cm2 - after.area_cm2 == pytest.approx(3.0 * 10.0, abs=1e-9)
    assert altered.changes[0].delta_cm2 == pytest.approx(-30.0, abs=1e-9)
    assert centre_neck_y(after) == pytest.approx(centre_neck_y(top) - 3.0)
    # only the neck curve moved; the strap points and the rest of the outline did not
    moved = [i for i, (a, b) in enumerate(zip(top.boundary, after.boundary, strict=True)) if a != b]
    assert set(moved) <= set(neck_curve(top)[1:-1])


def test_the_moved_curve_follows_the_raised_cosine_and_stays_smooth(dress):
    front = piece(dress, "M", "Front")
    after = piece(
        lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=4).pattern, "M", "Front"
    )
    cx, h = 31.0, NECK_HALF_M
    for i in neck_curve(front):
        (x, y), (x2, y2) = front.boundary[i], after.boundary[i]
        assert x2 == x
        assert y - y2 == pytest.approx(4 * 0.5 * (1 + math.cos(math.pi * min(1, abs(x - cx) / h))), abs=1e-9)

    def turns(p):
        pts = [p.boundary[i] for i in neck_curve(p)]
        out = []
        for a, b, c in zip(pts, pts[1:], pts[2:], strict=False):
            v1, v2 = (b[0] - a[0], b[1] - a[1]), (c[0] - b[0], c[1] - b[1])
            out.append(
                abs(math.degrees(math.atan2(v1[0] * v2[1] - v1[1] * v2[0], v1[0] * v2[0] + v1[1] * v2[1])))
            )
        return out

    def leaving(p, end):
        pts = [p.boundary[i] for i in neck_curve(p)]
        (x1, y1), (x2, y2) = (pts[0], pts[1]) if end == 0 else (pts[-1], pts[-2])
        return math.degrees(math.atan2(y2 - y1, x2 - x1))

    before_turns, after_turns = turns(front), turns(after)
    centre = len(before_turns) // 2  # the point of the V: sharper by the curvature the weight adds there
    assert abs(after_turns[centre] - before_turns[centre]) < 10
    del after_turns[centre], before_turns[centre]
    assert max(after_turns) <= max(before_turns) + 5  # no new kink along the curve
    # it leaves the strap points almost as it did (the weight's slope is zero there)
    for end in (0, -1):
        assert abs(leaving(after, end) - leaving(front, end)) < 6


def test_lowering_the_dress_front_with_its_facing(dress):
    altered = lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=2)
    assert altered.note == "Front neckline 2 cm deeper, all sizes (Front facing follows)"
    assert {(c.name, c.size) for c in altered.changes} == set(
        itertools.product(("Front", "Front facing"), SLIP_DRESS_SIZES)
    )
    for size, grade in zip(SLIP_DRESS_SIZES, range(-2, 3), strict=True):
        front, front_after = piece(dress, size, "Front"), piece(altered.pattern, size, "Front")
        facing, facing_after = (
            piece(dress, size, "Front facing"),
            piece(altered.pattern, size, "Front facing"),
        )
        h = NECK_HALF_M + 0.25 * grade
        assert front.area_cm2 - front_after.area_cm2 == pytest.approx(2 * h, rel=0.02)
        assert facing_after.area_cm2 == pytest.approx(facing.area_cm2, abs=1e-6)  # depth kept
        # the neck seam: front neckline and facing neck edge still the same length, within 1 mm
        assert abs(neck_length(front_after) - neck_length(facing_after)) < 0.1
        assert neck_length(front_after) > neck_length(front)
        # untouched pieces are the same objects' equals
        for name in ("Back", "Back facing", "Strap"):
            assert piece(altered.pattern, size, name) == piece(dress, size, name)
    assert [s.size for s in altered.seams] == list(SLIP_DRESS_SIZES)
    assert all(s.name == "neck seam" and (s.a, s.b) == ("Front", "Front facing") for s in altered.seams)
    assert all(s.mismatch_mm < 1 for s in altered.seams)
    assert dress == slip_dress_pattern()  # the input is untouched


def test_lowering_keeps_the_grading_between_sizes(dress):
    altered = lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=2.5).pattern
    before = [centre_neck_y(piece(dress, s, "Front")) for s in SLIP_DRESS_SIZES]
    after = [centre_neck_y(piece(altered, s, "Front")) for s in SLIP_DRESS_SIZES]
    assert [b - a for a, b in zip(after, before, strict=True)] == pytest.approx([2.5] * 5)
    grades_before = [b - a for a, b in itertools.pairwise(before)]
    grades_after = [b - a for a, b in itertools.pairwise(after)]
    assert grades_after == pytest.approx(grades_before, abs=1e-9)


def test_raising_the_neckline_adds_area_and_only_the_sizes_asked(dress):
    altered = lower_neckline(dress, piece="Back", facing="Back facing", amount_cm=-1.5, sizes=["S", "M"])
    assert altered.note == "Back neckline 1.5 cm higher, sizes S, M (Back facing follows)"
    assert {c.size for c in altered.changes} == {"S", "M"}
    back = piece(dress, "M", "Back")
    after = piece(altered.pattern, "M", "Back")
    assert after.area_cm2 - back.area_cm2 == pytest.approx(1.5 * NECK_HALF_M, rel=0.02)
    assert centre_neck_y(after) == pytest.approx(centre_neck_y(back) + 1.5)
    assert piece(altered.pattern, "L", "Back") == piece(dress, "L", "Back")
    assert all(s.mismatch_mm < 1 for s in altered.seams)


def test_lowering_without_the_facing_is_refused_naming_both_lengths(dress):
    with pytest.raises(AlterationError) as caught:
        lower_neckline(dress, piece="Front", facing=None, amount_cm=2)
    err = caught.value
    assert err.field == "facing"
    message = str(err)
    assert "Front" in message and "size XS" in message and "Front facing" in message
    assert "neck seam would not match" in message
    front = piece(dress, "XS", "Front")
    facing = piece(dress, "XS", "Front facing")
    assert f"{neck_length(facing):.1f} cm" in message
    front_after = lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=2, sizes=["XS"])
    assert f"Front's neckline {neck_length(piece(front_after.pattern, 'XS', 'Front')):.1f} cm" in message
    assert neck_length(front) == pytest.approx(neck_length(facing), abs=0.1)  # they matched before


def test_a_facing_that_does_not_match_the_neckline_is_refused(dress):
    # the back facing is not the front's: its neck edge is a different curve
    with pytest.raises(AlterationError, match="neck seam would not match") as caught:
        lower_neckline(dress, piece="Front", facing="Back facing", amount_cm=2)
    assert caught.value.field == "facing"


def test_lowering_through_the_piece_is_refused_as_a_self_intersection(dress):
    with pytest.raises(AlterationError, match=r"cross itself near \(") as caught:
        lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=150)
    assert caught.value.field == "amount_cm"
    assert str(caught.value).startswith("Front, size XS: lowering the neckline 150 cm")


def test_raising_above_the_strap_points_is_refused(dress):
    with pytest.raises(AlterationError, match="above the strap points") as caught:
        lower_neckline(dress, piece="Front", facing="Front facing", amount_cm=-12)
    assert caught.value.field == "amount_cm"


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"piece": "Sleeve", "facing": None, "amount_cm": 2}, "piece", "no piece named 'Sleeve'"),
        ({"piece": "Front", "facing": "Collar", "amount_cm": 2}, "facing", "no facing named 'Collar'"),
        ({"piece": "Front", "facing": "Front", "amount_cm": 2}, "facing", "no facing named 'Front'"),
        ({"piece": "Front", "facing": "Front facing", "amount_cm": 0}, "amount_cm", "other than 0"),
        ({"piece": "Front", "facing": "Front facing", "amount_cm": math.nan}, "amount_cm", "other than 0"),
        ({"piece": "Front", "facing": "Front facing", "amount_cm": 2, "sizes": ["XXL"]}, "sizes", "XXL"),
    ],
)
def test_bad_neckline_parameters_are_refused(dress, kwargs, field, words):
    with pytest.raises(AlterationError, match=words) as caught:
        lower_neckline(dress, **kwargs)
    assert caught.value.field == field


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(30, 80),
    height=st.floats(50, 120),
    half_frac=st.floats(0.1, 0.45),
    depth=st.floats(1, 15),
    steps=st.integers(2, 20),
    amount_frac=st.floats(-0.9, 2.0).filter(lambda a: abs(a) > 0.01),
)
def test_property_area_taken_out_is_amount_times_half_width(
    width, height, half_frac, depth, steps, amount_frac
):
    top = vee_top(width=width, height=height, half=width * half_frac, depth=depth, steps=steps)
    amount = amount_frac * depth  # raise by up to 90 % of the depth, lower by up to twice it
    after = lower_neckline(single(top), piece="Top", facing=None, amount_cm=amount).pattern.pieces[0]
    assert top.area_cm2 - after.area_cm2 == pytest.approx(amount * width * half_frac, rel=1e-9, abs=1e-9)
    assert centre_neck_y(after) == pytest.approx(centre_neck_y(top) - amount)
    assert after.polygon().is_valid


# --- lengthening and shortening -------------------------------------------------------------------------


def test_lengthening_front_and_back_together(dress):
    altered = change_length(dress, pieces=["Front", "Back"], above_hem_cm=30, amount_cm=3)
    assert altered.note == "Front and Back 3 cm longer at 30 cm above the hem, all sizes"
    for size in SLIP_DRESS_SIZES:
        for name in ("Front", "Back"):
            before, after = piece(dress, size, name), piece(altered.pattern, size, name)
            assert after.area_cm2 - before.area_cm2 == pytest.approx(3 * width_at(before, 30), abs=1e-6)
            assert side_seam(after) == pytest.approx(side_seam(before) + 3, abs=1e-9)
            assert after.bounds[3] - after.bounds[1] == pytest.approx(before.bounds[3] - before.bounds[1] + 3)
            assert after.polygon().is_valid
            assert after.grain_vector == pytest.approx(before.grain_vector)
            # the waist notches are above the line: they stay; the pieces' tops are unmoved
            assert after.notches == before.notches and after.bounds[3] == before.bounds[3]
        front, back = piece(altered.pattern, size, "Front"), piece(altered.pattern, size, "Back")
        assert abs(side_seam(front) - side_seam(back)) < 0.1
    assert {(s.name, s.a, s.b) for s in altered.seams} == {("side seam", "Front", "Back")}
    assert len(altered.seams) == 5 and all(s.mismatch_mm < 1 for s in altered.seams)
    assert dress == slip_dress_pattern()


def test_shortening_front_and_back_removes_the_band(dress):
    altered = change_length(dress, pieces=["Front", "Back"], above_hem_cm=30, amount_cm=-4)
    assert altered.note == "Front and Back 4 cm shorter at 30 cm above the hem, all sizes"
    for size in SLIP_DRESS_SIZES:
        for name in ("Front", "Back"):
            before, after = piece(dress, size, name), piece(altered.pattern, size, name)
            band = before.polygon().intersection(
                LineString([(-1, 28), (before.bounds[2] + 1, 28)]).buffer(2, cap_style="flat")
            )
            assert before.area_cm2 - after.area_cm2 == pytest.approx(band.area, abs=1e-6)
            assert after.bounds[3] - after.bounds[1] == pytest.approx(before.bounds[3] - before.bounds[1] - 4)
            # a flared seam trued across the band: shorter by the band's slanted length less the step
            assert 3.0 < side_seam(before) - side_seam(after) <= 4.0 + 1e-9
        front, back = piece(altered.pattern, size, "Front"), piece(altered.pattern, size, "Back")
        assert abs(side_seam(front) - side_seam(back)) < 0.1
    assert all(s.mismatch_mm < 1 for s in altered.seams)


def test_shortening_a_straight_seam_shrinks_it_by_exactly_the_amount():
    body = Piece(
        name="Body",
        size="M",
        quantity=1,
        boundary=((0, 0), (40, 0), (40, 20), (40, 50), (30, 60), (10, 60), (0, 50), (0, 20)),
        grade_rules=(1, 2, None, 3, 4, 5, 6, None),
        notches=((40, 10), (40, 27), (0, 45)),
        drill_holes=((20, 24),),
    )
    after = change_length(single(body), pieces=["Body"], above_hem_cm=30, amount_cm=-5).pattern.pieces[0]
    assert after.area_cm2 == pytest.approx(body.area_cm2 - 5 * 40)
    assert after.boundary == (
        (0, 5), (40, 5), (40, 25), (40, 30), (40, 50), (30, 60), (10, 60), (0, 50), (0, 30), (0, 25)
    )  # fmt: skip
    assert seam_length([p for p in after.boundary if p[0] == 40]) == pytest.approx(50 - 5)
    # grade rules stay on their vertices, moved or not; the new vertices have none
    assert after.grade_rules == (1, 2, None, None, 3, 4, 5, 6, None, None)
    assert after.notches == ((40, 15), (0, 45))  # the notch inside the band is cut away with it
    assert after.drill_holes == ((20, 29),)


def test_lengthening_a_piece_keeps_its_grade_rules_parallel():
    body = Piece(
        name="Body",
        size="M",
        quantity=1,
        boundary=((0, 0), (40, 0), (36, 50), (4, 50)),
        grade_rules=(1, 2, 3, 4),
        grain_line=((20, 5), (20, 45)),
        sew_line=((1, 1), (39, 1), (35, 49), (5, 49)),
        internal_lines=(((20, 10), (20, 40)),),
    )
    after = change_length(single(body), pieces=["Body"], above_hem_cm=20, amount_cm=2).pattern.pieces[0]
    assert after.grade_rules == (1, 2, None, None, 3, 4, None, None)
    assert after.boundary[:2] == ((0, -2), (40, -2))
    assert after.area_cm2 == pytest.approx(body.area_cm2 + 2 * width_at(body, 20))
    assert len(after.sew_line) == 8 and after.internal_lines == (((20, 8), (20, 18), (20, 20), (20, 40)),)
    assert after.grain_line == body.grain_line  # its middle is above the line


def test_lengthening_keeps_the_grading_between_sizes(dress):
    altered = change_length(dress, pieces=["Front", "Back"], above_hem_cm=40, amount_cm=5).pattern
    for name in ("Front", "Back"):
        before = [piece(dress, s, name).bounds[1] for s in SLIP_DRESS_SIZES]
        after = [piece(altered, s, name).bounds[1] for s in SLIP_DRESS_SIZES]
        assert [a - b for a, b in zip(after, before, strict=True)] == pytest.approx([-5] * 5)


def test_lengthening_the_front_without_the_back_is_refused(dress):
    with pytest.raises(AlterationError) as caught:
        change_length(dress, pieces=["Front"], above_hem_cm=30, amount_cm=3)
    assert caught.value.field == "pieces"
    assert str(caught.value) == (
        "Back, size XS: Back's side seams would be 3.0 cm shorter than Front's: alter Back too"
    )
    with pytest.raises(AlterationError, match=r"Front's side seams would be 2\.0 cm longer than Back's"):
        change_length(dress, pieces=["Back"], above_hem_cm=30, amount_cm=-2)


def test_shortening_into_the_hem_or_a_line_off_the_piece_is_refused(dress):
    with pytest.raises(AlterationError, match="cut away the hem") as caught:
        change_length(dress, pieces=["Front", "Back"], above_hem_cm=10, amount_cm=-10)
    assert caught.value.field == "amount_cm"
    with pytest.raises(AlterationError, match="above the piece") as caught:
        change_length(dress, pieces=["Front", "Back"], above_hem_cm=100, amount_cm=2)
    assert caught.value.field == "above_hem_cm" and "Front, size XS" in str(caught.value)
    assert "(it is 99.0 cm long)" in str(caught.value)
    for above in (0, -5, math.inf):
        with pytest.raises(AlterationError) as caught:
            change_length(dress, pieces=["Front", "Back"], above_hem_cm=above, amount_cm=2)
        assert caught.value.field == "above_hem_cm"


def test_unknown_or_no_pieces_are_refused(dress):
    with pytest.raises(AlterationError, match="no piece named 'Skirt'") as caught:
        change_length(dress, pieces=["Front", "Skirt"], above_hem_cm=30, amount_cm=2)
    assert caught.value.field == "pieces"
    with pytest.raises(AlterationError, match="at least one piece") as caught:
        change_length(dress, pieces=[], above_hem_cm=30, amount_cm=2)
    assert caught.value.field == "pieces"


def test_shortening_that_folds_the_piece_onto_itself_is_refused():
    # a C shape opening to the right: closing the band pulls the lower arm onto the upper one
    c_shape = Piece(
        name="Clip",
        size="M",
        quantity=1,
        boundary=((0, 0), (30, 0), (30, 10), (10, 10), (10, 20), (30, 20), (30, 30), (0, 30)),
    )
    with pytest.raises(AlterationError, match=r"Clip, size M: shortening 12 cm .* cross itself") as caught:
        change_length(single(c_shape), pieces=["Clip"], above_hem_cm=22, amount_cm=-12)
    assert caught.value.field == "amount_cm"


@settings(max_examples=60, deadline=None)
@given(
    bottom=st.floats(20, 80),
    top=st.floats(10, 80),
    height=st.floats(30, 120),
    line_frac=st.floats(0.05, 0.95),
    amount=st.floats(0.1, 20),
)
def test_property_lengthening_adds_amount_times_width_and_amount_to_each_side(
    bottom, top, height, line_frac, amount
):
    offset = (bottom - top) / 2
    body = Piece(
        name="Panel",
        size="M",
        quantity=1,
        boundary=((0, 0), (bottom, 0), (bottom - offset, height), (offset, height)),
    )
    line = height * line_frac
    after = change_length(single(body), pieces=["Panel"], above_hem_cm=line, amount_cm=amount).pattern.pieces[
        0
    ]
    assert after.area_cm2 == pytest.approx(body.area_cm2 + amount * width_at(body, line), rel=1e-9)
    right_before = math.dist((bottom, 0), (bottom - offset, height))
    assert seam_length(after.boundary[1:5]) == pytest.approx(right_before + amount, rel=1e-9)
