"""Every maintained GS1 EPCIS 2.0 JSON example (tests/data/standards/epcis/examples-json, the 47
documents of the JSON/ folder of github.com/gs1/EPCIS) posted through POST /epcis/capture with a
factory's token, its capture job polled until it ends, and every event read back from
GET /epcis/events/{eventID}: the same event, byte for byte in canonical JSON, except recordTime (the
server's) and the eventID the server gives an event that has none (its GS1 event hash). Each document is
captured into a fresh ledger; a last test captures them all into one, where three pairs that reuse one
eventID for different events (see the folder's README) rightly conflict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from seamline.trace.eventhash import event_hash
from seamline.trace.services import chain_verify

EXAMPLES = Path(__file__).resolve().parents[1] / "data/standards/epcis/examples-json"
DOCUMENTS = sorted(EXAMPLES.glob("*.jsonld"))

# Captures that fail because of fixes still pending on issue #15, by file stem -> the reason (strict: a fix
# makes the test fail as XPASS until its entry goes). Empty since the EPCISQueryDocument fix (item 2: only
# epcisBody.eventList was read, not epcisBody.queryResults.resultsBody.eventList).
PENDING: dict[str, str] = {}


def _canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 kept), independent of the ledger's own serializer."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _listed(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The events a capture document carries: an EPCISDocument's eventList, or an EPCISQueryDocument's
    queryResults.resultsBody.eventList."""
    body = document["epcisBody"]
    if "eventList" in body:
        return body["eventList"]
    return body["queryResults"]["resultsBody"]["eventList"]


def _param(path: Path):
    reason = PENDING.get(path.stem)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


def _job(api: Client, location: str) -> dict[str, Any]:
    """The capture job once it has ended (polled a bounded number of times)."""
    for _ in range(50):
        response = api.get(location)
        assert response.status_code == 200, response.content
        job = response.json()
        if not job["running"]:
            return job
    raise AssertionError(f"capture job {location} still running")


def _read_back(api: Client, event_id: str) -> tuple[list[dict[str, Any]], Any]:
    """The events GET /epcis/events/{eventID} answers (one event, or an EPCISQueryDocument holding the
    event and its error declarations), and the @context they are read in."""
    response = api.get("/epcis/events/" + quote(event_id, safe=""))
    assert response.status_code == 200, (event_id, response.content)
    body = response.json()
    if body.get("type") == "EPCISQueryDocument":
        return _listed(body), body.get("@context")
    return [body], None


def _contexts(context: Any) -> list[Any]:
    return context if isinstance(context, list) else [context]


def test_the_47_examples_and_their_licence_are_in_the_repository():
    assert len(DOCUMENTS) == 47
    assert (EXAMPLES / "LICENSE.txt").read_text("utf-8").startswith("DISCLAIMER")
    assert (EXAMPLES.parent / "GS1-DISCLAIMER.txt").is_file()


@pytest.mark.parametrize("path", [_param(p) for p in DOCUMENTS])
def test_each_gs1_example_is_captured_and_read_back_unchanged(factory, path):
    document = json.loads(path.read_text("utf-8"))
    listed = _listed(document)
    context = document.get("@context")
    api = factory.api()

    response = api.post("/epcis/capture", data=path.read_bytes(), content_type="application/ld+json")
    assert response.status_code == 202, response.content
    job = _job(api, response["Location"])
    assert job["success"] is True and job["errors"] == [], job
    assert job["eventCount"] == len(listed), job

    for index, event in enumerate(listed):
        event_id = event.get("eventID") or event_hash(event, context)
        returned, read_context = _read_back(api, event_id)
        expected = {key: value for key, value in event.items() if key != "recordTime"}
        expected["eventID"] = event_id
        own_context = event.get("@context", context)
        candidates = []
        for got in returned:
            got = dict(got)
            assert got.pop("recordTime", None), (index, "no recordTime")
            if "@context" not in event:
                # The server may keep the capture document's context on the event, or state it once on
                # the query document it answers: either way, every entry of it must be there.
                kept = got.pop("@context", None)
                assert kept == own_context or all(
                    c in _contexts(kept or read_context) for c in _contexts(own_context)
                ), (index, kept, read_context)
            candidates.append(_canonical(got))
        assert _canonical(expected) in candidates, (index, event_id)


# Three pairs of the examples reuse one eventID for different events (the folder's README): in one ledger the
# second of each pair (in file-name order) is a conflict, named by its eventID.
CONFLICTS = {
    "Example-Type-sourceOrDestination,measurement,bizTransaction": "AssociationEvent-f",
    "object_event_all_possible_fields": "ErrorDeclarationAndCorrectiveEvent",
    "SensorDataExample17": "SensorDataExample13",
}


def test_all_examples_in_one_ledger_lose_nothing_but_the_three_known_conflicts(factory):
    """Events repeated unchanged across documents (the 9.6.1 variants and the query document share one)
    are recorded once; every other event of an accepted document is new and can be read."""
    api, recorded = factory.api(), set()
    for path in DOCUMENTS:
        document = json.loads(path.read_text("utf-8"))
        response = api.post("/epcis/capture", data=path.read_bytes(), content_type="application/ld+json")
        if path.stem in CONFLICTS:
            assert response.status_code == 409, (path.stem, response.content)
            assert any("eventID" in e["field"] for e in response.json()["errors"]), response.content
            continue
        assert response.status_code == 202, (path.stem, response.content)
        job = _job(api, response["Location"])
        ids = [e.get("eventID") or event_hash(e, document.get("@context")) for e in _listed(document)]
        fresh = set(ids) - recorded
        assert (job["success"], job["eventCount"], job["newEventCount"]) == (True, len(ids), len(fresh)), (
            path.stem,
            job,
        )
        recorded |= fresh
        for event_id in ids:
            assert api.get("/epcis/events/" + quote(event_id, safe="")).status_code == 200, (
                path.stem,
                event_id,
            )
    assert chain_verify(factory.org) is None
