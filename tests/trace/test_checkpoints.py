"""Signed checkpoints of a chain head: taken, served publicly, checked against a saved copy; a chain
rewritten in full or rewound contradicts them, a bad signature is named; a failed verify warns on reads."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

from seamline.cli import main
from seamline.trace.checkpoints import checkpoint_take, checkpoints_take_task
from seamline.trace.models import ChainCheck, Checkpoint, Event
from seamline.trace.verify import chain_verify

from .. import factories as f
from .conftest import relink, tamper


@pytest.fixture
def chain(five_rolls):
    return five_rolls


@pytest.fixture
def saved(chain, tmp_path) -> Path:
    """A checkpoint taken, fetched from the public URL (no sign-in) and saved, as a partner would."""
    checkpoint = checkpoint_take(organization=chain)
    assert (checkpoint.seq, checkpoint.head_hash) == (
        5,
        Event.objects.get(organization=chain, seq=5).record_hash,
    )
    response = Client().get(f"/epcis/checkpoints/{chain.slug}.json")
    assert response.status_code == 200
    document = response.json()
    assert document["organization"] == chain.slug
    assert [(c["record"], c["headHash"]) for c in document["checkpoints"]] == [(5, checkpoint.head_hash)]
    path = tmp_path / "checkpoints.json"
    path.write_text(json.dumps(document))
    return path


def _rewrite_from(org, seq: int) -> None:
    """Edit record ``seq``'s body and recompute everything the database holds: its event hash and index rows,
    every later link, the head; the checkpoint rows kept here are deleted too. Nothing inside the database
    tells."""
    record = Event.objects.get(organization=org, seq=seq)
    tamper("UPDATE trace_eventepc SET quantity = 49 WHERE event_id = %s AND quantity = 50", [record.pk])
    relink(org, seq, edit=lambda body: body.replace('"quantity":50', '"quantity":49'))
    tamper("DELETE FROM trace_checkpoint WHERE organization_id = %s", [org.pk])


def _rewind(org) -> None:
    """Delete the last record and move the head back to the one before."""
    last = Event.objects.get(organization=org, seq=5)
    tamper("DELETE FROM trace_eventepc WHERE event_id = %s", [last.pk])
    tamper("DELETE FROM trace_event WHERE id = %s", [last.pk])
    tamper(
        "UPDATE trace_chain SET seq = 4, head_hash = %s WHERE organization_id = %s",
        [Event.objects.get(organization=org, seq=4).record_hash, org.pk],
    )


def test_a_saved_checkpoint_agrees_with_the_chain(saved, chain, capsys):
    assert main(["trace", "verify", "--checkpoints", str(saved)]) == 0
    out = capsys.readouterr().out
    assert f"{chain.slug}: 5 records, chain intact" in out and "agrees with the 1 saved checkpoints" in out


def test_a_checkpoint_is_taken_again_only_when_the_head_moved(chain):
    first = checkpoint_take(organization=chain)
    assert checkpoint_take(organization=chain) == first
    f.make_roll(f.make_facility(chain), f.make_material(chain))
    second = checkpoint_take(organization=chain)
    assert (first.seq, second.seq) == (5, 6) and Checkpoint.objects.filter(organization=chain).count() == 2
    assert checkpoints_take_task.call()["failed"] == []


def test_the_cli_takes_a_checkpoint(chain, capsys):
    assert main(["trace", "checkpoint", "--organization", chain.slug]) == 0
    assert f"{chain.slug}: checkpoint of record 5" in capsys.readouterr().out


def test_a_chain_rewritten_in_full_contradicts_the_saved_checkpoint(saved, chain, capsys):
    _rewrite_from(chain, 2)
    assert chain_verify(chain) is None  # nothing inside the database tells
    assert main(["trace", "verify", "--checkpoints", str(saved)]) == 1
    out = capsys.readouterr().out
    assert "chain intact" in out  # the walk alone passes…
    assert "CONTRADICTED: checkpoint of record 5" in out and "the chain was rewritten" in out  # …not this
    assert ChainCheck.objects.get(organization=chain).failed_seq == 1


def test_a_rewound_chain_contradicts_the_checkpoint_kept_here(saved, chain):
    _rewind(chain)
    problem = chain_verify(chain)
    assert (problem.seq, problem.kind) == (5, "deleted") and "checkpoint 5" in problem.detail


def test_a_rewound_chain_contradicts_the_saved_checkpoint(saved, chain, capsys):
    _rewind(chain)
    tamper("DELETE FROM trace_checkpoint WHERE organization_id = %s", [chain.pk])
    assert main(["trace", "verify", "--checkpoints", str(saved)]) == 1
    out = capsys.readouterr().out
    assert "record 5 is gone, the chain now ends at record 4 (rewound)" in out


def test_a_bad_signature_is_named(saved, capsys):
    document = json.loads(saved.read_text())
    jws = document["checkpoints"][0]["jws"]
    head, payload, signature = jws.split(".")
    document["checkpoints"][0]["jws"] = (
        f"{head}.{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    )
    saved.write_text(json.dumps(document))
    assert main(["trace", "verify", "--checkpoints", str(saved)]) == 1
    assert "checkpoint of record 5" in (out := capsys.readouterr().out) and "bad signature" in out


def test_a_checkpoint_whose_listed_fields_differ_from_the_signed_ones_is_named(saved, capsys):
    document = json.loads(saved.read_text())
    document["checkpoints"][0]["record"] = 4
    saved.write_text(json.dumps(document))
    assert main(["trace", "verify", "--checkpoints", str(saved)]) == 1
    assert "its fields differ from what was signed" in capsys.readouterr().out


def test_no_checkpoint_is_signed_over_a_broken_chain(chain):
    third = Event.objects.get(organization=chain, seq=3)
    tamper("UPDATE trace_event SET biz_step = 'x' WHERE id = %s", [third.pk])
    assert chain_verify(chain) is not None
    with pytest.raises(Exception, match="failed verification"):
        checkpoint_take(organization=chain)
    assert not Checkpoint.objects.filter(organization=chain).exists()


def test_reads_of_a_record_that_failed_verification_carry_a_warning(chain, factory):
    api = factory.api()
    third, first = Event.objects.get(organization=chain, seq=3), Event.objects.get(organization=chain, seq=1)
    assert "Seamline-Verification" not in api.get(f"/epcis/events/{quote(third.event_id, safe='')}")
    tamper("UPDATE trace_event SET biz_step = 'x' WHERE id = %s", [third.pk])
    assert "Seamline-Verification" not in api.get(
        f"/epcis/events/{quote(third.event_id, safe='')}"
    )  # not yet
    chain_verify(chain)
    response = api.get(f"/epcis/events/{quote(third.event_id, safe='')}")
    assert response.status_code == 200 and response["Seamline-Verification"] == "failed; record=3"
    assert "Seamline-Verification" not in api.get(f"/epcis/events/{quote(first.event_id, safe='')}")
    assert api.get("/epcis/events")["Seamline-Verification"] == "failed; record=3"


def test_the_public_checkpoints_of_an_unknown_organization_are_404(db):
    assert Client().get("/epcis/checkpoints/no-such-org.json").status_code == 404
