"""Check a factor registry against the source files it cites (pure: no Django, no network).

A factor or parameter with a `check` names a row of a file copied under `data/sources/`:

- `desnz/<flat file>.csv`: `key` is DESNZ's `ID`, the value column `value` (or `column`);
- `carbonfact/<dataset>.csv`: `key` is the `descriptor`, the value column `column` (`GHG`); a factor's
  `input_kg_per_kg` must equal the row's `Input_required_kg` (`Input required (kg)`) too;
- `ember/<file>.json`: `key` is the ISO 3166 alpha-3 code, the value `emissions_intensity_gco2_per_kwh`
  (or `column`); the factor's `year` must be the entry's `year`.

The expected value is source x `scale` / `divide` (both decimal strings, default 1). The registry value
passes when it equals that exactly, or when it is written with at least 3 significant digits and equals it
rounded half up to the decimal places the value is written with (1.19397 for 1,193.96586 kg/t x 0.001;
0.05080556 for 0.1829 kWh / 3.6). Three significant digits at least, so "0.5" cannot pass for 0.49668.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

from .factors import DATA_DIR, Factor, Parameter, Registry

SOURCES_DIR = DATA_DIR / "sources"
MIN_SIGNIFICANT_DIGITS = 3
_KEY_COLUMNS = ("ID", "descriptor")  # DESNZ flat files, Carbonfact datasets
_DEFAULT_COLUMN = {".csv": "value", ".json": "emissions_intensity_gco2_per_kwh"}
_INPUT_COLUMNS = ("Input_required_kg", "Input required (kg)")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one factor or parameter. `kind`: "missing" (source, licence or year),
    "unsourced" (sourced is false: a warning, labelled, kept off passports), "check" (the cited
    file, key or column is not there) or "mismatch" (the value differs from the file)."""

    id: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.id}: {self.kind}: {self.message}"


class SourceError(LookupError):
    """A cited file, key or column is not in the copied sources."""


@lru_cache(maxsize=32)
def _table(path: Path) -> Mapping[str, Mapping[str, Any]]:
    """The rows of a source file by key (cached: the files are read-only data)."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        key = next((name for name in _KEY_COLUMNS if name in (reader.fieldnames or ())), None)
        if key is None:
            raise SourceError(f"{path.name} has no key column ({' or '.join(_KEY_COLUMNS)})")
        return {row[key]: row for row in reader}


def source_row(file: str, key: str, sources_dir: Path = SOURCES_DIR) -> Mapping[str, Any]:
    """The row `key` of the copied source `file` (e.g. "desnz/ghg-conversion-factors-2024-flat.csv")."""
    base = sources_dir.resolve()
    path = (base / file).resolve()
    if not path.is_relative_to(base) or not path.is_file() or path.suffix not in _DEFAULT_COLUMN:
        raise SourceError(f"no source file {file} under {sources_dir}")
    try:
        table = _table(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"cannot read {file}: {exc}") from exc
    row = table.get(key)
    if not isinstance(row, Mapping):
        raise SourceError(f"no key {key!r} in {file}")
    return row


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise SourceError(f"{what} is {value!r}, not a number") from None


def expected_value(check: Mapping[str, str], sources_dir: Path = SOURCES_DIR) -> Decimal:
    """source x scale / divide, at full precision (28 digits), for a `check` mapping."""
    file, key = check["file"], check["key"]
    column = check.get("column") or _DEFAULT_COLUMN.get(Path(file).suffix, "value")
    row = source_row(file, key, sources_dir)
    if column not in row or row[column] in (None, ""):
        raise SourceError(f"no column {column!r} for {key!r} in {file}")
    with localcontext() as context:
        context.prec = 28
        value = _decimal(row[column], f"{file} {key} {column}")
        return value * Decimal(check.get("scale", "1")) / Decimal(check.get("divide", "1"))


def matches(value: Decimal, expected: Decimal) -> bool:
    """The module docstring's rule: exact, or >= 3 significant digits written and equal once rounded."""
    if value == expected:
        return True
    digits, exponent = value.as_tuple().digits, value.as_tuple().exponent
    if not isinstance(exponent, int) or len(digits) < MIN_SIGNIFICANT_DIGITS:
        return False
    return expected.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == value


def _check_item(item: Factor | Parameter, value: Decimal, sources_dir: Path) -> list[Problem]:
    problems = []
    for name in ("source", "licence"):
        if not str(getattr(item, name)).strip():
            problems.append(Problem(item.id, "missing", f"no {name}"))
    if not item.year:
        problems.append(Problem(item.id, "missing", "no year"))
    if not item.sourced:
        problems.append(Problem(item.id, "unsourced", item.unsourced_reason or "sourced is false, no reason"))
    check = item.check
    if not check:
        return problems
    where = f"{check['file']} {check['key']}"
    try:
        expected = expected_value(check, sources_dir)
        row = source_row(check["file"], check["key"], sources_dir)
    except (SourceError, KeyError, InvalidOperation) as exc:
        return [*problems, Problem(item.id, "check", str(exc))]
    if not matches(value, expected):
        problems.append(
            Problem(item.id, "mismatch", f"registry value {value} but {where} gives {_plain(expected)}")
        )
    if check["file"].endswith(".json") and "year" in row and row["year"] != item.year:
        problems.append(
            Problem(item.id, "mismatch", f"registry year {item.year} but {where} gives {row['year']}")
        )
    loss = next((row[name] for name in _INPUT_COLUMNS if row.get(name)), None)
    mass = item.input_kg_per_kg if isinstance(item, Factor) else None
    if mass is not None and loss is not None and mass != Decimal(str(loss).strip()):
        problems.append(
            Problem(item.id, "mismatch", f"registry input_kg_per_kg {mass} but {where} gives {loss}")
        )
    return problems


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_registry(registry: Registry, sources_dir: str | Path | None = None) -> list[Problem]:
    """Every problem of the registry's factors and parameters, in registry order (empty: all good).

    `sources_dir` defaults to the copies shipped in `data/sources/`. Unsourced items come back as
    problems of kind "unsourced": a caller decides whether those fail (the CLI only warns).
    """
    directory = Path(sources_dir) if sources_dir is not None else SOURCES_DIR
    problems: list[Problem] = []
    for factor in registry.factors.values():
        problems += _check_item(factor, factor.co2e_kg, directory)
    for parameter in registry.parameters.values():
        problems += _check_item(parameter, parameter.value, directory)
    return problems
