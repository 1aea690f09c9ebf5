"""The 4-digit delivery code a customer gives the courier (pure: no Django).

Ten thousand codes are too few for a plain hash (anyone with the table would try them all), so the stored
value is an HMAC keyed by the server's secret and salted by the parcel's uid.

    >>> digest = code_hash("1234", parcel_uid="p1", key="k")
    >>> code_matches("1234", digest, parcel_uid="p1", key="k")
    True
    >>> code_matches("4321", digest, parcel_uid="p1", key="k")
    False
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["code_hash", "code_matches", "code_new", "is_code"]


def code_new() -> str:
    """A random 4-digit code, leading zeros kept ("0042")."""
    return f"{secrets.randbelow(10_000):04d}"


def is_code(text: str) -> bool:
    return isinstance(text, str) and len(text) == 4 and text.isascii() and text.isdigit()


def code_hash(code: str, *, parcel_uid: str, key: str) -> str:
    if not is_code(code):
        raise ValueError("a delivery code is 4 digits")
    return hmac.new(key.encode(), f"{parcel_uid}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(code: str, digest: str, *, parcel_uid: str, key: str) -> bool:
    """Whether ``code`` is the one hashed into ``digest`` (in constant time)."""
    if not is_code(code) or not digest:
        return False
    return hmac.compare_digest(code_hash(code, parcel_uid=parcel_uid, key=key), digest)
