"""The demo style: a selvedge chore jacket drafted in code, sizes XS to XXL, in centimetres.

Used by the demo and by bench/cutplan.py. Every piece is drafted with its grain along y (the garment's
length); the back is cut on the fold and modelled as one full piece; fronts, sleeves, facings and cuffs
are mirrored pairs (Quantity 2, left and right); the collar is upper and under (Quantity 2); the four
patch pockets share one shape (Quantity 4). Grading is linear from M: 5 cm of chest and 1.5 cm of length
per size.

    >>> pattern = chore_jacket_pattern()
    >>> pattern.sizes()
    ('XS', 'S', 'M', 'L', 'XL', 'XXL')
    >>> 15_000 < pattern.total_area_cm2("M") < 18_000
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from .pattern import Pattern, Piece, Point

__all__ = ["CHORE_JACKET_SIZES", "chore_jacket_pattern"]

CHORE_JACKET_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
_BASE = "M"
_CHEST_GRADE = 5.0  # full chest, cm per size
_LENGTH_GRADE = 1.5  # body and sleeve length, cm per size


def chore_jacket_pattern() -> Pattern:
    """The chore jacket's shell pieces for every size (METRIC, sample size M)."""
    pieces: list[Piece] = []
    for index, size in enumerate(CHORE_JACKET_SIZES):
        pieces.extend(_pieces(size, index - CHORE_JACKET_SIZES.index(_BASE)))
    return Pattern(
        style_name="Selvedge chore jacket", units="METRIC", sample_size=_BASE, pieces=tuple(pieces)
    )


def _pieces(size: str, grade: int) -> list[Piece]:
    chest = _CHEST_GRADE * grade  # chest change from M, cm
    length = _LENGTH_GRADE * grade
    back_w, body_l = 58.0 + chest / 2, 72.0 + length
    front_w = 31.0 + chest / 4
    sleeve_w, sleeve_l = 44.0 + chest / 4, 60.0 + length
    neck = 46.0 + grade * 1.25
    return [
        _piece("Back", size, 1, _back(back_w, body_l)),
        _piece("Front", size, 2, _front(front_w, body_l + 1.5), mirrored=True),
        _piece("Sleeve", size, 2, _sleeve(sleeve_w, sleeve_l, cuff=sleeve_w * 0.68), mirrored=True),
        _piece("Collar", size, 2, _collar(neck, 9.0)),
        _piece("Front facing", size, 2, _facing(body_l + 1.5), mirrored=True),
        _piece("Patch pocket", size, 4, _pocket(18.0 + grade * 0.5, 20.0 + grade * 0.5)),
        _piece("Cuff", size, 2, _cuff(26.0 + grade * 1.0, 12.0), mirrored=True),
    ]


def _piece(
    name: str, size: str, quantity: int, boundary: Sequence[Point], *, mirrored: bool = False
) -> Piece:
    xs = [x for x, _ in boundary]
    ys = [y for _, y in boundary]
    middle = (min(xs) + max(xs)) / 2
    grain = ((middle, min(ys) + 2.0), (middle, max(ys) - 2.0))
    return Piece(
        name=name,
        size=size,
        quantity=quantity,
        boundary=tuple((round(x, 3), round(y, 3)) for x, y in boundary),
        grain_line=grain,
        mirrored_pair=mirrored,
        material="13.5 oz selvedge denim",
    )


def _armhole(side_x: float, top: float) -> list[Point]:
    """Side seam at the underarm up to the shoulder point: the armhole curve, scooped 4.5 cm."""
    return [
        (side_x, top - 24),
        (side_x - 2.2, top - 20),
        (side_x - 4.0, top - 15),
        (side_x - 4.5, top - 9),
        (side_x - 4.0, top - 4),
    ]


def _back(width: float, length: float) -> list[Point]:
    """The full back (cut on the fold), symmetric about its centre line."""
    half = width / 2
    right = [(half, 0.0), *_armhole(half, length), (9.0, length), (5.0, length - 1.6), (0.0, length - 2.5)]
    left = [(-x, y) for x, y in reversed(right[:-1])]
    return [(x + half, y) for x, y in right + left]


def _front(width: float, length: float) -> list[Point]:
    """Right front: centre front edge (with the button stand) at x = 0, side seam at x = width."""
    return [
        (0.0, 0.0),
        (width, 0.0),
        *_armhole(width, length - 1.5),
        (10.5, length),
        (8.0, length - 4.5),
        (4.5, length - 8.0),
        (0.0, length - 9.0),
    ]


def _sleeve(width: float, length: float, *, cuff: float) -> list[Point]:
    """A one-piece sleeve, the cap fuller at the back (so left and right differ)."""
    inset = (width - cuff) / 2
    cap = 15.0
    return [
        (inset, 0.0),
        (width - inset, 0.0),
        (width, length - cap),
        (width - 5.0, length - 9.0),
        (width - 12.0, length - 3.0),
        (width / 2 + 1.0, length),
        (12.0, length - 2.0),
        (5.0, length - 7.0),
        (0.0, length - cap),
    ]


def _collar(length: float, height: float) -> list[Point]:
    return [
        (0.0, 0.0),
        (length, 0.0),
        (length - 1.0, height - 1.5),
        (length - 4.0, height),
        (length / 2, height + 0.6),
        (4.0, height),
        (1.0, height - 1.5),
    ]


def _facing(length: float) -> list[Point]:
    """Front facing: the button stand from hem to neck, following the neckline to the shoulder."""
    return [
        (0.0, 0.0),
        (8.0, 0.0),
        (8.0, length - 14.0),
        (12.0, length - 7.0),
        (15.5, length - 0.5),
        (10.5, length),
        (8.0, length - 4.5),
        (4.5, length - 8.0),
        (0.0, length - 9.0),
    ]


def _pocket(width: float, height: float) -> list[Point]:
    return [
        (1.5, 0.0),
        (width - 1.5, 0.0),
        (width, 1.5),
        (width, height),
        (0.0, height),
        (0.0, 1.5),
    ]


def _cuff(length: float, height: float) -> list[Point]:
    """A cuff with a pointed button tab at one end (so left and right differ)."""
    return [(0.0, 0.0), (length, 0.0), (length + 3.0, height / 2), (length, height), (0.0, height)]
