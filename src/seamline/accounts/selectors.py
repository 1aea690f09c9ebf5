"""Reads of accounts data, and the rule for which organization a request acts for."""

import hmac

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import ApiToken, Membership, Organization
from .services import TOKEN_PREFIX, hash_token_secret


def memberships_of(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def organization_for_user(
    *, user: AbstractBaseUser | AnonymousUser, org_id: int | None
) -> Organization | None:
    """The organization the user acts for: the one in the session if they belong to it, else their first."""
    memberships = list(memberships_of(user=user))
    for m in memberships:
        if m.organization_id == org_id:
            return m.organization
    return memberships[0].organization if memberships else None


def token_authenticate(*, key: str) -> ApiToken | None:
    """The live token for a presented key `sl_<prefix>_<secret>`, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = key[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    token = (
        ApiToken.objects.select_related("organization").filter(prefix=prefix, revoked_at__isnull=True).first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, hash_token_secret(secret)):
        return None
    return token


def factory_list() -> QuerySet[Organization]:
    """Factories are a public directory: a brand picks one to place an order with."""
    return Organization.objects.filter(kind=Organization.Kind.FACTORY).order_by("name")
