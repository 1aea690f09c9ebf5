"""Issue #13, findings 3 and 4: hostile EPCIS input answers a 400/413/422 problem document, never a 500,
and writes nothing: deep nesting, times with no UTC date or in lower case, NUL characters, lone
surrogates, values longer than the ledger's columns, quantities out of range, bodies and documents larger
than one capture takes (413 with GS1's capture-limit headers)."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

from seamline.catalog.selectors import materials_known
from seamline.core.errors import ValidationError
from seamline.trace import events as ev
from seamline.trace.errors import CaptureTooLarge
from seamline.trace.eventhash import event_hash
from seamline.trace.models import CaptureJob, Event
from seamline.trace.schema import MAX_DEPTH
from seamline.trace.selectors import event_get, parse_query
from seamline.trace.services import MAX_CAPTURE_EVENTS, capture_document

from .. import factories as f

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "data/standards/epcis/examples").glob("*.jsonld"))
PROBLEM_JSON = "application/problem+json"


def _post(client: Client, url: str, body: object):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/ld+json")


def _problem(response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM_JSON), response["Content-Type"]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _event(serial: int = 2017, **fields) -> dict:
    return {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "eventTime": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{serial}"],
        "bizStep": "inspecting",
        **fields,
    }


def _nested(levels: int) -> object:
    value: object = "bottom"
    for _ in range(levels):
        value = {"ex:deeper": value}
    return value


def _nothing_written() -> None:
    assert not Event.objects.exists()
    assert not CaptureJob.objects.exists()


# Nesting ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/epcis/capture", "/epcis/events"])
def test_a_body_nested_ten_thousand_levels_is_400_naming_the_limit(factory, url):
    body = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    errors = _problem(_post(factory.api(), url, body), 400)
    assert errors == {}
    _nothing_written()
    response = _post(factory.api(), url, b"[" * 10_000 + b"]" * 10_000)
    assert f"deeper than {MAX_DEPTH} levels" in response.json()["detail"]
    assert response.status_code == 400


@pytest.mark.parametrize("levels", [MAX_DEPTH, 260, 900])
def test_extension_fields_nested_past_the_limit_are_422_naming_the_path(factory, levels):
    event = _event(**{"ex:deep": _nested(levels)})
    document = {**ev.document([event]), "@context": [*ev.document_context(), {"ex": "https://example.com/"}]}
    response = _post(factory.api(), "/epcis/capture", document)
    errors = _problem(response, 422)
    ((path, message),) = errors.items()
    assert path.startswith("epcisBody.eventList[0].ex:deep.ex:deeper")
    assert message == f"nested deeper than {MAX_DEPTH} levels, the most accepted"
    single = _post(factory.api(), "/epcis/events", event)
    assert _problem(single, 422)
    with pytest.raises(ValidationError):
        capture_document(organization=factory.org, document=document)
    _nothing_written()


def test_nesting_up_to_the_limit_is_captured(factory):
    event = _event(**{"ex:deep": _nested(MAX_DEPTH - 5)})  # document, epcisBody, eventList, event, ex:deep
    document = {**ev.document([event]), "@context": [*ev.document_context(), {"ex": "https://example.com/"}]}
    assert _post(factory.api(), "/epcis/capture", document).status_code == 202


# Times ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_event_time_with_no_utc_date_is_422(factory, when):
    event = _event(eventTime=when)
    errors = _problem(_post(factory.api(), "/epcis/capture", ev.document([event])), 422)
    assert "years 1 to 9999" in errors["epcisBody.eventList[0].eventTime"]
    assert "eventTime" in _problem(_post(factory.api(), "/epcis/events", event), 422)
    _nothing_written()


def test_a_sensor_time_with_no_utc_date_is_hashed_as_written(factory):
    report = {"type": "Temperature", "value": 20, "uom": "CEL", "time": "9999-12-31T23:59:59.9999-14:00"}
    metadata = {"time": "0001-01-01T00:00:00+14:00"}
    event = _event(sensorElementList=[{"sensorMetadata": metadata, "sensorReport": [report]}])
    assert event_hash(event).startswith("ni:///sha-256;")
    assert _post(factory.api(), "/epcis/events", event).status_code == 201


def test_lower_case_t_and_z_times_are_captured_and_queried(factory):
    api = factory.api()
    event = _event(eventTime="2026-01-02t03:04:05.678z")
    response = _post(api, "/epcis/events", event)
    assert response.status_code == 201, response.content
    stored = Event.objects.get()
    assert stored.event_time == datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    document = ev.document([_event(serial=2018, eventTime="2026-01-02t03:04:06z")])
    assert _post(api, "/epcis/capture", document).status_code == 202
    found = api.get("/epcis/events", {"GE_eventTime": "2026-01-02t03:04:06z"})
    assert found.status_code == 200, found.content
    listed = found.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["epcList"] for e in listed] == [["urn:epc:id:sgtin:0614141.107346.2018"]]


@pytest.mark.parametrize(
    "params",
    [
        {"GE_eventTime": "0001-01-01T00:00:00+14:00"},
        {"LT_recordTime": "9999-12-31T23:59:59-14:00"},
        {"perPage": "²"},
        {"perPage": "9" * 5000},
        {"nextPageToken": base64.urlsafe_b64encode(b'["0001-01-01T00:00:00+14:00", 1]').decode()},
        {"nextPageToken": base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", 1]').decode()},
        {
            "nextPageToken": base64.urlsafe_b64encode(
                b'["2026-01-01T00:00:00Z", 99999999999999999999]'
            ).decode()
        },
        {"nextPageToken": base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()},
    ],
    ids=lambda p: next(iter(p)),
)
def test_hostile_query_parameters_are_400_naming_them(factory, params):
    response = factory.api().get("/epcis/events", params)
    assert set(_problem(response, 400)) == set(params)


@pytest.mark.parametrize(
    "params", [{"MATCH_anyEPC": "urn:epc:id:sgtin:0614141.107346.2017\x00"}, {"EQ_bizLocation": "\x00"}]
)
def test_a_nul_in_a_query_parameter_is_400(factory, params):
    _problem(factory.api().get("/epcis/events", params), 400)  # by the request guard, or by the query
    query, errors = parse_query({name: [value] for name, value in params.items()})
    assert query is None and errors == dict.fromkeys(params, "contains a NUL character")


def test_a_nul_in_an_event_id_is_refused(factory):
    response = factory.api().get("/epcis/events/" + quote("urn:uuid:1\x002", safe=""))
    assert response.status_code in (400, 404)  # the request guard's 400, or no such event
    assert event_get(organization=factory.org, event_id="urn:uuid:1\x002") is None


def test_a_huge_capture_id_is_404(factory):
    assert factory.api().get("/epcis/capture/" + "9" * 30).status_code == 404


# Text the ledger cannot store ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"epcList": ["urn:epc:id:sgtin:0614141.107346.2017\x00"]}, "epcList[0]"),
        ({"ex:note": "a\x00b"}, "ex:note"),
        ({"ex:no\x00te": "ab"}, "ex:no\\u0000te"),
        ({"readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0\x00"}}, "readPoint.id"),
    ],
    ids=["epc", "value", "key", "readPoint"],
)
def test_a_nul_in_a_captured_event_is_422_naming_the_path(factory, change, path):
    event = _event(**change)
    for url, body, field in (
        ("/epcis/capture", ev.document([event]), f"epcisBody.eventList[0].{path}"),
        ("/epcis/events", event, path),
    ):
        response = _post(factory.api(), url, body)
        if response.status_code == 400:  # the request guard refuses any NUL before a view reads it
            _problem(response, 400)
        else:
            assert "NUL" in _problem(response, 422)[field]
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=ev.document([event]))
    assert "NUL" in caught.value.fields[f"epcisBody.eventList[0].{path}"]
    _nothing_written()


def test_a_lone_surrogate_is_refused(factory):
    body = json.dumps(ev.document([_event(**{"ex:note": "x"})])).replace('"x"', '"\\ud800"')
    assert _problem(_post(factory.api(), "/epcis/capture", body.encode()), 400) == {}
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=ev.document([_event(**{"ex:note": "\ud800"})]))
    assert "epcisBody.eventList[0].ex:note" in caught.value.fields
    _nothing_written()


def test_not_a_number_is_not_json(factory):
    body = json.dumps(ev.document([_event(quantityList=[{"epcClass": "urn:x:y", "quantity": 1}])]))
    body = body.replace('"quantity": 1', '"quantity": NaN')
    _problem(_post(factory.api(), "/epcis/capture", body.encode()), 400)
    _nothing_written()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"eventID": "urn:uuid:" + "a" * 300}, "eventID"),
        ({"bizStep": "https://example.com/" + "s" * 200}, "bizStep"),
        ({"disposition": "https://example.com/" + "d" * 200}, "disposition"),
        ({"readPoint": {"id": "urn:epc:id:sgln:" + "1" * 200}}, "readPoint.id"),
        ({"bizLocation": {"id": "urn:epc:id:sgln:" + "1" * 200}}, "bizLocation.id"),
        ({"epcList": ["urn:epc:id:sgtin:" + "1" * 260]}, ""),
    ],
    ids=["eventID", "bizStep", "disposition", "readPoint", "bizLocation", "epc"],
)
def test_values_longer_than_the_ledger_keeps_are_422(factory, change, path):
    event = _event(**change)
    errors = _problem(_post(factory.api(), "/epcis/capture", ev.document([event])), 422)
    field = f"epcisBody.eventList[0].{path}".rstrip(".")
    assert "longer than" in errors[field], errors
    _nothing_written()


@pytest.mark.parametrize("quantity", [1e15, -1e12, 1e300])
def test_quantities_out_of_range_are_422(factory, quantity):
    event = _event(quantityList=[{"epcClass": ev.sku_class_uri("CJ-01"), "quantity": quantity}])
    errors = _problem(_post(factory.api(), "/epcis/capture", ev.document([event])), 422)
    assert "must be below" in errors["epcisBody.eventList[0]"]
    _nothing_written()


def test_a_negative_take_adds_no_meters(factory):
    floor = f.make_facility(factory.org)
    roll = f.make_roll(floor, f.make_material(factory.org), length_m="10.000")
    event = {
        **_event(),
        "type": "TransformationEvent",
        "inputQuantityList": [{"epcClass": roll.epc_uri, "quantity": -5, "uom": "MTR"}],
        "outputQuantityList": [{"epcClass": ev.sku_class_uri("CJ-01"), "quantity": 1}],
    }
    del event["epcList"], event["action"]
    errors = _problem(_post(factory.api(), "/epcis/capture", ev.document([event])), 422)
    assert "negative" in errors["epcisBody.eventList[0].inputQuantityList"]
    roll.refresh_from_db()
    assert roll.remaining_m == Decimal("10.000")


@pytest.mark.parametrize(
    "key",
    ["z" * 36, "../" * 12, "1b4e28ba-2fa1-11d2-883f-0016d3cca42g", "1b4e28ba2fa111d2883f0016d3cca427----"],
)
def test_a_roll_key_that_is_no_uuid_is_an_unknown_epc(factory, key):
    event = _event(quantityList=[{"epcClass": f"urn:seamline:roll:{key}", "quantity": 1, "uom": "MTR"}])
    with pytest.raises(ValidationError) as caught:
        capture_document(organization=factory.org, document=ev.document([event]))
    assert caught.value.fields["epcisBody.eventList[0]"].startswith("unknown EPC")


@pytest.mark.parametrize("key", ["9" * 30, "-1", "1.0"])
def test_a_material_key_that_is_no_row_id_is_an_unknown_epc(factory, key):
    event = _event(quantityList=[{"epcClass": f"urn:seamline:material:{key}", "quantity": 1}])
    errors = _problem(_post(factory.api(), "/epcis/capture", ev.document([event])), 422)
    assert errors["epcisBody.eventList[0]"].startswith("unknown EPC")
    assert materials_known([key, "²"]) == {}  # "²" is a digit to Python, and no URI to the schema


# Size limits ----------------------------------------------------------------------------------------------


def _limits(response) -> tuple[str, str]:
    return response["GS1-EPCIS-Capture-Limit"], response["GS1-EPCIS-Capture-File-Size-Limit"]


@pytest.mark.parametrize("url", ["/epcis/capture", "/epcis/events"])
def test_a_body_over_the_upload_limit_is_413_problem_json(factory, settings, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    body = ev.document([_event(serial=n) for n in range(40)]) if url.endswith("capture") else _event()
    if url.endswith("events"):
        body["ex:padding"] = "x" * 3_000
    response = _post(factory.api(), url, body)
    _problem(response, 413)
    assert "2,000 bytes" in response.json()["detail"]
    assert _limits(response) == (str(MAX_CAPTURE_EVENTS), "2000")
    _nothing_written()


def test_more_events_than_a_capture_takes_is_413_with_the_limit(factory):
    events = [_event(serial=n) for n in range(MAX_CAPTURE_EVENTS + 1)]
    response = _post(factory.api(), "/epcis/capture", ev.document(events))
    errors = _problem(response, 413)
    assert errors == {
        "epcisBody.eventList": f"{MAX_CAPTURE_EVENTS + 1} events, more than {MAX_CAPTURE_EVENTS}"
    }
    assert response["GS1-EPCIS-Capture-Limit"] == str(MAX_CAPTURE_EVENTS)
    with pytest.raises(CaptureTooLarge):
        capture_document(organization=factory.org, document=ev.document(events))
    _nothing_written()


def test_the_capture_interface_states_its_limits(factory, settings):
    api = factory.api()
    discovered = api.options("/epcis/capture")
    assert discovered.status_code == 204
    assert _limits(discovered) == (str(MAX_CAPTURE_EVENTS), str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    assert discovered["GS1-Capture-Error-Behaviour"] == "all"  # GS1: how a server says rollback and proceed
    document = json.loads(EXAMPLES[0].read_text())
    accepted = _post(api, "/epcis/capture", document)
    assert accepted.status_code == 202 and _limits(accepted)[0] == str(MAX_CAPTURE_EVENTS)
    event = copy.deepcopy(document["epcisBody"]["eventList"][0])
    posted = _post(api, "/epcis/events", event)
    assert posted.status_code == 200 and _limits(posted)[0] == str(MAX_CAPTURE_EVENTS)
    refused = _post(Client(), "/epcis/capture", document)
    assert refused.status_code == 401 and _limits(refused)[0] == str(MAX_CAPTURE_EVENTS)


def test_a_full_capture_of_the_limit_is_taken(factory):
    events = [_event(serial=n) for n in range(MAX_CAPTURE_EVENTS)]
    response = _post(factory.api(), "/epcis/capture", ev.document(events))
    assert response.status_code == 202, response.content[:500]
    assert Event.objects.filter(organization=factory.org).count() == MAX_CAPTURE_EVENTS
