"""Shared by the live session's tests: a brand's style with a pattern (front, back, front facing, strap),
a session on it, and comments in the webhook's shape."""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from seamline.catalog.models import Style
from seamline.cutting.dxf_aama import write_dxf_aama
from seamline.cutting.models import PatternVersion
from seamline.cutting.pattern import Pattern, Piece
from seamline.cutting.services import pattern_import
from seamline.fitting.models import FitSession
from seamline.fitting.sessions import session_create
from tests import factories as f

_ids = itertools.count(1)
T0 = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def _rect(name: str, size: str, w: float, h: float) -> Piece:
    return Piece(
        name=name,
        size=size,
        quantity=1,
        boundary=((0, 0), (w, 0), (w, h), (0, h)),
        grain_line=((w / 2, 1), (w / 2, h - 1)),
    )


def slip_pattern() -> Pattern:
    pieces = []
    for size, extra in {"S": 0.0, "M": 1.0, "L": 2.0}.items():
        pieces += [
            _rect("Front", size, 25 + extra, 95),
            _rect("Back", size, 25 + extra, 97),
            _rect("Front facing", size, 20 + extra, 8),
            _rect("Strap", size, 2, 28),
        ]
    return Pattern(style_name="Slip dress", units="METRIC", sample_size="M", pieces=tuple(pieces))


def style_with_pattern(brand: Any) -> tuple[Style, PatternVersion]:
    style = f.make_style(brand)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slip.dxf"
        write_dxf_aama(slip_pattern(), path)
        with path.open("rb") as dxf:
            version = pattern_import(style=style, dxf=dxf)
    return style, version


def make_session(brand: Any, style: Style | None = None, **kwargs: Any) -> tuple[FitSession, str]:
    style = style or f.make_style(brand)
    return session_create(
        brand=brand,
        style=style,
        title=kwargs.pop("title", "Slip dress fitting"),
        starts_at=kwargs.pop("starts_at", timezone.now() - timedelta(minutes=5)),
        stream_url=kwargs.pop("stream_url", "https://www.tiktok.com/@echopark/live"),
        **kwargs,
    )


def comment(
    text: str, *, cid: str | None = None, likes: int = 0, author: str = "@maya", **extra: Any
) -> dict:
    n = next(_ids)
    return {
        "platform": "tiktok",
        "comment_id": cid or f"c{n}",
        "author": author,
        "text": text,
        "time": (T0 + timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
        "likes": likes,
        **extra,
    }
