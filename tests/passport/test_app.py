"""Passports issued for a delivered order: the public page, the signed JSON, verification (here and by an
independent JOSE library), revocation, key rotation, ledger tampering, hangtags."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from seamline.cli import main
from seamline.passport.credential import validate_passport
from seamline.passport.models import Passport
from seamline.passport.services import key_rotate, passports_issue
from seamline.passport.verify import envelope, verify_passport
from seamline.production.models import Garment
from seamline.trace.models import Event


@pytest.fixture
def issued(delivered):
    passports = passports_issue(order=delivered["order"])
    return {**delivered, "passports": passports}


def _check(document) -> dict[str, bool]:
    checks, _ = verify_passport(document)
    return {c.name: c.ok for c in checks}


def test_every_garment_that_passed_qc_gets_one_valid_passport(issued):
    order = issued["order"]
    passed = Garment.objects.filter(order=order, inspected=True).count()
    assert len(issued["passports"]) == passed == Passport.objects.count()
    assert passports_issue(order=order) == []  # once
    for passport in Passport.objects.all():
        validate_passport(passport.credential)  # the UNTP DPP schema
        assert _check(envelope(passport.jws)) == {
            "signature": True,
            "status": True,
            "schema": True,
            "ledger events": True,
        }
    subject = issued["passports"][0].credential["credentialSubject"]
    assert subject["product"]["serialNumber"] == issued["passports"][0].serial


def test_an_independent_jose_library_verifies_the_signature_with_the_did_document(issued):
    did = Client().get("/.well-known/did.json").json()
    token = issued["passports"][0].jws
    kid = jwt.get_unverified_header(token)["kid"]
    method = next(m for m in did["verificationMethod"] if m["id"] == kid)
    key = jwt.PyJWK(method["publicKeyJwk"], algorithm="EdDSA")
    payload = jwt.decode(token, key=key.key, algorithms=["EdDSA"], options={"verify_aud": False})
    assert payload["credentialSubject"]["product"]["serialNumber"] == issued["passports"][0].serial


def test_the_public_page_needs_no_sign_in_and_shows_the_journey(issued):
    serial = issued["passports"][0].serial
    page = Client().get(f"/p/{serial}")
    text = page.content.decode()
    assert page.status_code == 200 and serial in text and "Its journey" in text
    for step in ("Receiving", "Cutting", "Sewing", "Dyeing", "Packing", "Arriving"):
        assert f"<strong>{step}</strong>" in text, step
    assert "verify this passport" in text
    # the fixture's fabric has 2 % elastane, whose fibre factor has no citable published value: no figure
    assert "Not printed" in text and "Elastane" in text and "Dhaka" not in text
    assert Client().get("/p/PO-99999-0001").status_code == 404
    assert "This passport is valid" in Client().get(f"/p/{serial}/verify").content.decode()


def test_the_command_verifies_a_file_and_fails_after_a_one_character_edit(issued, tmp_path, capsys):
    serial = issued["passports"][0].serial
    document = Client().get(f"/p/{serial}.json").json()
    good = tmp_path / "passport.json"
    good.write_text(json.dumps(document))
    assert main(["passport", "verify", str(good)]) == 0
    assert "VALID" in capsys.readouterr().out
    token = document["id"]
    middle = len(token) // 2
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    bad = tmp_path / "edited.json"
    bad.write_text(json.dumps({**document, "id": flipped}))
    assert main(["passport", "verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL signature" in out and "INVALID" in out
    assert main(["passport", "verify", str(Path(tmp_path / "missing.json"))]) == 2


def test_revocation_round_trips(issued, brand):
    passport = issued["passports"][0]
    response = brand.client().post(
        f"/p/{passport.serial}/revoke", {"reason": "reported counterfeit", "confirm": passport.serial}
    )
    assert response.status_code == 302
    page = Client().get(f"/p/{passport.serial}").content.decode()
    assert "Revoked" in page and "reported counterfeit" in page
    assert _check(envelope(passport.jws))["status"] is False
    other = issued["passports"][1]
    assert _check(envelope(other.jws))["status"] is True  # its neighbour in the list is untouched


def test_a_rotated_key_leaves_old_passports_valid(issued, delivered):
    old = issued["passports"][0]
    new_key = key_rotate(organization=delivered["order"].brand)
    assert all(_check(envelope(p.jws)).values() for p in [old])
    did = Client().get("/.well-known/did.json").json()
    kids = [m["id"].split("#")[1] for m in did["verificationMethod"]]
    assert new_key.kid in kids and len(kids) == 2
    assert all(_check(envelope(old.jws)).values())


def test_an_edited_ledger_event_fails_the_passport(issued):
    passport = issued["passports"][0]
    event = Event.objects.filter(biz_step__endswith="dyeing").first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE trace_event SET body = replace(body, '41.5', '4.15') WHERE id = %s", [event.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    checks, _ = verify_passport(envelope(passport.jws))
    failed = [c for c in checks if not c.ok]
    assert [c.name for c in failed] == ["ledger events"] and event.event_id in failed[0].detail


def test_hangtag_sheets_have_a_tag_per_passport(issued, brand):
    order = issued["order"]
    svg = brand.client().get(reverse("passport:hangtags", args=[order.pk, "svg"]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    for passport in issued["passports"]:
        assert passport.serial in svg.content.decode()
    pdf = brand.client().get(reverse("passport:hangtags", args=[order.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")


def test_packing_queues_the_passports(sewn, factory, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from seamline.cutting.models import Bundle
    from seamline.facilities.models import Facility
    from seamline.floor import services as floor
    from seamline.passport.tasks import passports_issue_task

    order = sewn["order"]
    for bundle in Bundle.objects.filter(lay__plan=sewn["plan"]):
        floor.bundle_sew(bundle=bundle, organization=factory.org)
    dock = Facility.objects.get(organization=factory.org, kind="warehouse")
    floor.garments_inspect(order=order, organization=factory.org, facility=dock)
    with django_capture_on_commit_callbacks(execute=True):
        floor.garments_pack(order=order, organization=factory.org, facility=dock)
    queued = DBTaskResult.objects.get(task_path__endswith="passports_issue_task")
    assert queued.args_kwargs["kwargs"] == {"order_id": order.pk}
    assert (
        passports_issue_task.call(order_id=order.pk)["issued"] == Garment.objects.filter(order=order).count()
    )


def test_the_contexts_a_passport_names_are_served_from_the_package():
    for name in ("credentials-v2", "dpp-context"):
        response = Client().get(f"/p/contexts/{name}.jsonld")
        assert response.status_code == 200 and "@context" in response.json()
    assert Client().get("/p/contexts/nothing.jsonld").status_code == 404
