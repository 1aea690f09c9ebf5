"""Live counters of a drop page as Server-Sent Events: `/d/<slug>/events` (the loop is core/sse.py).

config/asgi.py routes this path to Django's ASGI handler. Viewers of one drop in one process share one
database read a tick, so a thousand phones watching a live stream make one query a second, not a thousand.
Each stream sends the status at once, then again only when it changed; a comment line every 15 s keeps
proxies from closing an idle connection; it ends after 10 minutes (the browser reconnects by itself), or at
once for a drop whose outcome is settled.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, StreamingHttpResponse

from seamline.core.sse import SharedRead, event_response, events_async, events_sync, release_connection

from .models import Drop
from .selectors import SETTLED_STATES, drop_public_get, drop_status

__all__ = ["drop_events", "status_events", "status_events_sync"]

TICK_S = 1.0
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0

# One read of a drop's status per tick and event loop, for all its viewers.
_shared = SharedRead(drop_status)


def _event(status: dict[str, Any]) -> str:
    return f"event: status\ndata: {json.dumps(status, separators=(',', ':'))}\n\n"


def _settled(status: dict[str, Any]) -> bool:
    return status["state"] in SETTLED_STATES


async def _shared_status(drop: Drop, tick: float) -> dict[str, Any]:
    """The drop's status, read at most once per `tick` by all the streams of this event loop."""
    return dict(await _shared(drop, drop.pk, tick))


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
    async for event in events_async(
        lambda: read(drop, tick), _event, tick=tick, heartbeat=heartbeat, lifetime=lifetime, last=_settled
    ):
        yield event


def status_events_sync(
    drop: Drop, *, tick: float = TICK_S, heartbeat: float = HEARTBEAT_S, lifetime: float = LIFETIME_S
) -> Iterator[str]:
    """The same stream for a WSGI server (development and tests)."""
    return events_sync(
        lambda: drop_status(drop), _event, tick=tick, heartbeat=heartbeat, lifetime=lifetime, last=_settled
    )


def _lookup(slug: str) -> Drop:
    try:
        return drop_public_get(slug=slug)
    finally:
        release_connection()


async def drop_events(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """GET /d/<slug>/events: text/event-stream of the drop's status (404 for an unknown drop)."""
    drop = await sync_to_async(_lookup)(slug)
    limits = {"tick": TICK_S, "heartbeat": HEARTBEAT_S, "lifetime": LIFETIME_S}
    return event_response(
        request, (lambda: status_events(drop, **limits), lambda: status_events_sync(drop, **limits))
    )
