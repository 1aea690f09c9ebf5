"""Order transitions from the state panel: HTMX posts swap the panel; illegal moves change nothing."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Tenant
from tests.ui.conftest import World

HTMX = {"HX-Request": "true"}


def _move(tenant: Tenant, order_pk: int, target: str, *, htmx: bool = True):
    url = reverse("production:order_transition", args=[order_pk])
    return tenant.client().post(url, {"target": target}, headers=HTMX if htmx else {})


def test_the_brand_places_a_draft_and_gets_the_state_panel_back(brand: Tenant, world: World):
    order = world.mine.order
    response = _move(brand, order.pk, "planned")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card state-panel" id="state-panel"')
    assert 'data-testid="order-state">Planned<' in html
    assert "Back to draft" in html and "Start cutting" not in html  # cutting is the factory's move
    order.refresh_from_db()
    assert order.state == "planned"
    assert [t.target for t in order.transitions.all()] == ["draft", "planned"]


def test_a_move_the_party_may_not_make_is_refused_and_nothing_changes(brand: Tenant, world: World):
    order = world.mine.order
    _move(brand, order.pk, "planned")
    response = _move(brand, order.pk, "cutting")
    assert response.status_code == 409
    html = response.content.decode()
    assert "A brand cannot move an order from planned to cutting" in html
    assert 'data-testid="order-state">Planned<' in html
    order.refresh_from_db()
    assert order.state == "planned"
    assert order.transitions.count() == 2


def test_an_illegal_jump_by_the_factory_is_refused(factory: Tenant, world: World):
    order = world.mine.order
    response = _move(factory, order.pk, "delivered")
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.state == "draft"


def test_an_unknown_state_is_refused(factory: Tenant, world: World):
    response = _move(factory, world.mine.order.pk, "teleported")
    assert response.status_code == 422
    world.mine.order.refresh_from_db()
    assert world.mine.order.state == "draft"


def test_without_htmx_a_move_redirects_to_the_order_with_a_message(
    brand: Tenant, factory: Tenant, world: World
):
    order = world.mine.order
    _move(brand, order.pk, "planned")
    response = _move(factory, order.pk, "cutting", htmx=False)
    detail = reverse("production:order_detail", args=[order.pk])
    assert response.status_code == 302 and response["Location"] == detail
    order.refresh_from_db()
    assert order.state == "cutting"
    client = factory.client()
    refused = client.post(
        reverse("production:order_transition", args=[order.pk]), {"target": "planned"}, follow=True
    )
    assert "cannot move an order from cutting to planned" in refused.content.decode()
    order.refresh_from_db()
    assert order.state == "cutting"


def test_the_factory_sees_its_buttons_and_the_timeline(brand: Tenant, factory: Tenant, world: World):
    order = world.mine.order
    _move(brand, order.pk, "planned")
    _move(factory, order.pk, "cutting")
    html = factory.client().get(reverse("production:order_detail", args=[order.pk])).content.decode()
    assert "Start sewing" in html and "Cancel order" in html
    assert html.count("<li>\n      <time datetime=") == 3  # created, planned, cutting


def test_a_transition_needs_a_post(factory: Tenant, world: World):
    url = reverse("production:order_transition", args=[world.mine.order.pk])
    assert factory.client().get(url).status_code == 405
