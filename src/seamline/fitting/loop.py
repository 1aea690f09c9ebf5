"""The loop of a change request, from the first comment to the fitted re-cut: its steps, its headline and a
small picture of it. Pure: no Django.

    >>> from datetime import datetime, timedelta
    >>> start = datetime(2026, 12, 3, 14, 5)
    >>> steps = loop_steps(first_comment=start, requested=start + timedelta(minutes=12),
    ...                    version=start + timedelta(hours=1), approved=None,
    ...                    recut=start + timedelta(hours=3, minutes=40), fitted=None)
    >>> loop_headline(steps)
    're-cut 3 h 40 min after the first comment'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

__all__ = ["LoopStep", "duration_text", "loop_headline", "loop_steps", "loop_svg"]

# (key, label, headline verb): in the loop's order.
STEPS = (
    ("first_comment", "First comment", ""),
    ("requested", "Change request", "requested"),
    ("version", "New version", "new version"),
    ("approved", "Approved", "approved"),
    ("recut", "Re-cut", "re-cut"),
    ("fitted", "Fitted", "fitted"),
)


@dataclass(frozen=True)
class LoopStep:
    key: str
    label: str
    when: datetime | None  # None: not reached yet

    @property
    def done(self) -> bool:
        return self.when is not None


def loop_steps(
    *,
    first_comment: datetime | None,
    requested: datetime,
    version: datetime | None,
    approved: datetime | None,
    recut: datetime | None,
    fitted: datetime | None,
) -> list[LoopStep]:
    """The six steps, each with its time or None."""
    times = {
        "first_comment": first_comment,
        "requested": requested,
        "version": version,
        "approved": approved,
        "recut": recut,
        "fitted": fitted,
    }
    return [LoopStep(key, label, times[key]) for key, label, _ in STEPS]


def duration_text(span: timedelta) -> str:
    """A duration as people say it: '45 min', '3 h 40 min', '2 d 5 h' (rounded down to the minute).

    >>> duration_text(timedelta(hours=3, minutes=40, seconds=59)), duration_text(timedelta(seconds=20))
    ('3 h 40 min', 'under a minute')
    >>> duration_text(timedelta(days=2, hours=5, minutes=3)), duration_text(timedelta(hours=2))
    ('2 d 5 h', '2 h')
    """
    minutes = int(max(span, timedelta(0)).total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def loop_headline(steps: Sequence[LoopStep]) -> str:
    """'re-cut 3 h 40 min after the first comment': the furthest step reached, timed from the first comment
    (from the request when no comment started it). Fitted does not count: the re-cut closes the loop.

    >>> t = datetime(2026, 12, 3, 14, 0)
    >>> loop_headline(loop_steps(first_comment=None, requested=t, version=t + timedelta(minutes=25),
    ...                          approved=None, recut=None, fitted=None))
    'new version 25 min after the request'
    """
    by_key = {step.key: step.when for step in steps}
    start, since = by_key.get("first_comment"), "the first comment"
    if start is None:
        start, since = by_key["requested"], "the request"
    verbs = {key: verb for key, _, verb in STEPS}
    for key in ("recut", "approved", "version", "requested"):
        when = by_key.get(key)
        if when is not None and (key != "requested" or since != "the request"):
            return f"{verbs[key]} {duration_text(when - start)} after {since}"
    return "waiting for the pattern room"


def _short(text: str) -> str:
    return "< 1 min" if text == "under a minute" else text  # the line has room for little


def loop_svg(steps: Sequence[LoopStep], *, title: str = "The loop") -> str:
    """The steps as dots on a line, evenly spaced (the times are in the list beside it): reached steps filled,
    the rest hollow; the gap between two reached steps written on the line. Fits 390 px wide (it scales)."""
    width, left, step_w, y = 360, 36, 57, 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 64" class="loop-svg" role="img">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{y}" x2="{left + step_w * (len(steps) - 1)}" y2="{y}" stroke="#c8cfdc" '
        'stroke-width="2"/>',
    ]
    previous: LoopStep | None = None
    previous_x = left
    for i, step in enumerate(steps):
        x = left + step_w * i
        if previous is not None and previous.when is not None and step.when is not None:
            parts.append(
                f'<line x1="{previous_x}" y1="{y}" x2="{x}" y2="{y}" stroke="#2f3e8f" stroke-width="3"/>'
                f'<text x="{(previous_x + x) / 2}" y="{y - 8}" font-size="8" text-anchor="middle" '
                f'fill="#475569">{escape(_short(duration_text(step.when - previous.when)))}</text>'
            )
        fill = "#2f3e8f" if step.done else "#fff"
        parts.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="#2f3e8f" stroke-width="2"/>')
        parts.append(
            f'<text x="{x}" y="{y + (20 if i % 2 == 0 else 33)}" font-size="9" text-anchor="middle" '
            f'fill="#1e293b">{escape(step.label)}</text>'
        )
        if step.done:
            previous, previous_x = step, x
    parts.append("</svg>")
    return "".join(parts)
