"""Warnings for pages that show ledger records: a record at or after its chain's first failing record (the
last `trace verify` result, kept per organization) is shown under a banner. The kept result is read,
never recomputed: one query a page, none when the page shows no record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from seamline.trace.models import ChainCheck

__all__ = ["LedgerWarning", "ledger_warnings"]


@dataclass(frozen=True)
class LedgerWarning:
    """The chain of ``organization`` failed verification at record ``failed_seq`` (found ``checked_at``)."""

    organization: str
    failed_seq: int
    checked_at: datetime
    detail: str


def ledger_warnings(records: Iterable[Any]) -> list[LedgerWarning]:
    """A warning per chain of which ``records`` (ledger rows or trace steps: anything with
    ``organization_id`` and ``seq``) show one at or after its stored first failing record."""
    last: dict[int, int] = {}
    for record in records:
        if record.organization_id:
            last[record.organization_id] = max(last.get(record.organization_id, 0), record.seq)
    if not last:
        return []
    checks = (
        ChainCheck.objects.filter(organization_id__in=list(last), failed_seq__isnull=False)
        .select_related("organization")
        .order_by("failed_seq", "organization_id")
    )
    return [
        LedgerWarning(c.organization.name, c.failed_seq, c.checked_at, c.detail)
        for c in checks
        if c.failed_seq is not None and last[c.organization_id] >= c.failed_seq
    ]
