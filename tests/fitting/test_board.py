"""The board of a live session: its themes and unmatched comments, its Server-Sent Events (ASGI, WSGI, one
read a tick shared by viewers), and the session's pages with who may do what."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.backends.signals import connection_created
from django.test import AsyncClient, Client
from django.urls import reverse

from seamline.accounts.models import Membership
from seamline.fitting import live
from seamline.fitting.board import session_board
from seamline.fitting.models import ChangeRequest, Comment, FitSession
from seamline.fitting.sessions import comments_receive
from tests import factories as f

from .live_helpers import comment, make_session, style_with_pattern


def _data(event: str) -> dict:
    head, data = event.rstrip("\n").split("\n")
    assert head == "event: board" and data.startswith("data: ")
    return json.loads(data.removeprefix("data: "))


def test_the_board_groups_counts_and_explains(brand):
    session, _ = make_session(brand.org)
    comments_receive(
        session=session,
        body=[
            comment("neckline deeper 2cm", likes=5),
            comment("Neck lower, like 3 cm", likes=1),
            comment("deeper neckline"),
            comment("sleeves shorter", likes=9),
            comment("pockets!!"),
            comment("love it"),
            comment("hi from Lisbon"),
        ],
    )
    board = session_board(session)
    assert (board["total"], board["matched"], board["unmatched_count"]) == (7, 5, 2)
    first = board["themes"][0]
    assert (first["key"], first["label"], first["count"], first["likes"]) == (
        "neckline:deeper",
        "Neckline · deeper / lower",
        3,
        6,
    )
    assert (first["amount_cm"], first["suggested_cm"], first["can_change"]) == (2.5, 2.5, True)
    assert [c["text"] for c in first["latest"]] == [
        "deeper neckline",
        "Neck lower, like 3 cm",
        "neckline deeper 2cm",
    ]
    assert first["latest"][1]["why"] == "matched 'Neck' + 'lower'"
    assert first["first_at"] == Comment.objects.get(text="neckline deeper 2cm").posted_at.isoformat()
    sleeves = board["themes"][1]
    assert (sleeves["key"], sleeves["suggested_cm"], sleeves["amount_cm"]) == ("sleeves:shorter", 2.0, None)
    pockets = board["themes"][2]
    assert (pockets["label"], pockets["can_change"], pockets["suggested_cm"]) == (
        "Pockets · any change",
        False,
        None,
    )
    assert [c["text"] for c in board["unmatched"]] == ["hi from Lisbon", "love it"]
    assert board["unmatched"][0]["why"] == "no subject or direction named"


def test_latest_comments_are_three_per_theme(brand):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=[comment(f"hem longer #{i}") for i in range(6)])
    theme = session_board(session)["themes"][0]
    assert theme["count"] == 6 and [c["text"] for c in theme["latest"]] == [
        "hem longer #5",
        "hem longer #4",
        "hem longer #3",
    ]


# Server-Sent Events ------------------------------------------------------------------------------------


def test_the_stream_sends_the_board_at_once_then_each_change(transactional_db, brand):
    session, _ = make_session(brand.org)

    async def scenario():
        events = live.board_events(session, tick=0.05)
        assert await anext(events) == "retry: 2000\n\n"
        first = _data(await asyncio.wait_for(anext(events), 5))
        await sync_to_async(comments_receive)(session=session, body=comment("neckline deeper"))
        second = _data(await asyncio.wait_for(anext(events), 5))
        await events.aclose()
        return first, second

    first, second = async_to_sync(scenario)()
    assert first["total"] == 0 and "No theme yet" in first["html"]
    assert (second["total"], second["matched"], second["themes"]) == (1, 1, 1)
    assert 'data-theme="neckline:deeper"' in second["html"] and "csrfmiddlewaretoken" not in second["html"]


def test_an_unchanged_board_gets_heartbeats_and_the_stream_ends(transactional_db, brand):
    session, _ = make_session(brand.org)

    async def scenario():
        return [e async for e in live.board_events(session, tick=0.01, heartbeat=0.05, lifetime=0.4)]

    events = async_to_sync(scenario)()
    assert sum(e.startswith("event:") for e in events) == 1 and events.count(": ping\n\n") >= 3


def test_viewers_of_one_session_share_one_read_a_tick(transactional_db, brand):
    session, _ = make_session(brand.org)
    opened = []

    def count(**kwargs):
        opened.append(1)

    async def scenario():
        return await asyncio.gather(*(live._shared_board(session, 5.0) for _ in range(20)))

    connection_created.connect(count)
    try:
        boards = async_to_sync(scenario)()
    finally:
        connection_created.disconnect(count)
    assert len(opened) == 1 and all(b == boards[0] for b in boards)


@pytest.fixture
def quick_streams(monkeypatch):
    monkeypatch.setattr(live, "TICK_S", 0.05)
    monkeypatch.setattr(live, "LIFETIME_S", 0.3)


def test_the_view_streams_under_asgi_for_the_brand_only(transactional_db, brand, other_brand, quick_streams):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=comment("hem shorter"))
    url = f"/fitting/sessions/{session.uid}/events"

    async def scenario():
        client = AsyncClient()
        await sync_to_async(client.force_login)(brand.user)
        response = await client.get(url)
        body = b"".join([chunk async for chunk in response.streaming_content]).decode()
        stranger = AsyncClient()
        await sync_to_async(stranger.force_login)(other_brand.user)
        return response, body, (await stranger.get(url)).status_code

    response, body, stranger = async_to_sync(scenario)()
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    events = [e + "\n\n" for e in body.split("\n\n") if e.startswith("event:")]
    assert len(events) == 1 and _data(events[0])["total"] == 1
    assert stranger == 404


def test_the_view_streams_under_wsgi_too(brand, quick_streams):
    session, _ = make_session(brand.org)
    response = brand.client().get(f"/fitting/sessions/{session.uid}/events")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("retry: 2000\n\nevent: board\n") and '"total":0' in body


def test_only_the_event_stream_goes_to_the_asgi_handler():
    from seamline.config.asgi import is_async_path

    uid = "6f1c1f1e-0000-4000-8000-000000000000"
    assert is_async_path(f"/fitting/sessions/{uid}/events")
    assert not is_async_path(f"/fitting/sessions/{uid}/")
    assert not is_async_path(f"/fitting/sessions/{uid}/events/x")
    assert is_async_path("/d/jacket/events")


# Pages -------------------------------------------------------------------------------------------------


def test_the_fitting_home_lists_sessions_and_links_the_other_sections(brand, other_brand):
    make_session(brand.org, title="Slip dress, fit 1")
    make_session(other_brand.org, title="Someone else's")
    page = brand.client().get("/fitting/")
    html = page.content.decode()
    assert page.status_code == 200 and "Slip dress, fit 1" in html and "Someone else" not in html
    assert 'href="/fitting/styles/"' in html and 'href="/fitting/changes/"' in html
    assert reverse("fitting:home") == "/fitting/"


def test_a_session_is_made_on_its_page_and_the_secret_shown_once(brand):
    style, _ = style_with_pattern(brand.org)
    client = brand.client()
    assert client.get("/fitting/sessions/new/").status_code == 200
    r = client.post(
        "/fitting/sessions/new/",
        {
            "title": "Slip dress live",
            "stream_url": "https://www.tiktok.com/@x/live",
            "style": style.pk,
            "starts_at": "2026-12-03T10:00",
        },
    )
    assert r.status_code == 302
    session = FitSession.objects.get(title="Slip dress live")
    page = client.get(r["Location"]).content.decode()
    assert "shown once" in page and f"/api/v1/fit-sessions/{session.uid}/comments" in page
    assert "curl -X POST" in page and 'href="https://www.tiktok.com/@x/live"' in page
    again = client.get(r["Location"]).content.decode()
    assert "shown once" not in again
    bad = client.post(
        "/fitting/sessions/new/", {"title": "", "style": style.pk, "starts_at": "2026-12-03T10:00"}
    )
    assert bad.status_code == 422


def test_comments_typed_and_uploaded_on_the_page(brand):
    session, _ = make_session(brand.org)
    client = brand.client()
    base = f"/fitting/sessions/{session.uid}/"
    assert client.post(base + "comments/", {"text": "neckline deeper, says Maya"}).status_code == 302
    csv = b"id,author,text,time\n1,a,hem longer,2026-12-03T18:00:00Z\n2,b,,2026-12-03T18:00:00Z\n"
    bad = client.post(base + "import/", {"file": SimpleUploadedFile("chat.csv", csv)})
    assert bad.status_code == 422 and "Line 3" in bad.content.decode()
    good = client.post(
        base + "import/", {"file": SimpleUploadedFile("chat.csv", csv.replace(b",,", b",hi,"))}
    )
    assert good.status_code == 302
    assert Comment.objects.filter(session=session).count() == 3
    board = client.get(base + "board/").content.decode()
    assert 'data-theme="neckline:deeper"' in board and 'data-theme="length:longer"' in board


def test_one_click_makes_the_change_request(brand):
    style, _ = style_with_pattern(brand.org)
    session, _ = make_session(brand.org, style=style)
    comments_receive(session=session, body=[comment("neckline deeper 2cm"), comment("neck lower")])
    r = brand.client().post(
        f"/fitting/sessions/{session.uid}/changes/",
        {"subject": "neckline", "direction": "deeper", "amount_cm": "2.5"},
    )
    cr = ChangeRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/fitting/changes/{cr.uid}/"
    assert cr.summary == "front neckline 2.5 cm deeper, all sizes" and cr.comment_count == 2


def test_readers_read_and_writers_write(brand, other_brand, factory):
    session, _ = make_session(brand.org)
    operator = Client()
    operator.force_login(f.make_member(brand.org, role=Membership.Role.OPERATOR))
    base = f"/fitting/sessions/{session.uid}/"
    page = operator.get(base)
    assert page.status_code == 200 and "Type a comment" not in page.content.decode()
    assert operator.post(base + "comments/", {"text": "x"}).status_code == 403
    assert operator.post(base + "end/").status_code == 403
    assert (
        operator.post("/fitting/lexicon/", {"kind": "subject", "key": "x", "words": "x"}).status_code == 403
    )
    assert other_brand.client().get(base).status_code == 404
    assert other_brand.client().post(base + "end/").status_code == 404
    assert factory.client().get("/fitting/").status_code == 403
    assert Client().get(base).status_code == 302  # to sign in


def test_ending_on_the_page(brand):
    session, _ = make_session(brand.org)
    client = brand.client()
    client.post(f"/fitting/sessions/{session.uid}/end/")
    session.refresh_from_db()
    assert session.ends_at is not None
    assert "End session" not in client.get(f"/fitting/sessions/{session.uid}/").content.decode()


def test_the_lexicon_page_edits_words_and_tries_a_comment(brand):
    session, _ = make_session(brand.org)
    comments_receive(session=session, body=comment("cowl deeper"))
    client = brand.client()
    page = client.get(f"/fitting/lexicon/?session={session.uid}&try=the+V-neck+deeper")
    html = page.content.decode()
    assert page.status_code == 200 and "matched &#x27;V-neck&#x27; + &#x27;deeper&#x27;" in html
    assert "Seamline&#x27;s own" in html
    r = client.post(
        "/fitting/lexicon/",
        {"kind": "subject", "key": "neckline", "words": "neckline, neck, cowl", "session": str(session.uid)},
    )
    assert r.status_code == 302 and r["Location"] == f"/fitting/lexicon/?session={session.uid}"
    assert Comment.objects.get(session=session).subject == "neckline"
    assert (
        client.post("/fitting/lexicon/", {"kind": "subject", "key": "neckline", "words": " , "}).status_code
        == 422
    )
    client.post("/fitting/lexicon/remove/", {"kind": "subject", "key": "neckline"})
    assert Comment.objects.get(session=session).subject == ""
