"""/api/v1/fit-sessions: the webhook a chat relay posts a live session's comments to (no token: the session's
own secret in X-Seamline-Secret), and the session's board for the brand.

The webhook takes one comment or a batch (a list, at most 500, at most 512 KiB): `{"platform": "tiktok",
"comment_id": "...", "author": "@handle", "text": "...", "time": RFC 3339, "likes": 0}`. A wrong or missing
secret answers 401, a malformed body 422 naming the field (`[3].time` in a batch), a session ended more than
15 minutes ago 409. The same comment id twice is kept once: the answer says how many were new.
"""

from __future__ import annotations

import uuid

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Header, Router, Schema
from pydantic import Field

from seamline.accounts.access import organization_of
from seamline.core.errors import ValidationError, found
from seamline.core.problems import problem
from seamline.core.schemas import problems

from .board import session_board, session_get, session_lookup
from .sessions import MAX_BATCH, MAX_BODY_BYTES, comments_receive, secret_matches

__all__ = ["router"]

router = Router(tags=["fit sessions"])


class CommentIn(Schema):
    platform: str = Field(..., max_length=20, examples=["tiktok"], description="tiktok, instagram, youtube…")
    comment_id: str = Field(..., max_length=120, description="the platform's id of the comment")
    author: str = Field(..., max_length=120, examples=["@maya"])
    text: str = Field(..., max_length=2000, examples=["neckline 2cm deeper please"])
    time: str = Field(..., description="RFC 3339 with its offset", examples=["2026-12-03T18:04:05Z"])
    likes: int = Field(0, ge=0)


class ReceivedOut(Schema):
    received: int = Field(..., description="comments in the call")
    new: int = Field(..., description="comments not seen before")
    duplicates: int = Field(
        ..., description="comments already kept (by platform and id); their likes updated"
    )


class BoardComment(Schema):
    author: str
    platform: str
    text: str
    likes: int
    posted_at: str
    clock: str
    why: str = Field(..., description="which words matched: matched 'neckline' + 'deeper'")


class BoardTheme(Schema):
    key: str
    subject: str
    direction: str
    label: str
    count: int
    likes: int
    first_at: str
    first_clock: str
    amount_cm: float | None = Field(None, description="the median of the amounts its comments name")
    suggested_cm: float | None = Field(None, description="the amount a change request would take")
    can_change: bool
    bar_pct: int
    latest: list[BoardComment]


class BoardOut(Schema):
    session: str
    total: int
    matched: int
    unmatched_count: int
    themes: list[BoardTheme]
    unmatched: list[BoardComment]


_ONE = CommentIn.model_json_schema()
_ONE.pop("title", None)
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    _ONE,
                    {"type": "array", "items": _ONE, "minItems": 1, "maxItems": MAX_BATCH},
                ]
            }
        }
    },
}


@router.post(
    "/fit-sessions/{uid}/comments",
    auth=None,
    response={200: ReceivedOut, **problems(400, 401, 404, 409, 413, 422)},
    summary="A relay posts a live session's comments (one or a batch; the session's secret, no token)",
    openapi_extra={"requestBody": _BODY},
)
def comments_webhook(
    request: HttpRequest,
    uid: uuid.UUID,
    secret: str | None = Header(
        None, alias="X-Seamline-Secret", description="the session's webhook secret, shown when it was made"
    ),
) -> dict | HttpResponse:
    session = found(session_lookup(uid=uid), "session")
    if not secret_matches(session, secret):
        response = problem(
            request,
            status=401,
            title="Authentication required",
            detail="Send the session's webhook secret in the X-Seamline-Secret header.",
            code="unauthenticated",
        )
        response["WWW-Authenticate"] = 'Secret header="X-Seamline-Secret"'
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return problem(
            request,
            status=413,
            title="Content Too Large",
            detail=f"A call carries at most {MAX_BODY_BYTES // 1024} KiB; send smaller batches.",
            code="too-large",
        )
    try:
        body = orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise ValidationError("The body is not JSON.", fields={"body": str(exc)}) from exc
    got = comments_receive(session=session, body=body)
    return {"received": got.received, "new": got.new, "duplicates": got.duplicates}


@router.get(
    "/fit-sessions/{uid}/board",
    response={200: BoardOut, **problems(401, 404)},
    summary="A live session's board: themes with counts, likes and amounts; the comments no theme took",
)
def board(request: HttpRequest, uid: uuid.UUID) -> dict:
    return session_board(found(session_get(organization=organization_of(request), uid=uid), "session"))
