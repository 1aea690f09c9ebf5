"""Pages speak people's words: "m" and "Active", not the ledger's MTR and active; a cut is offered only when
there is a pattern to nest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from seamline.core.templatetags.seamline_ui import sentence
from seamline.cutting.services import pattern_import
from seamline.lineage.selectors import step_detail
from tests import factories as f
from tests.conftest import Tenant
from tests.cutting.conftest import dxf_file, pattern_in_code
from tests.ui.conftest import World


@pytest.mark.parametrize(
    ("body", "readable"),
    [
        ({"quantityList": [{"quantity": 45.7, "uom": "MTR"}], "disposition": "active"}, "45.7 m · Active"),
        ({"inputQuantityList": [{"quantity": 8.7, "uom": "MTR"}], "sl:orderNumber": "P-3"}, "8.7 m · P-3"),
        ({"quantityList": [{"quantity": 4, "uom": "KGM"}], "disposition": "in_transit"}, "4 kg · In transit"),
        ({"disposition": "https://ref.gs1.org/cbv/Disp-non_conformant"}, "Non-conformant"),
        ({}, ""),
    ],
)
def test_a_trace_steps_detail_reads_in_words(body, readable):
    assert step_detail(body) == readable


@pytest.mark.parametrize(
    ("message", "as_sentence"),
    [
        ("The cut plan cannot be made", "The cut plan cannot be made."),
        ("pattern v2 (a.dxf) has no pieces for size M", "Pattern v2 (a.dxf) has no pieces for size M."),
        ("Already a sentence.", "Already a sentence."),
        ("Why?", "Why?"),
    ],
)
def test_a_message_reads_as_a_sentence(message, as_sentence):
    assert sentence(message) == as_sentence


def test_order_lists_show_states_in_words(brand: Tenant, factory: Tenant, world: World):
    for tenant in (brand, factory):
        html = tenant.client().get(reverse("production:order_list")).content.decode()
        assert '<span class="badge state-draft">Draft</span>' in html
        assert ">draft<" not in html
    style = brand.client().get(reverse("catalog:style_detail", args=[world.mine.style.pk])).content.decode()
    assert '<span class="badge state-draft">Draft</span>' in style and ">draft<" not in style


def test_a_rolls_page_shows_meters_not_unit_codes(factory: Tenant, world: World):
    html = factory.client().get(reverse("catalog:roll_detail", args=[world.mine.roll.pk])).content.decode()
    assert "<svg" in html  # the timeline of its trace events
    assert "MTR" not in html and "· active" not in html
    assert "m · Active</text>" in html and ">Receiving</text>" in html


def _order_page(tenant: Tenant, world: World) -> str:
    return (
        tenant.client().get(reverse("production:order_detail", args=[world.mine.order.pk])).content.decode()
    )


def test_without_a_pattern_the_order_offers_the_import_not_the_cut(
    brand: Tenant, factory: Tenant, world: World
):
    plan = reverse("cutting:cut_plan_create", args=[world.mine.order.pk])
    imports = reverse("cutting:pattern_import", args=[world.mine.style.pk])
    for tenant in (factory, brand):
        html = _order_page(tenant, world)
        assert plan not in html and "Plan the cut" not in html
        assert (
            f'has no pattern yet: <a href="{imports}">import a pattern first</a>, then plan the cut.' in html
        )
    operator = f.make_member(factory.org, role="operator")  # may neither plan nor import: told nothing
    client = factory.client()
    client.force_login(operator)
    html = client.get(reverse("production:order_detail", args=[world.mine.order.pk])).content.decode()
    assert "Plan the cut" not in html and "no-pattern" not in html


def test_with_a_pattern_the_factory_is_offered_the_cut(
    brand: Tenant, factory: Tenant, world: World, tmp_path
):
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=world.mine.style, dxf=dxf)
    html = _order_page(factory, world)
    assert reverse("cutting:cut_plan_create", args=[world.mine.order.pk]) in html
    assert "Plan the cut" in html and "no pattern yet" not in html
    assert "Plan the cut" not in _order_page(brand, world)  # the factory's to do
