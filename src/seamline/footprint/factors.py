"""The emission and water factor registry: versioned JSON files shipped in `data/`, validated on load.

A file is `data/factors-<version>.json` (e.g. `factors-2026.1.json`), checked against
`data/factors.schema.json` and then against rules a schema cannot express (known units, real
geography codes, unique ids). Any problem raises FactorError naming the file, the factor id and the
field: a bad registry must stop start-up, never yield a quietly wrong footprint. Old versions stay
in the package unchanged so published footprints can always be recomputed with their own factors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema

from seamline.core.countries import ISO_3166_ALPHA2

from .units import UNITS

DATA_DIR = Path(__file__).parent / "data"
SCHEMA_PATH = DATA_DIR / "factors.schema.json"
_FILE_RE = re.compile(r"^factors-(\d+(?:\.\d+)*)\.json$")

# US EPA eGRID subregions, written "US-<acronym>".
_EGRID_TEXT = """
AKGD AKMS AZNM CAMX ERCT FRCC HIMS HIOA MROE MROW NEWE NWPP NYCW NYLI NYUP PRMS RFCE RFCM RFCW
RMPA SPNO SPSO SRMV SRMW SRSO SRTV SRVC
"""
_EGRID_SUBREGIONS = frozenset(_EGRID_TEXT.split())


class FactorError(ValueError):
    """A factor file or a factor lookup is wrong; names the file, the factor id and the field."""

    def __init__(self, message: str, *, file: str = "", factor_id: str = "", field: str = "") -> None:
        self.file, self.factor_id, self.field = file, factor_id, field
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"factor {factor_id!r}" if factor_id else "",
                f"field {field!r}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Factor:
    id: str
    activity: str
    unit: str
    co2e_kg: Decimal
    water_l: Decimal | None
    geography: str
    year: int
    source: str
    licence: str
    quality: int
    input_kg_per_kg: Decimal | None = None
    version: str = ""


@dataclass(frozen=True)
class Registry:
    version: str
    factors: Mapping[str, Factor]

    def get(self, factor_id: str) -> Factor:
        try:
            return self.factors[factor_id]
        except KeyError:
            raise FactorError(
                f"no such factor in registry version {self.version}", factor_id=factor_id
            ) from None


def is_geography(code: str) -> bool:
    """ISO 3166-1 alpha-2, an eGRID subregion as "US-CAMX", or "WORLD"."""
    if code == "WORLD" or code in ISO_3166_ALPHA2:
        return True
    prefix, _, sub = code.partition("-")
    return prefix == "US" and sub in _EGRID_SUBREGIONS


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _files(directory: Path) -> dict[str, Path]:
    found = {}
    for path in directory.glob("factors-*.json"):
        match = _FILE_RE.match(path.name)
        if match:
            found[match.group(1)] = path
    return found


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _factor_id(document: Any, index: Any) -> str:
    try:
        return str(document["factors"][index]["id"])
    except (KeyError, IndexError, TypeError):
        return f"#{index}"


def _schema_error(error: jsonschema.ValidationError, document: Any, file: str) -> FactorError:
    path = list(error.absolute_path)
    if path[:1] == ["factors"] and len(path) >= 2:
        factor_id = _factor_id(document, path[1])
        field = str(path[2]) if len(path) >= 3 else ""
        if error.validator == "required" and not field:
            missing = [name for name in error.validator_value if name not in error.instance]
            field = missing[0] if missing else ""
            return FactorError("is missing", file=file, factor_id=factor_id, field=field)
        return FactorError(error.message, file=file, factor_id=factor_id, field=field)
    field = str(path[0]) if path else ""
    if error.validator == "required" and not path:
        missing = [name for name in error.validator_value if name not in error.instance]
        field = missing[0] if missing else ""
    return FactorError(error.message, file=file, field=field)


def _parse(path: Path, expected_version: str | None) -> Registry:
    file = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FactorError(f"cannot read: {exc}", file=file) from exc
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(document),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        raise _schema_error(errors[0], document, file)
    version = document["version"]
    if expected_version is not None and version != expected_version:
        raise FactorError(
            f"file name says version {expected_version}, the file says {version}", file=file, field="version"
        )
    factors: dict[str, Factor] = {}
    for raw in document["factors"]:
        fid = raw["id"]
        if fid in factors:
            raise FactorError("duplicate id", file=file, factor_id=fid, field="id")
        if raw["unit"] not in UNITS:
            raise FactorError(
                f"unknown unit {raw['unit']!r} (known: {', '.join(UNITS)})",
                file=file,
                factor_id=fid,
                field="unit",
            )
        if not is_geography(raw["geography"]):
            raise FactorError(
                f"bad geography {raw['geography']!r}: want ISO 3166 alpha-2, an eGRID subregion "
                "like US-CAMX, or WORLD",
                file=file,
                factor_id=fid,
                field="geography",
            )
        for name in ("co2e_kg", "water_l", "input_kg_per_kg"):  # the schema checks this too; be explicit
            value = raw.get(name)
            if value is not None and Decimal(value) < 0:
                raise FactorError("must not be negative", file=file, factor_id=fid, field=name)
        factors[fid] = Factor(
            id=fid,
            activity=raw["activity"],
            unit=raw["unit"],
            co2e_kg=Decimal(raw["co2e_kg"]),
            water_l=None if raw.get("water_l") is None else Decimal(raw["water_l"]),
            geography=raw["geography"],
            year=raw["year"],
            source=raw["source"],
            licence=raw["licence"],
            quality=raw["quality"],
            input_kg_per_kg=None if raw.get("input_kg_per_kg") is None else Decimal(raw["input_kg_per_kg"]),
            version=version,
        )
    return Registry(version=version, factors=MappingProxyType(factors))


@lru_cache(maxsize=16)
def _load_all(directory: Path) -> dict[str, Registry]:
    files = _files(directory)
    if not files:
        raise FactorError(f"no factors-<version>.json file in {directory}")
    # Validate every file, not only the one asked for: a broken old version must fail start-up too.
    return {version: _parse(path, version) for version, path in files.items()}


def registry_versions(path: str | Path | None = None) -> list[str]:
    """The registry versions found (shipped ones by default), oldest first."""
    directory = Path(path) if path is not None else DATA_DIR
    return sorted(_files(directory), key=_version_key)


def load_registry(version: str | None = None, *, path: str | Path | None = None) -> Registry:
    """The registry `version` (the newest by default), after validating every file.

    `path` is a directory of factor files (default: the shipped `data/`) or one factor file.
    """
    target = Path(path) if path is not None else DATA_DIR
    if target.is_file():
        registry = _parse(target, None)
        if version is not None and registry.version != version:
            raise FactorError(f"holds version {registry.version}, not {version}", file=target.name)
        return registry
    registries = _load_all(target.resolve())
    if version is None:
        version = max(registries, key=_version_key)
    try:
        return registries[version]
    except KeyError:
        raise FactorError(
            f"no registry version {version!r} (have: {', '.join(sorted(registries, key=_version_key))})"
        ) from None
