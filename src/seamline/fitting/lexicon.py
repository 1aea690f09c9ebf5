"""The lexicon that groups a live stream's comments into themes (pure: no Django).

A theme is a subject (a point of measure or a feature: neckline, sleeves, pockets) and a direction of change
(deeper, shorter, add). Each has words and phrases; a comment belongs to the theme of the subject and the
direction it mentions first. How a comment is matched:

1. The text is cut into words (letters and digits; "v-neck" is the two words "v" and "neck"), and each word
   is folded: lower case, accents dropped ("Décolleté" reads "decollete").
2. A lexicon word or phrase is folded the same way and matches whole words only, never inside a word
   ("neck" does not match "necklace").
3. Plurals: a word of the comment also reads as its singular ("sleeves" -> "sleeve", "bodies" -> "body",
   "inches" -> "inch"), and so does a lexicon word, so "pocket" matches "pockets" either way.
4. Comparatives: a word of the comment ending in -er (or -ier) also reads as its base ("tighter" -> "tight",
   "looser" -> "loose", "bigger" -> "big", "roomier" -> "roomy"), so a lexicon word "tight" matches
   "tighter". Only the comment's words are read so, never the lexicon's: "shoulder" in the lexicon does not
   match "should" in a comment.
5. The subject and the direction that start earliest in the comment win; at the same word, the longer
   phrase ("too long" over "long"), then the earlier term of the lexicon. A comment without a subject is
   unmatched; one with a subject and no direction belongs to that subject alone.

Phrases that say the opposite of their last word go with the change asked for: "too long" is a wish for
shorter, "too tight" for looser.

Amounts: "2cm", "2 cm", "2.5 cm", "2,5cm", "20 mm", "an inch", "1 in", "1/2 inch", "half an inch", "two cm",
a range "2-3 cm" (its middle) are read as centimetres (an inch is 2.54 cm). "in" counts as inches only at the
end of a sentence or before a comparative ("1 in deeper"), so "1 in black" is no amount. The first amount of a
comment is its suggestion; a theme suggests the median of its comments'.

The default lexicon is Seamline's own, written for it (no external word list or data set).

    >>> m = match("Neckline deeper please!! like 2cm", DEFAULT_LEXICON)
    >>> (m.subject, m.direction, m.amount_cm)
    ('neckline', 'deeper', 2.0)
    >>> explain("Neckline deeper please!! like 2cm", DEFAULT_LEXICON)
    "matched 'Neckline' + 'deeper'"
    >>> match("the sleeves are way too long", DEFAULT_LEXICON).theme
    ('sleeves', 'shorter')
    >>> amount_cm("maybe half an inch lower")
    1.27
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_AMOUNT_CM",
    "DEFAULT_DIRECTIONS",
    "DEFAULT_LEXICON",
    "DEFAULT_SUBJECTS",
    "SOURCE",
    "Lexicon",
    "Match",
    "Term",
    "amount_cm",
    "change_summary",
    "clean_words",
    "explain",
    "fold",
    "match",
    "median_amount",
    "words_of",
]

SOURCE = "Seamline's own default lexicon, written for Seamline (no external word list or data set)."
MAX_AMOUNT_CM = 50.0  # "100 cm deeper" is a joke, not a suggestion


@dataclass(frozen=True)
class Term:
    """One subject or direction: its key (stored on comments), the label the board shows, its words."""

    key: str
    label: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    subjects: tuple[Term, ...]
    directions: tuple[Term, ...]
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def phrases(self, kind: str) -> list[tuple[tuple[str, ...], int, Term]]:
        """(folded phrase, lexicon position, term) of every word of `kind`, longest phrases first."""
        if kind not in self._index:
            terms = self.subjects if kind == "subject" else self.directions
            rows = [
                (phrase, position, term)
                for position, term in enumerate(terms)
                for word in term.words
                if (phrase := tuple(_singular(w) for w in _tokens(fold(word))))
            ]
            rows.sort(key=lambda row: (-len(row[0]), row[1]))
            self._index[kind] = rows
        return self._index[kind]

    def subject(self, key: str) -> Term | None:
        return next((t for t in self.subjects if t.key == key), None)

    def direction(self, key: str) -> Term | None:
        return next((t for t in self.directions if t.key == key), None)


@dataclass(frozen=True)
class Match:
    """What the lexicon read in one comment: the words as written, and the amount in cm (None: none)."""

    subject: str = ""
    direction: str = ""
    subject_words: str = ""
    direction_words: str = ""
    amount_cm: float | None = None

    @property
    def theme(self) -> tuple[str, str] | None:
        return (self.subject, self.direction) if self.subject else None


def _t(key: str, label: str, *words: str) -> Term:
    return Term(key, label, words)


DEFAULT_SUBJECTS: tuple[Term, ...] = (
    _t("neckline", "Neckline", "neckline", "neck line", "neck", "v-neck", "v neck", "scoop neck",
       "sweetheart", "décolleté", "décolletage", "cleavage"),
    _t("sleeves", "Sleeves", "sleeve", "sleeves", "cap sleeve", "puff sleeve"),
    _t("length", "Length / hem", "length", "hem", "hemline", "hem line", "skirt", "midi", "maxi", "mini"),
    _t("waist", "Waist", "waist", "waistline", "waist line", "waistband"),
    _t("hips", "Hips", "hip", "hips", "seat"),
    _t("bust", "Bust / chest", "bust", "chest", "bodice", "cup", "boob", "bra"),
    _t("straps", "Straps", "strap", "straps", "spaghetti strap", "halter"),
    _t("shoulders", "Shoulders", "shoulder", "shoulders"),
    _t("armholes", "Armholes", "armhole", "arm hole", "armpit"),
    _t("slit", "Slit", "slit", "side slit", "split"),
    _t("fit", "Fit overall", "fit", "fits", "fitting", "silhouette", "sizing", "whole dress", "overall"),
    _t("pockets", "Pockets", "pocket", "pockets"),
    _t("colour", "Colour", "colour", "color", "colourway", "colorway", "shade"),
    _t("fabric", "Fabric", "fabric", "material", "silk", "satin", "cotton", "linen", "lining", "see through",
       "see-through", "sheer"),
)  # fmt: skip

DEFAULT_DIRECTIONS: tuple[Term, ...] = (
    _t("deeper", "deeper / lower", "deeper", "deep", "lower", "plunging", "plunge", "too high", "too modest",
       "more cleavage"),
    _t("higher", "higher / shallower", "higher", "shallower", "raise", "raised", "too low", "too deep",
       "too revealing", "less cleavage", "more modest"),
    _t("longer", "longer", "longer", "lengthen", "too short", "more length"),
    _t("shorter", "shorter", "shorter", "shorten", "crop", "cropped", "too long", "less length"),
    _t("looser", "looser / wider / bigger", "looser", "loose", "wider", "bigger", "roomy", "baggy", "relaxed",
       "oversized", "more room", "more ease", "too tight", "too small", "too snug", "too narrow", "larger"),
    _t("tighter", "tighter / narrower / smaller", "tighter", "narrower", "smaller", "slimmer", "snug",
       "more fitted", "take in", "taken in", "too loose", "too big", "too baggy", "too wide", "too roomy"),
    _t("add", "add", "add", "adding", "added", "include", "put in"),
    _t("remove", "remove", "remove", "removed", "without", "no more", "get rid of", "ditch", "lose the",
       "take off", "take away"),
)  # fmt: skip

DEFAULT_LEXICON = Lexicon(subjects=DEFAULT_SUBJECTS, directions=DEFAULT_DIRECTIONS)

# A change request's default amount when no comment of its theme named one, cm.
DEFAULT_AMOUNT_CM: dict[str, float] = {"neckline": 2.0, "length": 3.0, "sleeves": 2.0, "straps": 1.0}
FALLBACK_AMOUNT_CM = 2.0
# How a change request names a subject ("front neckline 2 cm deeper"); otherwise its label in lower case.
_SUMMARY_SUBJECT = {"neckline": "front neckline", "length": "length", "bust": "bust", "fit": "overall fit"}
MEASURED_DIRECTIONS = frozenset({"deeper", "higher", "longer", "shorter", "looser", "tighter"})


# Words -------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: 'Décolleté' -> 'decollete'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(folded: str) -> list[str]:
    return _WORD.findall(folded)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _forms(word: str) -> set[str]:
    """What one word of a comment may read as: itself, its singular, the base of a comparative."""
    forms = {word, _singular(word)}
    if len(word) >= 5 and word.endswith("ier"):
        forms.add(word[:-3] + "y")
    elif len(word) >= 5 and word.endswith("er"):
        base = word[:-2]
        forms |= {base, word[:-1]}  # tighter -> tight, looser -> loose
        if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "aeiou":
            forms.add(base[:-1])  # bigger -> big
    return forms


@dataclass(frozen=True)
class _Word:
    forms: frozenset[str]
    start: int
    end: int


def words_of(text: str) -> list[_Word]:
    """The comment's words with their forms and where they sit in `text` (to quote them as written)."""
    out = []
    for m in _WORD.finditer(text):
        folded = fold(m.group())
        for part in _tokens(folded) or [folded]:  # a ligature may fold to two words
            out.append(_Word(frozenset(_forms(part)), m.start(), m.end()))
    return out


def _first(
    words: Sequence[_Word], phrases: list[tuple[tuple[str, ...], int, Term]]
) -> tuple[Term, int, int] | None:
    """The term whose phrase starts earliest in `words` (longer phrase, then lexicon order, at a tie)."""
    for i in range(len(words)):
        for phrase, _, term in phrases:  # longest first, then lexicon order
            n = len(phrase)
            if i + n <= len(words) and all(phrase[j] in words[i + j].forms for j in range(n)):
                return term, words[i].start, words[i + n - 1].end
    return None


def match(text: str, lexicon: Lexicon) -> Match:
    """The theme of one comment (see the module's docstring), and the amount it names."""
    words = words_of(text)
    subject = _first(words, lexicon.phrases("subject"))
    direction = _first(words, lexicon.phrases("direction"))
    return Match(
        subject=subject[0].key if subject else "",
        direction=direction[0].key if direction else "",
        subject_words=text[subject[1] : subject[2]] if subject else "",
        direction_words=text[direction[1] : direction[2]] if direction else "",
        amount_cm=amount_cm(text),
    )


def explain(text: str, lexicon: Lexicon) -> str:
    """Which words matched, as the board shows it: "matched 'neckline' + 'deeper'" (or "no subject...")."""
    m = match(text, lexicon)
    found = [f"'{w}'" for w in (m.subject_words, m.direction_words) if w]
    if not m.subject:
        return f"no subject named (direction {found[0]})" if found else "no subject or direction named"
    return "matched " + " + ".join(found)


def clean_words(raw: Iterable[str]) -> list[str]:
    """Words as a brand typed them: trimmed, inner spaces collapsed, empty and repeated ones dropped."""
    out: dict[str, str] = {}
    for word in raw:
        word = " ".join(str(word).split())
        if word and _tokens(fold(word)):
            out.setdefault(fold(word), word)
    return list(out.values())


# Amounts -----------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
    "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "half a": 0.5, "half an": 0.5, "half": 0.5,
}  # fmt: skip
_UNIT_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54}
_NUMBER = r"\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?"
_WORDNUM = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<low>{_NUMBER})\s*(?:-|–|to)\s*)?(?P<n>{_NUMBER}|(?:{_WORDNUM})(?=\s))\s*"
    r"(?P<unit>(?:centimet(?:er|re)s?|cms?|millimet(?:er|re)s?|mm|inch(?:es)?|in)(?![a-z0-9])|\"|″)"
    r"(?P<after>\s*(?:[a-z]+)?)",
)


def _number(text: str) -> float | None:
    text = text.strip()
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    if "/" in text:
        top, bottom = (part.strip() for part in text.split("/", 1))
        return float(top.replace(",", ".")) / float(bottom) if float(bottom) else None
    return float(text.replace(",", "."))


def _unit(raw: str) -> str:
    if raw.startswith("c"):
        return "cm"
    if raw.startswith("m"):
        return "mm"
    return "in"


def amount_cm(text: str) -> float | None:
    """The first amount the text names, in cm to 0.01 (None: none, or an absurd one)."""
    for m in _AMOUNT.finditer(fold(text)):
        unit = _unit(m["unit"])
        after = m["after"].strip()
        if m["unit"] == "in" and after and not (after.endswith("er") or after in {"more", "less", "off"}):
            continue  # "1 in black": a preposition, not inches
        try:
            value = _number(m["n"])
            low = _number(m["low"]) if m["low"] else None
        except (ValueError, ZeroDivisionError):
            continue
        if value is None:
            continue
        if low is not None:
            value = (low + value) / 2
        cm = round(value * _UNIT_CM[unit], 2)
        if 0 < cm <= MAX_AMOUNT_CM:
            return cm
    return None


def median_amount(amounts: Iterable[float | None]) -> float | None:
    """The median of the amounts named (None: none named), to 0.1 cm."""
    named = [a for a in amounts if a is not None]
    return round(statistics.median(named), 1) if named else None


def default_amount(subject: str) -> float:
    return DEFAULT_AMOUNT_CM.get(subject, FALLBACK_AMOUNT_CM)


def change_summary(
    *, subject: str, direction: str, amount_cm: float | None, lexicon: Lexicon
) -> tuple[str, str]:
    """(summary, public note) of a change: ("front neckline 2 cm deeper, all sizes", "neckline 2 cm deeper,
    after your comments"); "add pockets, all sizes" for a direction without an amount."""
    s_term, d_term = lexicon.subject(subject), lexicon.direction(direction)
    label = (s_term.label if s_term else subject).split(" / ")[0].lower()
    named = _SUMMARY_SUBJECT.get(subject, label)
    word = (d_term.label if d_term else direction).split(" / ")[0].lower()
    if direction in MEASURED_DIRECTIONS and amount_cm:
        amount = f"{amount_cm:g} cm"
        return f"{named} {amount} {word}, all sizes", f"{label} {amount} {word}, after your comments"
    if direction in MEASURED_DIRECTIONS or not direction:
        return f"{named} {word}, all sizes".replace("  ", " "), f"{label} {word}, after your comments"
    return f"{word} {named}, all sizes", f"{word} {label}, after your comments"
