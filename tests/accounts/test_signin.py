"""Signing in under attack (issue #13): failed sign-ins lock the address and the e-mail for growing times,
on the app's page and the admin's; every try is logged for superusers; passwords are at least 12 long."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from django.urls import reverse

from seamline.accounts import throttle
from seamline.accounts.models import SignInAttempt
from seamline.accounts.services import member_add
from seamline.core.errors import ValidationError
from tests import factories as f
from tests.conftest import Tenant

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def _fresh_counts():
    """The counts live in the cache: no test inherits another's failures, nor leaves its own behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: a lock is waited out without sleeping."""
    now = [1_000_000.0]
    monkeypatch.setattr(throttle, "_clock", lambda: now[0])
    return now


def _fail(client: Client, email: str, path: str = LOGIN):
    return client.post(path, {"username": email, "password": "not-the-password"})


def test_the_lock_doubles_after_five_failures_up_to_fifteen_minutes():
    locks = [throttle.lock_seconds(n, free=5, max_lock_s=900) for n in range(1, 18)]
    assert locks == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert throttle.lock_seconds(10_000, free=5, max_lock_s=900) == 900


def test_the_sixth_try_after_five_failures_is_refused_with_429(brand: Tenant, clock):
    client = Client()
    for _ in range(5):
        assert _fail(client, brand.user.username).status_code == 200
    # Locked: even the right password is refused, before it is checked.
    response = client.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD})
    assert response.status_code == 429 and response["Retry-After"] == "1"
    page = response.content.decode()
    assert "Too many failed sign-ins from your address. Try again in 1 second (at " in page
    assert "_auth_user_id" not in client.session
    clock[0] += 1  # the lock is over: the right password signs in
    response = client.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_each_failure_past_the_free_ones_doubles_the_wait(brand: Tenant, clock):
    client = Client()
    for _ in range(5):
        _fail(client, brand.user.username)
    waits = []
    for _ in range(4):
        clock[0] += waits[-1] if waits else 1
        assert _fail(client, brand.user.username).status_code == 200  # a try after the lock: checked
        refused = _fail(client, brand.user.username)
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
    assert waits == [2, 4, 8, 16]


def test_a_long_lock_says_when_in_minutes(brand: Tenant, clock, settings):
    settings.SEAMLINE_SIGNIN_THROTTLE = {"free_per_account": 1, "max_lock_s": 900}
    client = Client()
    for _ in range(11):  # 2^10 s is past the cap
        clock[0] += 900
        _fail(client, brand.user.username)
    refused = _fail(client, brand.user.username)
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert "Try again in 15 minutes (at " in refused.content.decode()


def test_a_success_forgets_the_accounts_failures(brand: Tenant, clock):
    client = Client()
    for _ in range(4):
        _fail(client, brand.user.username)
    assert client.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD}).status_code == 302
    client = Client()
    for _ in range(4):
        assert _fail(client, brand.user.username).status_code == 200
    assert _fail(client, brand.user.username).status_code == 200  # the 5th since the success: not yet refused


def test_one_address_trying_many_accounts_is_locked_too(db, clock):
    client = Client()
    for n in range(20):
        assert _fail(client, f"someone{n}@example.com").status_code == 200
    refused = _fail(client, "yet-another@example.com")
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    # Another address is not locked by this one.
    assert _fail(Client(REMOTE_ADDR="10.0.0.9"), "yet-another@example.com").status_code == 200


def test_locks_are_per_address_unless_a_trusted_proxy_says_otherwise(brand: Tenant, clock, settings):
    settings.SEAMLINE_TRUST_X_FORWARDED_FOR = True
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(5):
        _fail(attacker, brand.user.username)
    assert _fail(attacker, brand.user.username).status_code == 429
    owner = Client(HTTP_X_FORWARDED_FOR="198.51.100.2")  # the real owner, elsewhere, still signs in
    response = owner.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD})
    assert response.status_code == 302


def test_the_admin_sign_in_is_throttled_too(db, clock):
    admin_user = User.objects.create_superuser("root@example.com", "root@example.com", f.PASSWORD)
    client = Client()
    for _ in range(5):
        assert _fail(client, admin_user.username, ADMIN_LOGIN).status_code == 200
    refused = client.post(ADMIN_LOGIN, {"username": admin_user.username, "password": f.PASSWORD})
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    assert "Too many failed sign-ins" in refused.content.decode()
    clock[0] += 1
    response = client.post(ADMIN_LOGIN, {"username": admin_user.username, "password": f.PASSWORD})
    assert response.status_code == 302


def test_a_missing_password_is_no_failed_try(brand: Tenant):
    client = Client()
    for _ in range(8):
        assert client.post(LOGIN, {"username": brand.user.username, "password": ""}).status_code == 200
    assert client.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD}).status_code == 302
    assert SignInAttempt.objects.count() == 1


def test_every_try_is_logged_with_who_where_and_what_came_of_it(brand: Tenant, clock):
    client = Client(HTTP_USER_AGENT="curl/8.5")
    for _ in range(5):
        _fail(client, brand.user.username)
    for _ in range(3):  # hammering during the lock: one line, not three
        assert _fail(client, brand.user.username).status_code == 429
    _fail(client, "nobody@example.com")
    clock[0] += 1
    client.post(LOGIN, {"username": brand.user.username, "password": f.PASSWORD})
    rows = list(SignInAttempt.objects.order_by("pk").values_list("outcome", "email", "user", "ip"))
    me = (brand.user.username, brand.user.pk, "127.0.0.1")
    assert rows == [
        *[("failed", *me)] * 5,
        ("refused", *me),
        ("failed", "nobody@example.com", None, "127.0.0.1"),
        ("succeeded", *me),
    ]
    last = SignInAttempt.objects.order_by("pk").last()
    assert (last.user_agent, last.path) == ("curl/8.5", LOGIN)


def test_superusers_read_the_sign_in_log_and_nobody_edits_it(brand: Tenant):
    _fail(Client(), brand.user.username)
    attempt = SignInAttempt.objects.get()
    root = Client()
    root.force_login(User.objects.create_superuser("root@example.com", "root@example.com", f.PASSWORD))
    listing = root.get("/admin/accounts/signinattempt/")
    assert listing.status_code == 200 and brand.user.username in listing.content.decode()
    page = root.get(f"/admin/accounts/signinattempt/{attempt.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only
    assert root.get("/admin/accounts/signinattempt/add/").status_code == 403
    assert (
        root.post(f"/admin/accounts/signinattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert SignInAttempt.objects.filter(pk=attempt.pk).exists()
    staff = brand.user
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    assert brand.client().get("/admin/accounts/signinattempt/").status_code == 403


def test_passwords_need_twelve_characters(brand: Tenant):
    with pytest.raises(DjangoValidationError, match="at least 12 characters"):
        validate_password("eleven-char")
    validate_password("twelve-chars")
    with pytest.raises(ValidationError) as err:
        member_add(organization=brand.org, email="new@example.com", password="short-pass1", role="staff")
    assert "at least 12 characters" in err.value.fields["password"]
    assert not User.objects.filter(username="new@example.com").exists()


def test_the_demo_password_meets_the_policy(brand: Tenant):
    from seamline.demo import DEMO_LOGINS

    for email, _ in DEMO_LOGINS["users"]:
        validate_password(DEMO_LOGINS["password"], User(username=email, email=email))
    membership = member_add(
        organization=brand.org, email="founder@example.com", password=DEMO_LOGINS["password"], role="owner"
    )
    assert membership.user.check_password(DEMO_LOGINS["password"])
