"""/api/v1 of the cutting room: a pattern uploaded as multipart, a cut plan queued and read, a lay cut."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from seamline.catalog.models import FabricRoll
from seamline.cutting.dxf_aama import read_dxf_aama
from seamline.cutting.models import CutPlan, PatternVersion
from seamline.cutting.runs import cut_plan_run

from .. import factories as f
from .conftest import FAST, dxf_file, pattern_in_code


def test_upload_a_pattern_and_read_it_back(brand, tmp_path):
    style = f.make_style(brand.org)
    data = dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2})).read_bytes()
    api = brand.api()
    response = api.post(
        f"/api/v1/styles/{style.pk}/patterns", {"dxf": SimpleUploadedFile("jacket.dxf", data)}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["sizes"], body["source_name"]) == (1, ["S", "M"], "jacket.dxf")
    assert [(p["size"], p["name"], p["quantity"]) for p in body["pieces"]] == [
        ("S", "Body", 2),
        ("S", "Pocket", 2),
        ("M", "Body", 2),
        ("M", "Pocket", 2),
    ]
    assert body["pieces"][2]["area_cm2"] == 32 * 40
    listed = api.get(f"/api/v1/styles/{style.pk}/patterns").json()
    assert [v["id"] for v in listed] == [body["id"]]
    exported = api.get(f"/api/v1/patterns/{body['id']}/dxf")
    assert read_dxf_aama(io.BytesIO(exported.content)).sizes() == ("S", "M")


def test_a_bad_file_is_a_problem_naming_the_field_and_the_file(brand):
    style = f.make_style(brand.org)
    response = brand.api().post(
        f"/api/v1/styles/{style.pk}/patterns", {"dxf": SimpleUploadedFile("coat.dxf", b"\x00\x01 not dxf")}
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "dxf" and "coat.dxf" in error["message"]
    assert not PatternVersion.objects.exists()


def test_another_tenant_sees_no_pattern_and_no_plan(shop, other_brand, other_factory):
    version = shop["version"]
    assert other_brand.api().get(f"/api/v1/patterns/{version.pk}").status_code == 404
    assert other_brand.api().get(f"/api/v1/styles/{shop['style'].pk}/patterns").status_code == 404
    response = other_factory.api().post(
        f"/api/v1/production-orders/{shop['order'].pk}/cut-plans", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_queue_poll_and_cut_through_the_api(shop, brand, factory):
    api = factory.api()
    order = shop["order"]
    refused = brand.api().post(
        f"/api/v1/production-orders/{order.pk}/cut-plans", FAST, content_type="application/json"
    )
    assert refused.status_code == 403  # the brand does not plan the factory's cut
    bad = api.post(
        f"/api/v1/production-orders/{order.pk}/cut-plans",
        {**FAST, "fabric_width_cm": "30"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "fabric_width_cm"
    queued = api.post(
        f"/api/v1/production-orders/{order.pk}/cut-plans", FAST, content_type="application/json"
    )
    assert queued.status_code == 202, queued.content
    plan = queued.json()
    assert (plan["status"], plan["demand"], plan["lays"]) == ("queued", {"S": 3, "M": 2}, [])

    cut_plan_run(plan["id"])  # what the background worker does
    done = api.get(f"/api/v1/cut-plans/{plan['id']}").json()
    assert done["status"] == "done" and done["progress_pct"] == 100
    assert sum(lay["meters"] and Decimal(lay["meters"]) for lay in done["lays"]) == Decimal(
        done["consumed_m"]
    )
    lay = done["lays"][0]
    roll = lay["rolls"][0]
    before = FabricRoll.objects.get(pk=roll["roll_id"]).remaining_m
    cut = api.post(f"/api/v1/lays/{lay['id']}/cut")
    assert cut.status_code == 200 and cut.json()["cut_at"] is not None
    assert FabricRoll.objects.get(pk=roll["roll_id"]).remaining_m == before - Decimal(roll["meters"])
    again = api.post(f"/api/v1/lays/{lay['id']}/cut")
    assert again.status_code == 409 and "already cut" in again.json()["detail"]
    assert CutPlan.objects.count() == 1
