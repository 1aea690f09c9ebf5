"""`seamline trace hash` against GS1's event-hash test vectors, and `seamline trace verify` on an intact and a
hand-edited chain."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from seamline.cli import main
from seamline.trace.models import Event
from seamline.trace.services import capture_document

from .conftest import tamper

VECTORS = sorted((Path(__file__).resolve().parents[1] / "data/standards/epcis/event-hash").glob("*.jsonld"))
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "data/standards/epcis/examples").glob("*.jsonld"))


def _expected(document: Path) -> list[str]:
    return document.with_suffix(".hashes").read_text().split()


@pytest.fixture
def chain(factory):
    """The four GS1 examples (five events) in the factory's chain."""
    for path in EXAMPLES:
        capture_document(organization=factory.org, document=json.loads(path.read_text()))
    assert Event.objects.filter(organization=factory.org).count() == 5
    return factory.org


def test_there_are_vectors():
    assert len(VECTORS) >= 8 and all(p.with_suffix(".hashes").exists() for p in VECTORS)


@pytest.mark.parametrize("document", VECTORS, ids=lambda p: p.stem)
def test_hash_prints_the_expected_hash_of_each_event_in_order(document, capsys):
    assert main(["trace", "hash", str(document)]) == 0
    assert capsys.readouterr().out.splitlines() == _expected(document)


@pytest.mark.parametrize("document", VECTORS[:2], ids=lambda p: p.stem)
def test_hash_reads_standard_input(document, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(document.read_text()))
    assert main(["trace", "hash", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == _expected(document)


def test_hash_of_something_not_json_fails_with_one_line(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    assert main(["trace", "hash", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1


def test_verify_says_intact_on_a_fresh_chain(chain, capsys):
    assert main(["trace", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"{chain.slug}: 5 records, chain intact" in out
    assert main(["trace", "verify", "--organization", chain.slug]) == 0
    assert "chain intact" in capsys.readouterr().out


def test_verify_names_an_edited_record(chain, capsys):
    third = Event.objects.get(organization=chain, seq=3)
    tamper(
        "UPDATE trace_event SET body = replace(body, '\"receiving\"', '\"shipping\"') WHERE id = %s",
        [third.pk],
    )
    assert Event.objects.get(pk=third.pk).body != third.body  # the edit took
    assert main(["trace", "verify", "--organization", chain.slug]) == 1
    out = capsys.readouterr().out
    assert "chain intact" not in out
    assert f"record 3 (record id {third.pk})" in out and "modified" in out


def test_verify_names_a_deleted_record(chain, capsys):
    second = Event.objects.get(organization=chain, seq=2)
    tamper("DELETE FROM trace_eventepc WHERE event_id = %s", [second.pk])
    tamper("DELETE FROM trace_event WHERE id = %s", [second.pk])
    assert main(["trace", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"{chain.slug}: BROKEN at record 2" in out and "deleted" in out


def test_verify_names_swapped_records(chain, capsys):
    a, b = Event.objects.get(organization=chain, seq=2), Event.objects.get(organization=chain, seq=3)
    tamper("UPDATE trace_event SET seq = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE trace_event SET seq = 2 WHERE id = %s", [b.pk])
    tamper("UPDATE trace_event SET seq = 3 WHERE id = %s", [a.pk])
    assert main(["trace", "verify", "--organization", chain.slug]) == 1
    out = capsys.readouterr().out
    assert f"record 2 (record id {b.pk})" in out and "reordered" in out


def test_one_broken_chain_does_not_hide_an_intact_one(chain, other_factory, capsys):
    capture_document(
        organization=other_factory.org, document=json.loads(EXAMPLES[0].read_text())
    )  # the same events in another organization's own chain
    first = Event.objects.get(organization=chain, seq=1)
    tamper("UPDATE trace_event SET event_time = event_time WHERE id = %s", [first.pk])  # a no-op edit
    tamper("UPDATE trace_event SET body = body || ' ' WHERE id = %s", [first.pk])
    assert main(["trace", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"{other_factory.org.slug}: 2 records, chain intact" in out
    assert f"{chain.slug}: BROKEN at record 1 (record id {first.pk})" in out


def test_verify_of_an_unknown_organization_exits_2(chain, capsys):
    assert main(["trace", "verify", "--organization", "no-such-slug"]) == 2
    captured = capsys.readouterr()
    assert "no-such-slug" in captured.err and captured.out == ""
