"""The production order's life, as plain data (no Django): which state may follow which, and who may move it.

    draft -> planned -> cutting -> sewing -> finishing -> packed -> delivered
      \\________\\___________\\__________\\___________\\________-> cancelled

A brand places (draft -> planned) and may cancel until cutting starts; the factory moves the work
forward and may cancel anything not yet packed.
"""

from enum import StrEnum

__all__ = ["BRAND", "FACTORY", "State", "allowed_targets", "can_transition"]

BRAND = "brand"
FACTORY = "factory"


class State(StrEnum):
    DRAFT = "draft"
    PLANNED = "planned"
    CUTTING = "cutting"
    SEWING = "sewing"
    FINISHING = "finishing"
    PACKED = "packed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


_BOTH = frozenset({BRAND, FACTORY})
_FACTORY = frozenset({FACTORY})

TRANSITIONS: dict[State, dict[State, frozenset[str]]] = {
    State.DRAFT: {State.PLANNED: _BOTH, State.CANCELLED: _BOTH},
    State.PLANNED: {State.CUTTING: _FACTORY, State.DRAFT: _BOTH, State.CANCELLED: _BOTH},
    State.CUTTING: {State.SEWING: _FACTORY, State.CANCELLED: _FACTORY},
    State.SEWING: {State.FINISHING: _FACTORY, State.CANCELLED: _FACTORY},
    State.FINISHING: {State.PACKED: _FACTORY, State.CANCELLED: _FACTORY},
    State.PACKED: {State.DELIVERED: _FACTORY},
    State.DELIVERED: {},
    State.CANCELLED: {},
}

OPEN_STATES = (State.DRAFT, State.PLANNED, State.CUTTING, State.SEWING, State.FINISHING, State.PACKED)


def can_transition(source: str, target: str, *, party: str) -> bool:
    """True when `party` ("brand" or "factory") may move an order from `source` to `target`.

    >>> can_transition("cutting", "sewing", party="factory")
    True
    >>> can_transition("delivered", "cutting", party="factory")
    False
    """
    return party in TRANSITIONS.get(State(source), {}).get(State(target), frozenset())


def allowed_targets(source: str, *, party: str) -> list[State]:
    return [target for target, parties in TRANSITIONS[State(source)].items() if party in parties]
