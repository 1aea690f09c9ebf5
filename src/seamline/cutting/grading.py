"""ASTM D6673 / AAMA grade-rule tables (`.rul`) and grading a base size into every size.

A `.rul` file lists the sizes, the sample (base) size and, per rule number, one (dx, dy)
delta per size measured from the sample size (`RULE: DELTA n`). A boundary vertex that
carries rule n moves by that rule's delta; vertices between grade points (curve points,
flattened arcs) move by the delta interpolated along the boundary between the grade
points on either side. Notches, drill holes, internal and sew lines move with the nearest
point of the boundary; the grain line is translated with its midpoint's nearest boundary
point so its direction never changes.

    >>> table = parse_rul('''UNITS: METRIC
    ... SIZE LIST: S M L
    ... SAMPLE SIZE: M
    ... RULE: DELTA 1
    ... -1,0 0,0 1,0
    ... END''')
    >>> table.delta(1, "L")
    (1.0, 0.0)
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from shapely.geometry import LinearRing
from shapely.geometry import Point as ShapelyPoint

from .pattern import Pattern, PatternError, Piece, Point, Polyline

__all__ = [
    "GradeRule",
    "GradeRuleTable",
    "grade_pattern",
    "grade_piece",
    "parse_rul",
    "read_rul",
]

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_HEADER = re.compile(r"^\s*([A-Za-z][A-Za-z /]*?)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True, kw_only=True)
class GradeRule:
    """One rule: a (dx, dy) delta from the sample size for each size, in the table's units."""

    number: int
    deltas: tuple[Point, ...]


@dataclass(frozen=True, kw_only=True)
class GradeRuleTable:
    """A parsed `.rul` file.

    >>> t = GradeRuleTable(units="ENGLISH", sizes=("S", "M"), sample_size="M",
    ...                    rules=(GradeRule(number=1, deltas=((-1.0, 0.0), (0.0, 0.0))),))
    >>> t.delta(1, "S")
    (-1.0, 0.0)
    """

    units: str
    sizes: tuple[str, ...]
    sample_size: str
    rules: tuple[GradeRule, ...]
    name: str = ""
    source: str = "<rul>"

    def rule(self, number: int) -> GradeRule:
        """The rule with this number; PatternError when the table has none."""
        for rule in self.rules:
            if rule.number == number:
                return rule
        raise PatternError(f"grade rule #{number} is not in the rule table", file=self.source)

    def delta(self, number: int, size: str) -> Point:
        """Delta of rule `number` for `size`, in the table's units."""
        if size not in self.sizes:
            raise PatternError(f"size {size!r} is not in the rule table", file=self.source)
        return self.rule(number).deltas[self.sizes.index(size)]


def _rul_error(message: str, source: str) -> PatternError:
    return PatternError(message, file=source)


def parse_rul(text: str, *, source: str = "<rul>") -> GradeRuleTable:
    """Parse the text of an ASTM/AAMA `.rul` grade-rule file.

    >>> parse_rul("UNITS: ENGLISH\\nSIZE LIST: 8 10\\nSAMPLE SIZE: 10\\nRULE: DELTA 3\\n"
    ...           "-0.25, 0.5 0, 0\\nEND").rule(3).deltas
    ((-0.25, 0.5), (0.0, 0.0))
    """
    header: dict[str, str] = {}
    rule_numbers: list[int] = []
    rule_numbers_text: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.upper() == "END":
            continue
        match = _HEADER.match(stripped)
        if match and match.group(1).upper() == "RULE":
            found = re.search(r"(\d+)\s*$", match.group(2))
            if found is None:
                raise _rul_error(f"rule line without a number: {stripped!r}", source)
            rule_numbers.append(int(found.group(1)))
            rule_numbers_text.append([])
        elif match and not _NUMBER.fullmatch(match.group(1).strip()):
            header[match.group(1).strip().upper()] = match.group(2)
        elif rule_numbers_text:
            rule_numbers_text[-1].append(stripped)
    units = header.get("UNITS", "").strip().upper()
    if units not in ("METRIC", "ENGLISH"):
        raise _rul_error(f"unknown unit {units or '(missing)'!r}; expected METRIC or ENGLISH", source)
    sizes = tuple(s for s in re.split(r"[\s,]+", header.get("SIZE LIST", "")) if s)
    if not sizes:
        raise _rul_error("no SIZE LIST", source)
    sample = header.get("SAMPLE SIZE", "").strip()
    if sample not in sizes:
        raise _rul_error(f"sample size {sample!r} is not in the size list {' '.join(sizes)}", source)
    rules = []
    for number, lines in zip(rule_numbers, rule_numbers_text, strict=True):
        values = [float(v) for v in _NUMBER.findall(" ".join(lines))]
        if len(values) != 2 * len(sizes):
            raise _rul_error(
                f"rule #{number} has {len(values)} values, expected {2 * len(sizes)} (dx, dy per size)",
                source,
            )
        deltas = tuple((values[2 * i], values[2 * i + 1]) for i in range(len(sizes)))
        rules.append(GradeRule(number=number, deltas=deltas))
    return GradeRuleTable(
        units=units,
        sizes=sizes,
        sample_size=sample,
        rules=tuple(rules),
        name=header.get("GRADE RULE TABLE", "").strip(),
        source=source,
    )


def read_rul(source: str | Path | IO[str] | IO[bytes]) -> GradeRuleTable:
    """Read a `.rul` file from a path or an open stream (see `parse_rul`)."""
    if isinstance(source, str | Path):
        try:
            return parse_rul(Path(source).read_text(encoding="latin-1"), source=str(source))
        except OSError as exc:
            raise PatternError(f"cannot read rule file: {exc.strerror}", file=str(source)) from exc
    data = source.read()
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    return parse_rul(text, source=str(getattr(source, "name", "<rul>")))


class _BoundaryDeltas:
    """Delta at any arc-length position along a base boundary, interpolated between grade points."""

    def __init__(self, piece: Piece, table: GradeRuleTable, size: str, unit_cm: float) -> None:
        points = piece.boundary
        self.ring = LinearRing(points)
        self.perimeter = self.ring.length
        lengths = [0.0]
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            lengths.append(lengths[-1] + math.hypot(x2 - x1, y2 - y1))
        self.vertex_s = lengths
        self.graded: list[tuple[float, Point]] = []
        for index, s in enumerate(lengths):
            number = piece.rule_of(index)
            if number is not None:
                dx, dy = table.delta(number, size)
                self.graded.append((s, (dx * unit_cm, dy * unit_cm)))
        self.graded_s = [s for s, _ in self.graded]

    def at(self, s: float) -> Point:
        if not self.graded:
            return (0.0, 0.0)
        if len(self.graded) == 1:
            return self.graded[0][1]
        i = bisect.bisect_right(self.graded_s, s)
        s0, d0 = self.graded[i - 1] if i > 0 else (self.graded[-1][0] - self.perimeter, self.graded[-1][1])
        s1, d1 = (
            self.graded[i]
            if i < len(self.graded)
            else (self.graded[0][0] + self.perimeter, self.graded[0][1])
        )
        t = 0.0 if s1 == s0 else (s - s0) / (s1 - s0)
        return (d0[0] + t * (d1[0] - d0[0]), d0[1] + t * (d1[1] - d0[1]))

    def near(self, point: Point) -> Point:
        return self.at(self.ring.project(ShapelyPoint(point)))


def _moved(point: Point, delta: Point) -> Point:
    return (point[0] + delta[0], point[1] + delta[1])


def _moved_line(line: Polyline, deltas: _BoundaryDeltas) -> Polyline:
    return tuple(_moved(p, deltas.near(p)) for p in line)


def grade_piece(piece: Piece, table: GradeRuleTable, size: str, *, unit_cm: float = 1.0) -> Piece:
    """The base-size `piece` graded to `size`; `unit_cm` is centimetres per rule-table unit.

    >>> table = parse_rul("UNITS: METRIC\\nSIZE LIST: M L\\nSAMPLE SIZE: M\\nRULE: DELTA 1\\n0,0 0,0\\n"
    ...                   "RULE: DELTA 2\\n0,0 2,0\\nEND")
    >>> base = Piece(name="Patch", size="M", quantity=1, boundary=((0, 0), (4, 0), (4, 2), (0, 2)),
    ...              grade_rules=(1, 2, 2, 1))
    >>> grade_piece(base, table, "L").area_cm2
    12.0
    """
    deltas = _BoundaryDeltas(piece, table, size, unit_cm)
    boundary = tuple(_moved(p, deltas.at(s)) for p, s in zip(piece.boundary, deltas.vertex_s, strict=True))
    grain = piece.grain_line
    if grain is not None:
        mid = ((grain[0][0] + grain[1][0]) / 2, (grain[0][1] + grain[1][1]) / 2)
        shift = deltas.near(mid)
        grain = (_moved(grain[0], shift), _moved(grain[1], shift))
    graded = replace(
        piece,
        size=size,
        boundary=boundary,
        grain_line=grain,
        notches=_moved_line(piece.notches, deltas),
        drill_holes=_moved_line(piece.drill_holes, deltas),
        internal_lines=tuple(_moved_line(line, deltas) for line in piece.internal_lines),
        sew_line=_moved_line(piece.sew_line, deltas),
    )
    if not graded.polygon().is_valid:
        raise PatternError(f"boundary self-intersects when graded to size {size!r}", piece=piece.name)
    return graded


def grade_pattern(pattern: Pattern, table: GradeRuleTable, *, unit_cm: float = 1.0) -> Pattern:
    """Every size of the table from a pattern holding only the sample size.

    The sample size's pieces come back unchanged; other sizes are graded with `grade_piece`.
    """
    sample = table.sample_size
    for piece in pattern.pieces:
        if piece.size != sample:
            raise PatternError(
                f"size {piece.size!r} given with a rule table whose sample size is {sample!r}",
                file=pattern.source or None,
                piece=piece.name,
            )
    graded: list[Piece] = []
    for size in table.sizes:
        for piece in pattern.pieces:
            if size == sample:
                graded.append(piece)
                continue
            try:
                graded.append(grade_piece(piece, table, size, unit_cm=unit_cm))
            except PatternError as exc:
                raise PatternError(exc.reason, file=pattern.source or table.source, piece=piece.name) from exc
    return replace(pattern, sample_size=sample, pieces=tuple(graded))
