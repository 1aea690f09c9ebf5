"""Publishing an order's footprint from its ledger: figures by hand, sources, snapshots, baselines, pages."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from seamline.core.errors import ValidationError
from seamline.footprint.calc import stage
from seamline.footprint.factors import load_registry
from seamline.footprint.models import FootprintSnapshot, GarmentFootprint
from seamline.footprint.services import footprint_publish
from seamline.footprint.storage import expand, footprint_of, offshore_of
from seamline.trace.models import Event

SHIPPED = Path(__file__).resolve().parents[2] / "src/seamline/footprint/data"


def _all(row: GarmentFootprint) -> list[dict]:
    return expand(row.lines, row.snapshot.sources, row.snapshot.registry_version)


def _lines(row: GarmentFootprint, step: str) -> list[dict]:
    return [line for line in _all(row) if line["step"] == step]


def _lines_by_factor(row: GarmentFootprint, step: str, *factors: str) -> list[dict]:
    return [next(line for line in _lines(row, step) if line["factor_id"] == factor) for factor in factors]


def test_recorded_steps_become_lines_computed_as_by_hand(delivered):
    order = delivered["order"]
    snapshot = footprint_publish(order=order)
    registry = load_registry()
    grid = registry.get("electricity.grid.us").co2e_kg
    water = registry.get("water.supply.municipal").co2e_kg + registry.get("water.treatment").co2e_kg
    garments = snapshot.garments
    row = snapshot.garment_rows.first()
    # the dye house measured 41.5 kWh and 620 L for the whole batch (see the fixture)
    dye = {
        line["unit"]: line for line in _lines(row, "garment dyeing") if line["factor_id"] != "water.treatment"
    }
    assert Decimal(dye["kWh"]["co2e_kg"]) == (Decimal("41.5") / garments * grid).quantize(Decimal("0.0001"))
    assert Decimal(dye["L"]["water_l"]) == (Decimal("620") / garments).quantize(Decimal("0.01"))
    supply, treatment = _lines_by_factor(row, "garment dyeing", "water.supply.municipal", "water.treatment")
    assert Decimal(supply["water_l"]) == (Decimal("620") / garments).quantize(Decimal("0.01"))
    assert Decimal(treatment["water_l"]) == 0  # a litre is counted once, where it is supplied
    assert Decimal(supply["co2e_kg"]) + Decimal(treatment["co2e_kg"]) == pytest.approx(
        Decimal("620") / garments * water, abs=Decimal("0.0002")
    )
    assert dye["kWh"]["primary"] and dye["kWh"]["source"].startswith("event ni:///sha-256;")
    # cutting was not metered: 4.5 SAM minutes (the style's routing) at the default 1.2 kW
    [cutting] = _lines(row, "cutting")
    assert Decimal(cutting["quantity"]) == Decimal("4.5") / 60 * Decimal("1.2")
    assert not cutting["primary"] and cutting["source"].startswith("default:")
    headline = [line for line in _all(row) if stage(line["step"]) in ("production", "delivery")]
    assert row.co2e_customer_kg == sum(Decimal(line["co2e_kg"]) for line in headline)
    # nothing beyond the customer's door is in the headline, and it is all still listed
    # (the fixture's style has no care label: no use phase)
    assert {stage(line["step"]) for line in _all(row)} == {"production", "delivery", "end_of_life"}
    assert snapshot.co2e_grave_kg > snapshot.co2e_customer_kg and snapshot.co2e_use_kg is None


def test_every_figure_names_a_source_that_exists(delivered):
    snapshot = footprint_publish(order=delivered["order"])
    ids = set(Event.objects.values_list("event_id", flat=True))
    registry = load_registry()
    for row in snapshot.garment_rows.all():
        for line in _all(row):
            registry.get(line["factor_id"])  # the factor is in the registry it names
            assert line["factor_version"] == snapshot.registry_version
            source = line["source"]
            assert source.startswith(("event ", "events ", "default: ")) or "event " in source, source
            for word in source.replace(",", " ").split():
                if word.startswith("ni:///"):
                    assert word.rstrip(":)") in ids, word


def test_a_new_factor_version_leaves_the_published_footprint_as_it_was(delivered, tmp_path):
    order = delivered["order"]
    first = footprint_publish(order=order)
    before = list(GarmentFootprint.objects.filter(snapshot=first).values_list("co2e_customer_kg", "lines"))
    sources = list(first.sources)
    folder = tmp_path / "factors"
    shutil.copytree(SHIPPED, folder)
    data = json.loads((folder / f"factors-{first.registry_version}.json").read_text())
    data["version"] = "2099.1"
    for factor in data["factors"]:
        if factor["id"] == "electricity.grid.us":
            factor["co2e_kg"] = 0.1  # a cleaner grid next year
    (folder / "factors-2099.1.json").write_text(json.dumps(data))
    second = footprint_publish(order=order, registry=load_registry(path=folder))
    assert (first.version, second.version, second.registry_version) == (1, 2, "2099.1")
    assert (
        list(GarmentFootprint.objects.filter(snapshot=first).values_list("co2e_customer_kg", "lines"))
        == before
    )
    first.refresh_from_db()
    assert first.sources == sources and first.registry_version == load_registry().version
    assert second.co2e_customer_kg < first.co2e_customer_kg
    changed = {
        (a["step"], a["factor_id"])
        for a, b in zip(_all(first.garment_rows.first()), _all(second.garment_rows.first()), strict=True)
        if a["co2e_kg"] != b["co2e_kg"]
    }
    assert changed and all(factor == "electricity.grid.us" for _, factor in changed)


def test_the_offshore_garment_differs_only_in_grids_and_legs(delivered):
    snapshot = footprint_publish(order=delivered["order"])
    row = snapshot.garment_rows.first()
    local = footprint_of(row.lines, snapshot.sources, snapshot.registry_version)
    for cc, run in row.baselines.items():
        delta = footprint_of(run["delta"], snapshot.sources, snapshot.registry_version)
        offshore = offshore_of(local, delta)
        mine = {(x.step, x.factor_id, x.quantity) for x in local.lines}
        theirs = {(x.step, x.factor_id, x.quantity) for x in offshore.lines}
        for step, factor, _quantity in mine ^ theirs:
            assert factor.startswith("electricity.grid.") or step.startswith("transport:"), (cc, step, factor)
        assert any(x.factor_id == f"electricity.grid.{cc.lower()}" for x in offshore.lines)
        assert offshore.co2e_kg(boundary="cradle-to-customer") == Decimal(run["co2e_customer_kg"])
        assert Decimal(run["km"]) > 10_000 > row.km


def test_nothing_is_published_for_an_order_not_cut(brand, factory):
    from tests import factories as f

    order = f.make_order(brand.org, factory.org)
    with pytest.raises(ValidationError, match="no cut plan"):
        footprint_publish(order=order)
    with pytest.raises(ValidationError, match=r"no cut plan"):
        footprint_publish(order=order, baselines=("XX",))
    assert not FootprintSnapshot.objects.exists()


def test_an_unknown_baseline_country_publishes_nothing(delivered):
    with pytest.raises(ValidationError) as caught:
        footprint_publish(order=delivered["order"], baselines=("BD", "ZZ"))
    assert "ZZ" in caught.value.detail and not FootprintSnapshot.objects.exists()


def test_the_pages_show_figures_the_chart_and_sources_one_click_away(delivered, factory, brand):
    order = delivered["order"]
    client = factory.client()
    empty = client.get(reverse("footprint:order", args=[order.pk])).content.decode()
    assert "No footprint published yet" in empty
    client.post(reverse("footprint:publish", args=[order.pk]))
    snapshot = FootprintSnapshot.objects.get(order=order)
    page = brand.client().get(reverse("footprint:order", args=[order.pk])).content.decode()
    assert f"{snapshot.co2e_customer_kg:.2f} kg" in page and "Dhaka, BD" in page and "Guangzhou, CN" in page
    assert page.count('class="fp-bar"') >= 3 and "<svg" in page
    assert "/epcis/events/ni%3A%2F%2F%2Fsha-256" in page  # a recorded line links to its event
    factor_url = reverse("footprint:factor", args=[snapshot.registry_version, "electricity.grid.us"])
    assert factor_url in page
    factor_page = client.get(factor_url).content.decode()
    assert "Ember" in factor_page and "Licence" in factor_page
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("footprint:csv", args=[order.pk])).content.decode()))
    )
    assert rows[0][0] == "garment" and len(rows) - 1 == sum(len(r.lines) for r in snapshot.garment_rows.all())
    assert all(row[-1] for row in rows[1:])  # every line of the CSV names its source
    pact = client.get(reverse("footprint:pact", args=[order.pk])).json()
    assert pact["pcf"]["declaredUnit"] == "kilogram" and pact["companyName"] == order.brand.name
    garment = snapshot.garment_rows.first().garment
    assert "Lines" in client.get(reverse("footprint:garment", args=[garment.uid])).content.decode()


def test_the_command_publishes_once_and_prints(delivered, capsys):
    from seamline.cli import main

    number = delivered["order"].number
    assert main(["footprint", number]) == 0
    assert main(["footprint", number, "--json"]) == 0
    out = capsys.readouterr().out
    assert "footprint v1" in out and "made in BD" in out
    document = json.loads(out[out.index("{") :])
    assert document["version"] == 1 and FootprintSnapshot.objects.count() == 1
    assert main(["footprint", number, "--recalculate", "--json"]) == 0
    assert FootprintSnapshot.objects.count() == 2


@pytest.fixture
def waterless(sewn, factory):
    """The sewn order, garment-dyed without a drop of water."""
    from seamline.cutting.models import Bundle
    from seamline.facilities.models import Facility
    from seamline.floor import services as floor

    order = sewn["order"]
    for bundle in Bundle.objects.filter(lay__plan=sewn["plan"]):
        floor.bundle_sew(bundle=bundle, organization=factory.org)
    dye = Facility.objects.get(organization=factory.org, kind="dye_house")
    floor.garments_finish(
        order=order,
        organization=factory.org,
        step="dyeing",
        facility=dye,
        energy_kwh=Decimal("20"),
        water_l=Decimal("0"),
    )
    return order


def test_waterless_garment_dyeing_claims_no_saving_without_a_like_for_like_reference(waterless):
    order = waterless
    snapshot = footprint_publish(order=order)
    # The mill's indigo warp-dyeing reference is not a garment-dyeing one, and the garment-dyeing one has no
    # citable figure: nothing is claimed, and the snapshot says why.
    assert not load_registry().get("water.reference.garment-dyeing-conventional").sourced
    assert snapshot.water_saved_l == 0 and all(r.water_saved_l == 0 for r in snapshot.garment_rows.all())
    assert snapshot.assumptions["water_saved"]["reference"] is None
    assert "no saving claimed" in snapshot.assumptions["water_saved"]["note"]


def test_a_sourced_garment_dyeing_reference_claims_litres_per_kg_of_garment(waterless, tmp_path):
    order = waterless
    folder = tmp_path / "factors"
    shutil.copytree(SHIPPED, folder)
    path = folder / f"factors-{load_registry().version}.json"
    data = json.loads(path.read_text())
    for factor in data["factors"]:
        if factor["id"] == "water.reference.garment-dyeing-conventional":
            factor.update(sourced=True, water_l=60, source="a test reference, 60 L a kg")
            factor.pop("unsourced_reason", None)
    path.write_text(json.dumps(data))
    snapshot = footprint_publish(order=order, registry=load_registry(path=folder))
    for row in snapshot.garment_rows.all():
        # the fixture's fabric is piece-dyed: dyeing is its last mill step, on all the fabric cut
        fabric = Decimal(next(x["quantity"] for x in _all(row) if x["step"] == "dyeing"))
        offcuts = sum((Decimal(x["quantity"]) for x in _all(row) if x["step"] == "offcuts"), Decimal(0))
        garment_kg = fabric - offcuts
        assert row.water_saved_l == (garment_kg * 60).quantize(Decimal("0.01"))
    assert snapshot.assumptions["water_saved"]["reference"] == "water.reference.garment-dyeing-conventional"
