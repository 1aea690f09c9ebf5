"""Signing in and out, and acting for another of one's organizations."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from seamline.accounts.middleware import SESSION_KEY
from seamline.accounts.services import member_add
from tests import factories as f
from tests.conftest import Tenant


def test_sign_in_with_email_and_password_lands_on_the_dashboard(brand: Tenant):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": brand.user.username, "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert brand.org.name in client.get(reverse("dashboard")).content.decode()


def test_a_wrong_password_is_refused(brand: Tenant):
    response = Client().post(reverse("login"), {"username": brand.user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_sign_out_is_a_post(brand: Tenant):
    client = brand.client()
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_member_of_two_organizations_switches_between_them(brand: Tenant, factory: Tenant):
    member_add(organization=factory.org, email=brand.user.username, password=f.PASSWORD, role="staff")
    client = brand.client()
    first = client.get(reverse("dashboard")).content.decode()
    assert 'name="organization"' in first  # the switcher shows for two memberships
    switch = client.post(
        reverse("org_switch"), {"organization": factory.org.pk, "next": "/production/orders/"}
    )
    assert switch.status_code == 302 and switch["Location"] == "/production/orders/"
    assert client.session[SESSION_KEY] == factory.org.pk
    response = client.get(reverse("dashboard"))
    assert response.context["organization"] == factory.org


def test_one_cannot_switch_to_an_organization_one_is_not_in(brand: Tenant, other_brand: Tenant):
    client = brand.client()
    assert client.post(reverse("org_switch"), {"organization": other_brand.org.pk}).status_code == 404
    assert client.post(reverse("org_switch"), {"organization": "junk"}).status_code == 404
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard")).context["organization"] == brand.org


def test_switching_never_redirects_off_site(brand: Tenant):
    response = brand.client().post(
        reverse("org_switch"), {"organization": brand.org.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_failed_sign_in_speaks_of_the_email_not_a_username(brand: Tenant):
    response = Client().post(reverse("login"), {"username": brand.user.username, "password": "nope"})
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "Please enter a correct e-mail and password. Note that both fields may be case-sensitive."
    ]
    assert "correct username" not in response.content.decode()
