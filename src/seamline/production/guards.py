"""Rules the contexts above production add to an order's moves, e.g. cutting's "everything is cut before
sewing starts". Each guard returns why the move cannot happen yet, or None. Added from AppConfig.ready, so
production need not know the cutting room; no models here (apps.py imports it before Django is up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

__all__ = ["transition_blockers", "transition_guard_add"]

TransitionGuard = Callable[[Any], "str | None"]  # (the order) -> why not, or None
_GUARDS: dict[tuple[str, str], list[TransitionGuard]] = defaultdict(list)


def transition_guard_add(*, source: str, target: str, guard: TransitionGuard) -> None:
    if guard not in _GUARDS[(source, target)]:
        _GUARDS[(source, target)].append(guard)


def transition_blockers(order: Any, target: str) -> list[str]:
    """Why ``order`` cannot move to ``target`` yet (empty when nothing stands in the way)."""
    reasons = (guard(order) for guard in _GUARDS.get((order.state, target), ()))
    return [reason for reason in reasons if reason]
