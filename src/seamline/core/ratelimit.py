"""A fixed-window rate limit per client IP, counted in Django's cache.

    throttle(request, scope="preorder", rate=parse_rate("30/10s"))  # RateLimited (429, Retry-After) when over

The count lives in the default cache: Redis when REDIS_URL is set, so every server process shares one count;
otherwise Django's per-process LocMem cache, and with N worker processes a client gets up to N times the
rate (enough to blunt a script hammering one endpoint). A fixed window may let twice the rate through across
a window boundary.

Settings: the rate of each scope (SEAMLINE_PREORDER_RATE, "30/10s" by default, "off" for a benchmark) and
SEAMLINE_TRUST_X_FORWARDED_FOR.

The client is REMOTE_ADDR. X-Forwarded-For is trusted only when SEAMLINE_TRUST_X_FORWARDED_FOR is set
(a reverse proxy of ours in front), and then only its last entry, the one our proxy appended: the earlier
ones are whatever the client chose to send.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .errors import DomainError

__all__ = ["Rate", "RateLimited", "client_ip", "parse_rate", "setting_rate", "throttle"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "": 1}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh]?)\s*$")


@dataclass(frozen=True)
class Rate:
    requests: int
    window_s: int


class RateLimited(DomainError):
    """Too many requests from one client; `retry_after` is the seconds until the window ends."""

    status = 429
    code = "throttled"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def parse_rate(text: str) -> Rate | None:
    """ "30/10s" -> 30 requests per 10 seconds; "100/m", "5/1h", "10/s"; "off" or "" -> no limit.

    >>> parse_rate("30/10s"), parse_rate("off")
    (Rate(requests=30, window_s=10), None)
    """
    if text.strip().lower() in ("", "off", "none", "0"):
        return None
    match = _RATE.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a rate like '30/10s' or '100/m'")
    requests, count, unit = match.groups()
    return Rate(requests=int(requests), window_s=max(1, int(count or 1) * _UNITS[unit]))


def setting_rate(name: str, default: str) -> Rate | None:
    """The rate in settings `name` (settings.py reads it from the environment), else `default`."""
    return parse_rate(str(getattr(settings, name, default)))


def _trust_forwarded() -> bool:
    return bool(getattr(settings, "SEAMLINE_TRUST_X_FORWARDED_FOR", False))


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the last X-Forwarded-For entry when SEAMLINE_TRUST_X_FORWARDED_FOR is on."""
    if _trust_forwarded():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "unknown"


def throttle(request: HttpRequest, *, scope: str, rate: Rate | None) -> None:
    """Count this request against the client's window of `scope`; RateLimited when over `rate`."""
    if rate is None:
        return
    now = time.time()
    window = int(now // rate.window_s)
    key = f"ratelimit:{scope}:{client_ip(request)}:{rate.window_s}:{window}"
    cache.add(key, 0, timeout=rate.window_s + 1)  # add is atomic: only the window's first request sets it
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this request opens a fresh count
        cache.add(key, 1, timeout=rate.window_s + 1)
        count = 1
    if count > rate.requests:
        retry_after = max(1, math.ceil((window + 1) * rate.window_s - now))
        raise RateLimited(
            f"More than {rate.requests} requests in {rate.window_s} s from your address; "
            f"retry in {retry_after} s.",
            retry_after=retry_after,
        )
