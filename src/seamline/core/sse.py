"""Server-Sent Events of live pages (a drop's counters, a fit session's board): one loop for both.

Under the ASGI server the stream is an async generator: a viewer costs a coroutine, not a thread, and the
viewers of one subject in one process share one database read a tick (`SharedRead`). Under WSGI (runserver,
the test server) the same stream is a plain generator, since Django would otherwise buffer an async stream to
its end; WSGI tells a stream nothing when its viewer leaves except that a write fails, so an empty comment
goes out every tick and a stream nobody reads ends within two ticks.

Each stream sends the value at once, then again only when it changed; a comment line every `heartbeat`
seconds keeps proxies from closing an idle connection; it ends after `lifetime` (the browser reconnects by
itself), or at once after a value that is `last` (a settled drop). A read's own time is part of the tick.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse

__all__ = ["SharedRead", "event_response", "events_async", "events_sync", "release_connection"]

T = TypeVar("T")
RETRY_MS = 2000


def release_connection() -> None:
    """Give the database connection back (to the pool) between reads: a stream lives for minutes and must
    not hold one. Never inside a transaction (the tests run in one)."""
    if not connection.in_atomic_block:
        connection.close()


class SharedRead:
    """`read(subject)` (blocking, in a worker thread) at most once per tick and key for all the streams of an
    event loop. A read still running is shared too, so a slow database never piles reads up."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        self._read = read
        self._hits: dict[tuple[int, Hashable], tuple[float, asyncio.Future]] = {}

    def _released(self, subject: Any) -> Any:
        try:
            return self._read(subject)
        finally:
            release_connection()

    async def __call__(self, subject: Any, key: Hashable, tick: float) -> Any:
        loop = asyncio.get_running_loop()
        slot, now = (id(loop), key), loop.time()
        hit = self._hits.get(slot)
        stale = (
            hit is None
            or hit[1].get_loop() is not loop
            or (
                hit[1].done()
                and (now - hit[0] >= tick or hit[1].cancelled() or hit[1].exception() is not None)
            )
        )
        if stale:
            if len(self._hits) > 1024:  # entries of old loops and finished subjects
                self._hits.clear()
            task = loop.create_task(sync_to_async(self._released, thread_sensitive=False)(subject))
            hit = self._hits[slot] = (now, task)
        return await asyncio.shield(hit[1])


def _never(_value: Any) -> bool:
    return False


async def events_async(
    read: Callable[[], Awaitable[T]],
    render: Callable[[T], str],
    *,
    tick: float,
    heartbeat: float,
    lifetime: float,
    last: Callable[[T], bool] = _never,
) -> AsyncIterator[str]:
    """The event stream (async) of the values `read` gives, each change rendered as one event."""
    loop = asyncio.get_running_loop()
    start = last_sent = loop.time()
    yield f"retry: {RETRY_MS}\n\n"
    previous: Any = None
    while loop.time() - start < lifetime:
        began = loop.time()
        value = await read()
        if value != previous:
            previous, last_sent = value, loop.time()
            yield render(value)
            if last(value):
                return
        elif loop.time() - last_sent >= heartbeat:
            last_sent = loop.time()
            yield ": ping\n\n"
        await asyncio.sleep(max(0.0, tick - (loop.time() - began)))


def events_sync(
    read: Callable[[], T],
    render: Callable[[T], str],
    *,
    tick: float,
    heartbeat: float,
    lifetime: float,
    last: Callable[[T], bool] = _never,
) -> Iterator[str]:
    """The same stream for a WSGI server: one thread per viewer, so for development and tests."""
    start = last_sent = time.monotonic()
    yield f"retry: {RETRY_MS}\n\n"
    previous: Any = None
    while time.monotonic() - start < lifetime:
        began = time.monotonic()
        try:
            value = read()
        finally:
            release_connection()
        if value != previous:
            previous, last_sent = value, time.monotonic()
            yield render(value)
            if last(value):
                return
        elif time.monotonic() - last_sent >= heartbeat:
            last_sent = time.monotonic()
            yield ": ping\n\n"
        time.sleep(max(0.0, tick - (time.monotonic() - began)))
        yield ":\n\n"


def event_response(
    request: HttpRequest, streams: tuple[Callable[[], AsyncIterator[str]], Callable[[], Iterator[str]]]
) -> StreamingHttpResponse:
    """text/event-stream of the async stream under ASGI, of the sync one under WSGI."""
    make_async, make_sync = streams
    stream: Any = make_async() if isinstance(request, ASGIRequest) else make_sync()
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx and friends: pass each event through at once
    return response
