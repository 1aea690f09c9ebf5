"""What every EPCIS 2.0 event Seamline writes is made of (pure: no Django): its vocabulary, identifiers
and checked pieces. Each context builds its own events from these (catalog.events: a roll received;
cutting.events: a lay cut, off-cuts; floor.events: sewing, finishing, QC, packing, shipping).

Each builder returns one event as a plain JSON-ready dict (numbers, strings, lists; no Decimal, no
datetime, no null) without @context; wrap events with ``document`` to get an EPCISDocument whose
@context maps the ``sl:`` extension prefix, so that ``eventhash.event_hash(event, doc["@context"])``
and JSON-LD processors expand the extension terms.

Choices (CBV 2.0, https://ref.gs1.org/cbv/):
- CBV short names where CBV has the step (receiving, inspecting, packing, departing, arriving);
  absolute Seamline URIs for cutting, sewing, dyeing, laser washing and pressing, which CBV lacks.
- Disposition only where it says something: ``active`` for a received roll (the ADD introduces the
  roll's EPC; CBV itself advises omitting ``in_progress``), ``in_transit`` on departure,
  ``conformant``/``non_conformant`` after inspection.
- Departing events carry readPoint but no bizLocation: per EPCIS, bizLocation is where the objects
  are after the event, and after departure they are no longer at the facility.
- Energy and water are sensor reports of the GS1 measurement types ``Energy`` (KWH) and ``Volume``
  (LTR); units are UN/CEFACT Rec 20 codes, always upper case.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote
from uuid import UUID

VOCAB = "https://seamline.app/voc/"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CONTEXT_FILE = "seamline-context.jsonld"
SCHEMA_VERSION = "2.0"

# Steps CBV 2.0 has no bizStep for (CBV's "assembling" keeps the inputs recognisable, sewing does not).
BIZSTEP_CUTTING = VOCAB + "bizstep/cutting"
BIZSTEP_SEWING = VOCAB + "bizstep/sewing"
FINISHING_BIZSTEPS = {
    "dyeing": VOCAB + "bizstep/dyeing",
    "laser_washing": VOCAB + "bizstep/laser_washing",
    "pressing": VOCAB + "bizstep/pressing",
}

# UN/CEFACT Rec 20 common codes
UOM_METER = "MTR"
UOM_KILOGRAM = "KGM"
UOM_KILOWATT_HOUR = "KWH"
UOM_LITRE = "LTR"

# GS1 Web Vocabulary measurement types (gs1:Energy, gs1:Volume), as the EPCIS schema spells them.
SENSOR_ENERGY = "Energy"
SENSOR_VOLUME = "Volume"


# ---------------------------------------------------------------------------------------------------
# Identifiers


def roll_uri(uid: UUID | str) -> str:
    return f"urn:seamline:roll:{uid}"


def facility_uri(uid: UUID | str) -> str:
    return f"urn:seamline:facility:{uid}"


def bundle_uri(uid: UUID | str) -> str:
    return f"urn:seamline:bundle:{uid}"


def garment_uri(uid: UUID | str) -> str:
    return f"urn:seamline:garment:{uid}"


def carton_uri(uid: UUID | str) -> str:
    return f"urn:seamline:carton:{uid}"


def parcel_uri(uid: UUID | str) -> str:
    return f"urn:seamline:parcel:{uid}"


DOORSTEP_PREFIX = "urn:seamline:doorstep:"


def doorstep_uri(parcel_uid: UUID | str) -> str:
    """A customer's door as an EPCIS location: one per parcel, naming no street (the ledger is shared and
    never forgets; the address stays in the parcel's row, which can be erased)."""
    return f"{DOORSTEP_PREFIX}{parcel_uid}"


def pattern_uri(pattern_version_id: int | str) -> str:
    """One pattern version of a style (a document: the pieces a garment is cut from)."""
    return f"urn:seamline:pattern:{_segment(pattern_version_id)}"


def sample_uri(uid: UUID | str) -> str:
    return f"urn:seamline:sample:{uid}"


def material_class_uri(material_id: int | str) -> str:
    return f"urn:seamline:material:{_segment(material_id)}"


def sku_class_uri(sku: str) -> str:
    return f"urn:seamline:sku:{_segment(sku)}"


def offcut_class_uri(material_id: int | str) -> str:
    return f"urn:seamline:offcut:{_segment(material_id)}"


def certificate_uri(scheme: str, number: str) -> str:
    """Stable URI of one certificate (scheme lower-cased so "GOTS" and "gots" are the same)."""
    return f"urn:seamline:certificate:{_segment(scheme.strip().lower())}:{_segment(number.strip())}"


def _segment(value: object) -> str:
    # SKUs and certificate numbers may hold spaces or slashes: percent-encode to keep a valid URI.
    text = str(value)
    if not text:
        raise ValueError("an identifier segment must not be empty")
    return quote(text, safe="-._~")


# ---------------------------------------------------------------------------------------------------
# Documents and the published context


def document_context() -> list[Any]:
    """@context of the documents we write: GS1's, plus the ``sl`` prefix for our extension terms."""
    return [EPCIS_CONTEXT, {"sl": VOCAB}]


def document(events: Iterable[Mapping[str, Any]], *, created: datetime | None = None) -> dict[str, Any]:
    """An EPCISDocument holding ``events`` in the given order."""
    return {
        "@context": document_context(),
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": _timestamp(created or datetime.now(UTC), "created"),
        "epcisBody": {"eventList": [dict(e) for e in events]},
    }


@cache
def _context_text() -> str:
    return resources.files("seamline.trace").joinpath("standards", CONTEXT_FILE).read_text("utf-8")


def seamline_context() -> dict[str, Any]:
    """The JSON-LD context of Seamline's vocabulary (a fresh dict; the app serves it)."""
    return json.loads(_context_text())


# ---------------------------------------------------------------------------------------------------
# Pieces every context's builders use (catalog.events, cutting.events, floor.events)


def new_event(event_type: str, when: datetime, event_id: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": event_type}
    if event_id is not None:
        event["eventID"] = check_uri(event_id, "event_id")
    event["eventTime"] = _timestamp(when, "when")
    event["eventTimeZoneOffset"] = _offset(when)
    return event


def _timestamp(moment: datetime, name: str) -> str:
    require_aware(moment, name)
    # Milliseconds: the precision the event hash keeps, so what we write is what gets hashed.
    return moment.isoformat(timespec="milliseconds")


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    assert offset is not None  # _timestamp checked
    if offset % timedelta(minutes=1):
        raise ValueError("EPCIS time zone offsets are whole minutes")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def require_aware(moment: Any, name: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def check_uri(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _SCHEME.fullmatch(value):
        raise ValueError(f"{name} must be an absolute URI, not {value!r}")
    return value


def check_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def check_epcs(values: Sequence[str], name: str) -> list[str]:
    if isinstance(values, str) or not values:
        raise ValueError(f"{name} must be a non-empty list of URIs")
    epcs = [check_uri(v, name) for v in values]
    if len(set(epcs)) != len(epcs):
        raise ValueError(f"{name} lists an EPC twice")
    return epcs


def check_decimal(value: Any, name: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValueError(f"{name} must be a number, not {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'zero or more'}, not {value}")
    return number


def json_number(value: Decimal) -> int | float:
    # JSON numbers; Decimal would not serialise and the event hash refuses it.
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    assert math.isfinite(number)
    return number


def quantity_element(epc_class: str, amount: Any, uom: str, name: str) -> dict[str, Any]:
    return {
        "epcClass": check_uri(epc_class, "epcClass"),
        "quantity": json_number(check_decimal(amount, name)),
        "uom": uom,
    }


def add_operator(event: dict[str, Any], operator: str | None) -> None:
    if operator is not None:
        event["sl:operator"] = check_text(operator, "operator")


def add_sensors(
    event: dict[str, Any], *, energy_kwh: Decimal | float | None, water_l: Decimal | float | None
) -> None:
    reports = []
    if energy_kwh is not None:
        value = json_number(check_decimal(energy_kwh, "energy_kwh", positive=False))
        reports.append({"type": SENSOR_ENERGY, "value": value, "uom": UOM_KILOWATT_HOUR})
    if water_l is not None:
        value = json_number(check_decimal(water_l, "water_l", positive=False))
        reports.append({"type": SENSOR_VOLUME, "value": value, "uom": UOM_LITRE})
    if reports:
        event["sensorElementList"] = [{"sensorReport": reports}]
