"""Use cases that write accounts data."""

import hashlib
import ipaddress
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from seamline.core.errors import ConflictError, ValidationError

from .models import ApiToken, Membership, Organization, SignInAttempt

TOKEN_PREFIX = "sl_"


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def organization_create(*, name: str, kind: str, slug: str = "") -> Organization:
    name = name.strip()
    if not name:
        raise ValidationError("An organization needs a name", fields={"name": "This field is required."})
    if kind not in Organization.Kind.values:
        raise ValidationError(
            f"Unknown organization kind {kind!r}",
            fields={"kind": f"Must be one of {Organization.Kind.values}."},
        )
    slug = slug or slugify(name)
    if Organization.objects.filter(slug=slug).exists():
        raise ConflictError(f"An organization with slug {slug!r} exists", fields={"slug": "Already taken."})
    return Organization.objects.create(name=name, slug=slug, kind=kind)


@transaction.atomic
def member_add(
    *, organization: Organization, email: str, password: str, role: str, name: str = ""
) -> Membership:
    """Create (or reuse) the user with this email and make them a member with `role`."""
    if role not in Membership.Role.values:
        raise ValidationError(
            f"Unknown role {role!r}", fields={"role": f"Must be one of {Membership.Role.values}."}
        )
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first()
    if user is None:
        first, _, last = name.partition(" ")
        _password_check(password, user_model(username=email, email=email, first_name=first, last_name=last))
        user = user_model.objects.create_user(
            username=email, email=email, password=password, first_name=first, last_name=last
        )
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership


def _password_check(password: str, user: AbstractBaseUser) -> None:
    """AUTH_PASSWORD_VALIDATORS: at least 12 characters, not a common password, not all digits."""
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        problem = " ".join(exc.messages)
        raise ValidationError("The password is too weak", fields={"password": problem}) from None


@transaction.atomic
def signin_attempt_record(
    *,
    email: str,
    outcome: str,
    ip: str,
    user: AbstractBaseUser | None = None,
    user_agent: str = "",
    path: str = "",
) -> SignInAttempt:
    """Log one try at signing in; a failed try names the user whose e-mail was typed, if there is one."""
    if outcome not in SignInAttempt.Outcome.values:
        raise ValidationError(f"Unknown sign-in outcome {outcome!r}", fields={"outcome": "Unknown."})
    email = email.strip()[:254]
    if user is None and email:
        user = get_user_model().objects.filter(username=email).first()
    try:
        address = str(ipaddress.ip_address(ip))
    except ValueError:  # no REMOTE_ADDR, or a forwarded value that is no address
        address = None
    return SignInAttempt.objects.create(
        email=email, outcome=outcome, ip=address, user=user, user_agent=user_agent[:300], path=path[:200]
    )


@transaction.atomic
def api_token_create(
    *,
    organization: Organization,
    name: str,
    created_by: AbstractBaseUser | None = None,
    facility: Any = None,
) -> tuple[ApiToken, str]:
    """Issue a token; the plain key is returned once and never stored. A ``facility`` (one of the
    organization's) binds it to that place: a partner's token that may only record trace events there."""
    if facility is not None and facility.organization_id != organization.pk:
        raise ValidationError("The token is not valid", fields={"facility": "Choose one of your facilities."})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        created_by=created_by,
        name=name,
        prefix=prefix,
        key_hash=hash_token_secret(secret),
        facility=facility,
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
