"""Builders of the EPCIS 2.0 events Seamline writes, one per production step (pure: no Django).

Each builder returns one event as a plain JSON-ready dict (numbers, strings, lists; no Decimal, no
datetime, no null) without @context; wrap events with ``document`` to get an EPCISDocument whose
@context maps the ``sl:`` extension prefix, so that ``eventhash.event_hash(event, doc["@context"])``
and JSON-LD processors expand the extension terms.

Choices (CBV 2.0, /work/shared/standards/epcis/CBV.ttl):
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
from datetime import UTC, date, datetime, timedelta
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
# Event builders


def roll_received(
    *,
    roll: str,
    material_class: str,
    meters: Decimal,
    facility: str,
    when: datetime,
    certifications: Iterable[Mapping[str, Any]] = (),
    event_id: str | None = None,
) -> dict[str, Any]:
    """A roll enters the house: ObjectEvent ADD, receiving, the roll's meters under its own lot class.

    ``certifications``: dicts with ``scheme``, ``number``, ``expires`` (a date) and optionally ``uri``
    (the certifier's public record, used in certificationInfo instead of our certificate URN).
    """
    certs = [_certification(c, when) for c in certifications]
    ilmd: dict[str, Any] = {"sl:material": _uri(material_class, "material_class")}
    if certs:
        ilmd["sl:certifications"] = [detail for _, detail in certs]
    event = _event("ObjectEvent", when, event_id)
    if certs:
        event["certificationInfo"] = list(dict.fromkeys(uri for uri, _ in certs))
    event |= {
        "epcList": [_uri(roll, "roll")],
        "action": "ADD",
        "bizStep": "receiving",
        "disposition": "active",
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "quantityList": [_quantity(roll, meters, UOM_METER, "meters")],
        "ilmd": ilmd,
    }
    return event


def lay_cut(
    *,
    inputs: Sequence[tuple[str, Decimal]],
    bundles: Sequence[Mapping[str, Any]],
    facility: str,
    when: datetime,
    order_number: str,
    operator: str | None = None,
    energy_kwh: Decimal | float | None = None,
    water_l: Decimal | float | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A lay is cut: TransformationEvent, meters of each roll in, bundles out.

    ``inputs``: (roll URI, meters taken); a roll listed twice is summed. ``bundles``: dicts with
    ``uri``, ``size``, ``plies`` (the ply range "1-6", or one ply "3") and ``pieces`` (int).
    """
    if not inputs:
        raise ValueError("a lay consumes at least one roll")
    if not bundles:
        raise ValueError("a lay yields at least one bundle")
    meters_by_roll: dict[str, Decimal] = {}
    for roll, meters in inputs:
        key = _uri(roll, "inputs roll")
        meters_by_roll[key] = meters_by_roll.get(key, Decimal(0)) + _decimal(meters, "meters")
    details = [_bundle(b) for b in bundles]
    event = _event("TransformationEvent", when, event_id)
    event |= {
        "inputQuantityList": [_quantity(r, m, UOM_METER, "meters") for r, m in meters_by_roll.items()],
        "outputEPCList": _epcs([d["sl:bundle"] for d in details], "bundles"),
        "bizStep": BIZSTEP_CUTTING,
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "ilmd": {"sl:bundles": details},
        "sl:orderNumber": _text(order_number, "order_number"),
    }
    _add_operator(event, operator)
    _add_sensors(event, energy_kwh=energy_kwh, water_l=water_l)
    return event


def offcuts_shipped(
    *,
    material_class_offcut: str,
    mass_kg: Decimal | float,
    facility: str,
    recycler: str,
    when: datetime,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Off-cuts leave for the recycler: ObjectEvent OBSERVE, departing, their mass in KGM."""
    event = _event("ObjectEvent", when, event_id)
    event |= {
        "quantityList": [_quantity(material_class_offcut, mass_kg, UOM_KILOGRAM, "mass_kg")],
        "action": "OBSERVE",
        "bizStep": "departing",
        "disposition": "in_transit",
        "readPoint": {"id": _uri(facility, "facility")},
        "destinationList": [{"type": "location", "destination": _uri(recycler, "recycler")}],
    }
    return event


def sewn(
    *,
    bundles: Sequence[str],
    garments: Sequence[str],
    sku: str,
    facility: str,
    when: datetime,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Bundles are sewn into serialized garments: TransformationEvent, the SKU as ILMD."""
    event = _event("TransformationEvent", when, event_id)
    event |= {
        "inputEPCList": _epcs(bundles, "bundles"),
        "outputEPCList": _epcs(garments, "garments"),
        "bizStep": BIZSTEP_SEWING,
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "ilmd": {"sl:sku": _text(sku, "sku")},
    }
    _add_operator(event, operator)
    return event


def finished(
    *,
    epcs: Sequence[str],
    step: str,
    facility: str,
    when: datetime,
    energy_kwh: Decimal | float | None = None,
    water_l: Decimal | float | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A finishing step (dyeing, laser_washing, pressing): ObjectEvent OBSERVE with its energy and water."""
    if step not in FINISHING_BIZSTEPS:
        raise ValueError(f"step must be one of {sorted(FINISHING_BIZSTEPS)}, not {step!r}")
    event = _event("ObjectEvent", when, event_id)
    event |= {
        "epcList": _epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": FINISHING_BIZSTEPS[step],
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
    }
    _add_sensors(event, energy_kwh=energy_kwh, water_l=water_l)
    return event


def inspected(
    *, epcs: Sequence[str], facility: str, when: datetime, passed: bool, event_id: str | None = None
) -> dict[str, Any]:
    """Quality control: ObjectEvent OBSERVE, inspecting, conformant or non_conformant."""
    if not isinstance(passed, bool):
        raise ValueError("passed must be True or False")
    event = _event("ObjectEvent", when, event_id)
    event |= {
        "epcList": _epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "conformant" if passed else "non_conformant",
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
    }
    return event


def packed(
    *, carton: str, garments: Sequence[str], facility: str, when: datetime, event_id: str | None = None
) -> dict[str, Any]:
    """Garments go into a carton: AggregationEvent ADD, packing."""
    event = _event("AggregationEvent", when, event_id)
    event |= {
        "parentID": _uri(carton, "carton"),
        "childEPCs": _epcs(garments, "garments"),
        "action": "ADD",
        "bizStep": "packing",
        "readPoint": {"id": _uri(facility, "facility")},
        "bizLocation": {"id": facility},
    }
    return event


def departed(
    *,
    epcs: Sequence[str],
    facility: str,
    when: datetime,
    destination: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Objects leave a facility (for a partner or a customer): ObjectEvent OBSERVE, departing."""
    event = _event("ObjectEvent", when, event_id)
    event |= {
        "epcList": _epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": "departing",
        "disposition": "in_transit",
        "readPoint": {"id": _uri(facility, "facility")},
    }
    if destination is not None:
        event["destinationList"] = [{"type": "location", "destination": _uri(destination, "destination")}]
    return event


def arrived(
    *, epcs: Sequence[str], when: datetime, location: str | None = None, event_id: str | None = None
) -> dict[str, Any]:
    """Objects arrive (at a partner, or at the customer's door): ObjectEvent OBSERVE, arriving."""
    event = _event("ObjectEvent", when, event_id)
    event |= {"epcList": _epcs(epcs, "epcs"), "action": "OBSERVE", "bizStep": "arriving"}
    if location is not None:
        event["readPoint"] = {"id": _uri(location, "location")}
        event["bizLocation"] = {"id": location}
    return event


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
# Pieces


def _event(event_type: str, when: datetime, event_id: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": event_type}
    if event_id is not None:
        event["eventID"] = _uri(event_id, "event_id")
    event["eventTime"] = _timestamp(when, "when")
    event["eventTimeZoneOffset"] = _offset(when)
    return event


def _timestamp(moment: datetime, name: str) -> str:
    _require_aware(moment, name)
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


def _require_aware(moment: Any, name: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _uri(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _SCHEME.fullmatch(value):
        raise ValueError(f"{name} must be an absolute URI, not {value!r}")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _epcs(values: Sequence[str], name: str) -> list[str]:
    if isinstance(values, str) or not values:
        raise ValueError(f"{name} must be a non-empty list of URIs")
    epcs = [_uri(v, name) for v in values]
    if len(set(epcs)) != len(epcs):
        raise ValueError(f"{name} lists an EPC twice")
    return epcs


def _decimal(value: Any, name: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValueError(f"{name} must be a number, not {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'zero or more'}, not {value}")
    return number


def _number(value: Decimal) -> int | float:
    # JSON numbers; Decimal would not serialise and the event hash refuses it.
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    assert math.isfinite(number)
    return number


def _quantity(epc_class: str, amount: Any, uom: str, name: str) -> dict[str, Any]:
    return {
        "epcClass": _uri(epc_class, "epcClass"),
        "quantity": _number(_decimal(amount, name)),
        "uom": uom,
    }


_PLIES = re.compile(r"(\d+)(?:-(\d+))?")


def _bundle(bundle: Mapping[str, Any]) -> dict[str, Any]:
    plies = str(bundle.get("plies", ""))
    m = _PLIES.fullmatch(plies)
    if m is None or int(m.group(1)) < 1 or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        raise ValueError(f"bundle plies must be a range like '1-6', not {plies!r}")
    pieces = bundle.get("pieces")
    if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 1:
        raise ValueError(f"bundle pieces must be a positive int, not {pieces!r}")
    return {
        "sl:bundle": _uri(bundle.get("uri"), "bundle uri"),
        "sl:size": _text(bundle.get("size"), "bundle size"),
        "sl:plies": plies,
        "sl:pieces": pieces,
    }


def _certification(cert: Mapping[str, Any], when: datetime) -> tuple[str, dict[str, Any]]:
    scheme = _text(cert.get("scheme"), "certification scheme")
    number = _text(cert.get("number"), "certification number")
    expires = cert.get("expires")
    if isinstance(expires, datetime) or not isinstance(expires, date):
        raise ValueError("certification expires must be a date")
    _require_aware(when, "when")
    if expires < when.date():
        # An expired certificate would be a false claim in every passport that reads this roll.
        raise ValueError(f"{scheme} certificate {number} expired on {expires.isoformat()}")
    uri = _uri(cert["uri"], "certification uri") if cert.get("uri") else certificate_uri(scheme, number)
    detail = {"sl:scheme": scheme, "sl:number": number, "sl:expires": expires.isoformat()}
    return uri, detail


def _add_operator(event: dict[str, Any], operator: str | None) -> None:
    if operator is not None:
        event["sl:operator"] = _text(operator, "operator")


def _add_sensors(
    event: dict[str, Any], *, energy_kwh: Decimal | float | None, water_l: Decimal | float | None
) -> None:
    reports = []
    if energy_kwh is not None:
        value = _number(_decimal(energy_kwh, "energy_kwh", positive=False))
        reports.append({"type": SENSOR_ENERGY, "value": value, "uom": UOM_KILOWATT_HOUR})
    if water_l is not None:
        value = _number(_decimal(water_l, "water_l", positive=False))
        reports.append({"type": SENSOR_VOLUME, "value": value, "uom": UOM_LITRE})
    if reports:
        event["sensorElementList"] = [{"sensorReport": reports}]
