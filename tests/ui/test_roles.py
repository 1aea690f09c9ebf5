"""Roles inside an organization: operators work the floor, staff run the catalog, owners issue tokens."""

from django.test import Client

from seamline.accounts.models import ApiToken
from seamline.catalog.models import Material
from tests import factories as f


def _login(org, role):
    client = Client()
    client.force_login(f.make_member(org, role=role))
    return client


def test_operator_cannot_create_materials_or_see_the_form(brand):
    operator = _login(brand.org, "operator")
    assert operator.get("/catalog/materials/new/").status_code == 403
    response = operator.post("/catalog/materials/new/", {"name": "Denim", "kind": "fabric"})
    assert response.status_code == 403
    assert b"Your role (operator) may not edit catalog." in response.content
    assert Material.objects.count() == 0
    assert b"New material" not in operator.get("/catalog/materials/").content


def test_operator_moves_orders_on_the_floor(brand, factory):
    order = f.make_order(brand.org, factory.org)
    brand.client().post(f"/production/orders/{order.pk}/transition/", {"target": "planned"})
    operator = _login(factory.org, "operator")
    response = operator.post(f"/production/orders/{order.pk}/transition/", {"target": "cutting"})
    assert response.status_code in (200, 302)
    order.refresh_from_db()
    assert order.state == "cutting"


def test_only_owners_issue_and_revoke_tokens(brand):
    staff = _login(brand.org, "staff")
    page = staff.get("/tokens/")
    assert page.status_code == 200 and b"Create token" not in page.content
    assert staff.post("/tokens/", {"name": "ERP"}).status_code == 403
    assert ApiToken.objects.filter(name="ERP").count() == 0
    assert brand.client().post("/tokens/", {"name": "ERP"}).status_code == 201
    token = ApiToken.objects.get(name="ERP")
    assert staff.post(f"/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_operators_neither_place_nor_cancel_orders(brand, factory):
    """Placing e-mails the factory and cancelling drops the work: the floor's role may do neither."""
    order = f.make_order(brand.org, factory.org)
    url = f"/production/orders/{order.pk}/transition/"
    brand_operator, factory_operator = _login(brand.org, "operator"), _login(factory.org, "operator")
    for operator in (brand_operator, factory_operator):
        response = operator.post(url, {"target": "planned"})
        assert response.status_code == 403 and b"may not place orders" in response.content
        assert operator.post(url, {"target": "cancelled"}, HTTP_HX_REQUEST="true").status_code == 403
    order.refresh_from_db()
    assert order.state == "draft"
    assert b"Place order" not in factory_operator.get(f"/production/orders/{order.pk}/").content

    assert _login(brand.org, "staff").post(url, {"target": "planned"}).status_code == 302
    page = factory_operator.get(f"/production/orders/{order.pk}/").content
    assert b"Start cutting" in page and b"Cancel order" not in page
    for target in ("cancelled", "draft"):
        assert factory_operator.post(url, {"target": target}).status_code == 403
    order.refresh_from_db()
    assert order.state == "planned"
    assert _login(factory.org, "staff").post(url, {"target": "cancelled"}).status_code == 302
    order.refresh_from_db()
    assert order.state == "cancelled"
