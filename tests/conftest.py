"""Two brands and two factories, so every test can check that one tenant never sees another's data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection
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


# The real server ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    """The URL of the test database this test run uses, for the server process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return ""  # the server gets SEAMLINE_VAR pointing at the test file's folder instead
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Server:
    url: str
    process: subprocess.Popen


@pytest.fixture
def server_process(transactional_db, tmp_path) -> Iterator[Server]:
    """`seamline serve --with-worker` on a free port, on this test run's database."""
    port = _free_port()
    env = os.environ | {"ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": _database_url()}
    if connection.vendor == "sqlite":
        # The server's default SQLite file is $SEAMLINE_VAR/seamline.sqlite3: link it to the test database.
        (tmp_path / "seamline.sqlite3").symlink_to(connection.settings_dict["NAME"])
        env["SEAMLINE_VAR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "seamline", "serve", "--port", str(port), "--with-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"seamline serve did not listen: {proc.stderr.read().decode()[-2000:]}")
    yield Server(f"http://127.0.0.1:{port}", proc)
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture
def server(server_process: Server) -> str:
    """The real server's base URL."""
    return server_process.url
