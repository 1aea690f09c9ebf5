"""Which role may make which move (production/states.py): placing and cancelling are not the floor's."""

import pytest

from seamline.accounts.permissions import Permission, permissions_of
from seamline.production.states import BRAND, FACTORY, TRANSITIONS, State, allowed_targets, permission_to_move

FLOOR = {State.CUTTING, State.SEWING, State.FINISHING, State.PACKED, State.DELIVERED}


@pytest.mark.parametrize("target", list(State))
def test_only_the_floors_moves_are_move_orders(target):
    expected = Permission.MOVE_ORDERS if target in FLOOR else Permission.PLACE_ORDERS
    assert permission_to_move(target) == expected


@pytest.mark.parametrize("source", list(TRANSITIONS))
@pytest.mark.parametrize("party", [BRAND, FACTORY])
def test_an_operator_is_offered_only_floor_moves_and_staff_every_move(source, party):
    everything = allowed_targets(source, party=party)
    assert allowed_targets(source, party=party, permissions=permissions_of("staff")) == everything
    operator = allowed_targets(source, party=party, permissions=permissions_of("operator"))
    assert operator == [t for t in everything if t in FLOOR]


def test_no_role_moves_nothing():
    assert allowed_targets("planned", party=FACTORY, permissions=permissions_of(None)) == []
