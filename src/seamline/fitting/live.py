"""A live session's board as Server-Sent Events: `/fitting/sessions/<uid>/events`.

The same loop as a drop page's counters (core/sse.py): config/asgi.py routes this path to Django's ASGI
handler, and the viewers of one session in one process share one read of the board a tick.

A tick is a quarter of a second, and the reads keep that cadence, so the board is at most ~0.25 s plus one
read behind a comment (the target is 1 s). A tick whose two cheap reads (board_stamp) find nothing new costs
no more.
Each event carries the board's numbers and its HTML (rendered once a tick for every viewer; the page puts
its own CSRF token into the board's forms); an event goes out at once, then only when the board changed; a
comment line every 15 s keeps proxies from closing an idle connection; a stream ends after 10 minutes (the
browser reconnects by itself).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, StreamingHttpResponse
from django.template.loader import render_to_string

from seamline.core.errors import found
from seamline.core.sse import SharedRead, event_response, events_async, events_sync, release_connection

from .board import board_stamp, session_board, session_get
from .models import FitSession

__all__ = ["board_event_data", "board_events", "board_events_sync", "session_events"]

TICK_S = 0.25
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0

# session uid -> (stamp, board, data) of the last full read, shared by every stream of the process.
_last: dict[Any, tuple[Any, dict[str, Any], str]] = {}


def board_event_data(session: FitSession) -> tuple[dict[str, Any], str]:
    """(the board, the event's data line): its numbers and its HTML, as the page swaps it in.

    Two cheap reads tell whether anything changed since the last full read (board_stamp); only then is the
    board read and rendered again."""
    lexicon, groups = board_stamp(session)
    stamp = (lexicon, groups)
    last = _last.get(session.uid)
    if last is not None and last[0] == stamp:
        return last[1], last[2]
    board = session_board(session, lexicon=lexicon, groups=groups)
    html = render_to_string(
        "fitting/session_board.html",
        {"board": board, "session": session},  # no request, no CSRF token: the page adds its own
    )
    data = {
        "total": board["total"],
        "matched": board["matched"],
        "themes": len(board["themes"]),
        "html": html,
    }
    line = json.dumps(data, separators=(",", ":"))
    if len(_last) > 1024:
        _last.clear()
    _last[session.uid] = (stamp, board, line)
    return board, line


# One read of a session's board per tick and event loop, for all its viewers.
_shared = SharedRead(board_event_data)


def _event(value: tuple[dict[str, Any], str]) -> str:
    return f"event: board\ndata: {value[1]}\n\n"


async def _shared_board(session: FitSession, tick: float) -> tuple[dict[str, Any], str]:
    """The session's board, read at most once per `tick` by all the streams of this event loop."""
    return await _shared(session, str(session.uid), tick)


def board_events(
    session: FitSession, *, tick: float = TICK_S, heartbeat: float = HEARTBEAT_S, lifetime: float = LIFETIME_S
) -> AsyncIterator[str]:
    """The event stream of a session's board (async): the board now, then each change; heartbeats."""
    return events_async(
        lambda: _shared_board(session, tick), _event, tick=tick, heartbeat=heartbeat, lifetime=lifetime
    )


def board_events_sync(
    session: FitSession, *, tick: float = TICK_S, heartbeat: float = HEARTBEAT_S, lifetime: float = LIFETIME_S
) -> Iterator[str]:
    """The same stream for a WSGI server (development and tests)."""
    return events_sync(
        lambda: board_event_data(session), _event, tick=tick, heartbeat=heartbeat, lifetime=lifetime
    )


def _lookup(request: HttpRequest, uid: Any) -> FitSession:
    try:
        organization = getattr(request, "organization", None)
        if organization is None:
            return found(None, "session")
        return found(session_get(organization=organization, uid=uid), "session")
    finally:
        release_connection()


async def session_events(request: HttpRequest, uid: Any) -> StreamingHttpResponse:
    """GET /fitting/sessions/<uid>/events: text/event-stream of the board (the brand's members only; 404
    for anyone else, as for a missing session)."""
    session = await sync_to_async(_lookup)(request, uid)
    limits = {"tick": TICK_S, "heartbeat": HEARTBEAT_S, "lifetime": LIFETIME_S}
    return event_response(
        request, (lambda: board_events(session, **limits), lambda: board_events_sync(session, **limits))
    )
