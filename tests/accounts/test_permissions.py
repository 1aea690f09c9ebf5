from seamline.accounts.permissions import TOKEN_ROLE, Permission, can, permissions_of


def test_owner_can_everything():
    assert permissions_of("owner") == frozenset(Permission)


def test_staff_does_the_work_but_issues_no_tokens():
    assert permissions_of("staff") == frozenset(Permission) - {Permission.MANAGE_TOKENS}


def test_operator_receives_rolls_and_moves_orders_only():
    assert permissions_of("operator") == {Permission.RECEIVE_ROLLS, Permission.MOVE_ORDERS}


def test_unknown_or_missing_role_can_nothing():
    assert permissions_of(None) == frozenset() and not can("intern", Permission.MOVE_ORDERS)


def test_tokens_act_as_staff():
    assert not can(TOKEN_ROLE, Permission.MANAGE_TOKENS) and can(TOKEN_ROLE, Permission.EDIT_CATALOG)
