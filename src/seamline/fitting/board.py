"""Live fit sessions, the reads: a brand's sessions, its lexicon, and a session's board (themes of comments
with counts, likes, the amount they suggest and the latest comments, and the comments no theme took)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Max, Min, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from seamline.accounts.models import Organization

from . import lexicon as lex
from .models import Comment, FitSession, LexiconTerm

__all__ = [
    "ThemeStats",
    "board_stamp",
    "lexicon_get",
    "session_board",
    "session_get",
    "session_list",
    "session_lookup",
    "theme_stats",
]

LATEST_PER_THEME = 3
LATEST_UNMATCHED = 10


def lexicon_get(*, organization: Organization) -> lex.Lexicon:
    """The brand's lexicon; Seamline's defaults until the brand has its own rows."""
    rows = list(LexiconTerm.objects.filter(organization=organization).order_by("position", "key"))
    if not rows:
        return lex.DEFAULT_LEXICON

    def terms(kind: str) -> tuple[lex.Term, ...]:
        return tuple(lex.Term(r.key, r.label, tuple(r.words)) for r in rows if r.kind == kind)

    return lex.Lexicon(subjects=terms("subject"), directions=terms("direction"))


def session_list(*, organization: Organization) -> QuerySet[FitSession]:
    """The brand's sessions, the newest first, with their comment counts."""
    return (
        FitSession.objects.filter(style__organization=organization)
        .select_related("style", "drop", "sample")
        .annotate(comment_count=Count("comments"))
        .order_by("-starts_at", "-pk")
    )


def _uid(uid: Any) -> uuid.UUID | None:
    try:
        return uid if isinstance(uid, uuid.UUID) else uuid.UUID(str(uid))
    except ValueError:
        return None


def session_get(*, organization: Organization, uid: Any) -> FitSession | None:
    """The brand's session; another organization's reads as missing."""
    key = _uid(uid)
    if key is None:
        return None
    return (
        FitSession.objects.filter(uid=key, style__organization=organization)
        .select_related("style__organization", "drop", "sample")
        .first()
    )


def session_lookup(*, uid: Any) -> FitSession | None:
    """Any session by its uid (the webhook checks its secret)."""
    key = _uid(uid)
    return (
        None
        if key is None
        else FitSession.objects.filter(uid=key).select_related("style__organization").first()
    )


@dataclass(frozen=True)
class ThemeStats:
    count: int
    likes: int
    first_at: datetime
    amount_cm: float | None  # the median of the amounts its comments name


def theme_stats(session: FitSession, *, subject: str, direction: str) -> ThemeStats | None:
    comments = Comment.objects.filter(session=session, subject=subject, direction=direction)
    row = comments.aggregate(n=Count("pk"), likes=Sum("likes"), first=Min("posted_at"))
    if not row["n"]:
        return None
    amounts = comments.exclude(amount_cm=None).values_list("amount_cm", flat=True)
    return ThemeStats(
        count=row["n"],
        likes=row["likes"] or 0,
        first_at=row["first"],
        amount_cm=lex.median_amount(float(a) for a in amounts),
    )


def _clock(when: datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M:%S")


def _comment(c: Comment, lexicon: lex.Lexicon) -> dict[str, Any]:
    return {
        "author": c.author,
        "platform": c.platform,
        "text": c.text,
        "likes": c.likes,
        "posted_at": c.posted_at.isoformat(),
        "clock": _clock(c.posted_at),
        "why": lex.explain(c.text, lexicon),
    }


def _groups(session: FitSession) -> list[dict[str, Any]]:
    return list(
        Comment.objects.filter(session=session)
        .order_by()
        .values("subject", "direction")
        .annotate(n=Count("pk"), likes=Sum("likes"), first=Min("posted_at"), last_pk=Max("pk"))
        .order_by("subject", "direction")
    )


def board_stamp(session: FitSession) -> tuple[lex.Lexicon, list[dict[str, Any]]]:
    """What the board is made of, in two cheap reads: the lexicon, and per theme its count, likes and newest
    comment. An equal stamp is an equal board (the live stream then skips the full read)."""
    return lexicon_get(organization=session.style.organization), _groups(session)


def session_board(
    session: FitSession,
    *,
    lexicon: lex.Lexicon | None = None,
    groups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The board as plain data (JSON as it is): themes, the most commented first, and the unmatched."""
    lexicon = lexicon or lexicon_get(organization=session.style.organization)
    comments = Comment.objects.filter(session=session).order_by()
    groups = _groups(session) if groups is None else groups
    amounts: dict[tuple[str, str], list[float]] = {}
    for subject, direction, amount in (
        comments.exclude(amount_cm=None).exclude(subject="").values_list("subject", "direction", "amount_cm")
    ):
        amounts.setdefault((subject, direction), []).append(float(amount))
    latest: dict[tuple[str, str], list[dict]] = {}
    ranked = (
        comments.exclude(subject="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("subject"), F("direction")],
                order_by=[F("posted_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=LATEST_PER_THEME)
        .order_by("subject", "direction", "rank")
    )
    for c in ranked:
        latest.setdefault((c.subject, c.direction), []).append(_comment(c, lexicon))
    themes = []
    unmatched_count = 0
    for g in groups:
        key = (g["subject"], g["direction"])
        if not g["subject"]:
            unmatched_count += g["n"]
            continue
        s_term, d_term = lexicon.subject(key[0]), lexicon.direction(key[1])
        median = lex.median_amount(amounts.get(key, []))
        measured = key[1] in lex.MEASURED_DIRECTIONS
        themes.append(
            {
                "key": f"{key[0]}:{key[1]}",
                "subject": key[0],
                "direction": key[1],
                "label": (s_term.label if s_term else key[0])
                + " · "
                + ((d_term.label if d_term else key[1]) if key[1] else "any change"),
                "count": g["n"],
                "likes": g["likes"] or 0,
                "first_at": g["first"].isoformat(),
                "first_clock": _clock(g["first"]),
                "amount_cm": median,
                "suggested_cm": (median or lex.default_amount(key[0])) if measured else None,
                "can_change": bool(key[1]),
                "latest": latest.get(key, []),
            }
        )
    themes.sort(key=lambda t: (-t["count"], -t["likes"], t["first_at"]))
    unmatched = [
        _comment(c, lexicon)
        for c in comments.filter(subject="").order_by("-posted_at", "-pk")[:LATEST_UNMATCHED]
    ]
    total = sum(g["n"] for g in groups)
    top = max((t["count"] for t in themes), default=0)
    for t in themes:
        t["bar_pct"] = round(100 * t["count"] / top) if top else 0
    return {
        "session": str(session.uid),
        "total": total,
        "matched": total - unmatched_count,
        "unmatched_count": unmatched_count,
        "themes": themes,
        "unmatched": unmatched,
    }
