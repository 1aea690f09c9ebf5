"""The emission and water factor registry: versioned JSON files shipped in `data/`, validated on load.

A file is `data/factors-<version>.json` (e.g. `factors-2026.1.json`), checked against
`data/factors.schema.json` and then against rules a schema cannot express (known units, real
geography codes, unique ids). Any problem raises FactorError naming the file, the factor id and the
field: a bad registry must stop start-up, never yield a quietly wrong footprint. Old versions stay
in the package unchanged so published footprints can always be recomputed with their own factors.

Schema `seamline.footprint.factors/2` (2026.2 on) adds, per factor: `sourced` (false when no citable
published value exists, with an `unsourced_reason`), `dqr` (PACT v2 data-quality ratings 1..3, required;
`quality` must then be `quality_from_dqr(dqr)`), `basis` (of a grid factor) and `check` (the row of a
copied source file the value comes from; see `sources.py`), and top-level `parameters`: non-emission
quantities the engine needs (a van's kWh/km), parsed into `Parameter`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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
SCHEMA_V2 = "seamline.footprint.factors/2"
DQR_KEYS = ("technological", "temporal", "geographical", "completeness", "reliability")
_EMPTY: Mapping[str, Any] = MappingProxyType({})  # no parameters

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


def quality_from_dqr(dqr: Mapping[str, int]) -> int:
    """The registry's quality 1 (best) .. 5 of PACT ratings 1..3: round_half_up(2 x mean - 1).

    pact.py maps a quality q back onto PACT's scale as 1 + (q - 1) / 2, which gives the mean to within 0.25.
    """
    mean = Decimal(sum(dqr[key] for key in DQR_KEYS)) / len(DQR_KEYS)
    return int((2 * mean - 1).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dqr_text(dqr: Mapping[str, int] | None) -> str:
    """ "1/2/1/1/2" (technological/temporal/geographical/completeness/reliability), or "" without ratings."""
    return "/".join(str(dqr[key]) for key in DQR_KEYS) if dqr else ""


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
    sourced: bool = True
    unsourced_reason: str = ""
    basis: str = ""  # grid factors: "lifecycle" (Ember) or "combustion, in-region generation" (eGRID)
    dqr: Mapping[str, int] | None = field(default=None, hash=False)  # PACT v2 ratings, 1 (best) .. 3
    check: Mapping[str, str] | None = field(default=None, hash=False)  # the source row: see sources.py


@dataclass(frozen=True)
class Parameter:
    """A non-emission quantity the engine needs (e.g. a van's kWh per km), cited like a factor."""

    id: str
    description: str
    value: Decimal
    unit: str  # free text, e.g. "kWh/km"
    source: str
    year: int
    licence: str
    sourced: bool = True
    unsourced_reason: str = ""
    dqr: Mapping[str, int] | None = field(default=None, hash=False)
    check: Mapping[str, str] | None = field(default=None, hash=False)
    version: str = ""


@dataclass(frozen=True)
class Registry:
    version: str
    factors: Mapping[str, Factor]
    parameters: Mapping[str, Parameter] = field(default_factory=lambda: _EMPTY, hash=False)

    def get(self, factor_id: str) -> Factor:
        try:
            return self.factors[factor_id]
        except KeyError:
            raise FactorError(
                f"no such factor in registry version {self.version}", factor_id=factor_id
            ) from None

    def parameter(self, parameter_id: str) -> Parameter:
        try:
            return self.parameters[parameter_id]
        except KeyError:
            raise FactorError(
                f"no such parameter in registry version {self.version}", factor_id=parameter_id
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


def _factor_id(document: Any, index: Any, section: str = "factors") -> str:
    try:
        return str(document[section][index]["id"])
    except (KeyError, IndexError, TypeError):
        return f"#{index}"


def _schema_error(error: jsonschema.ValidationError, document: Any, file: str) -> FactorError:
    path = list(error.absolute_path)
    if path[:1] in (["factors"], ["parameters"]) and len(path) >= 2:
        factor_id = _factor_id(document, path[1], str(path[0]))
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
    v2 = document["schema"] == SCHEMA_V2
    factors: dict[str, Factor] = {}
    for raw in document["factors"]:
        fid = raw["id"]
        if fid in factors:
            raise FactorError("duplicate id", file=file, factor_id=fid, field="id")
        sourced, reason, dqr = _provenance(raw, v2, file)
        if dqr is not None and raw["quality"] != quality_from_dqr(dqr):
            raise FactorError(
                f"is {raw['quality']} but the dqr {dqr_text(dqr)} gives {quality_from_dqr(dqr)} "
                "(round_half_up(2 x mean - 1))",
                file=file,
                factor_id=fid,
                field="quality",
            )
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
            sourced=sourced,
            unsourced_reason=reason,
            basis=raw.get("basis", ""),
            dqr=dqr,
            check=_check(raw),
        )
    parameters: dict[str, Parameter] = {}
    for raw in document.get("parameters", []):
        pid = raw["id"]
        if pid in parameters or pid in factors:
            raise FactorError("duplicate id", file=file, factor_id=pid, field="id")
        sourced, reason, dqr = _provenance(raw, v2, file)
        parameters[pid] = Parameter(
            id=pid,
            description=raw["description"],
            value=Decimal(raw["value"]),
            unit=raw["unit"],
            source=raw["source"],
            year=raw["year"],
            licence=raw["licence"],
            sourced=sourced,
            unsourced_reason=reason,
            dqr=dqr,
            check=_check(raw),
            version=version,
        )
    return Registry(
        version=version, factors=MappingProxyType(factors), parameters=MappingProxyType(parameters)
    )


def _provenance(raw: Mapping[str, Any], v2: bool, file: str) -> tuple[bool, str, Mapping[str, int] | None]:
    """`sourced`, `unsourced_reason` and `dqr` of a factor or parameter: the rules a schema cannot say."""
    fid = raw["id"]
    sourced = raw.get("sourced", True)
    reason = raw.get("unsourced_reason", "").strip()
    if not sourced and not reason:
        raise FactorError(
            "is required (non-empty) when sourced is false",
            file=file,
            factor_id=fid,
            field="unsourced_reason",
        )
    if sourced and reason:
        raise FactorError(
            "is given but sourced is not false", file=file, factor_id=fid, field="unsourced_reason"
        )
    if "dqr" not in raw:
        if v2:
            raise FactorError(f"is missing (required by {SCHEMA_V2})", file=file, factor_id=fid, field="dqr")
        return sourced, reason, None
    return sourced, reason, MappingProxyType({key: int(raw["dqr"][key]) for key in DQR_KEYS})


def _check(raw: Mapping[str, Any]) -> Mapping[str, str] | None:
    return MappingProxyType({k: str(v) for k, v in raw["check"].items()}) if "check" in raw else None


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
