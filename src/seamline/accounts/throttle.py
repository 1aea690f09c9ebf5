"""Sign-in throttling: failed sign-ins lock the address, and the address with that e-mail, for a while.

    wait = signin_wait(ip=ip, email=email)   # seconds before this address may try this e-mail again; 0: go
    signin_failed(ip=ip, email=email)        # after a wrong password: counts, and locks past the free tries
    signin_succeeded(ip=ip, email=email)     # forgets the e-mail's failures from this address

After `free` failures a lock of 2^(failures - free) s begins, at most `max_lock_s` (settings
SEAMLINE_SIGNIN_THROTTLE): 5 failures of one e-mail from one address, 20 from one address whatever the
e-mail (a password tried against many accounts; an office behind one address gets the larger allowance).
Failures are forgotten `forget_after_s` after the last one. A locked attempt is refused before the password
is checked, so guessing during a lock learns nothing.

The counts live in the default cache: Redis when REDIS_URL is set, so every server process shares them;
otherwise each process counts for itself (LocMem), which still blunts a script.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

__all__ = [
    "Throttle",
    "lock_seconds",
    "signin_failed",
    "signin_refusal_is_first",
    "signin_succeeded",
    "signin_wait",
    "throttle_settings",
]

_MAX_DOUBLINGS = 30  # 2^30 s is past any sensible cap; keeps the power small
_clock = time.time  # the tests move it forward instead of waiting out a lock


@dataclass(frozen=True)
class Throttle:
    free_per_account: int = 5
    free_per_address: int = 20
    max_lock_s: int = 15 * 60
    forget_after_s: int = 24 * 3600


def throttle_settings() -> Throttle:
    return Throttle(**getattr(settings, "SEAMLINE_SIGNIN_THROTTLE", {}))


def lock_seconds(failures: int, *, free: int, max_lock_s: int) -> int:
    """How long `failures` lock: nothing below `free`, then 1, 2, 4, … seconds, at most `max_lock_s`.

    >>> [lock_seconds(n, free=5, max_lock_s=900) for n in (4, 5, 6, 10, 20)]
    [0, 1, 2, 32, 900]
    """
    if failures < free:
        return 0
    return min(max_lock_s, 2 ** min(failures - free, _MAX_DOUBLINGS))


def _counters(ip: str, email: str, limits: Throttle) -> list[tuple[str, int]]:
    # The e-mail is hashed: any text may be typed there, and cache keys must stay short and plain.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"signin:address:{ip}", limits.free_per_address),
        (f"signin:account:{ip}:{account}", limits.free_per_account),
    ]


def signin_wait(*, ip: str, email: str) -> int:
    """Seconds until this address may try this e-mail again (0: now)."""
    keys = [f"{key}:until" for key, _ in _counters(ip, email, throttle_settings())]
    until = max(cache.get_many(keys).values(), default=0.0)
    return max(0, math.ceil(until - _clock()))


def signin_failed(*, ip: str, email: str) -> int:
    """Count a failed sign-in; the seconds of the lock it starts (0: none yet)."""
    limits = throttle_settings()
    lock = 0
    for key, free in _counters(ip, email, limits):
        cache.add(key, 0, timeout=limits.forget_after_s)
        try:
            failures = cache.incr(key)  # atomic in Redis: processes failing at once each count
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limits.forget_after_s)
            failures = 1
        cache.touch(key, timeout=limits.forget_after_s)
        seconds = lock_seconds(failures, free=free, max_lock_s=limits.max_lock_s)
        if seconds:
            cache.set(f"{key}:until", _clock() + seconds, timeout=seconds)
        lock = max(lock, seconds)
    return lock


def signin_succeeded(*, ip: str, email: str) -> None:
    """Forget the e-mail's failures from this address; the address's own count stays (one valid account
    must not clear the way for guessing the others)."""
    key, _ = _counters(ip, email, throttle_settings())[1]
    cache.delete_many([key, f"{key}:until"])


def signin_refusal_is_first(*, ip: str, email: str, wait: int) -> bool:
    """True for the first refused try of this lock: the log keeps one line per lock, however hard a script
    hammers the page meanwhile."""
    key, _ = _counters(ip, email, throttle_settings())[1]
    return cache.add(f"{key}:refused", 1, timeout=max(1, wait))
