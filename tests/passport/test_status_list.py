"""Bitstring Status List: encoding per the W3C spec, round trips, revocation of a passport."""

import base64
import gzip
from datetime import UTC, datetime

import pytest

from seamline.passport.status_list import (
    MIN_LENGTH_BITS,
    StatusEntry,
    StatusListError,
    decode_list,
    encode_list,
    is_revoked,
    is_set,
    set_bits,
    status_list_credential,
)

from .test_credential import DID, HOST, _credential

LIST_URL = f"{HOST}/status/1"


def _bits(*indexes: int, length: int = MIN_LENGTH_BITS) -> list[bool]:
    bits = [False] * length
    for index in indexes:
        bits[index] = True
    return bits


def test_round_trip_of_first_middle_and_last_bits():
    encoded = encode_list(_bits(0, 7, 131_071))
    assert encoded.startswith("u")
    packed = decode_list(encoded)
    set_indexes = [i for i in range(len(packed) * 8) if packed[i // 8] >> (7 - i % 8) & 1]
    assert set_indexes == [0, 7, 131_071]
    assert [is_set(encoded, i) for i in (0, 1, 6, 7, 8, 131_070, 131_071)] == [1, 0, 0, 1, 0, 0, 1]
    assert len(packed) * 8 == MIN_LENGTH_BITS == 131_072
    # bit 0 is the most significant bit of the first byte, bit 7 its least significant
    assert packed[0] == 0b1000_0001 and packed[-1] == 0b0000_0001


def test_encoding_is_gzip_then_unpadded_base64url_with_multibase_u():
    encoded = encode_list(_bits(3))
    body = encoded[1:]
    assert "=" not in body and "+" not in body and "/" not in body
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == bytes([0b0001_0000]) + bytes(MIN_LENGTH_BITS // 8 - 1)
    # deterministic: the same list encodes to the same text
    assert encode_list(_bits(3)) == encoded


def test_short_inputs_are_padded_to_the_minimum_and_bytes_are_accepted():
    assert decode_list(encode_list([True])) == decode_list(encode_list(b"\x80"))
    assert len(decode_list(encode_list([]))) == MIN_LENGTH_BITS // 8
    longer = encode_list(_bits(200_000, length=262_144), length=262_144)
    assert is_set(longer, 200_000) and not is_set(longer, 199_999)


def test_the_spec_minimum_length_is_enforced():
    with pytest.raises(StatusListError, match="131072"):
        encode_list([], length=MIN_LENGTH_BITS - 8)
    with pytest.raises(StatusListError):
        encode_list([False] * (MIN_LENGTH_BITS + 1))
    too_short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="shorter"):
        decode_list(too_short)


@pytest.mark.parametrize(
    "bad",
    ["", "H4sIAAAAAAAA", "u!!!!", "u" + base64.urlsafe_b64encode(b"not gzip at all").decode().rstrip("=")],
)
def test_malformed_lists_are_refused(bad):
    with pytest.raises(StatusListError):
        decode_list(bad)


def test_an_index_outside_the_list_is_an_error():
    encoded = encode_list([])
    with pytest.raises(StatusListError, match="outside"):
        is_set(encoded, MIN_LENGTH_BITS)
    with pytest.raises(StatusListError):
        is_set(encoded, -1)


def test_set_bits_revokes_and_reinstates():
    encoded = encode_list([])
    revoked = set_bits(encoded, [17, 131_071])
    assert is_set(revoked, 17) and is_set(revoked, 131_071) and not is_set(revoked, 16)
    reinstated = set_bits(revoked, [17], value=False)
    assert not is_set(reinstated, 17) and is_set(reinstated, 131_071)


def test_status_list_credential_shape():
    encoded = encode_list([])
    credential = status_list_credential(
        url=LIST_URL, issuer_did=DID, encoded_list=encoded, issued=datetime(2026, 3, 9, 8, tzinfo=UTC)
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2026-03-09T08:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    with pytest.raises(StatusListError):
        status_list_credential(url=LIST_URL, issuer_did=DID, encoded_list="u", issued=datetime.now(UTC))


def test_a_revoked_passport_is_detected_through_its_status_entry():
    passport = _credential(status=StatusEntry(LIST_URL, 17))
    issued = datetime(2026, 3, 9, tzinfo=UTC)
    clean = status_list_credential(url=LIST_URL, issuer_did=DID, encoded_list=encode_list([]), issued=issued)
    assert is_revoked(passport, clean) is False
    revoked = status_list_credential(
        url=LIST_URL, issuer_did=DID, encoded_list=encode_list(_bits(17)), issued=issued
    )
    assert is_revoked(passport, revoked) is True
    neighbour = _credential(status=StatusEntry(LIST_URL, 18))
    assert is_revoked(neighbour, revoked) is False


def test_a_list_other_than_the_one_pointed_at_is_refused():
    passport = _credential(status=StatusEntry(LIST_URL, 17))
    other = status_list_credential(
        url=f"{HOST}/status/2", issuer_did=DID, encoded_list=encode_list([]), issued=datetime.now(UTC)
    )
    with pytest.raises(StatusListError, match="points at"):
        is_revoked(passport, other)
    with pytest.raises(StatusListError, match="no BitstringStatusListEntry"):
        is_revoked(_credential(status=None), other)
