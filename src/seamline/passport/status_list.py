"""W3C Bitstring Status List v1.0: revocation of passports as one bit each in a shared, signed list.

A passport's ``credentialStatus`` points at index *i* of a status list credential; bit *i* set means
revoked (e.g. a reported counterfeit). The list is GZIP-compressed, base64url-encoded without padding and
multibase-prefixed with ``u``; bit 0 is the most significant bit of the first byte. Lists are at least
131,072 bits (16 KiB) so that one revoked passport cannot be told apart from its neighbours (herd
privacy, spec section 6).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
MIN_LENGTH_BITS = 131_072  # the spec's minimum: 16 KiB of bits
# A decompressed list larger than this is refused: a few hundred bytes of GZIP can inflate to gigabytes.
MAX_LENGTH_BITS = 16 * 1024 * 1024 * 8
MULTIBASE_BASE64URL = "u"


class StatusListError(ValueError):
    """A malformed or mismatched status list, or an index outside it."""


@dataclass(frozen=True)
class StatusEntry:
    """Where a passport's revocation bit lives: ``index`` in the list credential at ``list_url``."""

    list_url: str
    index: int
    purpose: str = "revocation"

    def __post_init__(self) -> None:
        if self.index < 0:
            raise StatusListError(f"statusListIndex must be >= 0, got {self.index}")

    def as_json(self) -> dict[str, str]:
        """The ``credentialStatus`` value of the passport (a BitstringStatusListEntry)."""
        return {
            "id": f"{self.list_url}#{self.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),  # the spec types it as a string of digits
            "statusListCredential": self.list_url,
        }


def encode_list(bits: Sequence[bool] | bytes, length: int = MIN_LENGTH_BITS) -> str:
    """Encode a bitstring as ``encodedList``: GZIP, base64url (no padding), multibase ``u`` prefix.

    ``bits`` is either one bool per index or the already packed bytes (bit 0 = MSB of byte 0); it is
    padded with zeros to ``length`` bits.
    """
    if length < MIN_LENGTH_BITS or length % 8:
        raise StatusListError(f"length must be a multiple of 8 and >= {MIN_LENGTH_BITS} bits, got {length}")
    if isinstance(bits, bytes | bytearray):
        if len(bits) * 8 > length:
            raise StatusListError(f"{len(bits) * 8} bits do not fit a list of {length}")
        packed = bytes(bits).ljust(length // 8, b"\0")
    else:
        if len(bits) > length:
            raise StatusListError(f"{len(bits)} bits do not fit a list of {length}")
        buffer = bytearray(length // 8)
        for index, bit in enumerate(bits):
            if bit:
                buffer[index >> 3] |= 0x80 >> (index & 7)
        packed = bytes(buffer)
    # mtime=0: the same list always encodes to the same text, so re-publishing an unchanged list is a no-op
    compressed = gzip.compress(packed, compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """The packed bitstring of an ``encodedList``. Raises StatusListError when it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith(MULTIBASE_BASE64URL):
        raise StatusListError("encodedList must be multibase base64url (a string starting with 'u')")
    text = encoded[1:]
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise StatusListError(f"encodedList is not base64url: {exc}") from exc
    # wbits=16+MAX_WBITS: GZIP framing only (the spec says GZIP, RFC 1952), with a bound on the output
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        packed = inflater.decompress(compressed, MAX_LENGTH_BITS // 8 + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not GZIP data: {exc}") from exc
    if len(packed) * 8 > MAX_LENGTH_BITS:
        raise StatusListError(f"status list longer than {MAX_LENGTH_BITS} bits")
    if not inflater.eof:
        raise StatusListError("encodedList is truncated GZIP data")
    if len(packed) * 8 < MIN_LENGTH_BITS:
        raise StatusListError(f"status list of {len(packed) * 8} bits is shorter than {MIN_LENGTH_BITS}")
    return packed


def is_set(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of the list is set (for a revocation list: the passport is revoked)."""
    return _bit(decode_list(encoded), index)


def set_bits(encoded: str, indexes: Iterable[int], value: bool = True) -> str:
    """A copy of the list with the given bits set (or cleared), same length."""
    buffer = bytearray(decode_list(encoded))
    for index in indexes:
        _check_index(buffer, index)
        if value:
            buffer[index >> 3] |= 0x80 >> (index & 7)
        else:
            buffer[index >> 3] &= ~(0x80 >> (index & 7)) & 0xFF
    return encode_list(bytes(buffer), length=len(buffer) * 8)


def status_list_credential(
    *, url: str, issuer_did: str, encoded_list: str, issued: datetime, purpose: str = "revocation"
) -> dict[str, Any]:
    """The BitstringStatusListCredential published at ``url`` (callers sign it with sign_credential)."""
    decode_list(encoded_list)  # never publish a list that verifiers would reject
    return {
        "@context": [VC_V2_CONTEXT],  # the VC 2.0 context defines the Bitstring Status List terms
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": _utc_text(issued),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }


def is_revoked(credential: Mapping[str, Any], list_credential: Mapping[str, Any]) -> bool:
    """Whether ``credential``'s revocation entry is set in ``list_credential`` (already verified).

    Raises StatusListError when the credential has no revocation entry or the list is not the one it
    points at.
    """
    entry = _revocation_entry(credential)
    if list_credential.get("id") != entry["statusListCredential"]:
        raise StatusListError(
            f"status list is {list_credential.get('id')!r}, the credential points at "
            f"{entry['statusListCredential']!r}"
        )
    types = list_credential.get("type") or []
    subject = list_credential.get("credentialSubject")
    if "BitstringStatusListCredential" not in types or not isinstance(subject, Mapping):
        raise StatusListError("not a BitstringStatusListCredential")
    if subject.get("statusPurpose") != entry["statusPurpose"]:
        raise StatusListError(
            f"status list purpose {subject.get('statusPurpose')!r} differs from the entry's "
            f"{entry['statusPurpose']!r}"
        )
    return is_set(subject.get("encodedList"), int(entry["statusListIndex"]))


def _revocation_entry(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    status = credential.get("credentialStatus")
    entries = status if isinstance(status, list) else [status] if status else []
    for entry in entries:
        if (
            isinstance(entry, Mapping)
            and entry.get("type") == "BitstringStatusListEntry"
            and entry.get("statusPurpose") == "revocation"
        ):
            index = entry.get("statusListIndex")
            if not (isinstance(index, str) and index.isdigit()) or not entry.get("statusListCredential"):
                raise StatusListError(f"malformed BitstringStatusListEntry: {dict(entry)!r}")
            return entry
    raise StatusListError("credential has no BitstringStatusListEntry for revocation")


def _bit(packed: bytes | bytearray, index: int) -> bool:
    _check_index(packed, index)
    return bool(packed[index >> 3] & (0x80 >> (index & 7)))


def _check_index(packed: bytes | bytearray, index: int) -> None:
    if not 0 <= index < len(packed) * 8:
        raise StatusListError(f"statusListIndex {index} is outside the list of {len(packed) * 8} bits")


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("issued must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
