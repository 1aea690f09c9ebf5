"""Ed25519 keys, did:web documents, and credentials secured as VC-JOSE-COSE compact JWS.

A credential is signed as it is: the JWS payload is the credential JSON itself (no ``vc`` claim), with the
protected header ``{"alg": "EdDSA", "kid": "<issuer DID>#<kid>", "typ": "vc+jwt", "cty": "vc"}`` (W3C
Securing Verifiable Credentials using JOSE and COSE, section 3.1.1). Verifiers find the public key by
``kid`` in the issuer's DID document; every key ever used stays listed there, so passports signed before
a key rotation keep verifying.

Private keys are stored as PKCS#8 PEM encrypted with a passphrase (never in the repository).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey

ALG = "EdDSA"
TYP = "vc+jwt"  # media type application/vc+jwt (VC-JOSE-COSE; registered with IANA in 2024)
CTY = "vc"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/cid/v1"]
VERIFICATION_METHOD_TYPE = "JsonWebKey"  # Controlled Identifiers 1.0, the type VC-JOSE-COSE uses


class SignatureError(ValueError):
    """Verification failed; ``check`` names the check: malformed, unknown key, bad signature, issuer."""

    def __init__(self, check: str, detail: str):
        self.check = check
        super().__init__(f"{check}: {detail}")


class KeyLoadError(ValueError):
    """The PEM could not be opened: wrong passphrase, not encrypted, or not an Ed25519 key."""


class _EdDSA(EdDSAAlgorithm):
    # RFC 9864 (2025) deprecates "EdDSA" for the fully specified "Ed25519", and joserfc warns on every
    # use; VC-JOSE-COSE, UNTP and most verifiers in the field still expect "EdDSA", so we keep it, quietly.
    security_warning = None


class _Registry(jws.JWSRegistry):
    algorithms = {ALG: _EdDSA()}
    max_payload_length = 2_000_000  # a passport with a long ledger is larger than joserfc's 128 kB default


_REGISTRY = _Registry(algorithms=[ALG])


def generate_key() -> OKPKey:
    """A new Ed25519 private key."""
    return OKPKey.generate_key("Ed25519", private=True)


def private_pem(key: OKPKey, passphrase: bytes) -> bytes:
    """The private key as PKCS#8 PEM encrypted with ``passphrase`` (the best scheme cryptography has)."""
    if not passphrase:
        raise ValueError("a passphrase is required: keys are encrypted at rest")
    private = key.private_key
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_private_pem(pem: bytes, passphrase: bytes) -> OKPKey:
    """The Ed25519 key of an encrypted PEM. Raises KeyLoadError (wrong passphrase, unencrypted, other)."""
    try:
        private = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError) as exc:
        # cryptography says ValueError for a wrong passphrase, TypeError for an unencrypted key
        raise KeyLoadError(f"cannot open the private key: {exc}") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyLoadError(f"expected an Ed25519 key, got {type(private).__name__}")
    return OKPKey.import_key(private)


def public_jwk(key: OKPKey, kid: str) -> dict[str, str]:
    """The public half of ``key`` as a JWK (never the private ``d``)."""
    public = key.as_dict(private=False)
    if public.get("crv") != "Ed25519":
        raise ValueError(f"expected an Ed25519 key, got {public.get('crv')!r}")
    return {"kty": "OKP", "crv": "Ed25519", "x": public["x"], "kid": kid}


def did_document(did: str, keys: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The DID document for ``did`` listing every ``(kid, public_jwk)``, old keys included."""
    if not did.startswith("did:"):
        raise ValueError(f"not a DID: {did!r}")
    kids = [kid for kid, _ in keys]
    if len(set(kids)) != len(kids):
        raise ValueError(f"duplicate kid in {kids}")
    methods = []
    for kid, jwk in keys:
        if "d" in jwk:
            raise ValueError(f"key {kid!r}: a DID document must never carry a private key")
        methods.append(
            {
                "id": f"{did}#{kid}",
                "type": VERIFICATION_METHOD_TYPE,
                "controller": did,
                "publicKeyJwk": dict(jwk),
            }
        )
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        # assertionMethod: the keys allowed to issue credentials
        "assertionMethod": [method["id"] for method in methods],
    }


def sign_credential(credential: Mapping[str, Any], key: OKPKey, *, kid: str) -> str:
    """The credential as a compact JWS signed with ``key``, identified as ``<issuer DID>#<kid>``."""
    issuer = _issuer_did(credential)
    if issuer is None:
        raise ValueError("the credential has no issuer DID")
    header = {"alg": ALG, "kid": f"{issuer}#{kid}", "typ": TYP, "cty": CTY}
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, key, algorithms=[ALG], registry=_REGISTRY)


def verify_credential(token: str, did_document: Mapping[str, Any]) -> dict[str, Any]:
    """The credential inside ``token`` once its signature checks out against ``did_document``.

    Raises SignatureError naming the failed check: ``malformed`` (not a compact JWS of a VC-JOSE-COSE
    credential), ``unknown key`` (kid not an assertion method of this DID), ``bad signature``, ``issuer``
    (the credential names another issuer than the key's DID).
    """
    credential, did = _verified(token, did_document, typ=TYP)
    if _issuer_did(credential) != did:
        raise SignatureError("issuer", f"credential issuer {_issuer_did(credential)!r} is not {did!r}")
    return credential


def sign_json(payload: Mapping[str, Any], key: OKPKey, *, kid: str, typ: str) -> str:
    """Any JSON object (a ledger checkpoint) as a compact JWS over its canonical JSON (sorted keys, no
    spaces), signed with ``key`` identified as the DID URL ``kid``."""
    header = {"alg": ALG, "kid": kid, "typ": typ}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, data, key, algorithms=[ALG], registry=_REGISTRY)


def verify_json(token: str, did_document: Mapping[str, Any], *, typ: str) -> dict[str, Any]:
    """The JSON object signed by ``sign_json``, once its signature checks out; SignatureError otherwise."""
    return _verified(token, did_document, typ=typ)[0]


def _verified(token: str, did_document: Mapping[str, Any], *, typ: str) -> tuple[dict[str, Any], str]:
    """The payload of a compact JWS signed by a key of ``did_document``, and that DID."""
    header = _protected_header(token, typ=typ)
    kid = header.get("kid")
    if not isinstance(kid, str) or "#" not in kid:
        raise SignatureError("malformed", f"kid must be a DID URL '<did>#<key>', got {kid!r}")
    jwk = _assertion_key(did_document, kid)
    try:
        public = OKPKey.import_key(dict(jwk))
    except (JoseError, ValueError, TypeError) as exc:
        raise SignatureError("unknown key", f"{kid}: unusable publicKeyJwk ({exc})") from exc
    try:
        signed = jws.deserialize_compact(token, public, algorithms=[ALG], registry=_REGISTRY)
    except BadSignatureError as exc:
        raise SignatureError("bad signature", f"the signature does not match key {kid}") from exc
    except (JoseError, ValueError) as exc:
        raise SignatureError("malformed", str(exc)) from exc
    try:
        payload = json.loads(signed.payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SignatureError("malformed", f"payload is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise SignatureError("malformed", "payload is not a JSON object")
    return payload, kid.split("#", 1)[0]


def _protected_header(token: str, *, typ: str = TYP) -> dict[str, Any]:
    if not isinstance(token, str):
        raise SignatureError("malformed", "a compact JWS is a string")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise SignatureError("malformed", "a compact JWS has three non-empty dot-separated parts")
    for name, part in zip(("header", "payload", "signature"), parts, strict=True):
        # Canonical base64url only: the last character of a 64-byte signature carries 4 unused bits, so a
        # lenient decoder would accept an edited character there as the same signature.
        if not _is_canonical_b64url(part):
            raise SignatureError("malformed", f"the {name} is not canonical base64url")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise SignatureError("malformed", f"protected header is not base64url JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise SignatureError("malformed", "protected header is not a JSON object")
    if header.get("alg") != ALG:
        raise SignatureError("malformed", f"alg must be {ALG!r}, got {header.get('alg')!r}")
    if header.get("typ") != typ:
        raise SignatureError("malformed", f"typ must be {typ!r}, got {header.get('typ')!r}")
    return header


def _assertion_key(document: Mapping[str, Any], kid: str) -> Mapping[str, Any]:
    did = document.get("id")
    if not kid.startswith(f"{did}#"):
        raise SignatureError("unknown key", f"{kid} is not a key of {did}")
    fragment = kid[len(did) :]  # "#key-1"
    allowed: list[str] = []
    embedded: dict[str, Mapping[str, Any]] = {}
    for item in document.get("assertionMethod") or []:
        if isinstance(item, str):
            allowed.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            allowed.append(item["id"])
            embedded[item["id"]] = item
    if kid not in allowed and fragment not in allowed:
        raise SignatureError("unknown key", f"{kid} is not an assertion method of {did}")
    candidates = [*embedded.values(), *(document.get("verificationMethod") or [])]
    for method in candidates:
        if isinstance(method, Mapping) and method.get("id") in (kid, fragment):
            jwk = method.get("publicKeyJwk")
            if not isinstance(jwk, Mapping) or "d" in jwk:
                raise SignatureError("unknown key", f"{kid} has no usable publicKeyJwk")
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise SignatureError("unknown key", f"{kid} is not an Ed25519 key")
            return jwk
    raise SignatureError("unknown key", f"{kid} is not a verification method of {did}")


def _issuer_did(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _is_canonical_b64url(text: str) -> bool:
    try:
        raw = _b64url_decode(text)
    except (binascii.Error, ValueError):
        return False
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == text


def _b64url_decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
