"""The EPCIS events of the cutting room: a lay cut (meters of each roll in, bundles out) and its off-cuts
leaving for the recycler; a pattern version approved or rejected; and the reading of a bundle's ply range
(pure: no Django)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from seamline.trace import events as ev

__all__ = ["lay_cut", "offcuts_shipped", "pattern_reviewed", "plies_in"]

_PLIES = re.compile(r"(\d+)(?:-(\d+))?")


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
        key = ev.check_uri(roll, "inputs roll")
        meters_by_roll[key] = meters_by_roll.get(key, Decimal(0)) + ev.check_decimal(meters, "meters")
    details = [_bundle(b) for b in bundles]
    event = ev.new_event("TransformationEvent", when, event_id)
    event |= {
        "inputQuantityList": [
            ev.quantity_element(r, m, ev.UOM_METER, "meters") for r, m in meters_by_roll.items()
        ],
        "outputEPCList": ev.check_epcs([d["sl:bundle"] for d in details], "bundles"),
        "bizStep": ev.BIZSTEP_CUTTING,
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "ilmd": {"sl:bundles": details},
        "sl:orderNumber": ev.check_text(order_number, "order_number"),
    }
    ev.add_operator(event, operator)
    ev.add_sensors(event, energy_kwh=energy_kwh, water_l=water_l)
    return event


def offcuts_shipped(
    *,
    material_class_offcut: str,
    mass_kg: Decimal | float,
    facility: str,
    recycler: str,
    when: datetime,
    lay: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Off-cuts leave for the recycler: ObjectEvent OBSERVE, departing, their mass in KGM.

    ``lay``: the eventID of the cutting event of the lay they came from (``sl:lay``), so that they are
    told from another lay's off-cuts recorded at the same time and place.
    """
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "quantityList": [ev.quantity_element(material_class_offcut, mass_kg, ev.UOM_KILOGRAM, "mass_kg")],
        "action": "OBSERVE",
        "bizStep": "departing",
        "disposition": "in_transit",
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "destinationList": [{"type": "location", "destination": ev.check_uri(recycler, "recycler")}],
    }
    if lay is not None:
        event["sl:lay"] = ev.check_uri(lay, "lay")
    return event


def pattern_reviewed(
    *,
    pattern: str,
    style_code: str,
    number: int,
    approved: bool,
    when: datetime,
    based_on: str | None = None,
    change_note: str | None = None,
    note: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The brand reviews a pattern version: ObjectEvent OBSERVE of the version (a document, by its URI),
    bizStep ``inspecting``, disposition ``conformant`` (approved) or ``non_conformant`` (rejected).

    Why CBV's ``inspecting``: CBV defines it as reviewing objects "to address potential physical or
    documentation defects", which a pattern review is, and its two dispositions say the verdict. CBV's
    ``accepting`` is taking custody of goods (a change of possession), which nothing here is; a Seamline
    bizStep would say no more than this pair does and be unknown to every other EPCIS reader.
    ``sl:review`` repeats the verdict in words, ``sl:basedOn`` names the version it changes.
    """
    if not isinstance(approved, bool):
        raise ValueError("approved must be True or False")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"number must be a positive int, not {number!r}")
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "epcList": ev.check_epcs([pattern], "pattern"),
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "conformant" if approved else "non_conformant",
        "sl:review": "approved" if approved else "rejected",
        "sl:style": ev.check_text(style_code, "style_code"),
        "sl:patternNumber": number,
    }
    if based_on is not None:
        event["sl:basedOn"] = ev.check_uri(based_on, "based_on")
    if change_note is not None:
        event["sl:changeNote"] = ev.check_text(change_note, "change_note")
    if note is not None:
        event["sl:note"] = ev.check_text(note, "note")
    ev.add_operator(event, operator)
    return event


def _bundle(bundle: Mapping[str, Any]) -> dict[str, Any]:
    plies = str(bundle.get("plies", ""))
    m = _PLIES.fullmatch(plies)
    if m is None or int(m.group(1)) < 1 or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        raise ValueError(f"bundle plies must be a range like '1-6', not {plies!r}")
    pieces = bundle.get("pieces")
    if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 1:
        raise ValueError(f"bundle pieces must be a positive int, not {pieces!r}")
    return {
        "sl:bundle": ev.check_uri(bundle.get("uri"), "bundle uri"),
        "sl:size": ev.check_text(bundle.get("size"), "bundle size"),
        "sl:plies": plies,
        "sl:pieces": pieces,
    }


def plies_in(text: str) -> int:
    """Plies in a bundle's range: '1-6' -> 6, '3' -> 1."""
    first, _, last = str(text).partition("-")
    return int(last or first) - int(first) + 1
