"""The cutting room in the app: pattern versions from DXF-AAMA, real cut plans, lays cut from rolls."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seamline.catalog.models import FabricRoll
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting import tasks
from seamline.cutting.dxf_aama import read_dxf_aama
from seamline.cutting.models import CutPlan, Lay, PatternPiece, PatternVersion
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.selectors import pattern_of, rolls_available
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import

from .. import factories as f
from .conftest import FAST, GSM, SETTINGS, dxf_file, pattern_in_code

# Pattern import -------------------------------------------------------------------------------------------


def test_import_stores_every_piece_per_size_with_exact_areas(brand, tmp_path):
    style = f.make_style(brand.org)
    pattern = pattern_in_code({"S": 0, "M": 2})
    with dxf_file(tmp_path, pattern).open("rb") as dxf:
        version = pattern_import(style=style, dxf=dxf)
    assert (version.number, version.sizes, version.units, version.style_name) == (
        1,
        ["S", "M"],
        "METRIC",
        "Test jacket",
    )
    rows = {(p.size, p.name): p for p in PatternPiece.objects.filter(version=version)}
    assert set(rows) == {("S", "Body"), ("S", "Pocket"), ("M", "Body"), ("M", "Pocket")}
    body_m = rows[("M", "Body")]
    assert body_m.area_cm2 == pytest.approx(32 * 40)  # trapezoid 32 wide, 38 and 42 high
    assert (body_m.quantity, body_m.mirrored_pair, body_m.category) == (2, True, "shell")
    assert body_m.geometry["drill_holes"] == [[10.0, 20.0]]
    assert pattern_of(version).total_area_cm2("S") == pytest.approx(2 * 30 * 40 + 2 * 120)
    with dxf_file(tmp_path, pattern, "again.dxf").open("rb") as dxf:
        assert pattern_import(style=style, dxf=dxf).number == 2  # a new version, the first kept


def test_a_file_that_is_not_dxf_names_the_file_and_saves_nothing(brand):
    style = f.make_style(brand.org)
    upload = SimpleUploadedFile("jacket.dxf", b"this is a PDF, honestly")
    with pytest.raises(ValidationError) as caught:
        pattern_import(style=style, dxf=upload)
    assert "jacket.dxf" in caught.value.fields["dxf"] and "not a DXF" in caught.value.fields["dxf"]
    assert not PatternVersion.objects.exists() and not PatternPiece.objects.exists()


def test_sizes_the_style_does_not_have_are_refused(brand, tmp_path):
    style = f.make_style(brand.org)  # S, M, L
    with (
        dxf_file(tmp_path, pattern_in_code({"S": 0, "XXL": 8})).open("rb") as dxf,
        pytest.raises(ValidationError) as caught,
    ):
        pattern_import(style=style, dxf=dxf)
    assert "XXL" in caught.value.fields["dxf"]
    assert not PatternVersion.objects.exists()


def test_upload_page_imports_draws_pieces_and_exports_a_round_trip(brand, tmp_path):
    style = f.make_style(brand.org)
    client = brand.client()
    data = dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2})).read_bytes()
    response = client.post(
        reverse("cutting:pattern_import", args=[style.pk]), {"dxf": SimpleUploadedFile("jacket.dxf", data)}
    )
    version = PatternVersion.objects.get(style=style)
    assert response.status_code == 302 and response["Location"].endswith(f"/patterns/{version.pk}/")
    page = client.get(reverse("cutting:pattern_detail", args=[version.pk]) + "?size=M").content.decode()
    assert page.count('class="piece"') == 2 and "Body × 2 (L/R pair)" in page and "<svg" in page
    exported = client.get(reverse("cutting:pattern_download", args=[version.pk]))
    back = read_dxf_aama(io.BytesIO(exported.content))
    assert back.sizes() == ("S", "M")
    for piece in pattern_of(version).pieces:
        again = next(p for p in back.pieces if (p.size, p.name) == (piece.size, piece.name))
        assert again.area_cm2 == pytest.approx(piece.area_cm2, abs=1e-6)
        assert (again.quantity, again.mirrored_pair) == (piece.quantity, piece.mirrored_pair)


def test_upload_of_a_broken_file_shows_the_error_on_the_form(brand):
    style = f.make_style(brand.org)
    response = brand.client().post(
        reverse("cutting:pattern_import", args=[style.pk]), {"dxf": SimpleUploadedFile("x.dxf", b"nope")}
    )
    assert response.status_code == 422 and "x.dxf" in response.content.decode()


def test_another_brand_cannot_see_or_import_thepattern_in_code(shop, other_brand, tmp_path):
    client = other_brand.client()
    assert client.get(reverse("cutting:pattern_detail", args=[shop["version"].pk])).status_code == 404
    url = reverse("cutting:pattern_import", args=[shop["style"].pk])
    assert client.get(url).status_code == 404


# Requesting a plan ----------------------------------------------------------------------------------------


def test_only_the_orders_factory_plans_its_cut(shop, brand):
    with pytest.raises(ForbiddenError):
        cut_plan_request(order=shop["order"], organization=brand.org, **SETTINGS)


def test_a_piece_wider_than_the_fabric_is_named_and_nothing_saved(shop, factory):
    with pytest.raises(ValidationError) as caught:
        cut_plan_request(order=shop["order"], organization=factory.org, fabric_width_cm="30", **SETTINGS)
    message = caught.value.fields["fabric_width_cm"]
    assert message.startswith("jacket.dxf: piece 'Body' (S) is 30.0 cm across the grain")
    assert "'Body' (M) is 32.0 cm" in message and "wider than the usable 28.0 cm" in message
    assert not CutPlan.objects.exists()


def test_an_order_without_a_pattern_or_with_bad_settings_says_which(brand, factory):
    style = f.make_style(brand.org, material=f.make_material(brand.org, width_cm="80"))
    order = f.make_order(brand.org, factory.org, style, S=2)
    with pytest.raises(ValidationError) as caught:
        cut_plan_request(order=order, organization=factory.org, max_plies=0, margin_cm="40")
    fields = caught.value.fields
    assert "no pattern yet" in fields["pattern"]
    assert "max_plies" in fields and "no usable width" in fields["margin_cm"]


def test_requesting_queues_the_background_task(shop, factory, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        plan = cut_plan_request(order=shop["order"], organization=factory.org, **SETTINGS)
    assert plan.status == CutPlan.Status.QUEUED and plan.demand == {"S": 3, "M": 2}
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("cut_plan_run") and queued.args_kwargs["kwargs"] == {"plan_id": plan.pk}


# Running a plan -------------------------------------------------------------------------------------------


def test_a_plan_meets_demand_respects_lots_and_rolls_and_balances_the_fabric(shop, factory):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, **SETTINGS)
    seen: list[float] = []
    plan = tasks.cut_plan_run.call(plan_id=plan.pk) and CutPlan.objects.get(pk=plan.pk)
    plan = cut_plan_run(plan.pk, on_progress=lambda p: seen.append(p.fraction))  # already done: unchanged
    assert plan.status == CutPlan.Status.DONE, plan.error
    assert seen == []  # a finished plan is not run twice

    for size, wanted in plan.demand.items():  # demand met within the overcut bound
        assert wanted <= plan.produced[size] <= wanted + plan.overcut_max
    lays = list(Lay.objects.filter(plan=plan).prefetch_related("roll_uses__roll").select_related("marker"))
    made: dict[str, int] = {}
    for lay in lays:
        assert lay.plies <= plan.max_plies and lay.marker.length_cm <= float(plan.max_marker_length_cm)
        assert {use.roll.shade_lot for use in lay.roll_uses.all()} == {lay.shade_lot}  # one lot a lay
        assert sum(use.plies for use in lay.roll_uses.all()) == lay.plies
        assert sum(use.meters for use in lay.roll_uses.all()) == lay.meters == lay.ply_m * lay.plies
        for size, n in lay.marker.ratio.items():
            made[size] = made.get(size, 0) + n * lay.plies
    assert made == plan.produced
    assert any(len(lay.marker.ratio) > 1 or sum(lay.marker.ratio.values()) > 1 for lay in lays)  # multi
    for row in plan.rolls:  # no roll gives more than it has
        roll = FabricRoll.objects.get(pk=row["roll"])
        assert Decimal(row["consumed_m"]) <= roll.remaining_m
        assert Decimal(row["remnant_m"]) == roll.remaining_m - Decimal(row["consumed_m"])

    pattern = pattern_of(plan.pattern_version)  # meters from the rolls = pieces + off-cuts, to the gram
    pieces_cm2 = sum(pattern.total_area_cm2(size) * n for size, n in plan.produced.items())
    consumed_cm2 = float(plan.consumed_m) * 100 * float(plan.fabric_width_cm)
    assert float(plan.offcut_kg) == pytest.approx(
        (consumed_cm2 - pieces_cm2) / 1e4 * float(GSM) / 1e3, abs=1e-3
    )
    assert sum(lay.offcut_kg for lay in lays) == pytest.approx(plan.offcut_kg, abs=Decimal("0.005"))
    assert plan.recycler == shop["recycler"]
    # fabric plus setup (the objective) never costs more than the naive plan's, one marker per size
    setup_m = plan.setup_cost_cm / 100
    assert plan.fabric_m + setup_m * len(lays) <= plan.naive_fabric_m + setup_m * len(plan.demand)

    marker = lays[0].marker
    placed = marker.document["placements"]
    assert marker.document["pieces"] == len(placed) == 4 * sum(marker.ratio.values())
    assert all(p["turn_deg"] in (0.0, 180.0) for p in placed)
    assert marker.svg.startswith("<svg") and "LAYER" not in marker.svg and "CUT" in marker.dxf


def test_plan_pages_show_markers_lay_sheets_and_progress(shop, factory, brand):
    plan = cut_plan_request(order=shop["order"], organization=factory.org, **FAST)
    client = factory.client()
    running = client.get(reverse("cutting:cut_plan_detail", args=[plan.pk])).content.decode()
    assert 'role="progressbar"' in running and "every 1s" in running  # polled while it runs
    plan = cut_plan_run(plan.pk)
    progress = client.get(reverse("cutting:cut_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"  # finished: the page reloads itself

    page = client.get(reverse("cutting:cut_plan_detail", args=[plan.pk])).content.decode()
    markers = list(plan.markers.all())
    assert page.count('class="marker"') == len(markers) and page.count("<svg") >= len(markers)
    assert "South Gate recycler" in page and f"{plan.saving_pct:.1f}%" in page
    sheets = client.get(reverse("cutting:lay_sheets", args=[plan.pk])).content.decode()
    assert sheets.count('class="card laysheet"') == plan.lays.count()
    for use in plan.lays.first().roll_uses.select_related("roll"):
        assert use.roll.roll_id in sheets
    dxf = client.get(reverse("cutting:marker_download", args=[markers[0].pk, "dxf"]))
    assert dxf["Content-Type"] == "application/dxf" and b"CUT" in dxf.content
    json_doc = client.get(reverse("cutting:marker_download", args=[markers[0].pk, "json"])).json()
    assert json_doc["length_cm"] == pytest.approx(markers[0].length_cm, abs=1e-3)
    # the brand sees its order's plan; another brand does not
    assert brand.client().get(reverse("cutting:cut_plan_detail", args=[plan.pk])).status_code == 200
    order_page = brand.client().get(reverse("production:order_detail", args=[shop["order"].pk])).content
    assert f"Cut plan {plan.pk}".encode() in order_page


def test_other_plans_uncut_lays_claim_their_meters(shop, brand, factory):
    first = cut_plan_run(cut_plan_request(order=shop["order"], organization=factory.org, **FAST).pk)
    claimed: dict[int, Decimal] = {}
    for lay in first.lays.all():
        for use in lay.roll_uses.all():
            claimed[use.roll_id] = claimed.get(use.roll_id, Decimal(0)) + use.meters
    other = f.make_order(brand.org, factory.org, shop["style"], S=1)
    second = cut_plan_request(order=other, organization=factory.org, **FAST)
    available = {
        r.pk: r.available_m
        for r in rolls_available(factory_id=factory.org.pk, material_id=shop["material"].pk, plan=second)
    }
    for roll in shop["rolls"]:
        left = roll.remaining_m - claimed.get(roll.pk, Decimal(0))
        assert available.get(roll.pk, Decimal(0)) == left
    again = cut_plan_request(order=shop["order"], organization=factory.org, **FAST)  # a re-plan: all free
    mine = rolls_available(factory_id=factory.org.pk, material_id=shop["material"].pk, plan=again)
    assert {r.pk: r.available_m for r in mine} == {r.pk: r.remaining_m for r in shop["rolls"]}


def test_short_rolls_fail_the_plan_with_the_reason(brand, factory, tmp_path):
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    f.make_roll(f.make_facility(factory.org), material, length_m="0.300", shade_lot="A")
    with dxf_file(tmp_path, pattern_in_code({"S": 0})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=1)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    assert plan.status == CutPlan.Status.FAILED
    assert "lay 'L1'" in plan.error and "plies missing" in plan.error
    page = factory.client().get(reverse("cutting:cut_plan_detail", args=[plan.pk])).content.decode()
    assert "The plan failed" in page and "plies missing" in page


# Cutting a lay --------------------------------------------------------------------------------------------


def test_cutting_a_lay_takes_its_meters_from_the_rolls_once(shop, factory, brand):
    plan = cut_plan_run(cut_plan_request(order=shop["order"], organization=factory.org, **FAST).pk)
    lay = plan.lays.first()
    before = {u.roll_id: u.roll.remaining_m for u in lay.roll_uses.select_related("roll")}
    with pytest.raises(ForbiddenError):
        lay_cut(lay=lay, organization=brand.org)
    operator = f.make_member(factory.org, role="operator", email="cutter@example.com")
    client = factory.client()
    client.force_login(operator)
    response = client.post(reverse("cutting:lay_cut", args=[lay.pk]))
    assert response.status_code == 302
    for use in lay.roll_uses.all():
        assert FabricRoll.objects.get(pk=use.roll_id).remaining_m == before[use.roll_id] - use.meters
    with pytest.raises(ConflictError, match="already cut"):
        lay_cut(lay=lay, organization=factory.org)
    for use in lay.roll_uses.all():  # nothing taken twice
        assert FabricRoll.objects.get(pk=use.roll_id).remaining_m == before[use.roll_id] - use.meters


def test_cutplan_command_plans_an_order_and_prints_it(shop, capsys):
    from seamline.cli import main

    code = main(
        ["cutplan", shop["order"].number, "--table", "60", "--plies", "3", "--seconds-per-garment", "1"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    plan = CutPlan.objects.get()
    assert plan.status == CutPlan.Status.DONE and f"cut plan {plan.pk}" in out
    assert f"{plan.saving_pct:.1f}% less" in out and "100.0%" in err  # the progress line reached the end
    assert main(["cutplan", "PO-99999"]) == 2
    assert "no production order PO-99999" in capsys.readouterr().err


def test_an_order_size_the_pattern_lacks_is_named(brand, factory, tmp_path):
    style = f.make_style(brand.org, material=f.make_material(brand.org, width_cm="80"))
    with dxf_file(tmp_path, pattern_in_code({"S": 0})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=2, L=1)
    with pytest.raises(ValidationError) as caught:
        cut_plan_request(order=order, organization=factory.org, **FAST)
    assert caught.value.fields["pattern"] == "pattern v1 (jacket.dxf) has no pieces for size L"
    assert not CutPlan.objects.exists()
