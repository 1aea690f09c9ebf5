"""A drop's life, as plain data (no Django).

    draft -> live -> funded -> fulfilled
              \\        \\
               \\-> closed_unfunded   (closing time passed below the threshold: every hold is voided)
    draft, live, funded -> cancelled  (holds voided, captured payments refunded)
"""

from enum import StrEnum

__all__ = ["SELLING", "DropState", "can_transition"]


class DropState(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    FUNDED = "funded"
    CLOSED_UNFUNDED = "closed_unfunded"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"


TRANSITIONS: dict[DropState, frozenset[DropState]] = {
    DropState.DRAFT: frozenset({DropState.LIVE, DropState.CANCELLED}),
    DropState.LIVE: frozenset({DropState.FUNDED, DropState.CLOSED_UNFUNDED, DropState.CANCELLED}),
    DropState.FUNDED: frozenset({DropState.FULFILLED, DropState.CANCELLED}),
    DropState.CLOSED_UNFUNDED: frozenset(),
    DropState.CANCELLED: frozenset(),
    DropState.FULFILLED: frozenset(),
}

# A funded drop keeps selling up to its run cap until it closes: the threshold is a floor, not a ceiling.
SELLING = frozenset({DropState.LIVE, DropState.FUNDED})


def can_transition(source: str, target: str) -> bool:
    """
    >>> can_transition("live", "funded"), can_transition("funded", "live")
    (True, False)
    """
    return DropState(target) in TRANSITIONS[DropState(source)]
