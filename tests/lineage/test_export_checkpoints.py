"""An order's ledger export carries the latest signed checkpoint of each chain it draws from; archived, it is
what `seamline trace verify --checkpoints FILE` reads: it agrees with the unchanged chain and contradicts
one rewritten in full."""

from __future__ import annotations

import json

from django.urls import reverse

from seamline.cli import main
from seamline.trace.eventhash import event_hash
from seamline.trace.models import Event
from seamline.trace.records import body_sha, record_hash
from seamline.trace.schema import validate_document
from seamline.trace.verify import chain_verify
from tests.trace.conftest import tamper


def _rewrite_from(org, seq: int) -> None:
    """Record ``seq`` says someone else did it, and everything the database holds is recomputed to match:
    its event hash, every later link, the head; the checkpoints kept here are deleted. Nothing inside the
    database tells."""
    rows = list(Event.objects.filter(organization=org).order_by("seq"))
    prev = rows[seq - 2].record_hash if seq > 1 else ""
    for row in rows[seq - 1 :]:
        body, digest = row.body, row.event_hash
        if row.seq == seq:
            edited = {**json.loads(body), "sl:operator": "someone else"}
            body, digest = json.dumps(edited), event_hash(edited)
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
    tamper("UPDATE trace_chain SET head_hash = %s WHERE organization_id = %s", [prev, org.pk])
    tamper("DELETE FROM trace_checkpoint WHERE organization_id = %s", [org.pk])


def _export(client, order, tmp_path):
    response = client.get(reverse("trace:order_export", args=[order.pk]))
    assert response.status_code == 200
    path = tmp_path / "export.jsonld"
    path.write_bytes(response.content)
    return response, json.loads(response.content), path


def test_the_export_carries_a_checkpoint_of_the_chain_it_draws_from(delivered, factory, tmp_path):
    response, document, _ = _export(factory.client(), delivered["order"], tmp_path)
    validate_document(document)  # still a valid EPCIS document
    head = Event.objects.filter(organization=factory.org).order_by("-seq").first()
    [checkpoint] = document["sl:checkpoints"]
    assert checkpoint["organization"] == factory.org.slug
    assert (checkpoint["record"], checkpoint["headHash"]) == (head.seq, head.record_hash)
    assert checkpoint["jws"].count(".") == 2 and checkpoint["kid"].startswith("did:web:")
    assert checkpoint["url"].endswith(f"/epcis/checkpoints/{factory.org.slug}.json")
    assert "Seamline-Verification" not in response


def test_verify_against_the_archived_export(delivered, factory, tmp_path, capsys):
    _, _, path = _export(factory.client(), delivered["order"], tmp_path)
    assert main(["trace", "verify", "--checkpoints", str(path)]) == 0
    out = capsys.readouterr().out
    assert "chain intact" in out and "agrees with the 1 saved checkpoints" in out
    _rewrite_from(factory.org, 2)
    assert chain_verify(factory.org) is None  # the walk alone passes…
    assert main(["trace", "verify", "--checkpoints", str(path)]) == 1
    out = capsys.readouterr().out
    assert "CONTRADICTED: checkpoint of record" in out and "the chain was rewritten" in out  # …not this
    # an export taken now carries the warning header
    response, _, _ = _export(factory.client(), delivered["order"], tmp_path)
    assert response["Seamline-Verification"] == "failed; record=1"
