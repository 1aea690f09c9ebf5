"""Issue #11 on the passport: the public page links only to public pages and warns when the ledger behind
it was edited; revoking takes a confirmation; the command resolves this install's DIDs on any port."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import jwt
import pytest
from django.db import connection
from django.test import Client

from seamline.cli import main
from seamline.passport.models import Passport
from seamline.passport.services import passport_revoke, passports_issue
from seamline.passport.signing import did_document, generate_key, public_jwk, sign_credential
from seamline.passport.verify import envelope, verify_passport

WARNING = "the records behind this passport were changed"


@pytest.fixture
def issued(delivered):
    return {**delivered, "passports": passports_issue(order=delivered["order"])}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.hrefs.append(href)


def _links(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    return parser.hrefs


def _tamper_dyeing() -> None:
    """The README's tamper demo (on the fixture's 41.5 kWh dye batch): SQL straight on the ledger table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the ledger's trigger refuses UPDATE otherwise
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE trace_event SET body = replace(body, '41.5', '4.15') WHERE biz_step LIKE '%dyeing'"
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_every_link_on_the_public_page_opens_without_signing_in(issued):
    serial = issued["passports"][0].serial
    anonymous = Client()
    page = anonymous.get(f"/p/{serial}").content.decode()
    hrefs = _links(page)
    assert "openstreetmap.org" in page  # the map's pins are there, and open a public map
    assert not [h for h in hrefs if "/facilities/" in h]
    checked = 0
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("mailto", "geo") or (parts.scheme in ("http", "https") and parts.netloc):
            continue  # another site, an e-mail, a place: not a page of this one
        if not parts.path:
            continue  # "#care": this page
        response = anonymous.get(href)
        assert response.status_code == 200, (href, response.status_code, response.get("Location"))
        checked += 1
    assert checked >= 2  # the verify page and the signed JSON at least


def test_a_tampered_ledger_event_shows_a_warning_on_the_public_page(issued, brand, django_assert_num_queries):
    serial = issued["passports"][0].serial
    anonymous = Client()
    first = anonymous.get(f"/p/{serial}").content.decode()
    assert WARNING not in first
    with django_assert_num_queries(1):  # cached: the fingerprint of its events' rows, nothing else
        assert anonymous.get(f"/p/{serial}").content.decode() == first
    _tamper_dyeing()
    page = anonymous.get(f"/p/{serial}").content.decode()  # the cached page is not served stale
    assert WARNING in page and 'role="alert"' in page and f"/p/{serial}/verify" in page
    assert WARNING in brand.client().get(f"/p/{serial}").content.decode()
    assert "did not verify" in anonymous.get(f"/p/{serial}/verify").content.decode()
    untouched = Client().get(f"/p/{issued['passports'][1].serial}").content.decode()
    assert WARNING in untouched  # the dye batch is every garment's: each of them links it


def test_revoking_takes_the_serial_typed_again(issued, brand):
    passport = issued["passports"][0]
    client = brand.client()
    page = client.get(f"/p/{passport.serial}").content.decode()
    assert f'href="/p/{passport.serial}/revoke"' in page and "<form" not in page  # a link, not a button
    confirm = client.get(f"/p/{passport.serial}/revoke")
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.content.decode()
    assert f'pattern="{passport.serial}"' in confirm.content.decode()  # the browser checks it too
    for typed, error in ((None, "This field is required"), ("yes", f"Type {passport.serial} exactly")):
        data = {"reason": "reported counterfeit"} | ({"confirm": typed} if typed else {})
        refused = client.post(f"/p/{passport.serial}/revoke", data)
        assert refused.status_code == 422 and error in refused.content.decode()
    passport.refresh_from_db()
    assert passport.revoked_at is None
    done = client.post(
        f"/p/{passport.serial}/revoke", {"reason": "reported counterfeit", "confirm": f" {passport.serial} "}
    )
    assert done.status_code == 302
    passport.refresh_from_db()
    assert passport.revoked_at is not None and passport.revoked_reason == "reported counterfeit"


def test_only_the_issuing_brand_sees_the_revoke_step(issued, factory):
    serial = issued["passports"][0].serial
    assert Client().get(f"/p/{serial}/revoke").status_code == 302  # to the sign-in page
    assert factory.client().get(f"/p/{serial}/revoke").status_code == 403
    assert Passport.objects.get(serial=serial).revoked_at is None


def _no_network(url, *args, **kwargs):
    raise AssertionError(f"fetched {getattr(url, 'full_url', url)}")


def test_the_command_verifies_a_passport_this_install_issued_on_another_port(
    delivered, settings, tmp_path, capsys, monkeypatch
):
    settings.SEAMLINE_BASE_URL = "http://127.0.0.1:8101"  # `make demo PORT=8101`
    passports = passports_issue(order=delivered["order"])
    assert jwt.get_unverified_header(passports[0].jws)["kid"].startswith("did:web:127.0.0.1%3A8101#")
    settings.SEAMLINE_BASE_URL = "http://127.0.0.1:8000"  # the command knows nothing of the demo's port
    monkeypatch.setattr("urllib.request.urlopen", _no_network)
    document = tmp_path / "passport.json"
    document.write_text(json.dumps(envelope(passports[0].jws)))
    assert main(["passport", "verify", str(document)]) == 0
    out = capsys.readouterr().out
    assert "ok   signature: signed by did:web:127.0.0.1%3A8101#" in out
    assert "ok   status: not revoked" in out and "VALID" in out
    # its revocation is read from this database too
    passport_revoke(passport=passports[1], organization=delivered["order"].brand, reason="recall")
    document.write_text(json.dumps(envelope(passports[1].jws)))
    assert main(["passport", "verify", str(document)]) == 1
    assert "FAIL status: revoked by its issuer" in capsys.readouterr().out


def test_another_hosts_did_is_fetched_even_when_its_key_name_is_also_ours(issued, monkeypatch):
    ours = issued["passports"][0]
    local_kid = jwt.get_unverified_header(ours.jws)["kid"].split("#", 1)[1]
    key = generate_key()
    foreign = "did:web:passports.other.example"
    credential = {**ours.credential, "issuer": {**ours.credential["issuer"], "id": foreign}}
    fetched: list[str] = []

    def fetch(url: str):
        fetched.append(url)
        if url == "https://passports.other.example/.well-known/did.json":
            return did_document(foreign, [(kid, public_jwk(key, kid)) for kid in ("other-1", local_kid)])
        raise OSError(f"{url}: unreachable in this test")

    monkeypatch.setattr("seamline.passport.verify._fetch_json", fetch)
    for kid in ("other-1", local_kid):  # a key name this database lacks, then one it has (slugs repeat)
        fetched.clear()
        checks, credential_back = verify_passport(sign_credential(credential, key, kid=kid))
        assert checks[0].ok and checks[0].name == "signature", checks[0]
        assert fetched[0] == "https://passports.other.example/.well-known/did.json"
        assert credential_back["issuer"]["id"] == foreign
