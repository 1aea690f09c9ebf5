"""Two brands and two factories, so every test can check that one tenant never sees another's data."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from seamline.accounts.models import Organization

from . import factories as f


@dataclass
class Tenant:
    org: Organization
    user: User
    token: str

    def client(self) -> Client:
        c = Client()
        c.force_login(self.user)
        return c

    def api(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Tests sign up many users; the real hasher is deliberately slow (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _tenant(kind: str, name: str) -> Tenant:
    org = f.make_org(kind, name)
    return Tenant(org=org, user=f.make_member(org), token=f.make_token(org))


@pytest.fixture
def brand(db) -> Tenant:
    return _tenant("brand", "Echo Park Atelier")


@pytest.fixture
def other_brand(db) -> Tenant:
    return _tenant("brand", "Silver Lake Swim")


@pytest.fixture
def factory(db) -> Tenant:
    return _tenant("factory", "Alameda Street Sewing")


@pytest.fixture
def other_factory(db) -> Tenant:
    return _tenant("factory", "Vernon Knits")
