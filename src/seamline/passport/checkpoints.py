"""The ledger's checkpoint signer: an organization's chain head signed with its passport key (the ledger is
below passport and cannot reach the keys), checked against the host's DID document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seamline.accounts.models import Organization

from .services import host_did, host_did_document, issuer_key
from .signing import SignatureError, sign_json, verify_json

__all__ = ["CHECKPOINT_TYP", "PassportCheckpointSigner"]

CHECKPOINT_TYP = "seamline-checkpoint+jwt"


class PassportCheckpointSigner:
    def sign(self, organization: Organization, payload: Mapping[str, Any]) -> tuple[str, str]:
        key_row, key = issuer_key(organization)
        kid = f"{host_did()}#{key_row.kid}"
        return kid, sign_json({**payload, "issuer": host_did()}, key, kid=kid, typ=CHECKPOINT_TYP)

    def verify(self, jws: str) -> dict[str, Any]:
        try:
            return verify_json(jws, host_did_document(), typ=CHECKPOINT_TYP)
        except SignatureError as exc:  # a ValueError: the ledger names it
            raise ValueError(str(exc)) from exc
