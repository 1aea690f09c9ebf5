"""Every endpoint needs a live token of an organization, or a signed-in session (with CSRF on writes)."""

from __future__ import annotations

import pytest
from django.test import Client

from seamline.accounts.models import ApiToken
from seamline.accounts.services import api_token_revoke
from seamline.catalog.models import Material
from tests import factories as f

from .helpers import post, problem

ENDPOINTS = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/factories"),
    ("get", "/api/v1/materials"),
    ("post", "/api/v1/materials"),
    ("get", "/api/v1/materials/1"),
    ("post", "/api/v1/materials/1/certifications"),
    ("get", "/api/v1/rolls"),
    ("post", "/api/v1/rolls"),
    ("get", "/api/v1/rolls/1"),
    ("get", "/api/v1/styles"),
    ("post", "/api/v1/styles"),
    ("get", "/api/v1/styles/1"),
    ("post", "/api/v1/styles/1/bom-lines"),
    ("put", "/api/v1/styles/1/routing"),
    ("get", "/api/v1/facilities"),
    ("post", "/api/v1/facilities"),
    ("get", "/api/v1/facilities/1"),
    ("patch", "/api/v1/facilities/1"),
    ("get", "/api/v1/production-orders"),
    ("post", "/api/v1/production-orders"),
    ("get", "/api/v1/production-orders/1"),
    ("post", "/api/v1/production-orders/1/transitions"),
]

MATERIAL = {"name": "Canvas", "composition": {"cotton": 100}, "weight_gsm": 340, "usable_width_cm": 150}
CSRF_SECRET = "A" * 32


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_answers_401_without_credentials(db, method: str, url: str) -> None:
    response = getattr(Client(), method)(url)

    body = problem(response, 401)
    assert body["type"] == "https://seamline.dev/problems/unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sl_deadbeef_not-the-secret",
        "Bearer not-a-seamline-token",
        "Bearer ",
        "Token sl_deadbeef_secret",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_an_invalid_token_is_401(brand, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/materials")

    problem(response, 401)


def test_a_tokens_secret_must_match_its_prefix(brand) -> None:
    prefix = ApiToken.objects.get(organization=brand.org).prefix

    response = Client(HTTP_AUTHORIZATION=f"Bearer sl_{prefix}_wrong-secret").get("/api/v1/me")

    problem(response, 401)


def test_a_revoked_token_is_401(brand) -> None:
    assert brand.api().get("/api/v1/me").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(organization=brand.org))

    response = brand.api().get("/api/v1/me")

    problem(response, 401)


def test_me_names_the_tokens_organization(brand) -> None:
    response = brand.api().get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "organization": {
            "id": brand.org.pk,
            "name": "Echo Park Atelier",
            "slug": brand.org.slug,
            "kind": "brand",
            "created_at": response.json()["organization"]["created_at"],
        },
        "auth": "token",
        "token_name": "tests",
    }
    assert response.json()["organization"]["created_at"].endswith("Z")


def test_a_signed_in_session_reads(factory) -> None:
    response = factory.client().get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["auth"] == "session"
    assert response.json()["token_name"] is None
    assert response.json()["organization"]["id"] == factory.org.pk


def test_a_session_without_membership_is_401(db) -> None:
    user = f.make_member(f.make_org("brand"))
    user.memberships.all().delete()
    client = Client()
    client.force_login(user)

    problem(client.get("/api/v1/me"), 401)


def test_a_session_write_without_csrf_token_is_403_and_writes_nothing(brand) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(brand.user)

    body = problem(post(client, "/api/v1/materials", MATERIAL), 403)

    assert body["type"] == "https://seamline.dev/problems/forbidden"
    assert "CSRF" in body["detail"]
    assert not Material.objects.exists()


def test_a_session_write_with_csrf_token_succeeds(brand) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    client.force_login(brand.user)
    client.cookies["csrftoken"] = CSRF_SECRET

    response = post(client, "/api/v1/materials", MATERIAL)

    assert response.status_code == 201, response.content
    assert Material.objects.get().organization == brand.org


def test_a_session_read_needs_no_csrf_token(brand) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(brand.user)

    assert client.get("/api/v1/materials").status_code == 200


def test_token_writes_are_exempt_from_csrf(brand) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {brand.token}")

    response = post(client, "/api/v1/materials", MATERIAL)

    assert response.status_code == 201, response.content


def test_the_factory_directory_lists_factories_only(brand, factory, other_factory) -> None:
    response = brand.api().get("/api/v1/factories")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"id": factory.org.pk, "name": "Alameda Street Sewing", "slug": factory.org.slug},
            {"id": other_factory.org.pk, "name": "Vernon Knits", "slug": other_factory.org.slug},
        ],
        "count": 2,
    }
