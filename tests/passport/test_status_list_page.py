"""/p/status/<slug>: served only for an organization that has issued a passport; a read never makes a key
(issue #13: an anonymous GET made a signing key for any organization and did.json published it)."""

from __future__ import annotations

import jwt
import pytest
from django.test import Client

from seamline.passport.models import IssuerKey
from seamline.passport.services import passports_issue


def _did_keys() -> list[str]:
    return [m["id"] for m in Client().get("/.well-known/did.json").json().get("verificationMethod", [])]


@pytest.mark.parametrize("who", ["factory", "brand", "nobody"])
def test_no_list_and_no_key_for_an_organization_that_issued_no_passport(db, request, who: str) -> None:
    slug = request.getfixturevalue(who).org.slug if who != "nobody" else "no-such-org"

    response = Client().get(f"/p/status/{slug}")

    assert response.status_code == 404
    assert not IssuerKey.objects.exists()
    assert _did_keys() == []


def test_an_unknown_slug_and_a_silent_organization_answer_alike(factory) -> None:
    known = Client().get(f"/p/status/{factory.org.slug}")
    unknown = Client().get("/p/status/no-such-org")

    assert known.status_code == unknown.status_code == 404
    assert factory.org.slug.encode() not in known.content and b"no-such-org" not in unknown.content


def test_the_issuers_list_is_served_with_the_key_it_has(delivered) -> None:
    brand = delivered["order"].brand
    passports_issue(order=delivered["order"])
    keys = list(IssuerKey.objects.values_list("kid", flat=True))

    response = Client().get(f"/p/status/{brand.slug}")

    assert response.status_code == 200
    token = response.json()["id"].split(",", 1)[1]  # data:application/vc+jwt,<compact JWS>
    assert jwt.get_unverified_header(token)["kid"].rsplit("#", 1)[1] in keys
    assert list(IssuerKey.objects.values_list("kid", flat=True)) == keys
    assert Client().get(f"/p/status/{delivered['order'].factory.slug}").status_code == 404


def test_a_nul_in_a_passport_address_is_a_plain_400() -> None:
    response = Client().get("/p/PO-%00")

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
