"""Live counters: the Server-Sent Events stream of a drop page, under ASGI, WSGI and the real server."""

from __future__ import annotations

import asyncio
import http.client
import json
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db.backends.signals import connection_created
from django.test import AsyncClient, Client

from seamline.drops import live
from seamline.drops.selectors import drop_status
from seamline.drops.services import drop_cancel

from .helpers import buy, make_drop, sku


def _data(event: str) -> dict:
    head, data = event.rstrip("\n").split("\n")
    assert head == "event: status" and data.startswith("data: ")
    return json.loads(data.removeprefix("data: "))


def test_the_stream_sends_the_status_at_once_then_each_change(transactional_db, brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6)
    m = sku(drop, "M")

    async def scenario():
        events = live.status_events(drop, tick=0.05)
        assert await anext(events) == "retry: 2000\n\n"
        first = _data(await asyncio.wait_for(anext(events), 5))
        assert first == await sync_to_async(drop_status)(drop)
        assert (first["units_sold"], first["left"][m]) == (0, 10)
        await sync_to_async(buy)(drop, "M", 2)
        second = _data(await asyncio.wait_for(anext(events), 5))
        await events.aclose()
        return second

    second = async_to_sync(scenario)()
    assert (second["units_sold"], second["funded_pct"], second["left"][m]) == (2, 33, 8)


def test_an_unchanged_drop_gets_heartbeats_and_the_stream_ends(transactional_db, brand, factory):
    drop = make_drop(brand.org, factory.org)

    async def scenario():
        stream = live.status_events(drop, tick=0.01, heartbeat=0.05, lifetime=0.4)
        return [event async for event in stream]

    events = async_to_sync(scenario)()
    assert events[0] == "retry: 2000\n\n" and _data(events[1])["state"] == "live"
    assert sum(e.startswith("event:") for e in events) == 1
    assert events.count(": ping\n\n") >= 3 and set(events[2:]) == {": ping\n\n"}


def test_a_settled_drop_sends_its_state_and_ends(transactional_db, brand, factory):
    drop = make_drop(brand.org, factory.org)
    drop_cancel(drop=drop)

    async def scenario():
        return [event async for event in live.status_events(drop, tick=0.01)]

    events = async_to_sync(scenario)()
    assert len(events) == 2 and _data(events[1])["state"] == "cancelled"


def test_viewers_of_one_drop_share_one_read_a_tick(transactional_db, brand, factory):
    """Each read opens (and gives back) its own connection, so new connections count the reads."""
    drop = make_drop(brand.org, factory.org)
    opened = []

    def count(**kwargs):
        opened.append(1)

    async def scenario():
        return await asyncio.gather(*(live._shared_status(drop, 5.0) for _ in range(20)))

    connection_created.connect(count)
    try:
        statuses = async_to_sync(scenario)()
    finally:
        connection_created.disconnect(count)
    assert len(opened) == 1 and all(s == statuses[0] for s in statuses)


@pytest.fixture
def quick_streams(monkeypatch):
    monkeypatch.setattr(live, "TICK_S", 0.05)
    monkeypatch.setattr(live, "LIFETIME_S", 0.3)


def test_the_view_streams_under_asgi(transactional_db, brand, factory, quick_streams):
    drop = make_drop(brand.org, factory.org)
    buy(drop, "S", 1)

    async def scenario():
        response = await AsyncClient().get(f"/d/{drop.slug}/events")
        body = b"".join([chunk async for chunk in response.streaming_content])
        missing = await AsyncClient().get("/d/no-such-drop/events")
        return response, body.decode(), missing.status_code

    response, body, missing = async_to_sync(scenario)()
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    events = [e + "\n\n" for e in body.split("\n\n") if e.startswith("event:")]
    assert len(events) == 1 and _data(events[0])["units_sold"] == 1
    assert missing == 404


def test_the_view_streams_under_wsgi_too(brand, factory, quick_streams):
    """The test server and runserver are WSGI: the view streams from a plain generator there."""
    drop = make_drop(brand.org, factory.org)
    response = Client().get(f"/d/{drop.slug}/events")
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("retry: 2000\n\nevent: status\n") and '"units_sold":0' in body
    assert Client().get("/d/no-such-drop/events").status_code == 404


def test_only_the_event_stream_goes_to_the_asgi_handler():
    from seamline.config.asgi import is_async_path

    assert is_async_path("/d/selvedge-chore-jacket/events")
    assert not is_async_path("/d/selvedge-chore-jacket/")
    assert not is_async_path("/d/selvedge-chore-jacket/status.json")
    assert not is_async_path("/d/selvedge-chore-jacket/events/extra")
    assert not is_async_path("/api/v1/events")


def _next_status(response: http.client.HTTPResponse) -> dict:
    """Read the stream up to the next status event (heartbeats and the retry line are skipped)."""
    event = ""
    while True:
        line = response.readline().decode()
        assert line, "the stream ended"
        if line.startswith("event: status"):
            event = line
        elif event and line.startswith("data: "):
            return json.loads(line.removeprefix("data: "))


def test_the_real_server_streams_the_counters(server, brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=6)
    where = urlsplit(server)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=15)
    try:
        conn.request("GET", f"/d/{drop.slug}/events", headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
        assert _next_status(response)["units_sold"] == 0
        buy(drop, "L", 2)
        moved = _next_status(response)
        assert (moved["units_sold"], moved["left"][sku(drop, "L")]) == (2, 8)
    finally:
        conn.close()
