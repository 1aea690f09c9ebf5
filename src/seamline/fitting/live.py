"""A live session's board as Server-Sent Events: `/fitting/sessions/<uid>/events`.

The same approach as a drop page's counters (drops/live.py): under the ASGI server (config/asgi.py routes this
path to Django's ASGI handler) the stream is an async generator, and the viewers of one session in one process
share one read of the board a tick; under WSGI (runserver, the test server) a plain generator streams it.

A tick is a quarter of a second, and the reads keep that cadence, so the board is at most ~0.25 s plus one
read behind a comment (the target is 1 s). A tick whose two cheap reads (board_stamp) find nothing new costs
no more.
Each event carries the board's numbers and its HTML (rendered once a tick for every viewer; the page puts
its own CSRF token into the board's forms); an event goes out at once, then only when the board changed; a
comment line every 15 s keeps proxies from closing an idle connection; a stream ends after 10 minutes (the
browser reconnects by itself).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse
from django.template.loader import render_to_string

from seamline.core.errors import found

from .board import board_stamp, session_board, session_get
from .models import FitSession

__all__ = ["board_event_data", "board_events", "board_events_sync", "session_events"]

TICK_S = 0.25
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0
RETRY_MS = 2000

# (id of the event loop, session uid) -> (loop time of the read, the read): one read per tick and session.
_shared: dict[tuple[int, str], tuple[float, asyncio.Future]] = {}


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


def _event(data: str) -> str:
    return f"event: board\ndata: {data}\n\n"


def _release_connection() -> None:
    """Give the database connection back between reads (never inside a transaction: the tests run in one)."""
    if not connection.in_atomic_block:
        connection.close()


def _read(session: FitSession) -> tuple[dict[str, Any], str]:
    try:
        return board_event_data(session)
    finally:
        _release_connection()


async def _shared_board(session: FitSession, tick: float) -> tuple[dict[str, Any], str]:
    """The session's board, read at most once per `tick` by all the streams of this event loop."""
    loop = asyncio.get_running_loop()
    key, now = (id(loop), str(session.uid)), loop.time()
    hit = _shared.get(key)
    stale = (
        hit is None
        or hit[1].get_loop() is not loop
        or (hit[1].done() and (now - hit[0] >= tick or hit[1].cancelled() or hit[1].exception() is not None))
    )
    if stale:
        if len(_shared) > 1024:
            _shared.clear()
        read = loop.create_task(sync_to_async(_read, thread_sensitive=False)(session))
        hit = _shared[key] = (now, read)
    return await asyncio.shield(hit[1])


async def board_events(
    session: FitSession,
    *,
    tick: float = TICK_S,
    heartbeat: float = HEARTBEAT_S,
    lifetime: float = LIFETIME_S,
    read: Callable[[FitSession, float], Awaitable[tuple[dict[str, Any], str]]] | None = None,
) -> AsyncIterator[str]:
    """The event stream of a session's board (async): the board now, then each change; heartbeats."""
    read = read or _shared_board
    loop = asyncio.get_running_loop()
    start = last_sent = loop.time()
    yield f"retry: {RETRY_MS}\n\n"
    previous = None
    while loop.time() - start < lifetime:
        began = loop.time()
        board, data = await read(session, tick)
        if board != previous:
            previous, last_sent = board, loop.time()
            yield _event(data)
        elif loop.time() - last_sent >= heartbeat:
            last_sent = loop.time()
            yield ": ping\n\n"
        await asyncio.sleep(max(0.0, tick - (loop.time() - began)))  # a read's time is part of the tick


def board_events_sync(
    session: FitSession, *, tick: float = TICK_S, heartbeat: float = HEARTBEAT_S, lifetime: float = LIFETIME_S
) -> Iterator[str]:
    """The same stream for a WSGI server (one thread per viewer: development and tests); an empty comment
    every tick ends the stream of a viewer who left within two ticks."""
    start = last_sent = time.monotonic()
    yield f"retry: {RETRY_MS}\n\n"
    previous = None
    while time.monotonic() - start < lifetime:
        began = time.monotonic()
        board, data = _read(session)
        if board != previous:
            previous, last_sent = board, time.monotonic()
            yield _event(data)
        elif time.monotonic() - last_sent >= heartbeat:
            last_sent = time.monotonic()
            yield ": ping\n\n"
        time.sleep(max(0.0, tick - (time.monotonic() - began)))
        yield ":\n\n"


def _lookup(request: HttpRequest, uid: Any) -> FitSession:
    try:
        organization = getattr(request, "organization", None)
        if organization is None:
            return found(None, "session")
        return found(session_get(organization=organization, uid=uid), "session")
    finally:
        _release_connection()


async def session_events(request: HttpRequest, uid: Any) -> StreamingHttpResponse:
    """GET /fitting/sessions/<uid>/events: text/event-stream of the board (the brand's members only; 404
    for anyone else, as for a missing session)."""
    session = await sync_to_async(_lookup)(request, uid)
    limits = {"tick": TICK_S, "heartbeat": HEARTBEAT_S, "lifetime": LIFETIME_S}
    if isinstance(request, ASGIRequest):
        stream: Any = board_events(session, **limits)
    else:
        stream = board_events_sync(session, **limits)
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
