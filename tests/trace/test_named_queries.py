"""Named queries over HTTP (GS1 EPCIS 2.0 REST /queries): create, list, read, delete, run; errors named."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from seamline.trace.services import capture_document

PROBLEM_JSON = "application/problem+json"
SHOP = "urn:epc:id:sgln:9520001.00001.0"


def _event(event_id: int, biz_step: str, day: int) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{event_id:012d}",
        "action": "OBSERVE",
        "eventTime": f"2024-03-0{day}T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"urn:epc:id:sgtin:9520001.012346.{event_id}"],
        "bizStep": biz_step,
        "readPoint": {"id": SHOP},
    }


def _capture(org, *events: dict) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-06T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }
    capture_document(organization=org, document=document)


def _post(client: Client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _errors(response) -> dict[str, str]:
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _ids(response) -> list[int]:
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [int(e["eventID"].rsplit("-", 1)[1]) for e in events]


SHIPPING = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"], "eventType": ["ObjectEvent"]}}


@pytest.fixture
def ledger(factory):
    _capture(
        factory.org,
        _event(1, "shipping", 1),
        _event(2, "receiving", 2),
        _event(3, "shipping", 3),
        _event(4, "https://ref.gs1.org/cbv/BizStep-shipping", 4),
    )
    return factory


def test_a_query_is_created_read_listed_and_deleted(factory):
    api = factory.api()
    created = _post(api, "/epcis/queries", SHIPPING)
    assert created.status_code == 201, created.content
    assert created["Location"] == "/epcis/queries/shipped"
    assert created.json() == SHIPPING
    assert api.get("/epcis/queries/shipped").json() == SHIPPING
    assert _post(api, "/epcis/queries", {"name": "a", "query": {"EQ_action": "ADD"}}).status_code == 201
    listed = api.get("/epcis/queries")
    assert listed.status_code == 200
    assert listed.json() == [{"name": "a", "query": {"EQ_action": ["ADD"]}}, SHIPPING]

    deleted = api.delete("/epcis/queries/shipped")
    assert deleted.status_code == 204
    gone = api.get("/epcis/queries/shipped")
    assert gone.status_code == 404
    assert gone.json()["type"] == "epcisException:NoSuchNameException"
    assert api.delete("/epcis/queries/shipped").status_code == 404


def test_the_list_is_paged(factory):
    api = factory.api()
    for name in ("c", "a", "b"):
        assert _post(api, "/epcis/queries", {"name": name, "query": {}}).status_code == 201
    names, url = [], "/epcis/queries?perPage=2"
    while url:
        response = api.get(url)
        assert response.status_code == 200
        names.append([q["name"] for q in response.json()])
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', response.get("Link", ""))
        url = match.group(1) if match else None
    assert names == [["a", "b"], ["c"]]


def test_a_taken_name_is_409(factory):
    api = factory.api()
    assert _post(api, "/epcis/queries", SHIPPING).status_code == 201
    again = _post(api, "/epcis/queries", {"name": "shipped", "query": {"EQ_action": ["ADD"]}})
    assert again.status_code == 409
    assert again.json()["type"] == "epcisException:ResourceAlreadyExistsException"
    assert api.get("/epcis/queries/shipped").json() == SHIPPING  # the first one is kept


def test_bad_parameters_are_a_400_naming_each(factory):
    body = {
        "name": "bad",
        "query": {"EQ_action": ["SHIPPED"], "EQ_colour": ["red"], "GE_eventTime": "yesterday"},
    }
    response = _post(factory.api(), "/epcis/queries", body)
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert set(_errors(response)) == {"EQ_action", "EQ_colour", "GE_eventTime"}
    assert factory.api().get("/epcis/queries/bad").status_code == 404


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"query": {}}, {"name"}),
        ({"name": "has space", "query": {}}, {"name"}),
        ({"name": "q"}, {"query"}),
        ({"name": "q", "query": {"perPage": ["5"]}}, {"perPage"}),
        ({"name": "q", "query": {"EQ_bizStep": []}}, {"EQ_bizStep"}),
        ({"name": "q", "query": {}, "extra": 1}, {"extra"}),
        ([], {"body"}),
    ],
)
def test_a_bad_definition_is_a_400_naming_the_member(factory, body, named):
    response = _post(factory.api(), "/epcis/queries", body)
    assert response.status_code == 400
    assert set(_errors(response)) == named


def test_running_the_query_returns_exactly_the_matching_events_paged(ledger):
    api = ledger.api()
    assert _post(api, "/epcis/queries", SHIPPING).status_code == 201
    response = api.get("/epcis/queries/shipped/events")
    assert response.status_code == 200
    assert response.json()["type"] == "EPCISQueryDocument"
    assert _ids(response) == [1, 3, 4]  # bizStep "shipping" and its URI are one value

    pages, url = [], "/epcis/queries/shipped/events?perPage=2"
    while url:
        page = api.get(url)
        assert page.status_code == 200
        pages.append(_ids(page))
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', page.get("Link", ""))
        url = match.group(1) if match else None
    assert pages == [[1, 3], [4]]


def test_a_run_takes_only_paging_parameters(ledger):
    api = ledger.api()
    assert _post(api, "/epcis/queries", SHIPPING).status_code == 201
    response = api.get("/epcis/queries/shipped/events?EQ_bizStep=receiving")
    assert response.status_code == 400
    assert set(_errors(response)) == {"EQ_bizStep"}


def test_queries_belong_to_their_organization(ledger, other_factory):
    assert _post(ledger.api(), "/epcis/queries", SHIPPING).status_code == 201
    other = other_factory.api()
    assert other.get("/epcis/queries").json() == []
    assert other.get("/epcis/queries/shipped").status_code == 404
    assert other.get("/epcis/queries/shipped/events").status_code == 404
    assert other.delete("/epcis/queries/shipped").status_code == 404
    # the same name is free for them, and their run sees none of the factory's events
    assert _post(other, "/epcis/queries", SHIPPING).status_code == 201
    assert _ids(other.get("/epcis/queries/shipped/events")) == []


def test_a_session_reads_but_only_a_token_deletes(ledger):
    assert _post(ledger.api(), "/epcis/queries", SHIPPING).status_code == 201
    session = ledger.client()
    assert session.get("/epcis/queries/shipped").status_code == 200
    assert session.delete("/epcis/queries/shipped").status_code == 401
    assert _post(session, "/epcis/queries", {"name": "x", "query": {}}).status_code == 401
    assert Client().get("/epcis/queries").status_code == 401
