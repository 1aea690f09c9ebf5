"""GS1 EPCIS event hash against the published vectors (RalphTro/epcis-event-hash-generator, MIT)."""

import copy
import json
from pathlib import Path

import pytest

from seamline.trace.eventhash import (
    document_event_hashes,
    document_events,
    document_prehashes,
    event_hash,
    gs1_key_uri,
    prehash_string,
)

VECTORS = Path(__file__).resolve().parents[1] / "data/standards/epcis/event-hash"
EXAMPLES = Path(__file__).resolve().parents[1] / "data/standards/epcis/examples"
pytestmark = pytest.mark.skipif(not VECTORS.is_dir(), reason="shared EPCIS standards not present")

VECTOR_DOCS = sorted(VECTORS.glob("*.jsonld"))
WITH_PREHASHES = [p for p in VECTOR_DOCS if p.with_suffix(".prehashes").exists()]


def _load(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line]


def test_every_vector_file_is_exercised():
    assert len(VECTOR_DOCS) == 8
    assert {p.stem for p in VECTOR_DOCS} - {p.stem for p in WITH_PREHASHES} == {
        "epcisDocHavingEventWithComment"
    }


@pytest.mark.parametrize("path", WITH_PREHASHES, ids=lambda p: p.stem)
def test_prehash_strings_match_the_vectors(path):
    assert document_prehashes(_load(path)) == _lines(path.with_suffix(".prehashes"))


@pytest.mark.parametrize("path", VECTOR_DOCS, ids=lambda p: p.stem)
def test_hashes_match_the_vectors(path):
    assert document_event_hashes(_load(path)) == _lines(path.with_suffix(".hashes"))


def test_single_event_with_document_context_matches_document_hash():
    doc = _load(VECTORS / "ReferenceEventHashAlgorithm.jsonld")
    (event,) = document_events(doc)
    expected = _lines(VECTORS / "ReferenceEventHashAlgorithm.hashes")[0]
    assert event_hash(event, doc["@context"]) == expected
    # Without the document's @context the extension keys cannot be expanded: a different hash.
    assert event_hash(event) != expected
    # A bare event carrying its own @context is a document of one.
    assert document_event_hashes({**event, "@context": doc["@context"]}) == [expected]


def test_query_document_events_are_found():
    doc = _load(VECTORS / "epcisDocWithSingleEvent.jsonld")
    query = {
        "@context": doc["@context"],
        "type": "EPCISQueryDocument",
        "epcisBody": {"queryResults": {"resultsBody": {"eventList": doc["epcisBody"]["eventList"]}}},
    }
    assert document_event_hashes(query) == _lines(VECTORS / "epcisDocWithSingleEvent.hashes")


def _first_event(name: str) -> tuple[dict, list]:
    doc = _load(VECTORS / name)
    return copy.deepcopy(doc["epcisBody"]["eventList"][0]), doc["@context"]


def test_excluded_fields_do_not_change_the_hash():
    event, ctx = _first_event("epcisDocWithSingleEvent.jsonld")
    before = event_hash(event, ctx)
    event["eventID"] = "urn:uuid:7a5b6f4e-2b1c-4d5e-8f90-123456789abc"
    event["recordTime"] = "2030-01-01T00:00:00Z"
    event["errorDeclaration"] = {"declarationTime": "2030-01-02T00:00:00Z", "reason": "incorrect_data"}
    event["rdfs:comment"] = "annotations are not event data"
    assert event_hash(event, ctx) == before


def test_representation_differences_do_not_change_the_hash():
    event, ctx = _first_event("epcisDocWithSingleEvent.jsonld")
    before = event_hash(event, ctx)
    same = dict(reversed(list(event.items())))  # key order
    same["epcList"] = list(reversed(event["epcList"]))  # list order
    same["eventTime"] = "2022-02-17T02:33:31.116Z"  # same instant, UTC
    same["bizStep"] = "https://ref.gs1.org/cbv/BizStep-shipping"  # full URI for the short name
    same["disposition"] = "urn:epcglobal:cbv:disp:in_transit"  # CBV 1.x URN
    same["readPoint"] = {"id": "https://id.gs1.org/414/0614141073467/254/1234"}  # Digital Link for the SGLN
    assert event_hash(same, ctx) == before


def test_any_data_change_changes_the_hash():
    event, ctx = _first_event("epcisDocWithSingleEvent.jsonld")
    before = event_hash(event, ctx)
    for key, value in [
        ("eventTime", "2022-02-17T02:33:31.117Z"),
        ("bizStep", "receiving"),
        ("epcList", ["urn:epc:id:sgtin:0614141.107346.2017"]),
        ("example:note", "added"),
    ]:
        changed = {**event, key: value}
        assert event_hash(changed, ctx) != before, key


def test_timestamps_are_utc_milliseconds_rounding_the_fourth_decimal_half_up():
    event = {"type": "ObjectEvent", "eventTime": "2023-02-02T23:59:59.9995+01:00", "action": "OBSERVE"}
    assert prehash_string(event).startswith("eventType=ObjectEventeventTime=2023-02-02T23:00:00.000Z")
    event["eventTime"] = "2023-02-02T12:00:00.1424-02:00"
    assert "eventTime=2023-02-02T14:00:00.142Z" in prehash_string(event)
    event["eventTime"] = "2023-02-02T12:00:00Z"
    assert "eventTime=2023-02-02T12:00:00.000Z" in prehash_string(event)


def test_numbers_lose_superfluous_zeros():
    event = {
        "type": "ObjectEvent",
        "action": "ADD",
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 26.50, "uom": "MTR"}
        ],
    }
    assert "quantity=26.5uom=MTR" in prehash_string(event)
    event["quantityList"][0]["quantity"] = 26.0
    assert "quantity=26uom=MTR" in prehash_string(event)


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        ("urn:epc:id:sgtin:4012345.011111.9876", "https://id.gs1.org/01/04012345111118/21/9876"),
        ("urn:epc:id:sscc:4012345.0000000333", "https://id.gs1.org/00/040123450000003338"),
        ("urn:epc:id:sgln:4012345.00011.987", "https://id.gs1.org/414/4012345000115/254/987"),
        ("urn:epc:id:sgln:4012345.00005.0", "https://id.gs1.org/414/4012345000054"),
        ("urn:epc:id:pgln:4000001.00012", "https://id.gs1.org/417/4000001000128"),
        ("urn:epc:id:giai:4000001.111", "https://id.gs1.org/8004/4000001111"),
        ("urn:epc:id:gdti:4012345.55555.1234", "https://id.gs1.org/253/40123455555541234"),
        (
            "urn:epc:class:lgtin:4012345.099988.2014-02-10",
            "https://id.gs1.org/01/04012345999884/10/2014-02-10",
        ),
        ("urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"),
        ("https://id.gs1.de/00/040123451111111110", "https://id.gs1.org/00/040123451111111110"),
        (
            "https://example.com/gtin/9780345418913/lot/A1/ser/77?17=201225",
            "https://id.gs1.org/01/09780345418913/21/77",
        ),
        ("https://id.gs1.org/01/09780345418913/22/2A/10/B", "https://id.gs1.org/01/09780345418913/10/B"),
    ],
)
def test_gs1_keys_become_canonical_digital_link(uri, canonical):
    assert gs1_key_uri(uri) == canonical


@pytest.mark.parametrize(
    "uri",
    [
        "http://transaction.acme.com/po/12345678",
        "urn:epcglobal:cbv:bt:4012345000009:ASN1099",
        "urn:epc:id:sgtin:123",
    ],
)
def test_non_keys_are_left_alone(uri):
    assert gs1_key_uri(uri) is None


def test_event_without_type_is_refused():
    with pytest.raises(ValueError, match="type"):
        prehash_string({"eventTime": "2023-02-02T12:00:00Z"})


def test_official_examples_hash_to_well_formed_ids():
    for path in sorted(EXAMPLES.glob("*.jsonld")):
        doc = _load(path)
        hashes = document_event_hashes(doc)
        assert len(hashes) == len(doc["epcisBody"]["eventList"])
        assert all(
            h.startswith("ni:///sha-256;") and h.endswith("?ver=CBV2.0") and len(h) == 89 for h in hashes
        )
        assert len(set(hashes)) == len(hashes)
