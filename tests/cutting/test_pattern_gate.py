"""The gate between a pattern change and production: a version made for a change waits for review;
production cuts only the latest approved version, a sample its own (under review too); the brand's review
is an event in its ledger; a pre-order records the approved version on sale."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.events import pattern_reviewed
from seamline.cutting.models import PatternVersion
from seamline.cutting.rolls import Roll, assign_rolls
from seamline.cutting.selectors import pattern_version_latest
from seamline.cutting.services import cut_plan_request, pattern_import, pattern_version_review
from seamline.fitting.samples import sample_create
from seamline.trace import events as ev
from seamline.trace.models import Event
from seamline.trace.schema import validate_document

from .. import factories as f
from ..drops.helpers import buy, make_drop
from .conftest import SETTINGS, dxf_file, pattern_in_code


def _import(style, tmp_path, *, status="approved", based_on=None, name="jacket.dxf", extra=0):
    path = dxf_file(tmp_path, pattern_in_code({"S": extra, "M": 2 + extra, "L": 4 + extra}), name=name)
    with path.open("rb") as dxf:
        return pattern_import(style=style, dxf=dxf, status=status, based_on=based_on, change_note="wider")


def test_production_plans_the_approved_version_while_a_newer_one_is_under_review(shop, factory, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", based_on=shop["version"], name="v2.dxf", extra=1)
    assert (v2.number, v2.status, v2.based_on, v2.change_note) == (2, "review", shop["version"], "wider")
    assert pattern_version_latest(style_id=shop["style"].pk) == v2
    assert pattern_version_latest(style_id=shop["style"].pk, approved=True) == shop["version"]
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **SETTINGS)
    assert plan.pattern_version == shop["version"]


def test_production_refuses_a_style_with_only_a_version_under_review(brand, factory, tmp_path):
    style = f.make_style(brand.org, material=f.make_material(brand.org, width_cm="80"))
    _import(style, tmp_path, status="review")
    order = f.make_order(brand.org, factory.org, style, S=1)
    with pytest.raises(ValidationError) as caught:
        cut_plan_request(order=order, organization=factory.org, enqueue=False, **SETTINGS)
    assert caught.value.fields["pattern"] == (
        f"{style.code} has no approved pattern version (v1 is to review): production cuts only an approved "
        "version."
    )


def test_a_production_order_cannot_choose_its_version(shop, factory, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", name="v2.dxf")
    with pytest.raises(ConflictError):
        cut_plan_request(
            order=shop["order"], organization=factory.org, enqueue=False, pattern_version=v2, **SETTINGS
        )


def test_a_sample_order_plans_its_version_under_review_but_not_a_rejected_one(brand, factory, shop, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", name="v2.dxf")
    sample = sample_create(
        style=shop["style"],
        stage="fit",
        size="M",
        pattern_version=v2,
        factory=factory.org,
        organization=brand.org,
    )
    plan = cut_plan_request(
        order=sample.order, organization=factory.org, enqueue=False, pattern_version=v2, **SETTINGS
    )
    assert plan.pattern_version == v2
    pattern_version_review(version=v2, approve=False, organization=brand.org, by=brand.user)
    with pytest.raises(ConflictError):
        cut_plan_request(
            order=sample.order, organization=factory.org, enqueue=False, pattern_version=v2, **SETTINGS
        )


def test_approval_lets_production_cut_the_version_and_goes_to_the_ledger(brand, factory, shop, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", based_on=shop["version"], name="v2.dxf")
    v2 = pattern_version_review(version=v2, approve=True, organization=brand.org, by=brand.user, note="fits")
    assert (v2.status, v2.reviewed_by, v2.reviewed_at is not None) == ("approved", brand.user, True)
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **SETTINGS)
    assert plan.pattern_version == v2
    row = Event.objects.get(organization=brand.org, biz_step__endswith="inspecting")
    body = json.loads(row.body)
    assert body["epcList"] == [f"urn:seamline:pattern:{v2.pk}"]
    assert (body["disposition"].rsplit("-", 1)[-1], body["sl:review"]) == ("conformant", "approved")
    assert body["sl:basedOn"] == f"urn:seamline:pattern:{shop['version'].pk}"
    assert (body["sl:note"], body["sl:changeNote"], body["sl:patternNumber"]) == ("fits", "wider", 2)
    assert row.brand == brand.org
    with pytest.raises(ConflictError):  # reviewed once
        pattern_version_review(version=v2, approve=False, organization=brand.org, by=brand.user)


def test_rejection_keeps_production_on_the_approved_version(brand, factory, shop, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", name="v2.dxf")
    v2 = pattern_version_review(version=v2, approve=False, organization=brand.org, by=brand.user)
    assert v2.status == PatternVersion.Status.REJECTED
    body = json.loads(Event.objects.get(organization=brand.org, biz_step__endswith="inspecting").body)
    assert body["disposition"].endswith("non_conformant") and body["sl:review"] == "rejected"
    plan = cut_plan_request(order=shop["order"], organization=factory.org, enqueue=False, **SETTINGS)
    assert plan.pattern_version == shop["version"]


def test_neither_the_factory_nor_another_brand_reviews(brand, other_brand, factory, shop, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", name="v2.dxf")
    for org in (factory.org, other_brand.org):
        with pytest.raises(ForbiddenError):
            pattern_version_review(version=v2, approve=True, organization=org, by=None)
    v2.refresh_from_db()
    assert v2.status == "review" and not Event.objects.filter(biz_step__endswith="inspecting").exists()


def test_the_review_pages(brand, factory, shop, tmp_path):
    v2 = _import(shop["style"], tmp_path, status="review", name="v2.dxf")
    page = brand.client().get(f"/cutting/patterns/{v2.pk}/")
    assert "Approve for production" in page.text
    assert "Approve for production" not in factory.client().get(f"/cutting/patterns/{v2.pk}/").text
    assert factory.client().post(
        f"/cutting/patterns/{v2.pk}/review/", {"decision": "approve"}
    ).status_code in (
        403,
        302,
    )
    v2.refresh_from_db()
    assert v2.status == "review"
    brand.client().post(f"/cutting/patterns/{v2.pk}/review/", {"decision": "approve"})
    v2.refresh_from_db()
    assert v2.status == "approved"


def test_an_import_based_on_another_styles_version_is_refused(brand, shop, tmp_path):
    other_style = f.make_style(brand.org)
    with pytest.raises(ValidationError) as caught:
        _import(other_style, tmp_path, status="review", based_on=shop["version"])
    assert "based_on" in caught.value.fields
    with pytest.raises(ValidationError):
        _import(other_style, tmp_path, status="rejected")


def test_the_review_event_passes_the_capture_schema():
    from datetime import UTC, datetime

    event = pattern_reviewed(
        pattern=ev.pattern_uri(12),
        style_code="SD-01",
        number=2,
        approved=True,
        when=datetime(2026, 11, 5, 17, 0, tzinfo=UTC),
        based_on=ev.pattern_uri(11),
        change_note="front neckline 2 cm deeper",
        operator="Maya",
    )
    assert (event["bizStep"], event["disposition"]) == ("inspecting", "conformant")
    validate_document(ev.document([event]))


def test_a_preorder_records_the_approved_version_on_sale(brand, factory, tmp_path):
    drop = make_drop(brand.org, factory.org)
    assert buy(drop, "M", 1, n=1)[0].pattern_version is None  # no pattern yet
    v1 = _import(drop.style, tmp_path)
    _import(drop.style, tmp_path, status="review", based_on=v1, name="v2.dxf")
    preorder, _ = buy(drop, "M", 1, n=2)
    assert preorder.pattern_version == v1
    page = brand.client().get(f"/drops/{drop.slug}/")
    assert "<td>v1</td>" in page.text and "<td>—</td>" in page.text  # the founder's latest pre-orders


# Remnants first (the rolls engine) ----------------------------------------------------------------------


def test_remnants_first_takes_the_shortest_end_that_suffices_else_the_usual_rule():
    rolls = [
        Roll("whole", "A", Decimal("5.000")),
        Roll("end-3m", "A", Decimal("3.000"), remnant=True),
        Roll("end-1m", "A", Decimal("1.000"), remnant=True),
        Roll("end-b", "B", Decimal("0.900"), remnant=True),
    ]
    plan = assign_rolls([("L1", 1, 48.0)], rolls, remnants_first=True)  # 0.5 m
    assert [(u.roll_id, u.meters) for u in plan.lays[0].uses] == [("end-b", Decimal("0.500"))]
    plan = assign_rolls([("L1", 2, 48.0)], rolls, remnants_first=True)  # 1 m: lot A's 1 m end
    assert [(u.roll_id, u.plies) for u in plan.lays[0].uses] == [("end-1m", 2)]
    plan = assign_rolls([("L1", 9, 48.0)], rolls, remnants_first=True)  # 4.5 m: no ends suffice
    assert plan.lays[0].uses[0].roll_id == "whole"
    usual = assign_rolls([("L1", 1, 48.0)], rolls)  # without it: the largest lot, rolls in order
    assert usual.lays[0].uses[0].roll_id == "whole"
