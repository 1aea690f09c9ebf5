"""The production order's life, as plain data (no Django): which state may follow which, and who may move it.

    draft -> planned -> cutting -> sewing -> finishing -> packed -> delivered
      \\________\\___________\\__________\\___________\\________-> cancelled

A brand places (draft -> planned) and may cancel until cutting starts; the factory moves the work
forward and may cancel anything not yet packed. Inside either side, placing, taking back to draft and
cancelling need the permission to place orders (staff, owners); operators move the floor's states only.
"""

from collections.abc import Collection
from enum import StrEnum

from seamline.accounts.permissions import Permission

__all__ = ["BRAND", "FACTORY", "State", "allowed_targets", "can_transition", "permission_to_move"]

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


# These commit the brand's money and the factory's calendar (placing e-mails the factory); the rest is
# the floor moving the work along.
_PLACING = frozenset({State.PLANNED, State.DRAFT, State.CANCELLED})


def permission_to_move(target: str) -> Permission:
    """What a role needs to move an order to `target` (whatever the source: each of these has one).

    >>> permission_to_move("planned"), permission_to_move("sewing")
    (<Permission.PLACE_ORDERS: 'place_orders'>, <Permission.MOVE_ORDERS: 'move_orders'>)
    """
    return Permission.PLACE_ORDERS if target in _PLACING else Permission.MOVE_ORDERS


def can_transition(
    source: str, target: str, *, party: str, permissions: Collection[str] | None = None
) -> bool:
    """True when `party` ("brand" or "factory") may move an order from `source` to `target`, and, when
    `permissions` (of the person's role) are given, they include the one the move needs.

    >>> can_transition("cutting", "sewing", party="factory")
    True
    >>> can_transition("delivered", "cutting", party="factory")
    False
    >>> can_transition("planned", "cancelled", party="factory", permissions={"move_orders"})
    False
    """
    if permissions is not None and permission_to_move(target) not in permissions:
        return False
    return party in TRANSITIONS.get(State(source), {}).get(State(target), frozenset())


def allowed_targets(source: str, *, party: str, permissions: Collection[str] | None = None) -> list[State]:
    return [
        target
        for target in TRANSITIONS[State(source)]
        if can_transition(source, target, party=party, permissions=permissions)
    ]
