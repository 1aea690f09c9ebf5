"""A style's spec sheet as CSV, read and written (pure: no Django).

One line per point of measure (POM); the columns are ``code,name,how_to_measure,tolerance_cm,critical,
subject`` and then one column per size holding the graded value in cm (blank: not given for that size).
Reading checks every line and names each problem by its line number (the header is line 1) and column,
so a sheet is taken whole or not at all.

    >>> sheet = parse_spec_csv("code,name,how_to_measure,tolerance_cm,critical,subject,S,M\\n"
    ...                        "FNL,Front neck drop,HPS to CF,0.5,yes,neckline,9,9.5\\n", ["S", "M", "L"])
    >>> sheet[0].code, sheet[0].values, sheet[0].critical
    ('FNL', {'S': Decimal('9.0'), 'M': Decimal('9.5')}, True)
    >>> format_spec_csv(sheet, ["S", "M", "L"]).splitlines()[1]
    'FNL,Front neck drop,HPS to CF,0.5,yes,neckline,9.0,9.5,'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "COLUMNS",
    "MAX_LINES",
    "PomLine",
    "SpecSheetError",
    "check_pom",
    "format_spec_csv",
    "parse_spec_csv",
]

COLUMNS = ("code", "name", "how_to_measure", "tolerance_cm", "critical", "subject")
MAX_LINES = 500  # a spec sheet has tens of POMs; more is a wrong file
MAX_VALUE_CM = Decimal("9999.9")  # what a measurement's column holds
MAX_TOLERANCE_CM = Decimal("99.9")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,15}")
_SUBJECT = re.compile(r"[a-z0-9_-]{0,40}")
_TENTH = Decimal("0.1")
_YES = {"yes", "y", "true", "1", "x", "critical"}
_NO = {"", "no", "n", "false", "0"}


@dataclass(frozen=True)
class PomLine:
    """One point of measure: its graded values per size (cm, one decimal) and its tolerance (± cm)."""

    code: str
    name: str
    how_to_measure: str = ""
    tolerance_cm: Decimal = Decimal("0.5")
    critical: bool = False
    subject: str = ""
    values: dict[str, Decimal] = field(default_factory=dict)


class SpecSheetError(ValueError):
    """The sheet cannot be read; ``problems`` lists (line, column, message), line 1 being the header."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {n}, column {col}: {msg}" for n, col, msg in problems))


def _cm(text: str, *, most: Decimal, zero_ok: bool) -> Decimal:
    """A length in cm rounded to a millimetre; ValueError saying why not."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not a number")
    value = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if value < 0 or (value == 0 and not zero_ok):
        raise ValueError(f"must be more than 0 cm (got {value})")
    if value > most:
        raise ValueError(f"must be at most {most} cm (got {value})")
    return value


def check_pom(fields: Mapping[str, str], sizes: Sequence[str]) -> tuple[PomLine | None, dict[str, str]]:
    """One POM from text fields (the CSV's columns, or a form's): the line, or None and {column: problem}.

    ``fields`` holds the COLUMNS and one key per size (missing keys read as blank)."""
    problems: dict[str, str] = {}
    code = (fields.get("code") or "").strip()
    if not _CODE.fullmatch(code):
        problems["code"] = (
            "required" if not code else f"{code!r}: 1-16 letters, digits, '.', '_' or '-', starting with one"
        )
    name = (fields.get("name") or "").strip()
    if not name:
        problems["name"] = "required"
    elif len(name) > 120:
        problems["name"] = f"at most 120 characters (got {len(name)})"
    how = (fields.get("how_to_measure") or "").strip()
    if len(how) > 1000:
        problems["how_to_measure"] = f"at most 1,000 characters (got {len(how)})"
    tolerance = Decimal(0)
    raw = (fields.get("tolerance_cm") or "").strip()
    if not raw:
        problems["tolerance_cm"] = "required (± cm)"
    else:
        try:
            tolerance = _cm(raw, most=MAX_TOLERANCE_CM, zero_ok=True)
        except ValueError as exc:
            problems["tolerance_cm"] = str(exc)
    flag = (fields.get("critical") or "").strip().lower()
    if flag not in _YES | _NO:
        problems["critical"] = f"{flag!r}: yes or no"
    subject = (fields.get("subject") or "").strip().lower()
    if not _SUBJECT.fullmatch(subject):
        problems["subject"] = f"{subject[:50]!r}: a lexicon subject (lower-case letters, digits, '_' or '-')"
    values: dict[str, Decimal] = {}
    for size in sizes:
        text = (fields.get(size) or "").strip()
        if text:
            try:
                values[size] = _cm(text, most=MAX_VALUE_CM, zero_ok=False)
            except ValueError as exc:
                problems[size] = str(exc)
    if problems:
        return None, problems
    return PomLine(code, name, how, tolerance, flag in _YES, subject, values), {}


def parse_spec_csv(text: str, sizes: Sequence[str]) -> list[PomLine]:
    """The sheet's POMs in file order; SpecSheetError naming every bad line and column.

    ``sizes``: the style's sizes. A size column that is not one of them is refused (line 1), as are a
    missing fixed column, a code given twice and an empty sheet."""
    text = text.removeprefix("\ufeff")  # spreadsheets write a BOM
    rows = csv.reader(io.StringIO(text, newline=""))
    problems: list[tuple[int, str, str]] = []
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise SpecSheetError([(1, "code", "the file is empty: the first line names the columns")]) from None
    except csv.Error as exc:
        raise SpecSheetError([(1, "code", f"not CSV ({exc})")]) from None
    problems += [(1, col, "missing") for col in COLUMNS if col not in header]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append((1, col or "(blank)", "named twice"))
        seen.add(col)
        if col not in COLUMNS and col not in sizes:
            problems.append((1, col or "(blank)", f"not a size of the style ({', '.join(sizes)})"))
    if problems:
        raise SpecSheetError(problems)
    lines: list[PomLine] = []
    codes: dict[str, int] = {}
    try:
        for row in rows:
            number = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if number > MAX_LINES + 1:
                problems.append((number, "code", f"a spec sheet holds at most {MAX_LINES} points"))
                break
            if len(row) > len(header):
                problems.append(
                    (number, header[-1], f"{len(row)} cells, more than the {len(header)} columns")
                )
                continue
            cells = dict(zip(header, row, strict=False))
            line, bad = check_pom(cells, [s for s in sizes if s in header])
            problems += [(number, col, msg) for col, msg in bad.items()]
            if line is None:
                continue
            if line.code.upper() in codes:
                problems.append(
                    (number, "code", f"{line.code} is on line {codes[line.code.upper()]} already")
                )
                continue
            codes[line.code.upper()] = number
            lines.append(line)
    except csv.Error as exc:
        problems.append((rows.line_num, "code", f"not CSV ({exc})"))
    if not problems and not lines:
        problems.append((2, "code", "no points of measure: one line per point, after the header"))
    if problems:
        raise SpecSheetError(problems)
    return lines


def _number(value: Decimal | None) -> str:
    return "" if value is None else str(Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP))


def format_spec_csv(lines: Iterable[PomLine], sizes: Sequence[str]) -> str:
    """The sheet as CSV (what parse_spec_csv reads back), one column per size of the style."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *sizes])
    for line in lines:
        writer.writerow(
            [
                line.code,
                line.name,
                line.how_to_measure,
                _number(line.tolerance_cm),
                "yes" if line.critical else "no",
                line.subject,
                *(_number(line.values.get(size)) for size in sizes),
            ]
        )
    return out.getvalue()
