"""The EPCIS event the catalog writes: a roll received, with its material's certificates (pure: no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from seamline.trace import events as ev

__all__ = ["roll_received"]


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
    ilmd: dict[str, Any] = {"sl:material": ev.check_uri(material_class, "material_class")}
    if certs:
        ilmd["sl:certifications"] = [detail for _, detail in certs]
    event = ev.new_event("ObjectEvent", when, event_id)
    if certs:
        event["certificationInfo"] = list(dict.fromkeys(uri for uri, _ in certs))
    event |= {
        "epcList": [ev.check_uri(roll, "roll")],
        "action": "ADD",
        "bizStep": "receiving",
        "disposition": "active",
        "readPoint": {"id": ev.check_uri(facility, "facility")},
        "bizLocation": {"id": facility},
        "quantityList": [ev.quantity_element(roll, meters, ev.UOM_METER, "meters")],
        "ilmd": ilmd,
    }
    return event


def _certification(cert: Mapping[str, Any], when: datetime) -> tuple[str, dict[str, Any]]:
    scheme = ev.check_text(cert.get("scheme"), "certification scheme")
    number = ev.check_text(cert.get("number"), "certification number")
    expires = cert.get("expires")
    if isinstance(expires, datetime) or not isinstance(expires, date):
        raise ValueError("certification expires must be a date")
    ev.require_aware(when, "when")
    if expires < when.date():
        # An expired certificate would be a false claim in every passport that reads this roll.
        raise ValueError(f"{scheme} certificate {number} expired on {expires.isoformat()}")
    uri = (
        ev.check_uri(cert["uri"], "certification uri")
        if cert.get("uri")
        else ev.certificate_uri(scheme, number)
    )
    detail = {"sl:scheme": scheme, "sl:number": number, "sl:expires": expires.isoformat()}
    return uri, detail
