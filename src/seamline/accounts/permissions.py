"""Who may do what inside an organization, as plain data (no Django).

owner     everything, including API tokens
staff     edits the catalog and facilities, places, cancels and moves orders, plans cuts, receives rolls,
          dispatches local delivery (couriers, vehicles, parcels, a day's routes), manages the floor's people
          (workers, wages, skills, apprenticeships) and plans it (line balances, schedules)
operator  receives rolls, cuts lays and moves orders along the floor's states (cutting to delivered);
          placing, taking back to draft and cancelling need PLACE_ORDERS (production/states.py says
          which move needs which); reads everything else. A courier with a login is an operator: they act
          on the stops of their own routes (delivery checks that), no one else's; operators scan their work
          on bundles and record QC inspections (MOVE_ORDERS)

An API token acts as staff: it can do the work but cannot issue more tokens.
"""

from enum import StrEnum

__all__ = ["TOKEN_ROLE", "Permission", "can", "permissions_of"]


class Permission(StrEnum):
    RECEIVE_ROLLS = "receive_rolls"
    MOVE_ORDERS = "move_orders"
    EDIT_CATALOG = "edit_catalog"
    EDIT_FACILITIES = "edit_facilities"
    PLACE_ORDERS = "place_orders"
    PLAN_CUTS = "plan_cuts"
    MANAGE_TOKENS = "manage_tokens"
    DISPATCH = "dispatch"
    MANAGE_PEOPLE = "manage_people"


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "owner": _ALL,
    "staff": _ALL - {Permission.MANAGE_TOKENS},
    "operator": frozenset({Permission.RECEIVE_ROLLS, Permission.MOVE_ORDERS}),
}
TOKEN_ROLE = "staff"


def permissions_of(role: str | None) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(role or "", frozenset())


def can(role: str | None, permission: Permission) -> bool:
    """
    >>> can("operator", Permission.MOVE_ORDERS), can("operator", Permission.EDIT_CATALOG)
    (True, False)
    """
    return permission in permissions_of(role)
