"""The EPCIS events of the floor after the cut: bundles sewn into garments, finishing steps, QC, packing,
shipping and delivery (pure: no Django)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from seamline.trace import events as ev

__all__ = ["arrived", "departed", "finished", "inspected", "packed", "sewn"]


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
    event = ev.new_event("TransformationEvent", when, event_id)
    event |= {
        "inputEPCList": ev.check_epcs(bundles, "bundles"),
        "outputEPCList": ev.check_epcs(garments, "garments"),
        "bizStep": ev.BIZSTEP_SEWING,
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "ilmd": {"sl:sku": ev.check_text(sku, "sku")},
    }
    ev.add_operator(event, operator)
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
    if step not in ev.FINISHING_BIZSTEPS:
        raise ValueError(f"step must be one of {sorted(ev.FINISHING_BIZSTEPS)}, not {step!r}")
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "epcList": ev.check_epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": ev.FINISHING_BIZSTEPS[step],
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "bizLocation": {"id": facility},
    }
    ev.add_sensors(event, energy_kwh=energy_kwh, water_l=water_l)
    return event


def inspected(
    *, epcs: Sequence[str], facility: str, when: datetime, passed: bool, event_id: str | None = None
) -> dict[str, Any]:
    """Quality control: ObjectEvent OBSERVE, inspecting, conformant or non_conformant."""
    if not isinstance(passed, bool):
        raise ValueError("passed must be True or False")
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "epcList": ev.check_epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "conformant" if passed else "non_conformant",
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "bizLocation": {"id": facility},
    }
    return event


def packed(
    *, carton: str, garments: Sequence[str], facility: str, when: datetime, event_id: str | None = None
) -> dict[str, Any]:
    """Garments go into a carton: AggregationEvent ADD, packing."""
    event = ev.new_event("AggregationEvent", when, event_id)
    event |= {
        "parentID": ev.check_uri(carton, "carton"),
        "childEPCs": ev.check_epcs(garments, "garments"),
        "action": "ADD",
        "bizStep": "packing",
        "readPoint": {"id": ev.check_uri(facility, "facility")},
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
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "epcList": ev.check_epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": "departing",
        "disposition": "in_transit",
        "readPoint": {"id": ev.check_uri(facility, "facility")},
    }
    if destination is not None:
        event["destinationList"] = [
            {"type": "location", "destination": ev.check_uri(destination, "destination")}
        ]
    return event


def arrived(
    *, epcs: Sequence[str], when: datetime, location: str | None = None, event_id: str | None = None
) -> dict[str, Any]:
    """Objects arrive (at a partner, or at the customer's door): ObjectEvent OBSERVE, arriving."""
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {"epcList": ev.check_epcs(epcs, "epcs"), "action": "OBSERVE", "bizStep": "arriving"}
    if location is not None:
        event["readPoint"] = {"id": ev.check_uri(location, "location")}
        event["bizLocation"] = {"id": location}
    return event
