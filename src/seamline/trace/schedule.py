"""A query subscription's schedule (GS1 EPCIS 2.0 §8.2.5.3, like cron): when it runs. Pure: no Django.

Each of ``second``, ``minute``, ``hour``, ``dayOfMonth``, ``month`` and ``dayOfWeek`` (1 Monday … 7
Sunday) is a comma-separated list of numbers, ranges ``[a-b]`` (or ``a-b``), ``*``, each optionally
``/step``. A field left out matches every value, except ``second``: 0. Runs are checked once a minute
(the clock's tick), so a schedule runs at most once a minute.

    >>> from datetime import datetime, UTC
    >>> schedule_errors({"hour": "1", "minute": "5"}), schedule_errors({"hour": "25"})
    ({}, {'schedule.hour': "'25' is outside 0-23"})
    >>> schedule_due({"hour": "1", "minute": "5"}, after=datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
    ...              until=datetime(2026, 1, 1, 1, 6, tzinfo=UTC))
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

__all__ = ["schedule_due", "schedule_errors"]

_FIELDS = {
    "second": (0, 59),
    "minute": (0, 59),
    "hour": (0, 23),
    "dayOfMonth": (1, 31),
    "month": (1, 12),
    "dayOfWeek": (1, 7),
}
_ELEMENT = re.compile(r"(\*|\[?(\d{1,2})(?:-(\d{1,2}))?\]?)(?:/(\d{1,2}))?")
_LOOK_BACK = timedelta(days=1)  # a clock stopped longer than this misses the runs before


def _values(name: str, text: str) -> frozenset[int]:
    low, high = _FIELDS[name]
    found: set[int] = set()
    for element in text.split(","):
        m = _ELEMENT.fullmatch(element.strip())
        if m is None:
            raise ValueError(
                f"{text!r} is not a list of numbers, [a-b] ranges or *, each with an /step or not"
            )
        first, last = (low, high) if m[1] == "*" else (int(m[2]), int(m[3] or m[2]))
        if not low <= first <= last <= high:
            raise ValueError(f"{text!r} is outside {low}-{high}")
        step = int(m[4] or 1)
        if step < 1:
            raise ValueError(f"{text!r} has a step of 0")
        found.update(range(first, (high if m[4] and not m[3] else last) + 1, step))
    return frozenset(found)


def _parsed(schedule: Mapping[str, Any]) -> dict[str, frozenset[int]]:
    fields = {name: _values(name, str(schedule[name])) for name in _FIELDS if name in schedule}
    fields.setdefault("second", frozenset({0}))
    return fields


def schedule_errors(schedule: Any) -> dict[str, str]:
    """Errors naming each bad member of ``schedule`` (empty when it is valid)."""
    if not isinstance(schedule, Mapping) or not schedule:
        return {"schedule": "must be an object with at least one of " + ", ".join(_FIELDS)}
    errors = {f"schedule.{k}": "unknown member" for k in schedule if k not in _FIELDS}
    for name in _FIELDS:
        value = schedule.get(name)
        if value is None:
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            errors[f"schedule.{name}"] = 'must be a string such as "5", "1,15" or "[1-5]"'
            continue
        try:
            _values(name, str(value))
        except ValueError as exc:
            errors[f"schedule.{name}"] = str(exc)
    return errors


def schedule_due(schedule: Mapping[str, Any], *, after: datetime, until: datetime) -> bool:
    """Whether the schedule names a moment in (``after``, ``until``] (looking back a day at most)."""
    fields = _parsed(schedule)
    after = max(after, until - _LOOK_BACK)
    minute = after.replace(second=0, microsecond=0)
    while minute <= until:
        if _matches(fields, minute) and any(
            after < minute + timedelta(seconds=s) <= until for s in fields["second"]
        ):
            return True
        minute += timedelta(minutes=1)
    return False


def _matches(fields: Mapping[str, frozenset[int]], minute: datetime) -> bool:
    """Whether every field but ``second`` names this minute."""
    values = {
        "minute": minute.minute,
        "hour": minute.hour,
        "dayOfMonth": minute.day,
        "month": minute.month,
        "dayOfWeek": minute.isoweekday(),
    }
    return all(value in fields[name] for name, value in values.items() if name in fields)
