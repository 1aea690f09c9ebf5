"""The EPCIS events of local delivery (pure: no Django): garments into a parcel, a parcel or a transfer
loaded onto a vehicle, the vehicle leaving, arriving at a stop, the goods accepted there, or a failed
attempt.

Choices (CBV 2.0):
- ``packing`` (AggregationEvent ADD) for garments into a parcel, at the hub where it is made up.
- ``loading`` when a courier picks goods up (CBV: "loaded into shipping conveyance"), at the hub or the
  transfer's origin; no bizLocation: after loading the goods are on the vehicle, not at the place.
- ``departing`` with disposition ``in_transit`` when the route leaves; readPoint only, as floor.events does.
- ``arriving`` with ``in_transit`` at the stop: CBV's example, "arrived, not yet received or accepted".
- ``accepting`` for a delivery (CBV: "an object changes possession", its example a parcel signed for);
  not ``receiving``, which CBV makes exclusive of ``arriving`` and ``accepting``. No disposition: CBV has
  none for "with the customer", and omitting one is what it advises over a vague one. The proof's photo
  SHA-256 and whether the customer's code matched ride as extension fields.
- ``holding`` for a failed attempt (CBV: "segregated for further review"): the courier keeps the parcel
  for the next attempt; readPoint only.
- A customer's door is ``trace.events.doorstep_uri`` (per parcel, no street) with ``sl:postalCode``: the
  ledger is shared and never forgets, so the street stays out of it. The recipient's name stays out too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from seamline.trace import events as ev

__all__ = ["arrived", "delivered", "departed", "loaded", "not_delivered", "parcel_packed"]


def _place(event: dict[str, Any], location: str, postal_code: str | None, *, at: bool) -> None:
    """readPoint (and bizLocation when the goods stay there) and, at a door, its ZIP."""
    event["readPoint"] = {"id": ev.check_uri(location, "location")}
    if at:
        event["bizLocation"] = {"id": location}
    if postal_code is not None:
        event["sl:postalCode"] = _zip(postal_code)


def _zip(text: str) -> str:
    if not (isinstance(text, str) and len(text) == 5 and text.isdigit()):
        raise ValueError(f"postal_code must be a 5-digit ZIP code, not {text!r}")
    return text


def _extras(event: dict[str, Any], vehicle: str | None, operator: str | None) -> dict[str, Any]:
    if vehicle is not None:
        event["sl:vehicle"] = ev.check_uri(vehicle, "vehicle")
    ev.add_operator(event, operator)
    return event


def _observed(
    epcs: Sequence[str], when: datetime, event_id: str | None, biz_step: str, disposition: str | None = None
) -> dict[str, Any]:
    """An ObjectEvent OBSERVE of ``epcs`` at ``biz_step`` (the shape every movement below shares)."""
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {"epcList": ev.check_epcs(epcs, "epcs"), "action": "OBSERVE", "bizStep": biz_step}
    if disposition is not None:
        event["disposition"] = disposition
    return event


def parcel_packed(
    *, parcel: str, garments: Sequence[str], hub: str, when: datetime, event_id: str | None = None
) -> dict[str, Any]:
    """Garments go into a parcel for one customer: AggregationEvent ADD, packing, at the hub."""
    event = ev.new_event("AggregationEvent", when, event_id)
    event |= {
        "parentID": ev.check_uri(parcel, "parcel"),
        "childEPCs": ev.check_epcs(garments, "garments"),
        "action": "ADD",
        "bizStep": "packing",
        "readPoint": {"id": ev.check_uri(hub, "hub")},
        "bizLocation": {"id": hub},
    }
    return event


def loaded(
    *,
    epcs: Sequence[str],
    location: str,
    when: datetime,
    vehicle: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A courier picks goods up onto a vehicle: ObjectEvent OBSERVE, loading, at the place they were."""
    event = _observed(epcs, when, event_id, "loading")
    _place(event, location, None, at=False)
    return _extras(event, vehicle, operator)


def departed(
    *,
    epcs: Sequence[str],
    location: str,
    when: datetime,
    vehicle: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A vehicle leaves with goods: ObjectEvent OBSERVE, departing, in_transit."""
    event = _observed(epcs, when, event_id, "departing", "in_transit")
    _place(event, location, None, at=False)
    return _extras(event, vehicle, operator)


def arrived(
    *,
    epcs: Sequence[str],
    location: str,
    when: datetime,
    postal_code: str | None = None,
    vehicle: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The courier is at the stop, goods not yet handed over: ObjectEvent OBSERVE, arriving, in_transit."""
    event = _observed(epcs, when, event_id, "arriving", "in_transit")
    _place(event, location, postal_code, at=True)
    return _extras(event, vehicle, operator)


def delivered(
    *,
    epcs: Sequence[str],
    location: str,
    when: datetime,
    postal_code: str | None = None,
    proof_sha256: str | None = None,
    code_checked: bool | None = None,
    vehicle: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Goods handed over and accepted: ObjectEvent OBSERVE, accepting, with the proof photo's SHA-256."""
    event = _observed(epcs, when, event_id, "accepting")
    _place(event, location, postal_code, at=True)
    if proof_sha256 is not None:
        if not (len(proof_sha256) == 64 and all(c in "0123456789abcdef" for c in proof_sha256)):
            raise ValueError("proof_sha256 must be 64 lower-case hexadecimal digits")
        event["sl:proofSha256"] = proof_sha256
    if code_checked is not None:
        if not isinstance(code_checked, bool):
            raise ValueError("code_checked must be True or False")
        event["sl:codeChecked"] = code_checked
    return _extras(event, vehicle, operator)


def not_delivered(
    *,
    epcs: Sequence[str],
    location: str,
    when: datetime,
    reason: str,
    next_attempt: date,
    postal_code: str | None = None,
    vehicle: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A failed attempt: ObjectEvent OBSERVE, holding (the courier keeps the parcel), its reason and the
    next attempt's date."""
    if not isinstance(next_attempt, date) or isinstance(next_attempt, datetime):
        raise ValueError("next_attempt must be a date")
    event = _observed(epcs, when, event_id, "holding")
    _place(event, location, postal_code, at=False)
    event["sl:reason"] = ev.check_text(reason, "reason")
    event["sl:nextAttempt"] = next_attempt.isoformat()
    return _extras(event, vehicle, operator)
