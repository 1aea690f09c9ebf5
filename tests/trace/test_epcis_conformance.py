"""GS1 EPCIS 2.0 REST conformance of /epcis/: error declarations kept beside their event, query documents
captured, RFC 3339 times, paging by Link header, GS1's problem types and status codes (401, 404, 406,
413, 415, 400 QueryParameterException), capture error behaviours, discovery, OPTIONS and the top-level
resources (eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.test import Client

from seamline.accounts.selectors import token_authenticate
from seamline.trace import events as ev
from seamline.trace.models import CaptureJob, Event
from seamline.trace.services import chain_verify

from .. import factories as f

PROBLEM_JSON = "application/problem+json"
SGTIN = "urn:epc:id:sgtin:0614141.107346."
HERE = "urn:epc:id:sgln:0614141.00777.0"


def _when(minutes_ago: int = 5) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")


def _event(serial: int = 1, *, step: str = "shipping", place: str | None = HERE, **extra: object) -> dict:
    event = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": _when(),
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"{SGTIN}{serial}"],
        "bizStep": step,
        "disposition": "in_transit",
        **extra,
    }
    if place:
        event["readPoint"] = {"id": place}
    return event


def _capture(client: Client, body: object, **headers: str):
    return client.post("/epcis/capture", data=json.dumps(body), content_type="application/ld+json", **headers)


def _problem(response, status: int, exception: str) -> dict[str, str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    body = response.json()
    assert body["type"] == f"epcisException:{exception}", body
    return {e["field"]: e["message"] for e in body.get("errors", [])}


def _listed(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def _job(client: Client, response) -> dict:
    assert response.status_code == 202, response.content
    return client.get(response["Location"]).json()


# 1. Error declarations ------------------------------------------------------------------------------------


def test_an_error_declaration_is_a_record_of_its_own_read_with_its_event(factory):
    api = factory.api()
    original = {**_event(), "eventID": "urn:uuid:6f3c2b3e-5b7a-4f5e-9a55-000000000001"}
    assert _job(api, _capture(api, ev.document([original])))["newEventCount"] == 1
    declared = {
        **original,
        "errorDeclaration": {"declarationTime": _when(1), "reason": "incorrect_data"},
    }
    job = _job(api, _capture(api, ev.document([declared])))
    assert (job["success"], job["newEventCount"]) == (True, 1)
    again = _job(api, _capture(api, ev.document([declared])))
    assert again["newEventCount"] == 0  # the same declaration twice is one record

    read = _listed(api.get("/epcis/events/" + quote(original["eventID"], safe="")))
    assert [("errorDeclaration" in e, e["eventID"]) for e in read] == [
        (False, original["eventID"]),
        (True, original["eventID"]),
    ]
    assert read[1]["errorDeclaration"]["reason"] == "incorrect_data"
    assert Event.objects.filter(event_id=original["eventID"]).count() == 2
    assert chain_verify(factory.org) is None

    forged = {**declared, "bizStep": "receiving"}  # a "declaration" of another event under the same eventID
    _problem(_capture(api, ev.document([forged])), 409, "ResourceAlreadyExistsException")


# 2. Query documents ---------------------------------------------------------------------------------------


def test_an_epcis_query_document_is_captured_from_its_results(factory):
    api = factory.api()
    document = {
        "@context": [ev.EPCIS_CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": _when(1),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": [_event(7)]}}
        },
    }
    job = _job(api, _capture(api, document))
    assert (job["eventCount"], job["newEventCount"]) == (1, 1)
    assert [e["epcList"] for e in _listed(api.get("/epcis/events"))] == [[f"{SGTIN}7"]]
    document["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["action"] = "MOVED"
    errors = _problem(_capture(api, document), 422, "ValidationException")
    assert any(k.startswith("epcisBody.queryResults.resultsBody.eventList[0]") for k in errors), errors


# 3. RFC 3339 ----------------------------------------------------------------------------------------------


def test_rfc_3339_times_in_lower_case_are_accepted_and_bad_times_named(factory):
    api = factory.api()
    lower = _event(eventTime="2024-03-01t10:00:00.5z")
    assert _job(api, _capture(api, ev.document([lower])))["newEventCount"] == 1
    for value in ("2024-03-01t09:00:00z", "2024-03-01T11:00:00+01:00", "2024-03-01T09:00:00.123456789Z"):
        assert len(_listed(api.get("/epcis/events", {"GE_eventTime": value}))) == 1, value
    errors = _problem(
        api.get("/epcis/events", {"LT_eventTime": "2024-13-01T00:00:00Z"}), 400, "QueryParameterException"
    )
    assert set(errors) == {"LT_eventTime"}


# 4. Paging ------------------------------------------------------------------------------------------------


def test_a_page_carries_its_token_in_the_link_header_only(factory):
    api = factory.api()
    _job(api, _capture(api, ev.document([_event(n) for n in range(3)])))
    response = api.get("/epcis/events", {"perPage": "2"})
    assert len(_listed(response)) == 2 and "nextPageToken" not in response.content.decode()
    assert 'rel="next"' in response["Link"] and "nextPageToken=" in response["Link"]
    expires = datetime.fromisoformat(response["GS1-Next-Page-Token-Expires"].replace("Z", "+00:00"))
    assert expires > datetime.now(UTC)


def test_more_events_than_max_event_count_is_a_query_too_large_400(factory):
    api = factory.api()
    _job(api, _capture(api, ev.document([_event(n) for n in range(3)])))
    assert len(_listed(api.get("/epcis/events", {"maxEventCount": "3"}))) == 3
    errors = _problem(api.get("/epcis/events", {"maxEventCount": "2"}), 400, "QueryTooLargeException")
    assert "maxEventCount" in errors


# 5. Sizes -------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_with_the_capture_limits(factory, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = _capture(factory.api(), ev.document([_event(n) for n in range(20)]))
    _problem(response, 413, "CaptureLimitExceededException")
    assert response["GS1-EPCIS-Capture-File-Size-Limit"] == "1000"
    assert response["GS1-EPCIS-Capture-Limit"]
    assert not Event.objects.exists()


# 6. Content types, routes, authentication, query parameters ---------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_a_body_that_is_not_json_is_415(factory, content_type):
    body = json.dumps(ev.document([_event()]))
    for url in ("/epcis/capture", "/epcis/events"):
        response = factory.api().post(url, data=body, content_type=content_type)
        _problem(response, 415, "UnsupportedMediaTypeException")
    assert not Event.objects.exists()


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "text/html, application/xhtml+xml"])
def test_an_accept_the_server_cannot_answer_is_406(factory, accept):
    response = factory.api().get("/epcis/events", HTTP_ACCEPT=accept)
    _problem(response, 406, "NotAcceptableException")
    for fine in ("application/json", "application/ld+json", "*/*", "application/*;q=0.5"):
        assert factory.api().get("/epcis/events", HTTP_ACCEPT=fine).status_code == 200, fine


def test_unknown_routes_and_unknown_names_are_problem_404s(factory):
    api = factory.api()
    _problem(api.get("/epcis/nowhere"), 404, "ResourceNotFoundException")
    _problem(api.get("/epcis/events/urn:uuid:none"), 404, "NoSuchNameException")
    _problem(api.get("/epcis/capture/999999"), 404, "NoSuchNameException")
    _problem(api.get("/epcis/bizSteps/shipping"), 404, "NoSuchNameException")


def test_401_names_the_bearer_scheme(db):
    response = Client().get("/epcis/events")
    _problem(response, 401, "SecurityException")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "params",
    [{"EQ_bizStep": ""}, {"EQ_action": "SHIPPED"}, {"perPage": "0"}, {"EQ_colour": "red"}],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_bad_query_parameters_are_400_query_parameter_exceptions(factory, params):
    errors = _problem(factory.api().get("/epcis/events", params), 400, "QueryParameterException")
    assert set(errors) == set(params)


# 7. A facility-bound token ------------------------------------------------------------------------------

_KINDS = {
    "ObjectEvent": {"action": "OBSERVE", "epcList": [f"{SGTIN}1"], "bizStep": "destroying"},
    "AggregationEvent": {"action": "ADD", "parentID": "urn:epc:id:sscc:0614141.1234567890"},
    "TransactionEvent": {
        "action": "ADD",
        "epcList": [f"{SGTIN}2"],
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epc:id:gdti:0614141.00001.1618034"}],
    },
    "TransformationEvent": {"inputEPCList": [f"{SGTIN}3"], "outputEPCList": [f"{SGTIN}4"]},
    "AssociationEvent": {"action": "ADD", "parentID": "urn:epc:id:grai:4012345.55555.987"},
}


@pytest.mark.parametrize("kind", _KINDS)
def test_a_facility_bound_token_records_no_event_of_any_kind_without_a_place(factory, kind):
    dye_house = f.make_facility(factory.org, kind="dye_house", zip_code="90058")
    key = f.make_token(factory.org)
    token = token_authenticate(key=key)
    token.facility = dye_house
    token.save(update_fields=["facility"])
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    event = {"type": kind, "eventTime": _when(), "eventTimeZoneOffset": "+00:00", **_KINDS[kind]}
    if kind in ("AggregationEvent", "AssociationEvent"):
        event["childEPCs"] = [f"{SGTIN}9"]
    errors = _problem(_capture(partner, ev.document([event])), 422, "ValidationException")
    assert dye_house.epc_uri in errors["epcisBody.eventList[0].readPoint"]
    assert not Event.objects.exists()
    placed = {**event, "bizLocation": {"id": dye_house.epc_uri}}
    assert _job(partner, _capture(partner, ev.document([placed])))["newEventCount"] == 1


# Capture jobs ---------------------------------------------------------------------------------------------


def test_rollback_stores_nothing_and_proceed_stores_the_good_events(factory):
    api = factory.api()
    document = ev.document([_event(1), _event(2, eventTime="later"), _event(3)])
    errors = _problem(_capture(api, document), 422, "ValidationException")
    assert "epcisBody.eventList[1].eventTime" in errors
    assert not Event.objects.exists() and not CaptureJob.objects.exists()

    job = _job(api, _capture(api, document, HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR="proceed"))
    assert (job["running"], job["success"], job["captureErrorBehaviour"]) == (False, False, "proceed")
    assert (job["eventCount"], job["newEventCount"]) == (3, 2)
    assert [e["field"] for e in job["errors"]] == ["epcisBody.eventList[1].eventTime"]
    assert job["errors"][0]["type"] == "epcisException:ValidationException"
    assert Event.objects.count() == 2 and chain_verify(factory.org) is None

    errors = _problem(
        _capture(api, document, HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR="sometimes"), 400, "ValidationException"
    )
    assert set(errors) == {"GS1-Capture-Error-Behaviour"}


def test_proceed_reports_a_conflicting_event_and_keeps_the_rest(factory):
    api = factory.api()
    first = {**_event(1), "eventID": "urn:uuid:6f3c2b3e-5b7a-4f5e-9a55-000000000002"}
    _job(api, _capture(api, ev.document([first])))
    changed = {**first, "bizStep": "receiving"}
    job = _job(
        api, _capture(api, ev.document([changed, _event(5)]), HTTP_GS1_CAPTURE_ERROR_BEHAVIOUR="proceed")
    )
    assert (job["success"], job["newEventCount"]) == (False, 1)
    assert [e["field"] for e in job["errors"]] == ["epcisBody.eventList[0].eventID"]


def test_the_capture_jobs_are_listed_newest_first_in_pages(factory, other_factory):
    api = factory.api()
    ids = [_job(api, _capture(api, ev.document([_event(n)])))["captureID"] for n in range(3)]
    _capture(other_factory.api(), ev.document([_event(9)]))
    response = api.get("/epcis/capture", {"perPage": "2"})
    assert response.status_code == 200
    assert [j["captureID"] for j in response.json()] == ids[::-1][:2]
    link = response["Link"].split(">")[0].lstrip("<")
    assert [j["captureID"] for j in api.get(link).json()] == ids[:1]


# Discovery and top-level resources -----------------------------------------------------------------------


def test_discovery_lists_the_top_level_resources(factory):
    response = factory.api().get("/epcis/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Collection" and len(body["member"]) == 9
    assert {"events", "capture", "eventTypes", "epcs", "bizSteps", "bizLocations"} <= set(body["member"])


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("/epcis/", "OPTIONS, GET"),
        ("/epcis/capture", "OPTIONS, GET, POST"),
        ("/epcis/events", "OPTIONS, GET, POST"),
        ("/epcis/eventTypes", "OPTIONS, GET"),
        ("/epcis/bizSteps/shipping/events", "OPTIONS, GET"),
    ],
)
def test_options_state_the_gs1_versions(db, url, allow):
    response = Client().options(url)
    assert response.status_code == 204
    assert response["Allow"] == allow
    for header in (
        "GS1-EPCIS-Version",
        "GS1-CBV-Version",
        "GS1-EPCIS-Min",
        "GS1-EPCIS-Max",
        "GS1-Extensions",
    ):
        assert response[header], header
    if url.endswith("capture"):
        assert response["GS1-Capture-Error-Behaviour"] == "all"


def test_top_level_resources_list_only_the_callers_values(factory, other_factory):
    api = factory.api()
    _job(api, _capture(api, ev.document([_event(1), _event(2, step="receiving", place=None)])))
    _capture(other_factory.api(), ev.document([_event(3, step="packing")]))

    def members(url: str, **params: str) -> list[str]:
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        return response.json()["member"]

    assert set(members("/epcis/eventTypes")) == {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
    assert members("/epcis/epcs") == [f"{SGTIN}1", f"{SGTIN}2"]
    assert members("/epcis/bizSteps") == [
        "https://ref.gs1.org/cbv/BizStep-receiving",
        "https://ref.gs1.org/cbv/BizStep-shipping",
    ]
    assert members("/epcis/readPoints") == [HERE] and members("/epcis/bizLocations") == []
    assert members("/epcis/dispositions") == ["https://ref.gs1.org/cbv/Disp-in_transit"]
    assert members("/epcis/epcs", perPage="1") == [f"{SGTIN}1"]
    link = api.get("/epcis/epcs", {"perPage": "1"})["Link"].split(">")[0].lstrip("<")
    assert api.get(link).json()["member"] == [f"{SGTIN}2"]
    assert members("/epcis/bizSteps/shipping") == ["events"]
    assert members("/epcis/epcs/" + quote(f"{SGTIN}2", safe="")) == ["events"]


@pytest.mark.parametrize(
    ("url", "serials"),
    [
        ("/epcis/bizSteps/receiving/events", [2]),
        ("/epcis/bizSteps/https%3A%2F%2Fref.gs1.org%2Fcbv%2FBizStep-shipping/events", [1]),
        (f"/epcis/epcs/{SGTIN}1/events", [1]),
        (f"/epcis/readPoints/{HERE}/events", [1]),
        ("/epcis/eventTypes/ObjectEvent/events", [1, 2]),
        ("/epcis/dispositions/in_transit/events", [1, 2]),
    ],
)
def test_top_level_events_are_query_documents_of_the_callers_events(factory, other_factory, url, serials):
    api = factory.api()
    _job(api, _capture(api, ev.document([_event(1), _event(2, step="receiving", place=None)])))
    _capture(other_factory.api(), ev.document([_event(1), _event(2, step="receiving")]))
    listed = _listed(api.get(url))
    assert [e["epcList"] for e in listed] == [[f"{SGTIN}{n}"] for n in serials]
    _problem(
        other_factory.api().get("/epcis/bizLocations/urn:epc:id:sgln:0614141.00777.0/events"),
        404,
        "NoSuchNameException",
    )
