from seamline.accounts.models import ApiToken
from seamline.accounts.selectors import membership_for_user, token_authenticate
from seamline.accounts.services import api_token_create, api_token_revoke
from tests import factories as f


def test_token_is_shown_once_and_stored_hashed(brand):
    token, key = api_token_create(organization=brand.org, name="ERP")
    assert key.startswith(f"sl_{token.prefix}_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key.split("_", 2)[2] not in stored.key_hash
    assert token_authenticate(key=key) == token


def test_wrong_malformed_and_revoked_keys_fail(brand):
    token, key = api_token_create(organization=brand.org, name="ERP")
    assert token_authenticate(key=key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert token_authenticate(key="sl_nope") is None
    assert token_authenticate(key="Bearer " + key) is None
    api_token_revoke(token=token)
    assert token_authenticate(key=key) is None


def test_acting_organization_is_a_membership(brand, other_brand):
    user = brand.user
    # Not a member of the other brand: the session's choice is ignored.
    assert membership_for_user(user=user, org_id=other_brand.org.pk).organization == brand.org
    f.make_member(other_brand.org, email=user.email)
    assert membership_for_user(user=user, org_id=other_brand.org.pk).organization == other_brand.org
