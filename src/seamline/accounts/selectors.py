"""Reads of accounts data, and the rule for which organization a request acts for."""

import hmac

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, QuerySet

from .models import ApiToken, Membership, Organization
from .services import TOKEN_PREFIX, hash_token_secret


def person_name(user: AbstractBaseUser | None) -> str | None:
    """How a person is named in the ledger and on pages: full name, else username (None: nobody)."""
    return (user.get_full_name() or user.get_username()) if user else None


def memberships_of(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def membership_for_user(*, user: AbstractBaseUser | AnonymousUser, org_id: int | None) -> Membership | None:
    """The membership the user acts through: the organization in the session if they belong to it, else their
    first (by name)."""
    memberships = list(memberships_of(user=user))
    chosen = next((m for m in memberships if m.organization_id == org_id), None)
    return chosen or (memberships[0] if memberships else None)


def api_token_list(*, organization: Organization) -> QuerySet[ApiToken]:
    """The organization's tokens, live ones first, newest first."""
    return (
        ApiToken.objects.filter(organization=organization)
        .select_related("created_by", "facility")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk")
    )


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


def bindable_facilities(*, organization: Organization) -> QuerySet:
    """The organization's facilities a partner's token may be bound to. Read through the token's foreign key:
    facilities sit above accounts (a facility belongs to an organization), so accounts names them only in
    its model, by the app label."""
    facility = ApiToken._meta.get_field("facility").related_model
    return facility.objects.filter(organization=organization).order_by("name")
