"""The EPCIS REST interface over HTTP: capture jobs, SimpleEventQuery filters and pages, single events,
idempotent re-posts, and bad input answered with problem details naming the path of the bad field."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.test import Client

from seamline.accounts.selectors import token_authenticate
from seamline.trace import events as ev
from seamline.trace.models import CaptureJob, Event
from seamline.trace.services import chain_verify

from .. import factories as f

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "data/standards/epcis/examples").glob("*.jsonld"))
PROBLEM_JSON = "application/problem+json"


def _example(name: str) -> dict:
    return json.loads(next(p for p in EXAMPLES if p.name.startswith(name)).read_text())


def _ids(name: str) -> list[str]:
    return [e["eventID"] for e in _example(name)["epcisBody"]["eventList"]]


def _post(client: Client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/ld+json")


def _errors(response) -> dict[str, str]:
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _event_list(response) -> list[dict]:
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def _next_link(response) -> str | None:
    """The URL of the Link header's rel="next", if any."""
    match = re.search(r'<([^>]+)>\s*;\s*rel="next"', response.get("Link", ""))
    return match.group(1) if match else None


def _partner_token(org, facility) -> str:
    """A token of ``org`` bound to ``facility`` (a partner's: it records events there only)."""
    key = f.make_token(org)
    token = token_authenticate(key=key)
    token.facility = facility
    token.save(update_fields=["facility"])
    return key


def _recent_event(facility: str, *, minutes_ago: int = 1, serial: int = 2017) -> dict:
    return {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{serial}"],
        "bizStep": ev.FINISHING_BIZSTEPS["dyeing"],
        "readPoint": {"id": facility},
    }


@pytest.fixture
def examples(factory) -> dict[str, str]:
    """The four GS1 examples captured over HTTP into the factory's chain; their eventIDs by letter, in
    event-time order: A shipping 2005, B receiving 2005, C aggregation 2013-06, D transformation 2013-10,
    E sensor/inspecting 2019."""
    api = factory.api()
    for path in EXAMPLES:
        response = _post(api, "/epcis/capture", json.loads(path.read_text()))
        assert response.status_code == 202, response.content
    (a, b), (c,), (d,), (e,) = (
        _ids(n) for n in ("Example_9.6.1", "Example_9.6.3", "Example_9.6.4", "Sensor")
    )
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


# Capture -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_gs1_example_is_captured_with_a_job_to_poll(factory, path):
    document = json.loads(path.read_text())
    listed = document["epcisBody"]["eventList"]
    api = factory.api()
    response = _post(api, "/epcis/capture", document)
    assert response.status_code == 202, response.content
    location = response["Location"]
    assert location

    polled = api.get(location)
    assert polled.status_code == 200
    job = polled.json()
    assert job["running"] is False and job["success"] is True
    assert (job["eventCount"], job["newEventCount"]) == (len(listed), len(listed))
    assert job["errors"] == []
    stored = Event.objects.filter(organization=factory.org, capture_job_id=int(job["captureID"]))
    assert sorted(stored.values_list("event_id", flat=True)) == sorted(e["eventID"] for e in listed)
    assert chain_verify(factory.org) is None

    again = api.get(_post(api, "/epcis/capture", document)["Location"]).json()
    assert (again["success"], again["eventCount"], again["newEventCount"]) == (True, len(listed), 0)
    assert Event.objects.filter(organization=factory.org).count() == len(listed)


def test_another_organization_cannot_poll_the_job(factory, other_factory):
    response = _post(factory.api(), "/epcis/capture", _example("Example_9.6.1"))
    assert other_factory.api().get(response["Location"]).status_code == 404


# Queries -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "ABCDE"),
        ({"EQ_bizStep": "receiving"}, "BC"),
        ({"EQ_bizStep": "https://ref.gs1.org/cbv/BizStep-inspecting"}, "E"),
        ({"EQ_bizStep": "shipping|commissioning"}, "AD"),
        ({"GE_eventTime": "2013-01-01T00:00:00Z"}, "CDE"),
        ({"LT_eventTime": "2013-01-01T00:00:00Z"}, "AB"),
        ({"GE_eventTime": "2013-07-01T00:00:00+02:00", "LT_eventTime": "2019-01-01T00:00:00Z"}, "D"),
        ({"GE_eventTime": "2013-10-31T14:58:56.591Z"}, "DE"),  # GE includes the instant itself
        ({"LT_eventTime": "2013-10-31T14:58:56.591Z"}, "ABC"),  # LT excludes it
        ({"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2017"}, "AC"),  # epcList and childEPCs
        ({"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2018"}, "ABC"),
        ({"MATCH_epc": "urn:epc:id:sscc:0614141.1234567890"}, ""),  # a parentID is not matched
        ({"MATCH_epc": "urn:epc:id:sgtin:4012345.077889.26"}, ""),  # nor an outputEPCList entry
        ({"MATCH_anyEPC": "urn:epc:id:sscc:0614141.1234567890"}, "C"),
        ({"MATCH_anyEPC": "urn:epc:id:sgtin:4012345.077889.26"}, "D"),  # output
        ({"MATCH_anyEPC": "urn:epc:id:sgtin:4000001.065432.99886655"}, "D"),  # input
        ({"MATCH_anyEPC": "urn:epc:id:sgtin:4012345.011111.9876"}, "E"),
        ({"MATCH_epcClass": "urn:epc:class:lgtin:4012345.012345.998877"}, "C"),  # childQuantityList
        ({"MATCH_epcClass": "urn:epc:class:lgtin:4012345.011111.4444"}, ""),  # an input class only
        ({"EQ_bizLocation": "urn:epc:id:sgln:0614141.00888.0"}, "C"),
        ({"EQ_bizLocation": "urn:epc:id:sgln:0012345.11111.0"}, "B"),
        ({"EQ_bizLocation": "urn:epc:id:sgln:4012345.00005.0"}, ""),  # E's readPoint, not a bizLocation
        ({"EQ_bizStep": "receiving", "EQ_bizLocation": "urn:epc:id:sgln:0614141.00888.0"}, "C"),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else v or "none",
)
def test_query_parameters_return_exactly_the_matching_events(factory, examples, params, expected):
    response = factory.api().get("/epcis/events", params)
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "EPCISQueryDocument"
    assert [e["eventID"] for e in _event_list(response)] == [examples[x] for x in expected]
    assert _next_link(response) is None


def test_pages_are_walked_through_the_link_header(factory, examples):
    api = factory.api()
    response = api.get("/epcis/events", {"perPage": "2"})
    pages = []
    while True:
        assert response.status_code == 200, response.content
        pages.append([e["eventID"] for e in _event_list(response)])
        link = _next_link(response)
        if link is None:
            assert "nextPageToken" not in response.json()
            break
        assert "nextPageToken" not in response.json()  # GS1's schema has no place for it: Link only
        assert parse_qs(urlsplit(link).query)["nextPageToken"]
        assert response["GS1-Next-Page-Token-Expires"].endswith("Z")
        response = api.get(link)
    assert pages == [[examples["A"], examples["B"]], [examples["C"], examples["D"]], [examples["E"]]]


def test_pages_keep_the_filters(factory, examples):
    api = factory.api()
    response = api.get("/epcis/events", {"perPage": "1", "MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2018"})
    seen = []
    while True:
        seen += [e["eventID"] for e in _event_list(response)]
        link = _next_link(response)
        if link is None:
            break
        assert "MATCH_epc=" in link and "perPage=1" in link
        response = api.get(link)
    assert seen == [examples["A"], examples["B"], examples["C"]]


def test_one_event_by_its_quoted_id(factory, examples):
    for event_id in examples.values():
        response = factory.api().get("/epcis/events/" + quote(event_id, safe=""))
        assert response.status_code == 200, (event_id, response.content)
        assert [e["eventID"] for e in _event_list(response)] == [event_id]
    missing = "ni:///sha-256;" + "0" * 64 + "?ver=CBV2.0"
    response = factory.api().get("/epcis/events/" + quote(missing, safe=""))
    assert response.status_code == 404


def test_another_organization_sees_none_of_the_factorys_events(factory, other_factory, examples):
    api = other_factory.api()
    for event_id in examples.values():
        assert api.get("/epcis/events/" + quote(event_id, safe="")).status_code == 404
    response = api.get("/epcis/events")
    assert response.status_code == 200 and _event_list(response) == []
    response = api.get("/epcis/events", {"MATCH_epc": "urn:epc:id:sgtin:0614141.107346.2017"})
    assert _event_list(response) == []


def test_an_unknown_query_parameter_is_a_400_naming_it(factory):
    response = factory.api().get("/epcis/events", {"EQ_colour": "red", "EQ_bizStep": "receiving"})
    assert response.status_code == 400
    assert set(_errors(response)) == {"EQ_colour"}


def test_bad_parameter_values_are_named(factory):
    response = factory.api().get("/epcis/events", {"GE_eventTime": "yesterday", "perPage": "0"})
    assert response.status_code == 400
    assert set(_errors(response)) == {"GE_eventTime", "perPage"}
    response = factory.api().get("/epcis/events", {"nextPageToken": "not-a-token"})
    assert response.status_code == 400 and "nextPageToken" in _errors(response)


# One event -----------------------------------------------------------------------------------------------


def test_an_event_is_posted_once_and_a_repost_is_idempotent(factory):
    api = factory.api()
    event = _example("Example_9.6.1")["epcisBody"]["eventList"][0]
    response = _post(api, "/epcis/events", event)
    assert response.status_code == 201, response.content
    assert response.json()["eventID"] == event["eventID"]
    assert Event.objects.filter(organization=factory.org).count() == 1
    located = api.get(response["Location"])
    assert located.status_code == 200 and _event_list(located)[0]["eventID"] == event["eventID"]

    again = _post(api, "/epcis/events", copy.deepcopy(event))
    assert again.status_code == 200, again.content
    assert again.json()["eventID"] == event["eventID"]
    assert Event.objects.filter(organization=factory.org).count() == 1
    assert chain_verify(factory.org) is None


def test_an_event_without_an_id_gets_its_hash_and_a_repost_is_idempotent(factory):
    api = factory.api()
    event = _recent_event("urn:epc:id:sgln:0614141.00777.0")
    response = _post(api, "/epcis/events", event)
    assert response.status_code == 201, response.content
    event_id = response.json()["eventID"]
    assert event_id.startswith("ni:///sha-256;") and event_id.endswith("?ver=CBV2.0")
    again = _post(api, "/epcis/events", copy.deepcopy(event))
    assert again.status_code == 200, again.content
    assert again.json()["eventID"] == event_id
    assert Event.objects.filter(organization=factory.org).count() == 1


def test_a_changed_event_under_a_known_id_conflicts(factory):
    api = factory.api()
    event = _example("Example_9.6.1")["epcisBody"]["eventList"][0]
    assert _post(api, "/epcis/events", event).status_code == 201
    changed = {**event, "bizStep": "receiving"}
    response = _post(api, "/epcis/events", changed)
    assert response.status_code == 409, response.content
    assert Event.objects.filter(organization=factory.org).count() == 1


# Bad input -----------------------------------------------------------------------------------------------


def test_no_token_is_401(factory):
    anonymous = Client()
    assert _post(anonymous, "/epcis/capture", _example("Example_9.6.1")).status_code == 401
    assert (
        _post(anonymous, "/epcis/events", _recent_event("urn:epc:id:sgln:0614141.00777.0")).status_code == 401
    )
    assert anonymous.get("/epcis/events").status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer sl_nothing_here")
    assert wrong.get("/epcis/events").status_code == 401
    assert not Event.objects.exists()


def test_a_schema_invalid_document_is_422_naming_the_path(factory):
    document = _example("Example_9.6.1")
    document["epcisBody"]["eventList"][0]["eventTime"] = "yesterday"
    response = _post(factory.api(), "/epcis/capture", document)
    assert response.status_code == 422, response.content
    assert "epcisBody.eventList[0].eventTime" in _errors(response)
    assert not Event.objects.exists() and not CaptureJob.objects.exists()


def test_a_lower_case_unit_is_422_naming_the_path(factory):
    document = _example("Example_9.6.3")
    document["epcisBody"]["eventList"][0]["childQuantityList"][1]["uom"] = "kgm"
    response = _post(factory.api(), "/epcis/capture", document)
    assert response.status_code == 422, response.content
    assert "epcisBody.eventList[0].childQuantityList[1].uom" in _errors(response)
    assert not Event.objects.exists()


def test_an_event_in_the_future_is_422(factory):
    later = _recent_event("urn:epc:id:sgln:0614141.00777.0", minutes_ago=-60 * 24)
    earlier = _recent_event("urn:epc:id:sgln:0614141.00777.0", serial=2018)
    response = _post(factory.api(), "/epcis/capture", ev.document([earlier, later]))
    assert response.status_code == 422, response.content
    errors = _errors(response)
    assert "in the future" in errors["epcisBody.eventList[1].eventTime"]
    assert not Event.objects.exists()  # the good event is refused with the bad one: whole or nothing
    response = _post(factory.api(), "/epcis/events", later)
    assert response.status_code == 422, response.content
    assert "eventTime" in _errors(response)


def test_a_partner_token_cannot_post_at_another_facility(factory):
    dye_house = f.make_facility(factory.org, kind="dye_house", zip_code="90058")
    other = f.make_facility(factory.org)
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {_partner_token(factory.org, dye_house)}")
    elsewhere = _recent_event(other.epc_uri)
    response = _post(partner, "/epcis/capture", ev.document([elsewhere]))
    assert response.status_code == 422, response.content
    assert "epcisBody.eventList[0].readPoint.id" in _errors(response)
    response = _post(partner, "/epcis/events", elsewhere)
    assert response.status_code == 422, response.content
    assert "readPoint.id" in _errors(response)
    assert not Event.objects.filter(organization=factory.org).exists()

    at_home = _recent_event(dye_house.epc_uri)
    response = _post(partner, "/epcis/events", at_home)
    assert response.status_code == 201, response.content
    assert Event.objects.filter(organization=factory.org, read_point=dye_house.epc_uri).count() == 1


@pytest.mark.parametrize("url", ["/epcis/capture", "/epcis/events"])
def test_malformed_json_is_400(factory, url):
    response = factory.api().post(url, data=b'{"type": "EPCISDocument",', content_type="application/ld+json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    assert not Event.objects.exists()


def test_the_context_is_served(db, client):
    response = client.get("/epcis/context/seamline.jsonld")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["@context"]["sl"] == ev.VOCAB
