"""Shared by the trace tests: a small order taken from roll to doorstep through the real services."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection

from seamline.cutting.models import Bundle
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import
from seamline.floor import services as floor
from seamline.trace.eventhash import event_hash
from seamline.trace.models import Event
from seamline.trace.records import body_sha, record_hash

from .. import factories as f
from ..cutting.conftest import FAST, dxf_file, pattern_in_code


@pytest.fixture
def delivered(brand, factory, tmp_path):
    """S 3, M 2 cut, sewn, dyed and pressed, inspected (one second), packed, shipped and delivered."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor_ = f.make_facility(factory.org, name="Olympic Blvd floor")
    f.make_facility(factory.org, kind="fibre_recycler", zip_code="90280", name="South Gate recycler")
    dye = f.make_facility(factory.org, kind="dye_house", zip_code="90058", name="Vernon dye house")
    press = f.make_facility(factory.org, kind="finishing", name="14th St presser")
    dock = f.make_facility(factory.org, kind="warehouse", zip_code="90040", name="Commerce dock")
    rolls = [f.make_roll(floor_, material, length_m="6.000", shade_lot=lot) for lot in ("A", "A", "B")]
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=3, M=2)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory.org, by=factory.user)
    for bundle in Bundle.objects.filter(lay__plan=plan):
        floor.bundle_sew(bundle=bundle, organization=factory.org, by=factory.user)
    kw = {"order": order, "organization": factory.org}
    floor.garments_finish(
        **kw, step="dyeing", facility=dye, energy_kwh=Decimal("41.5"), water_l=Decimal("620")
    )
    floor.garments_finish(**kw, step="pressing", facility=press, energy_kwh=Decimal("3.2"))
    floor.garments_inspect(**kw, facility=press, failed=[2])
    floor.garments_pack(**kw, facility=dock, per_carton=2)
    floor.cartons_ship(**kw, facility=dock)
    floor.cartons_deliver(**kw)
    return {"order": order, "plan": plan, "rolls": rolls, "dye": dye}


@pytest.fixture
def sewn(brand, factory, tmp_path):
    """The same order cut and sewn, nothing after (for the floor pages)."""
    material = f.make_material(brand.org, width_cm="80")
    style = f.make_style(brand.org, material=material)
    floor_ = f.make_facility(factory.org, name="Olympic Blvd floor")
    for kind, zip_code, name in (
        ("dye_house", "90058", "Vernon dye house"),
        ("finishing", "90021", "14th St presser"),
        ("warehouse", "90040", "Commerce dock"),
    ):
        f.make_facility(factory.org, kind=kind, zip_code=zip_code, name=name)
    for lot in ("A", "A", "B"):
        f.make_roll(floor_, material, length_m="6.000", shade_lot=lot)
    with dxf_file(tmp_path, pattern_in_code({"S": 0, "M": 2, "L": 4})).open("rb") as dxf:
        pattern_import(style=style, dxf=dxf)
    order = f.make_order(brand.org, factory.org, style, S=3, M=2)
    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **FAST).pk)
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory.org, by=factory.user)
    return {"order": order, "plan": plan}


def tamper(sql: str, params: list) -> None:
    """Edit the ledger by hand, as a database superuser could (replica mode fires no triggers, so the
    append-only trigger on PostgreSQL lets it through)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def relink(organization, seq: int, *, edit=None, rehash_event: bool = True) -> str:
    """Rewrite the chain from record ``seq`` on as a forger with database access would: ``edit`` (body text ->
    body text) changes that record, its GS1 event hash is recomputed unless ``rehash_event`` is False, and
    every later link and the head follow. Returns the new head hash."""
    rows = list(Event.objects.filter(organization=organization, seq__gte=seq - 1).order_by("seq"))
    prev = rows[0].record_hash if seq > 1 else ""
    for row in rows if seq == 1 else rows[1:]:
        body, digest = row.body, row.event_hash
        if row.seq == seq and edit is not None:
            body = edit(body)
            if rehash_event:
                digest = event_hash(json.loads(body))
        link = record_hash(
            prev_hash=prev,
            seq=row.seq,
            event_hash=digest,
            body_sha=body_sha(body),
            brand_id=row.brand_id,
            version=row.hash_version,
        )
        tamper(
            "UPDATE trace_event SET body = %s, event_hash = %s, prev_hash = %s, record_hash = %s"
            " WHERE id = %s",
            [body, digest, prev, link, row.pk],
        )
        prev = link
    tamper("UPDATE trace_chain SET head_hash = %s WHERE organization_id = %s", [prev, organization.pk])
    return prev


@pytest.fixture
def five_rolls(factory):
    """Five events in the factory's chain: receiving a roll records one."""
    floor = f.make_facility(factory.org)
    material = f.make_material(factory.org)
    for _ in range(5):
        f.make_roll(floor, material)
    return factory.org
