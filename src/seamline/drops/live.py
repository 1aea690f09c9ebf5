"""Live counters of a drop page as Server-Sent Events: `/d/<slug>/events`.

Under the ASGI server (config/asgi.py routes this path to Django's ASGI handler) the stream is an async
generator: a viewer costs a coroutine, not a thread. Viewers of one drop in one process share one database
read a tick, so a thousand phones watching a live stream make one query a second, not a thousand. Under WSGI
(runserver, the test server) the same view streams from a plain generator, since Django would otherwise
buffer an async stream to its end.

Each stream sends the status at once, then again only when it changed; a comment line every 15 s keeps
proxies from closing an idle connection; it ends after 10 minutes (the browser reconnects by itself), or at
once for a drop whose outcome is settled.
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

from .models import Drop
from .selectors import SETTLED_STATES, drop_public_get, drop_status

__all__ = ["drop_events", "status_events", "status_events_sync"]

TICK_S = 1.0
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0
RETRY_MS = 2000

# (id of the event loop, drop id) -> (loop time of the read, the read): one read per tick and drop.
_shared: dict[tuple[int, int], tuple[float, asyncio.Future]] = {}


def _event(status: dict[str, Any]) -> str:
    return f"event: status\ndata: {json.dumps(status, separators=(',', ':'))}\n\n"


def _release_connection() -> None:
    """Give the database connection back (to the pool) between reads: a stream lives for minutes and must
    not hold one. Never inside a transaction (the tests run in one)."""
    if not connection.in_atomic_block:
        connection.close()


def _read(drop: Drop) -> dict[str, Any]:
    try:
        return drop_status(drop)
    finally:
        _release_connection()


async def _shared_status(drop: Drop, tick: float) -> dict[str, Any]:
    """The drop's status, read at most once per `tick` by all the streams of this event loop."""
    loop = asyncio.get_running_loop()
    key, now = (id(loop), drop.pk), loop.time()
    hit = _shared.get(key)
    # A read still running is shared too, so a slow database never piles reads up.
    stale = (
        hit is None
        or hit[1].get_loop() is not loop
        or (hit[1].done() and (now - hit[0] >= tick or hit[1].cancelled() or hit[1].exception() is not None))
    )
    if stale:
        if len(_shared) > 1024:  # entries of old loops and finished drops
            _shared.clear()
        read = loop.create_task(sync_to_async(_read, thread_sensitive=False)(drop))
        hit = _shared[key] = (now, read)
    return dict(await asyncio.shield(hit[1]))


async def status_events(
    drop: Drop,
    *,
    tick: float = TICK_S,
    heartbeat: float = HEARTBEAT_S,
    lifetime: float = LIFETIME_S,
    read: Callable[[Drop, float], Awaitable[dict[str, Any]]] | None = None,
) -> AsyncIterator[str]:
    """The event stream of `drop` (async): the status now, then each change; heartbeats; a bounded life."""
    read = read or _shared_status
    loop = asyncio.get_running_loop()
    start = last_sent = loop.time()
    yield f"retry: {RETRY_MS}\n\n"
    previous = None
    while loop.time() - start < lifetime:
        status = await read(drop, tick)
        if status != previous:
            previous, last_sent = status, loop.time()
            yield _event(status)
            if status["state"] in SETTLED_STATES:
                return
        elif loop.time() - last_sent >= heartbeat:
            last_sent = loop.time()
            yield ": ping\n\n"
        await asyncio.sleep(tick)


def status_events_sync(
    drop: Drop, *, tick: float = TICK_S, heartbeat: float = HEARTBEAT_S, lifetime: float = LIFETIME_S
) -> Iterator[str]:
    """The same stream for a WSGI server: one thread per viewer, so for development and tests.

    WSGI tells a stream nothing when its viewer leaves, except that a write fails: so an empty comment goes
    out every tick, and a stream nobody reads ends within two ticks instead of reading on for minutes.
    """
    start = last_sent = time.monotonic()
    yield f"retry: {RETRY_MS}\n\n"
    previous = None
    while time.monotonic() - start < lifetime:
        status = _read(drop)
        if status != previous:
            previous, last_sent = status, time.monotonic()
            yield _event(status)
            if status["state"] in SETTLED_STATES:
                return
        elif time.monotonic() - last_sent >= heartbeat:
            last_sent = time.monotonic()
            yield ": ping\n\n"
        time.sleep(tick)
        yield ":\n\n"


def _lookup(slug: str) -> Drop:
    try:
        return drop_public_get(slug=slug)
    finally:
        _release_connection()


async def drop_events(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """GET /d/<slug>/events: text/event-stream of the drop's status (404 for an unknown drop)."""
    drop = await sync_to_async(_lookup)(slug)
    limits = {"tick": TICK_S, "heartbeat": HEARTBEAT_S, "lifetime": LIFETIME_S}
    if isinstance(request, ASGIRequest):
        stream: Any = status_events(drop, **limits)
    else:
        stream = status_events_sync(drop, **limits)
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx and friends: pass each event through at once
    return response
