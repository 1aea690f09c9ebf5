"""Verifying a passport: its signature against the issuer's DID document, its revocation status, the UNTP
schema, and every linked ledger event's hash against the ledger. Each check says what it found.

A passport of this host is checked against this host's database (no network); another host's DID
document and status list are fetched over HTTPS.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from .credential import PassportError, linked_events, validate_passport
from .signing import SignatureError, verify_credential
from .status_list import StatusListError, is_revoked

__all__ = ["Check", "jws_of", "verify_passport"]

ENVELOPE_PREFIX = "data:application/vc+jwt,"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def jws_of(document: Any) -> str:
    """The compact JWS of a passport given as an EnvelopedVerifiableCredential (JSON) or as the JWS."""
    if isinstance(document, str):
        text = document.strip()
        if text.startswith("{"):
            return jws_of(json.loads(text))
        return text
    if isinstance(document, dict) and str(document.get("id", "")).startswith(ENVELOPE_PREFIX):
        return document["id"][len(ENVELOPE_PREFIX) :]
    raise ValueError("not a passport: expected an EnvelopedVerifiableCredential or a compact JWS")


def envelope(jws: str) -> dict[str, Any]:
    """The JSON form of a JOSE-secured credential (VC Data Model 2.0, EnvelopedVerifiableCredential)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": ENVELOPE_PREFIX + jws,
        "type": "EnvelopedVerifiableCredential",
    }


def _fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _did_document(did: str) -> dict[str, Any]:
    from .services import host_did, host_did_document

    if did == host_did():
        return host_did_document()
    host = unquote(did.removeprefix("did:web:").split(":")[0])
    return _fetch_json(f"https://{host}/.well-known/did.json")


def _status_list(url: str, did_document: dict[str, Any]) -> dict[str, Any]:
    from .services import base_url, status_list_jws

    if url.startswith(base_url() + "/p/status/"):
        from seamline.accounts.models import Organization

        org = Organization.objects.get(slug=url.rsplit("/", 1)[-1])
        token = status_list_jws(org)
    else:
        token = jws_of(_fetch_json(url))
    return verify_credential(token, did_document)


def _event_checks(credential: dict[str, Any]) -> Check:
    from seamline.trace.eventhash import event_hash
    from seamline.trace.models import Event

    links = linked_events(credential)
    problems = []
    for url, digest in links:
        event_id = unquote(urlsplit(url).path.split("/epcis/events/", 1)[-1])
        row = Event.objects.filter(event_id=event_id).values_list("event_hash", "body").first()
        if row is None:
            problems.append(f"{event_id}: not in the ledger")
            continue
        body = json.loads(row[1])
        again = event_hash(body, body.get("@context"))
        if row[0] != digest or again != digest:
            problems.append(f"{event_id}: the ledger's event no longer hashes to {digest}")
    if problems:
        return Check("ledger events", False, "; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""))
    return Check("ledger events", True, f"{len(links)} linked events match the ledger")


def verify_passport(document: Any) -> tuple[list[Check], dict[str, Any] | None]:
    """Every check, in order; the credential when its signature held."""
    checks: list[Check] = []
    try:
        token = jws_of(document)
        header = json.loads(_b64(token.split(".")[0]))
        did = str(header.get("kid", "")).split("#", 1)[0]
        did_doc = _did_document(did)
        credential = verify_credential(token, did_doc)
    except (SignatureError, ValueError, OSError, KeyError, IndexError) as exc:
        checks.append(Check("signature", False, str(exc)))
        return checks, None
    checks.append(Check("signature", True, f"signed by {header['kid']} (EdDSA, Ed25519)"))
    try:
        status = credential.get("credentialStatus") or {}
        entry = status[0] if isinstance(status, list) else status
        revoked = is_revoked(credential, _status_list(entry["statusListCredential"], did_doc))
        checks.append(
            Check(
                "status",
                not revoked,
                "revoked by its issuer" if revoked else "not revoked (status list checked)",
            )
        )
    except (SignatureError, StatusListError, ValueError, KeyError, OSError) as exc:
        checks.append(Check("status", False, f"the status list could not be checked: {exc}"))
    try:
        validate_passport(credential)
        checks.append(Check("schema", True, "valid UNTP Digital Product Passport"))
    except PassportError as exc:
        checks.append(Check("schema", False, str(exc)))
    checks.append(_event_checks(credential))
    return checks, credential


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
