"""The lexicon that groups comments into themes (pure): whole words, folding, plurals and comparatives,
the first subject and direction, phrases that say the opposite, amounts in cm, and the change's wording."""

from __future__ import annotations

import doctest

import pytest

from seamline.fitting import lexicon as lex
from seamline.fitting.lexicon import DEFAULT_LEXICON, Lexicon, Term, amount_cm, change_summary, explain, match


def theme(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> tuple[str, str] | None:
    return match(text, lexicon).theme


def test_the_module_examples_hold():
    assert doctest.testmod(lex).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Neckline deeper please", ("neckline", "deeper")),
        ("deeper NECKLINE!!!", ("neckline", "deeper")),
        ("the V-neck could plunge more", ("neckline", "deeper")),
        ("Décolleté plus bas, deeper", ("neckline", "deeper")),
        ("DECOLLETE deeper", ("neckline", "deeper")),  # accents folded both ways
        ("sleeves shorter", ("sleeves", "shorter")),
        ("sleeve shorter", ("sleeves", "shorter")),
        ("hem longer pls", ("length", "longer")),
        ("the skirt is too long", ("length", "shorter")),  # a phrase says the opposite of its last word
        ("too tight on the hips", ("hips", "looser")),
        ("hips are too loose", ("hips", "tighter")),
        ("add pockets", ("pockets", "add")),
        ("pockets!!!", ("pockets", "")),  # a subject without a direction
        ("the neckline is too high", ("neckline", "deeper")),
        ("neckline too revealing", ("neckline", "higher")),
        ("take in the waist", ("waist", "tighter")),
    ],
)
def test_comments_find_their_theme(text, expected):
    assert theme(text) == expected


@pytest.mark.parametrize(
    "text", ["love it 😍", "where are you based?", "that necklace is cute", "deeper!!", ""]
)
def test_a_comment_without_a_subject_is_unmatched(text):
    assert theme(text) is None


def test_whole_words_only():
    assert theme("necklace deeper") is None  # "neck" is not inside "necklace"
    assert theme("hemp fabric") == ("fabric", "")  # "hem" is not inside "hemp"
    assert theme("pocketbook shorter") is None


def test_the_subject_and_direction_named_first_win():
    assert theme("sleeves shorter and the neckline deeper") == ("sleeves", "shorter")
    assert theme("deeper neckline, shorter sleeves") == ("neckline", "deeper")


def test_the_longer_phrase_wins_at_the_same_word():
    lexicon = Lexicon(
        subjects=(Term("neck", "Neck", ("neck",)), Term("neckline", "Neckline", ("neck line",))),
        directions=(Term("deeper", "deeper", ("deeper",)),),
    )
    assert theme("neck line deeper", lexicon) == ("neckline", "deeper")
    assert theme("neck deeper", lexicon) == ("neck", "deeper")


def test_comparatives_of_the_comment_match_base_words_but_not_the_other_way():
    lexicon = Lexicon(
        subjects=(Term("shoulders", "Shoulders", ("shoulder",)), Term("waist", "Waist", ("waist",))),
        directions=(
            Term("tighter", "tighter", ("tight",)),
            Term("looser", "looser", ("big", "loose", "roomy")),
        ),
    )
    assert theme("waist tighter", lexicon) == ("waist", "tighter")
    assert theme("waist bigger", lexicon) == ("waist", "looser")  # bigger -> big
    assert theme("waist looser", lexicon) == ("waist", "looser")  # looser -> loose
    assert theme("waist roomier", lexicon) == ("waist", "looser")  # roomier -> roomy
    # "should" in a comment is not "shoulder" in the lexicon.
    assert theme("it should be tight at the waist", lexicon) == ("waist", "tighter")


def test_plurals_read_as_their_singular():
    lexicon = Lexicon(
        subjects=(Term("pockets", "Pockets", ("pocket",)), Term("bodice", "Bodice", ("bodies",))),
        directions=(Term("add", "add", ("add",)),),
    )
    assert theme("add pockets", lexicon) == ("pockets", "add")
    assert theme("add a body", lexicon) == ("bodice", "add")  # "bodies" in the lexicon reads "body"


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("2cm deeper", 2.0),
        ("2 cm deeper", 2.0),
        ("2.5 cm", 2.5),
        ("2,5cm", 2.5),
        ("20 mm", 2.0),
        ("an inch lower", 2.54),
        ("1 in deeper", 2.54),
        ("1 in.", 2.54),
        ("1 inch", 2.54),
        ("2 inches", 5.08),
        ('1" longer', 2.54),
        ("1/2 inch", 1.27),
        ("half an inch", 1.27),
        ("two cm", 2.0),
        ("2-3 cm", 2.5),
        ("3 centimetres shorter", 3.0),
        ("make it 4 centimeters longer", 4.0),
    ],
)
def test_amounts_are_read_in_cm(text, cm):
    assert amount_cm(text) == cm


@pytest.mark.parametrize(
    "text", ["I want it in black, 1 in black", "size 2", "100 cm deeper lol", "2 cmx", "version 2.0", "0 cm"]
)
def test_no_amount_where_there_is_none(text):
    assert amount_cm(text) is None


def test_a_theme_suggests_the_median_amount():
    assert lex.median_amount([2.0, None, 3.0, 2.54]) == 2.5
    assert lex.median_amount([None]) is None


def test_explain_quotes_the_words_as_written():
    assert explain("The Necklines DEEPER", DEFAULT_LEXICON) == "matched 'Necklines' + 'DEEPER'"
    assert explain("v-neck plz", DEFAULT_LEXICON) == "matched 'v-neck'"
    assert explain("deeper!!", DEFAULT_LEXICON) == "no subject named (direction 'deeper')"
    assert explain("hi", DEFAULT_LEXICON) == "no subject or direction named"
    assert explain("too long sleeves", DEFAULT_LEXICON) == "matched 'sleeves' + 'too long'"


def test_the_change_is_worded_for_people():
    assert change_summary(subject="neckline", direction="deeper", amount_cm=2.0, lexicon=DEFAULT_LEXICON) == (
        "front neckline 2 cm deeper, all sizes",
        "neckline 2 cm deeper, after your comments",
    )
    assert change_summary(subject="length", direction="shorter", amount_cm=3.5, lexicon=DEFAULT_LEXICON)[
        0
    ] == ("length 3.5 cm shorter, all sizes")
    assert change_summary(subject="pockets", direction="add", amount_cm=None, lexicon=DEFAULT_LEXICON) == (
        "add pockets, all sizes",
        "add pockets, after your comments",
    )


def test_clean_words_trims_and_drops_repeats():
    assert lex.clean_words([" Neck ", "neck", "v  neck", "", "!!", "Décolleté", "decollete"]) == [
        "Neck",
        "v neck",
        "Décolleté",
    ]


def test_the_default_lexicon_is_seamlines_own():
    assert "Seamline's own" in lex.SOURCE
    keys = [t.key for t in DEFAULT_LEXICON.subjects]
    for key in (
        "neckline",
        "sleeves",
        "length",
        "waist",
        "hips",
        "bust",
        "straps",
        "shoulders",
        "fit",
        "pockets",
    ):
        assert key in keys
    directions = [t.key for t in DEFAULT_LEXICON.directions]
    assert directions == ["deeper", "higher", "longer", "shorter", "looser", "tighter", "add", "remove"]
