"""VC-JOSE-COSE signing: joserfc signs, PyJWT and bare cryptography verify independently; tampering,
wrong keys and rotation; encrypted PEM keys."""

import base64
import json
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from seamline.passport.signing import (
    KeyLoadError,
    SignatureError,
    did_document,
    generate_key,
    load_private_pem,
    private_pem,
    public_jwk,
    sign_credential,
    verify_credential,
)
from seamline.passport.status_list import encode_list, status_list_credential

from .test_credential import DID, HOST, _credential


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def key():
    return generate_key()


@pytest.fixture(scope="module")
def signed(key):
    credential = _credential()
    return credential, sign_credential(credential, key, kid="key-2026-03")


@pytest.fixture(scope="module")
def document(key):
    return did_document(DID, [("key-2026-03", public_jwk(key, "key-2026-03"))])


def test_sign_then_verify_returns_the_credential(signed, document):
    credential, token = signed
    assert verify_credential(token, document) == credential


def test_protected_header_is_vc_jose_cose(signed):
    header = json.loads(_b64url(signed[1].split(".")[0]))
    assert header == {"alg": "EdDSA", "kid": f"{DID}#key-2026-03", "typ": "vc+jwt", "cty": "vc"}


def test_pyjwt_verifies_the_signature_independently(signed, key):
    credential, token = signed
    public = Ed25519PublicKey.from_public_bytes(_b64url(public_jwk(key, "k")["x"]))
    # the credential carries no JWT registered claims, so PyJWT has nothing else to check
    payload = jwt.decode(token, public, algorithms=["EdDSA"], options={"verify_aud": False})
    assert payload == credential
    assert jwt.get_unverified_header(token)["kid"] == f"{DID}#key-2026-03"


def test_cryptography_verifies_the_raw_ed25519_signature(signed, key):
    token = signed[1]
    header_b64, payload_b64, signature_b64 = token.split(".")
    public = Ed25519PublicKey.from_public_bytes(_b64url(public_jwk(key, "k")["x"]))
    public.verify(_b64url(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    with pytest.raises(InvalidSignature):
        public.verify(_b64url(signature_b64), f"{header_b64}.{payload_b64}x".encode("ascii"))


def _edit(token: str, position: int) -> str:
    old = token[position]
    new = "B" if old != "B" else "C"
    return token[:position] + new + token[position + 1 :]


def test_a_one_character_change_anywhere_fails(signed, document):
    token = signed[1]
    # every position of the header and the signature, every 13th of the (long) payload
    header_end, signature_start = token.index("."), token.rindex(".")
    positions = [
        *range(header_end),
        *range(header_end + 1, signature_start, 13),
        signature_start - 1,
        *range(signature_start + 1, len(token)),
    ]
    public = Ed25519PublicKey.from_public_bytes(
        _b64url(document["verificationMethod"][0]["publicKeyJwk"]["x"])
    )
    for position in positions:
        edited = _edit(token, position)
        with pytest.raises(SignatureError):
            verify_credential(edited, document)
        with pytest.raises(jwt.exceptions.PyJWTError):
            jwt.decode(edited, public, algorithms=["EdDSA"])


def test_unused_trailing_bits_of_the_signature_cannot_be_edited(signed, document):
    # The last of the 86 base64url characters of a 64-byte signature carries 4 unused bits: flipping one
    # of them leaves the decoded signature the same, so only a canonical-encoding check catches the edit.
    token = signed[1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    edited = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    assert _b64url(edited.rsplit(".", 1)[1]) == _b64url(token.rsplit(".", 1)[1])
    with pytest.raises(SignatureError) as caught:
        verify_credential(edited, document)
    assert caught.value.check == "malformed"


def test_the_failed_check_is_named(signed, document, key):
    token = signed[1]
    header, payload, signature = token.split(".")
    cases = {
        "bad signature": f"{header}.{payload[:-4]}{'AAAA' if payload[-4:] != 'AAAA' else 'BBBB'}.{signature}",
        "malformed": "not-a-jws",
    }
    for check, bad in cases.items():
        with pytest.raises(SignatureError) as caught:
            verify_credential(bad, document)
        assert caught.value.check == check
        assert str(caught.value).startswith(check)


def test_a_wrong_key_fails(signed):
    other = generate_key()
    document = did_document(DID, [("key-2026-03", public_jwk(other, "key-2026-03"))])
    with pytest.raises(SignatureError) as caught:
        verify_credential(signed[1], document)
    assert caught.value.check == "bad signature"


def test_an_unknown_kid_fails(signed, key):
    document = did_document(DID, [("key-2027-01", public_jwk(key, "key-2027-01"))])
    with pytest.raises(SignatureError) as caught:
        verify_credential(signed[1], document)
    assert caught.value.check == "unknown key"
    other_did = did_document("did:web:elsewhere.example", [("key-2026-03", public_jwk(key, "key-2026-03"))])
    with pytest.raises(SignatureError, match="unknown key"):
        verify_credential(signed[1], other_did)


def test_a_key_listed_but_not_an_assertion_method_fails(signed, document):
    document = {**document, "assertionMethod": []}
    with pytest.raises(SignatureError, match="not an assertion method"):
        verify_credential(signed[1], document)


def test_a_payload_naming_another_issuer_fails(key, document):
    # signed by our key with our kid (here by PyJWT, which also shows the header is interoperable), but the
    # credential inside claims to come from someone else
    credential = _credential(issuer_did="did:web:counterfeit.example")
    headers = {"kid": f"{DID}#key-2026-03", "typ": "vc+jwt", "cty": "vc"}
    token = jwt.encode(credential, key.private_key, algorithm="EdDSA", headers=headers)
    with pytest.raises(SignatureError) as caught:
        verify_credential(token, document)
    assert caught.value.check == "issuer"
    honest = jwt.encode(_credential(), key.private_key, algorithm="EdDSA", headers=headers)
    assert verify_credential(honest, document) == _credential()


def test_rotation_keeps_old_passports_verifiable(signed, key):
    credential, old_token = signed
    new_key = generate_key()
    rotated = did_document(
        DID,
        [
            ("key-2026-03", public_jwk(key, "key-2026-03")),
            ("key-2026-09", public_jwk(new_key, "key-2026-09")),
        ],
    )
    assert rotated["assertionMethod"] == [f"{DID}#key-2026-03", f"{DID}#key-2026-09"]
    new_token = sign_credential(credential, new_key, kid="key-2026-09")
    assert verify_credential(old_token, rotated) == credential
    assert verify_credential(new_token, rotated) == credential
    # a document that forgot the old key no longer verifies the old passport
    forgetful = did_document(DID, [("key-2026-09", public_jwk(new_key, "key-2026-09"))])
    with pytest.raises(SignatureError, match="unknown key"):
        verify_credential(old_token, forgetful)


def test_did_document_shape_and_no_private_material(key):
    document = did_document(DID, [("key-1", public_jwk(key, "key-1"))])
    method = document["verificationMethod"][0]
    assert document["id"] == DID
    assert method == {
        "id": f"{DID}#key-1",
        "type": "JsonWebKey",
        "controller": DID,
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": method["publicKeyJwk"]["x"], "kid": "key-1"},
    }
    assert len(_b64url(method["publicKeyJwk"]["x"])) == 32
    with pytest.raises(ValueError, match="private"):
        did_document(DID, [("key-1", key.as_dict(private=True))])
    with pytest.raises(ValueError, match="duplicate"):
        did_document(DID, [("key-1", public_jwk(key, "key-1")), ("key-1", public_jwk(key, "key-1"))])


def test_status_list_credential_is_signed_the_same_way(key, document):
    issued = datetime(2026, 3, 9, tzinfo=UTC)
    credential = status_list_credential(
        url=f"{HOST}/status/1", issuer_did=DID, encoded_list=encode_list([False] * 8), issued=issued
    )
    token = sign_credential(credential, key, kid="key-2026-03")
    assert verify_credential(token, document) == credential


def test_encrypted_pem_round_trips(key):
    pem = private_pem(key, b"correct horse battery staple")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = load_private_pem(pem, b"correct horse battery staple")
    assert loaded.as_dict(private=True) == key.as_dict(private=True)
    # the loaded key signs passports the original's DID document verifies
    document = did_document(DID, [("k", public_jwk(key, "k"))])
    assert verify_credential(sign_credential(_credential(), loaded, kid="k"), document)


def test_a_wrong_passphrase_fails(key):
    pem = private_pem(key, b"correct horse battery staple")
    with pytest.raises(KeyLoadError):
        load_private_pem(pem, b"Correct horse battery staple")
    with pytest.raises(KeyLoadError):
        load_private_pem(pem, b"")
    with pytest.raises(ValueError, match="passphrase"):
        private_pem(key, b"")
