"""Settings from the environment (issue #13): each install's own secret, the passport keys' passphrase,
production over HTTPS (`check --deploy` clean), and the Content-Security-Policy.

The settings module is run afresh with runpy under a chosen environment and a temporary SEAMLINE_VAR: no
test reads or writes the developer's var/ folder."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

import seamline
from seamline.config import settings as settings_module
from seamline.core.csp import csp_header, source_hash
from seamline.passport.models import IssuerKey
from seamline.passport.services import issuer_key, issuer_keys_reencrypt, key_rotate
from seamline.passport.signing import KeyLoadError, generate_key, load_private_pem, private_pem
from tests import factories as f

OLD_PUBLIC_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"  # what every default install had
SETTINGS_FILE = settings_module.__file__
SRC = Path(seamline.__file__).parent

# The production environment docs/production.md gives (but DATABASE_URL and REDIS_URL: the deploy check
# reaches neither).
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SEAMLINE_REQUIRE_SECRET_KEY": "1",
    "ALLOWED_HOSTS": "seamline.example.com",
    "SEAMLINE_BASE_URL": "https://seamline.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://seamline.example.com",
    "SEAMLINE_HTTPS": "1",
    "SEAMLINE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "SEAMLINE_TRUST_X_FORWARDED_FOR": "1",
}
_OURS = (
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "SEAMLINE_KEY_PASSPHRASE",
    "SEAMLINE_SECRET_KEY_FILE",
    "SEAMLINE_REQUIRE_SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    *PRODUCTION,
)


def _load(monkeypatch, var: Path, **env: str) -> dict:
    """The settings module's names under this environment, as a fresh process would see them."""
    for name in _OURS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEAMLINE_VAR", str(var))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS_FILE)


def _old_passphrase() -> bytes:
    import hashlib
    import hmac

    return hmac.new(OLD_PUBLIC_KEY.encode(), b"seamline passport keys", hashlib.sha256).hexdigest().encode()


# An unset SECRET_KEY --------------------------------------------------------------------------------------


def test_an_unset_secret_key_is_this_installs_own_random_secret(monkeypatch, tmp_path):
    first = _load(monkeypatch, tmp_path / "one")
    key = first["SECRET_KEY"]
    assert key != OLD_PUBLIC_KEY and len(key) >= 50
    kept = tmp_path / "one" / "secret_key.txt"
    assert kept.read_text().strip() == key
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert _load(monkeypatch, tmp_path / "one")["SECRET_KEY"] == key  # kept across restarts
    assert _load(monkeypatch, tmp_path / "two")["SECRET_KEY"] != key  # never shared by two installs


def test_the_environments_secret_key_wins_and_can_be_required(monkeypatch, tmp_path):
    given = "k" * 20 + "ey-from-the-environment-" + "x" * 20
    assert _load(monkeypatch, tmp_path, SECRET_KEY=given)["SECRET_KEY"] == given
    assert not (tmp_path / "secret_key.txt").exists()
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        _load(monkeypatch, tmp_path, SEAMLINE_REQUIRE_SECRET_KEY="1")


def test_processes_starting_at_once_share_one_secret(tmp_path):
    path = tmp_path / "var" / "secret_key.txt"
    keys: list[str] = []
    threads = [
        threading.Thread(target=lambda: keys.append(settings_module.secret_key_from_file(path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["secret_key.txt"]  # no leftovers


def test_a_damaged_secret_file_stops_the_start(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    path = tmp_path / "secret_key.txt"
    path.write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="no usable secret key"):
        settings_module.secret_key_from_file(path)


# The passport keys' passphrase --------------------------------------------------------------------------


@pytest.fixture
def default_install(settings, monkeypatch, tmp_path):
    """An install that sets neither SECRET_KEY nor SEAMLINE_KEY_PASSPHRASE, its var/ in tmp_path."""
    monkeypatch.delenv("SEAMLINE_KEY_PASSPHRASE", raising=False)
    settings.SECRET_KEY = settings_module.secret_key_from_file(tmp_path / "secret_key.txt")
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def test_a_database_copy_does_not_open_a_default_installs_keys(default_install, db):
    """Issue #13: the passphrase came from a constant in the code, so a copy of the database was enough."""
    row = key_rotate(organization=f.make_org("brand"))
    with pytest.raises(KeyLoadError):
        load_private_pem(row.private_pem.encode(), _old_passphrase())
    _, key = issuer_key(row.organization)  # this install still opens it
    assert key.as_dict(private=False)["x"] == row.public_jwk["x"]


def test_keys_made_under_the_old_default_open_once_and_move_to_this_installs_secret(default_install, db):
    """A demo database seeded before the fix keeps issuing passports; its keys, retired ones too, are
    encrypted again under this install's secret the first time one is used."""
    brand = f.make_org("brand")
    old_keys = [generate_key(), generate_key()]
    retired = IssuerKey.objects.create(
        organization=brand,
        kid=f"{brand.slug}-1",
        public_jwk={},
        private_pem=private_pem(old_keys[0], _old_passphrase()).decode(),
        retired_at="2026-01-01T00:00:00Z",
    )
    current = IssuerKey.objects.create(
        organization=brand,
        kid=f"{brand.slug}-2",
        public_jwk={},
        private_pem=private_pem(old_keys[1], _old_passphrase()).decode(),
    )
    row, key = issuer_key(brand)
    assert row.pk == current.pk and key.as_dict(private=True)["d"] == old_keys[1].as_dict(private=True)["d"]
    for stored in (retired, current):
        stored.refresh_from_db()
        with pytest.raises(KeyLoadError):
            load_private_pem(stored.private_pem.encode(), _old_passphrase())
    assert issuer_keys_reencrypt() == 0  # nothing left under an old passphrase


def test_a_rotated_secret_key_keeps_the_keys_through_its_fallback(default_install, db):
    row = key_rotate(organization=f.make_org("brand"))
    default_install.SECRET_KEY_FALLBACKS = [default_install.SECRET_KEY]
    default_install.SECRET_KEY = "a-new-secret-key-" + "n" * 50
    _, key = issuer_key(row.organization)
    assert key.as_dict(private=False)["x"] == row.public_jwk["x"]


def test_a_key_under_an_unknown_passphrase_still_fails_loudly(default_install, db):
    brand = f.make_org("brand")
    IssuerKey.objects.create(
        organization=brand,
        kid=f"{brand.slug}-1",
        public_jwk={},
        private_pem=private_pem(generate_key(), b"somebody else's passphrase").decode(),
    )
    with pytest.raises(KeyLoadError):
        issuer_key(brand)


# Production over HTTPS ----------------------------------------------------------------------------------


def test_https_turns_on_hsts_secure_cookies_and_the_redirect(monkeypatch, tmp_path):
    plain = _load(monkeypatch, tmp_path)
    assert (plain["SECURE_SSL_REDIRECT"], plain["SESSION_COOKIE_SECURE"], plain["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )
    assert "SECURE_PROXY_SSL_HEADER" not in plain
    https = _load(monkeypatch, tmp_path, **PRODUCTION)
    assert https["SECURE_SSL_REDIRECT"] and https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] == 31_536_000 and https["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert https["CSRF_TRUSTED_ORIGINS"] == ["https://seamline.example.com"]
    short = _load(
        monkeypatch, tmp_path, **PRODUCTION, SEAMLINE_HSTS_SECONDS="3600", SEAMLINE_HSTS_PRELOAD="0"
    )
    assert (short["SECURE_HSTS_SECONDS"], short["SECURE_HSTS_PRELOAD"]) == (3600, False)


@pytest.mark.parametrize(
    ("given", "header"),
    [
        ("X-Forwarded-Proto: https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-proto=https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("HTTP_X_FORWARDED_SSL=on", ("HTTP_X_FORWARDED_SSL", "on")),
    ],
)
def test_the_proxy_header_is_written_as_it_is_sent(given, header):
    assert settings_module.proxy_ssl_header(given) == header


def test_a_proxy_header_without_a_value_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="X-Forwarded-Proto: https"):
        settings_module.proxy_ssl_header("X-Forwarded-Proto")


def _check_deploy(tmp_path: Path, env: dict[str, str]) -> str:
    # DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it in this process; no deployment has it.
    clean = {k: v for k, v in os.environ.items() if k not in (*_OURS, "DJANGO_ALLOW_ASYNC_UNSAFE")}
    result = subprocess.run(
        [sys.executable, "-m", "seamline", "manage", "check", "--deploy"],
        env=clean | {"SEAMLINE_VAR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout + result.stderr


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    out = _check_deploy(tmp_path, PRODUCTION)
    assert "System check identified no issues (0 silenced)." in out, out


def test_a_default_install_warns_only_of_plain_http(tmp_path):
    """Without SEAMLINE_HTTPS the deploy check names what is missing; the secret is no longer one of them."""
    out = _check_deploy(tmp_path, {})
    assert sorted(set(re.findall(r"security\.W\d+", out))) == [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ], out


# The Content-Security-Policy ----------------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


@pytest.mark.parametrize(
    ("path", "signed_in"), [("/login/", False), ("/admin/login/", False), ("/", True), ("/api/v1/docs", True)]
)
def test_html_pages_carry_the_policy(path, signed_in, brand):
    response = (brand.client() if signed_in else Client()).get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    scripts = policy["script-src"]
    assert scripts[0] == "'self'" and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts


def test_json_answers_carry_no_page_policy(brand):
    assert "Content-Security-Policy" not in brand.api().get("/api/v1/me")


def test_the_policys_hashes_are_those_of_the_handlers():
    header = csp_header({"script-src": ["'self'"]}, ["window.print()"])
    # echo -n 'window.print()' | openssl dgst -sha256 -binary | base64
    assert header == "script-src 'self' 'unsafe-hashes' 'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"
    assert source_hash("window.print()") == "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"


def test_no_template_has_inline_script():
    """An onclick=… or an inline <script> would silently stop working under the policy: wire the control in
    core/static/seamline/ui.js (data-confirm, data-autosubmit, data-print) instead."""
    found = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        name, text = str(template.relative_to(SRC)), template.read_text()
        found += [f"{name}: {h}" for h in re.findall(r'\son[a-z]+="([^"]*)"', text)]
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            found.append(f"{name}: an inline <script>")
    assert found == []
    assert django_settings.SEAMLINE_CSP_INLINE_HANDLERS == []


def test_revoking_a_token_asks_from_a_static_script(brand):
    page = brand.client().get("/tokens/").content.decode()
    assert "onsubmit" not in page and "data-confirm=" in page and "/static/seamline/ui.js" in page
    assert Client().get("/static/seamline/ui.js").status_code == 200
