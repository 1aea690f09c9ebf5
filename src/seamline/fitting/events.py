"""The EPCIS event of a fitting: a sample measured against its spec sheet (pure: no Django).

A sample's cut is the cutting room's lay-cut event (marked ``sl:orderKind: sample``); a pattern version's
approval is cutting.events.pattern_reviewed. Here: the fitting, an ObjectEvent OBSERVE with CBV's
``inspecting`` (a sample on the model is inspected against its spec), of the sample's sewn garments when
there are some, else of the sample itself (``urn:seamline:sample:<uid>``). Its disposition is
``non_conformant`` when a critical point is out of tolerance (the sample fails), else ``conformant``; the
measurements ride in ``sl:measurements``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from seamline.trace import events as ev

__all__ = ["sample_fitted"]


def sample_fitted(
    *,
    epcs: Sequence[str],
    sample: str,
    pattern: str,
    size: str,
    measurements: Sequence[Mapping[str, Any]],
    when: datetime,
    order_number: str | None = None,
    stage: str | None = None,
    operator: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A sample fitted and measured. ``measurements``: dicts with ``code``, ``value_cm``, and when the spec
    gives them ``spec_cm`` and ``tolerance_cm``; ``within`` (bool or None: no spec for the size) and
    ``critical`` (bool)."""
    if not measurements:
        raise ValueError("a fitting measures at least one point")
    rows = [_measurement(m) for m in measurements]
    failed = [m["sl:pom"] for m in rows if m.get("sl:withinTolerance") is False]
    event = ev.new_event("ObjectEvent", when, event_id)
    event |= {
        "epcList": ev.check_epcs(epcs, "epcs"),
        "action": "OBSERVE",
        "bizStep": "inspecting",
        "disposition": "non_conformant"
        if any(m.get("sl:withinTolerance") is False and m["sl:critical"] for m in rows)
        else "conformant",
        "sl:sample": ev.check_uri(sample, "sample"),
        "sl:pattern": ev.check_uri(pattern, "pattern"),
        "sl:size": ev.check_text(size, "size"),
        "sl:measurements": rows,
        "sl:outOfTolerance": failed,
    }
    if order_number is not None:
        event["sl:orderNumber"] = ev.check_text(order_number, "order_number")
    if stage is not None:
        event["sl:stage"] = ev.check_text(stage, "stage")
    ev.add_operator(event, operator)
    return event


def _measurement(m: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "sl:pom": ev.check_text(m.get("code"), "measurement code"),
        "sl:valueCm": ev.json_number(ev.check_decimal(m.get("value_cm"), "value_cm")),
        "sl:critical": bool(m.get("critical", False)),
    }
    for key, name in (("spec_cm", "sl:specCm"), ("tolerance_cm", "sl:toleranceCm")):
        if m.get(key) is not None:
            row[name] = ev.json_number(ev.check_decimal(Decimal(m[key]), key, positive=False))
    if m.get("within") is not None:
        row["sl:withinTolerance"] = bool(m["within"])
    return row
