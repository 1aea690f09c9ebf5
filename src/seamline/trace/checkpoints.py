"""Signed checkpoints: each organization's chain head (record number and hash) signed with its passport key,
taken on a schedule and on demand, served at ``/epcis/checkpoints/<slug>.json`` for partners to archive.
A chain rewound or rewritten in full afterwards contradicts a saved copy (``checkpoints_check``).

The ledger sits below passport, so it cannot sign by itself: passport registers the signer
(``checkpoint_signer_set``, from its AppConfig.ready) and the schedule. Without a signer no checkpoint is
taken (CheckpointError).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError

from .models import ChainCheck, Checkpoint, Event
from .records import Break
from .verify import chain_check_store, chain_head, chain_verify_from

__all__ = [
    "CHECKPOINT_EVERY",
    "CheckpointSigner",
    "checkpoint_signer_set",
    "checkpoint_take",
    "checkpoints_check",
    "checkpoints_document",
    "checkpoints_take_task",
]

CHECKPOINT_EVERY = timedelta(hours=1)  # on the schedule: at most this often, and only when the head moved
CHECKPOINT_TYPE = "SeamlineChainCheckpoint"


class CheckpointSigner(Protocol):
    def sign(self, organization: Organization, payload: Mapping[str, Any]) -> tuple[str, str]:
        """(kid, compact JWS) of ``payload``: the signer may add its issuer to what it signs."""
        ...

    def verify(self, jws: str) -> dict[str, Any]:
        """The signed payload, or ValueError naming what failed."""
        ...


_SIGNER: list[CheckpointSigner] = []


def checkpoint_signer_set(signer: CheckpointSigner) -> None:
    _SIGNER[:] = [signer]


def _signer() -> CheckpointSigner:
    if not _SIGNER:
        raise ConflictError("No checkpoint signer is installed (the passport app signs checkpoints).")
    return _SIGNER[0]


def checkpoint_take(*, organization: Organization, due: timedelta | None = None) -> Checkpoint | None:
    """Sign the organization's chain head, once the records since the last checkpoint verify; the last
    checkpoint when the head has not moved (or when ``due`` has not passed since it). ConflictError when
    the chain fails verification (nothing is signed over a broken chain; the failure is kept)."""
    last = Checkpoint.objects.filter(organization=organization).order_by("-seq").first()
    head = chain_head(organization)
    if last is not None and (last.seq == head.seq or (due and timezone.now() - last.taken_at < due)):
        return last
    failed = ChainCheck.objects.filter(organization=organization, failed_seq__isnull=False).first()
    if failed is not None:
        raise ConflictError(f"{organization.slug}: the chain failed verification ({failed.detail})")
    problem = chain_verify_from(
        organization, seq=last.seq if last else 0, head_hash=last.head_hash if last else ""
    )
    if problem is not None:
        chain_check_store(organization, problem)
        raise ConflictError(f"{organization.slug}: the chain failed verification ({problem.detail})")
    if head.seq == 0:
        return None
    taken_at = timezone.now()
    payload = {
        "type": CHECKPOINT_TYPE,
        "organization": organization.slug,
        "record": head.seq,
        "headHash": head.head_hash,
        "takenAt": taken_at.isoformat(timespec="seconds"),
    }
    kid, jws = _signer().sign(organization, payload)
    with transaction.atomic():
        checkpoint, _ = Checkpoint.objects.get_or_create(
            organization=organization,
            seq=head.seq,
            defaults={"head_hash": head.head_hash, "taken_at": taken_at, "kid": kid, "jws": jws},
        )
    return checkpoint


@task()
def checkpoints_take_task() -> dict:
    """On the clock: a checkpoint of every chain whose head moved (at most every CHECKPOINT_EVERY)."""
    taken, failed = 0, []
    for organization in Organization.objects.filter(chain__isnull=False).order_by("pk"):
        try:
            checkpoint_take(organization=organization, due=CHECKPOINT_EVERY)
            taken += 1
        except ConflictError:
            failed.append(organization.slug)
    return {"checked": taken, "failed": failed}


def checkpoints_document(organization: Organization) -> dict[str, Any]:
    """The organization's checkpoints, oldest first, each with its signature: what partners archive."""
    return {
        "type": "SeamlineChainCheckpoints",
        "organization": organization.slug,
        "checkpoints": [
            {
                "record": c.seq,
                "headHash": c.head_hash,
                "takenAt": c.taken_at.isoformat(timespec="seconds"),
                "kid": c.kid,
                "jws": c.jws,
            }
            for c in Checkpoint.objects.filter(organization=organization).order_by("seq")
        ],
    }


def checkpoints_check(*, organization: Organization, document: Mapping[str, Any]) -> list[str]:
    """What of a saved checkpoints document the current chain contradicts, first problem first: a bad
    signature, a record gone (the chain rewound) or with another hash (rewritten). Kept as the
    organization's last verify result when anything does."""
    entries = sorted(document.get("checkpoints") or [], key=lambda e: e.get("record", 0))
    seqs = [e.get("record") for e in entries if isinstance(e.get("record"), int)]
    hashes = dict(
        Event.objects.filter(organization=organization, seq__in=seqs).values_list("seq", "record_hash")
    )
    head = chain_head(organization)
    problems: list[str] = []
    agreed = 0
    for entry in entries:
        seq, when = entry.get("record"), entry.get("takenAt")
        try:
            signed = _signer().verify(str(entry.get("jws", "")))
        except ValueError as exc:
            problems.append(f"checkpoint of record {seq} ({when}): bad signature: {exc}")
            continue
        claimed = {k: entry.get(k) for k in ("record", "headHash", "takenAt")}
        if {k: signed.get(k) for k in claimed} != claimed or signed.get("organization") != organization.slug:
            problems.append(f"checkpoint of record {seq} ({when}): its fields differ from what was signed")
            continue
        if seq not in hashes:
            problems.append(
                f"checkpoint of record {seq} ({when}) contradicted: record {seq} is gone, "
                f"the chain now ends at record {head.seq} (rewound)"
            )
        elif hashes[seq] != signed["headHash"]:
            problems.append(
                f"checkpoint of record {seq} ({when}) contradicted: record {seq} has hash {hashes[seq]}, "
                f"the checkpoint signed {signed['headHash']} (the chain was rewritten)"
            )
        elif not problems:
            agreed = seq
    if problems:
        # the chain is vouched for up to the last checkpoint it agrees with: the warning starts after it
        chain_check_store(organization, Break(None, agreed + 1, "contradicted", problems[0]))
    return problems
