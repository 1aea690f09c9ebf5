"""Verifying a passport: its signature against the issuer's DID document, its revocation status, the UNTP
schema, and every linked ledger event's hash against the ledger. Each check says what it found.

A passport this install issued is checked against its database, whatever host and port its did:web names
(the demo on another port, a renamed host): no network. Another host's DID document and status list are
fetched over HTTPS.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.trace.eventhash import event_hash
from seamline.trace.models import ChainCheck, Event

from .credential import PassportError, linked_events, validate_passport
from .models import IssuerKey, StatusList
from .services import host_did, host_did_document
from .signing import SignatureError, did_document, verify_credential
from .status_list import StatusListError, encode_list, is_revoked, status_list_credential

__all__ = ["Check", "jws_of", "ledger_check", "ledger_fingerprint", "linked_event_ids", "verify_passport"]

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


def _did_host(did: str) -> str:
    return unquote(did.removeprefix("did:web:").split(":")[0])


def _local_did_document(did: str, key_id: str) -> dict[str, Any] | None:
    """This install's keys listed under ``did`` when the key that signed is one of them; None otherwise.

    The DID names the host the issuer ran as (SEAMLINE_BASE_URL), which the command line does not know: the
    demo on port 8101 signs as did:web:127.0.0.1%3A8101 and has no HTTPS to fetch it from."""
    if did == host_did():
        return host_did_document()
    if not did.startswith("did:web:") or not IssuerKey.objects.filter(kid=key_id).exists():
        return None
    return did_document(did, [(k.kid, k.public_jwk) for k in IssuerKey.objects.order_by("pk")])


def _remote_did_document(did: str) -> dict[str, Any]:
    if not did.startswith("did:web:"):
        raise ValueError(f"{did or 'no DID'}: only did:web issuers can be resolved")
    return _fetch_json(f"https://{_did_host(did)}/.well-known/did.json")


def _verified(token: str, did: str, key_id: str) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The credential, the DID document it verified against, and whether that document is this install's."""
    local = _local_did_document(did, key_id)
    if local is None:
        remote = _remote_did_document(did)
        return verify_credential(token, remote), remote, False
    try:
        return verify_credential(token, local), local, True
    except SignatureError as mismatch:
        if did == host_did():
            raise
        # Same key name, other key: another install's issuer (slugs repeat). Ask its host; if that host
        # cannot be reached, our own check's answer is the one to report.
        try:
            remote = _remote_did_document(did)
        except OSError:
            raise mismatch from None
        return verify_credential(token, remote), remote, False


def _status_list(url: str, did_document: dict[str, Any], *, local: bool) -> dict[str, Any]:
    parts = urlsplit(url)
    slug = parts.path.rsplit("/p/status/", 1)[-1]
    if local and "/p/status/" in parts.path and parts.netloc == _did_host(did_document["id"]):
        # This install's own list, read from its database: it is what /p/status/<slug> would sign.
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise StatusListError(f"no issuer {slug!r} in this install")
        row = StatusList.objects.filter(organization=org).first()
        return status_list_credential(
            url=url,
            issuer_did=did_document["id"],
            encoded_list=row.encoded if row else encode_list(b""),  # nothing revoked yet
            issued=row.updated_at if row else timezone.now(),
        )
    return verify_credential(jws_of(_fetch_json(url)), did_document)


def linked_event_ids(credential: dict[str, Any]) -> list[tuple[str, str]]:
    """``(eventID, event hash)`` of each ledger event the passport links."""
    return [
        (unquote(urlsplit(url).path.split("/epcis/events/", 1)[-1]), digest)
        for url, digest in linked_events(credential)
    ]


def ledger_fingerprint(event_ids: list[str]) -> str:
    """A digest of the stored bodies of ``event_ids``: one indexed query and a SHA-256, no event hashing.

    It changes whenever one of those rows is edited, so a page rendered after a full `ledger_check` stays
    good exactly as long as the fingerprint it was rendered with."""
    digest = hashlib.sha256()
    # the last verify result of each row's chain too (same query): a failure found later shows its banner
    check = ChainCheck.objects.filter(organization_id=OuterRef("organization_id"))
    rows = (
        Event.objects.filter(event_id__in=event_ids)
        .order_by("event_id", "pk")
        .annotate(
            failed_seq=Subquery(check.values("failed_seq")), checked_at=Subquery(check.values("checked_at"))
        )
    )
    for pk, event_id, body, seq, failed, checked in rows.values_list(
        "pk", "event_id", "body", "seq", "failed_seq", "checked_at"
    ):
        digest.update(f"{pk}\n{event_id}\n{body}\n{seq}\n{failed}\n{checked}\n".encode())
    return digest.hexdigest()


def ledger_check(credential: dict[str, Any]) -> Check:
    """Whether every ledger event the passport links is there and still hashes to what it signed."""
    links = linked_event_ids(credential)
    rows = {
        event_id: (stored, body)
        for event_id, stored, body in Event.objects.filter(
            event_id__in=[event_id for event_id, _ in links]
        ).values_list("event_id", "event_hash", "body")
    }
    problems = []
    for event_id, digest in links:
        if event_id not in rows:
            problems.append(f"{event_id}: not in the ledger")
            continue
        stored, text = rows[event_id]
        body = json.loads(text)
        if stored != digest or event_hash(body, body.get("@context")) != digest:
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
        did, _, key_id = str(header.get("kid", "")).partition("#")
        credential, did_doc, local = _verified(token, did, key_id)
    except (SignatureError, ValueError, OSError, KeyError, IndexError) as exc:
        checks.append(Check("signature", False, str(exc)))
        return checks, None
    checks.append(Check("signature", True, f"signed by {header['kid']} (EdDSA, Ed25519)"))
    try:
        status = credential.get("credentialStatus") or {}
        entry = status[0] if isinstance(status, list) else status
        revoked = is_revoked(credential, _status_list(entry["statusListCredential"], did_doc, local=local))
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
    checks.append(ledger_check(credential))
    return checks, credential


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
