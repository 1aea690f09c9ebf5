"""An order's ledger export carries the latest signed checkpoint of each chain it draws from; archived, it is
what `seamline trace verify --checkpoints FILE` reads: it agrees with the unchanged chain and contradicts
one rewritten in full."""

from __future__ import annotations

import json

from django.urls import reverse

from seamline.cli import main
from seamline.trace.models import Event
from seamline.trace.schema import validate_document
from seamline.trace.verify import chain_verify
from tests.trace.conftest import relink, tamper


def _rewrite_from(org, seq: int) -> None:
    """Record ``seq`` says someone else did it, and everything the database holds is recomputed to match:
    its event hash, every later link, the head; the checkpoints kept here are deleted. Nothing inside the
    database tells."""
    relink(org, seq, edit=lambda body: json.dumps({**json.loads(body), "sl:operator": "someone else"}))
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
