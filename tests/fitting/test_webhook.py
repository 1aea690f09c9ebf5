"""The webhook a chat relay posts a live session's comments to: its secret, its bad input, idempotence."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seamline.fitting.models import Comment
from seamline.fitting.sessions import MAX_BATCH, MAX_BODY_BYTES, secret_hash_of, session_end

from .live_helpers import comment, make_session


def _post(session, body, secret, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    extra = {"HTTP_X_SEAMLINE_SECRET": secret} if secret is not None else {}
    return Client().post(
        f"/api/v1/fit-sessions/{session.uid}/comments",
        data,
        content_type="application/json",
        **extra,
        **headers,
    )


@pytest.fixture
def live(brand):
    return make_session(brand.org)


def test_one_comment_is_kept_and_grouped(live):
    session, secret = live
    r = _post(session, comment("Neckline deeper please, like 2cm", likes=4), secret)
    assert r.status_code == 200, r.content
    assert r.json() == {"received": 1, "new": 1, "duplicates": 0}
    c = Comment.objects.get(session=session)
    assert (c.subject, c.direction, float(c.amount_cm), c.likes, c.author, c.source) == (
        "neckline",
        "deeper",
        2.0,
        4,
        "maya",
        "webhook",
    )
    assert c.posted_at.isoformat() == c.posted_at.isoformat() and c.posted_at.tzinfo is not None


def test_a_batch_and_its_repeat_are_kept_once_and_likes_only_grow(live):
    session, secret = live
    batch = [
        comment("sleeves shorter", cid="a"),
        comment("pockets!!", cid="b", likes=1),
        comment("love it", cid="c"),
    ]
    assert _post(session, batch, secret).json() == {"received": 3, "new": 3, "duplicates": 0}
    again = [
        dict(batch[1], likes=7),
        dict(batch[0], likes=0),
        comment("hem longer", cid="d"),
        dict(batch[1], likes=2),
    ]
    assert _post(session, again, secret).json() == {"received": 4, "new": 1, "duplicates": 3}
    assert Comment.objects.filter(session=session).count() == 4
    assert Comment.objects.get(session=session, external_id="b").likes == 7
    # Another platform's comment with the same id is another comment.
    assert _post(session, dict(batch[0], platform="youtube"), secret).json()["new"] == 1


@pytest.mark.parametrize("secret", [None, "", "wrong", "x" * 500])
def test_a_wrong_or_missing_secret_is_401_and_nothing_is_kept(live, secret):
    session, _ = live
    r = _post(session, comment("neckline deeper"), secret)
    assert r.status_code == 401 and r["Content-Type"] == "application/problem+json"
    assert "X-Seamline-Secret" in r.json()["detail"]
    assert not Comment.objects.exists()


def test_the_secret_of_another_session_does_not_open_this_one(brand):
    one, _ = make_session(brand.org)
    _, other_secret = make_session(brand.org)
    assert _post(one, comment("x"), other_secret).status_code == 401


def test_only_the_hash_of_the_secret_is_kept(live):
    session, secret = live
    assert secret not in session.secret_hash and len(session.secret_hash) == 64
    assert session.secret_hash == secret_hash_of(session.uid, secret)


def test_a_known_secret_set_by_its_hash_opens_the_webhook(live):
    session, _ = live
    type(session).objects.filter(pk=session.pk).update(secret_hash=secret_hash_of(session.uid, "demo-secret"))
    assert _post(session, comment("neckline deeper"), "demo-secret").status_code == 200


def test_an_unknown_session_is_404(live):
    _, secret = live
    r = Client().post(
        "/api/v1/fit-sessions/6f1c1f1e-0000-4000-8000-000000000000/comments",
        json.dumps(comment("x")),
        content_type="application/json",
        HTTP_X_SEAMLINE_SECRET=secret,
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**comment("x"), "time": "yesterday"}, "time"),
        ({**comment("x"), "time": "2026-12-03T18:00:00"}, "time"),  # no offset
        ({k: v for k, v in comment("x").items() if k != "text"}, "text"),
        ({**comment("x"), "text": "   "}, "text"),
        ({**comment("x"), "text": "y" * 2001}, "text"),
        ({**comment("x"), "likes": -1}, "likes"),
        ({**comment("x"), "likes": "many"}, "likes"),
        ({**comment("x"), "comment_id": None}, "comment_id"),
        ({**comment("x"), "platform": "Tik Tok!"}, "platform"),
        ({**comment("x"), "author": ["@a"]}, "author"),
        ([comment("ok"), comment("ok"), {**comment("x"), "time": 5}], "[2].time"),
        ([comment("ok"), "just text"], "[1]"),
        ([], "body"),
        ("not json", "body"),
        (42, "body"),
    ],
)
def test_a_malformed_body_is_422_naming_the_field_and_nothing_is_kept(live, body, field):
    session, secret = live
    r = _post(session, body if body != "not json" else b"{not json", secret)
    assert r.status_code == 422, r.content
    fields = [e["field"] for e in r.json()["errors"]]
    assert field in fields, fields
    assert not Comment.objects.exists()


def test_batches_and_bodies_are_bounded(live):
    session, secret = live
    r = _post(session, [comment("x") for _ in range(MAX_BATCH + 1)], secret)
    assert r.status_code == 422 and "at most 500" in r.json()["detail"]
    big = [comment("y" * 1900) for _ in range(MAX_BODY_BYTES // 1900 + 10)][:MAX_BATCH]
    r = _post(session, big, secret)
    assert r.status_code == 413
    assert not Comment.objects.exists()


def test_a_session_that_ended_refuses_after_its_grace(live):
    session, secret = live
    session_end(session=session)
    assert _post(session, comment("neckline deeper"), secret).status_code == 200  # within the grace
    type(session).objects.filter(pk=session.pk).update(ends_at=timezone.now() - timedelta(minutes=16))
    r = _post(session, comment("neckline deeper"), secret)
    assert r.status_code == 409 and "ended" in r.json()["detail"]
    assert Comment.objects.filter(session=session).count() == 1


def test_the_webhook_needs_no_token_and_the_board_needs_one(live, brand, other_brand):
    session, secret = live
    _post(
        session,
        [comment("neckline deeper 2cm", likes=3), comment("neck lower 3 cm"), comment("hello")],
        secret,
    )
    board = brand.api().get(f"/api/v1/fit-sessions/{session.uid}/board")
    assert board.status_code == 200
    data = board.json()
    assert (data["total"], data["matched"], data["unmatched_count"]) == (3, 2, 1)
    theme = data["themes"][0]
    assert (theme["key"], theme["count"], theme["likes"], theme["amount_cm"]) == (
        "neckline:deeper",
        2,
        3,
        2.5,
    )
    assert theme["latest"][0]["why"] == "matched 'neck' + 'lower'"
    assert Client().get(f"/api/v1/fit-sessions/{session.uid}/board").status_code == 401
    assert other_brand.api().get(f"/api/v1/fit-sessions/{session.uid}/board").status_code == 404


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "platform": JSON | st.sampled_from(["tiktok", "youtube", ""]),
        "comment_id": JSON,
        "author": JSON,
        "text": JSON | st.text(max_size=40),
        "time": JSON
        | st.sampled_from(["2026-12-03T18:00:00Z", "2026-02-30T18:00:00Z", "2026-12-03T18:00:00+25:00"]),
        "likes": JSON,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=JSON | FIELDS | st.lists(FIELDS, max_size=3))
def test_any_json_body_is_answered_without_a_server_error(brand, body):
    session, secret = make_session(brand.org)
    r = _post(session, body, secret)
    assert r.status_code in (200, 400, 422), (r.status_code, r.content)  # 400: a NUL character
    if r.status_code == 422:
        assert r.json()["errors"][0]["field"]
