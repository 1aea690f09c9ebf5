"""The parameter families of EPCIS 2.0's SimpleEventQuery that name an extension field inside an object of
the event (GS1 query schema, EPCIS 2.0.1): SENSORELEMENT_, SENSORMETADATA_, SENSORREPORT_ (with INNER_),
ERROR_DECLARATION_, readPoint_ and bizLocation_; HASATTR_/EQATTR_ on master data, which Seamline does not
serve (valid, and no event matches); and subscription controls sent to a query (refused, by name).

Each family is asked for values that find exactly their events and for values that find none: a field of
the same name elsewhere in the event (at the top, in another family's object, nested, under another
namespace) and a value of another type (text where a number or a time is asked) never match."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from seamline.trace.query import SUBSCRIPTION_PARAMS, parse_query
from seamline.trace.selectors import events_query
from seamline.trace.services import capture_document

EX = "https://ex.example/voc/"
OT = "https://other.example/ns/"  # the same local names under another namespace
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": EX, "ot": OT}]
SHOP = "urn:epc:id:sgln:9520001.00001.0"
EXAMPLES = Path(__file__).resolve().parents[1] / "data/standards/epcis/examples-json"


def _event(n: int, **fields: object) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
        "eventTime": f"2024-03-0{n}T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"urn:epc:id:sgtin:9520001.012346.{2000 + n}"],
        "action": "OBSERVE",
        **fields,
    }


COLD = _event(
    1,
    readPoint={"id": SHOP, "ex:door": "D1"},
    bizLocation={"id": SHOP, "ex:aisle": {"ex:bay": 7}},
    sensorElementList=[
        {
            "sensorMetadata": {
                "time": "2024-03-01T09:00:00Z",
                "deviceID": "urn:epc:id:giai:9520001.D1",
                "ex:firmware": "1.2",
                "ex:accuracy": 0.5,
                "ex:installed": "2023-01-01T00:00:00Z",
                "ex:owner": {"ex:team": "QA"},
            },
            "sensorReport": [
                {
                    "type": "Temperature",
                    "value": 4,
                    "uom": "CEL",
                    "ex:zone": "A",
                    "ex:margin": 1.5,
                    "ex:checked": "2024-03-01T09:00:00+01:00",
                    "ex:probe": {"ex:serial": "P-1"},
                },
                {"type": "RelativeHumidity", "value": 40, "uom": "A93", "ex:zone": "B", "ex:margin": "n/a"},
            ],
            "ex:batch": "B1",
            "ex:probes": 3,
            "ex:calibrated": "2024-02-01T00:00:00Z",
            "ex:site": {"ex:room": "R1", "ex:floor": 2},
        }
    ],
)
WARM = _event(
    2,
    sensorElementList=[
        {
            "sensorMetadata": {"ex:firmware": "2.0", "ex:accuracy": "high", "ex:installed": 2023},
            "sensorReport": [
                # the key written as the full IRI; ot:zone is another field with the same local name
                {
                    "type": "Temperature",
                    "value": 22,
                    "uom": "CEL",
                    EX + "zone": "C",
                    "ex:margin": 3,
                    "ot:zone": "A",
                }
            ],
            "ex:batch": "B2",
            "ex:probes": "five",  # not a number
            "ex:calibrated": "soon",  # not a time
        },
        {
            "sensorReport": [{"type": "Temperature", "value": 23, "uom": "CEL", "ex:margin": 2.5}],
            "ex:probes": 1,
        },
    ],
    errorDeclaration={
        "declarationTime": "2024-03-05T10:00:00Z",
        "reason": "incorrect_data",
        "ex:ticket": "T-9",
        "ex:review": {"ex:by": "QA"},
    },
)
# no sensor element: the same names at the top level only
PLAIN = _event(3, **{"ex:zone": "A", "ex:batch": "B1", "ex:margin": 9, "ex:firmware": "1.2"})
EVENTS = {"cold": COLD, "warm": WARM, "plain": PLAIN}


@pytest.fixture
def ledger(factory):
    document = {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-06T00:00:00Z",
        "epcisBody": {"eventList": list(EVENTS.values())},
    }
    capture_document(organization=factory.org, document=document)
    return factory


def _names(org, params: dict[str, str]) -> list[str]:
    query, errors = parse_query({name: [value] for name, value in params.items()})
    assert not errors, errors
    page, token = events_query(organization=org, query=query)
    assert token is None
    by_id = {event["eventID"]: name for name, event in EVENTS.items()}
    return [by_id[json.loads(e.body)["eventID"]] for e in page]


T = "2024-02-01T00:00:00Z"
# (parameter, value, the events it finds, a value that finds none or None)
CASES = [
    # sensorElement: its own extension fields, not its metadata's, reports' or the event's
    ("EQ_SENSORELEMENT_" + EX + "batch", "B1", ["cold"], "B3"),  # "plain" has ex:batch B1 at the top
    ("EQ_SENSORELEMENT_" + EX + "batch", "B1|B2", ["cold", "warm"], "b1"),  # text: case counts
    ("EQ_SENSORELEMENT_" + EX + "probes", "3.0", ["cold"], "4"),  # numbers compare as numbers
    ("GT_SENSORELEMENT_" + EX + "probes", "2", ["cold"], "3"),  # "five" is no number
    ("GE_SENSORELEMENT_" + EX + "probes", "1", ["cold", "warm"], "4"),  # warm's second element has 1
    ("LT_SENSORELEMENT_" + EX + "probes", "2", ["warm"], "1"),
    ("LE_SENSORELEMENT_" + EX + "probes", "3", ["cold", "warm"], "0.5"),
    ("GE_SENSORELEMENT_" + EX + "calibrated", T, ["cold"], "2024-02-01T00:00:00.001Z"),  # "soon" is no time
    ("LT_SENSORELEMENT_" + EX + "calibrated", "2024-02-01T01:00:01+01:00", ["cold"], T),
    ("EQ_SENSORELEMENT_" + EX + "calibrated", "2024-02-01T01:00:00+01:00", ["cold"], "2024-02-01T00:00:01Z"),
    ("EXISTS_SENSORELEMENT_" + EX + "probes", "", ["cold", "warm"], None),
    ("EXISTS_SENSORELEMENT_" + EX + "room", "", [], None),  # nested: only INNER_ finds it
    ("EXISTS_SENSORELEMENT_" + EX + "zone", "true", [], None),  # in reports and at the top only
    ("EQ_SENSORELEMENT_" + EX + "firmware", "1.2", [], None),  # a metadata field
    ("EQ_SENSORELEMENT_" + EX + "room", "R1", [], None),
    ("EQ_INNER_SENSORELEMENT_" + EX + "room", "R1", ["cold"], "R2"),
    ("GT_INNER_SENSORELEMENT_" + EX + "floor", "1", ["cold"], "2"),
    # sensorMetadata
    ("EQ_SENSORMETADATA_" + EX + "firmware", "1.2", ["cold"], "1.3"),  # "plain" has it at the top
    ("EQ_SENSORMETADATA_" + EX + "firmware", "1.2|2", ["cold", "warm"], "1.3|2.1"),  # "2" equals "2.0"
    ("EQ_SENSORMETADATA_https://ex.example/voc#firmware", "1.2", ["cold"], None),  # EPCIS 1.x spelling
    ("GT_SENSORMETADATA_" + EX + "accuracy", "0.1", ["cold"], "0.5"),  # "high" is no number
    ("GE_SENSORMETADATA_" + EX + "accuracy", "0.5", ["cold"], "0.51"),
    ("LT_SENSORMETADATA_" + EX + "accuracy", "1", ["cold"], "0.5"),
    ("LE_SENSORMETADATA_" + EX + "accuracy", "0.5", ["cold"], "0.4"),
    ("GE_SENSORMETADATA_" + EX + "installed", "2023-01-01T00:00:00Z", ["cold"], "2023-01-01T00:00:00.001Z"),
    ("GE_SENSORMETADATA_" + EX + "installed", "2000", ["warm"], "2024"),  # a time is no number
    ("EXISTS_SENSORMETADATA_" + EX + "firmware", "", ["cold", "warm"], None),
    ("EXISTS_SENSORMETADATA_" + EX + "margin", "", [], None),  # a report field
    ("EXISTS_SENSORMETADATA_" + EX + "team", "", [], None),  # nested
    ("EXISTS_SENSORMETADATA_" + EX + "deviceID", "", [], None),  # a standard member is no extension field
    ("EQ_INNER_SENSORMETADATA_" + EX + "team", "QA", ["cold"], "Ops"),
    # sensorReport
    ("EQ_SENSORREPORT_" + EX + "zone", "A", ["cold"], "D"),  # not ot:zone A, not the top-level ex:zone A
    ("EQ_SENSORREPORT_" + EX + "zone", "C", ["warm"], "c"),  # the key written as the full IRI
    ("EQ_SENSORREPORT_" + OT + "zone", "A", ["warm"], "C"),
    ("GT_SENSORREPORT_" + EX + "margin", "2", ["warm"], "3"),  # 3, and 2.5 in the second element
    ("GE_SENSORREPORT_" + EX + "margin", "1.5", ["cold", "warm"], "3.1"),
    ("LT_SENSORREPORT_" + EX + "margin", "2", ["cold"], "1.5"),  # "n/a" is no number
    ("LE_SENSORREPORT_" + EX + "margin", "1.5", ["cold"], "1.4"),
    ("GE_SENSORREPORT_" + EX + "checked", "2024-03-01T08:00:00Z", ["cold"], "2024-03-01T08:00:00.001Z"),
    ("LT_SENSORREPORT_" + EX + "zone", "5", [], None),  # text compared with a number
    ("EXISTS_SENSORREPORT_" + EX + "margin", "", ["cold", "warm"], None),
    ("EXISTS_SENSORREPORT_" + EX + "serial", "", [], None),
    ("EXISTS_SENSORREPORT_" + EX + "firmware", "", [], None),
    ("EQ_INNER_SENSORREPORT_" + EX + "serial", "P-1", ["cold"], "P-2"),
    # the event's own extension fields are still read at the top only
    ("EQ_" + EX + "zone", "A", ["plain"], "C"),
    ("GT_" + EX + "margin", "3", ["plain"], "9"),
    # errorDeclaration, readPoint and bizLocation
    ("EQ_ERROR_DECLARATION_" + EX + "ticket", "T-9", ["warm"], "T-8"),
    ("EXISTS_ERROR_DECLARATION_" + EX + "ticket", "", ["warm"], None),
    ("EQ_INNER_ERROR_DECLARATION_" + EX + "by", "QA", ["warm"], "Ops"),
    ("EQ_" + EX + "ticket", "T-9", [], None),
    ("EQ_readPoint_" + EX + "door", "D1", ["cold"], "D2"),
    ("EQ_bizLocation_" + EX + "bay", "7", [], None),  # nested
    ("EQ_INNER_bizLocation_" + EX + "bay", "7", ["cold"], "8"),
]


@pytest.mark.parametrize(
    ("name", "value", "expected", "other"),
    CASES,
    ids=[f"{c[0].replace(EX, 'ex:').replace(OT, 'ot:')}={c[1][:25]}" for c in CASES],
)
def test_each_family_finds_its_events_and_only_them(ledger, name, value, expected, other):
    assert _names(ledger.org, {name: value}) == expected
    if other is not None:
        assert _names(ledger.org, {name: other}) == []


def test_every_family_and_operator_of_the_query_schema_is_covered():
    covered = {name.split("_http")[0] for name, *_ in CASES}
    for family in ("SENSORELEMENT", "SENSORMETADATA", "SENSORREPORT"):
        assert {f"{op}_{family}" for op in ("EQ", "GT", "GE", "LT", "LE", "EXISTS")} <= covered
        assert f"EQ_INNER_{family}" in covered


def test_families_combine_with_each_other_and_the_standard_parameters(ledger):
    params = {
        "EQ_SENSORMETADATA_" + EX + "firmware": "1.2|2.0",
        "GE_SENSORREPORT_" + EX + "margin": "2",
        "EXISTS_ERROR_DECLARATION_" + EX + "ticket": "",
        "GE_value_CEL": "20",
    }
    assert _names(ledger.org, params) == ["warm"]
    assert _names(ledger.org, {**params, "EQ_SENSORELEMENT_" + EX + "batch": "B1"}) == []


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("EXISTS_INNER_SENSORELEMENT_" + EX + "room", "no EXISTS_INNER_SENSORELEMENT_"),
        ("EXISTS_INNER_SENSORREPORT_" + EX + "serial", "no EXISTS_INNER_SENSORREPORT_"),
        ("GT_readPoint_" + EX + "door", "EQ_readPoint_, EQ_INNER_readPoint_"),
        ("EXISTS_bizLocation_" + EX + "bay", "EQ_bizLocation_, EQ_INNER_bizLocation_"),
        # an unknown family is not read as a top-level field named "SENSORDATA_https://…"
        ("EQ_SENSORDATA_" + EX + "zone", "unknown query parameter"),
        ("EQ_SENSORREPORT_zone", "unknown query parameter"),  # a field is named by its IRI
    ],
)
def test_operators_and_families_the_schema_does_not_define_are_refused(name, named):
    query, errors = parse_query({name: ["1" if not name.startswith("EXISTS") else ""]})
    assert query is None and set(errors) == {name}
    assert named in errors[name]


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("GT_SENSORREPORT_" + EX + "margin", "many", "not a number"),
        ("GE_SENSORMETADATA_" + EX + "installed", "2023-13-01T00:00:00Z", "not a date-time"),
        ("LE_SENSORELEMENT_" + EX + "probes", "1|2", "not a number"),
        ("EQ_SENSORREPORT_" + EX + "zone", "", "no value"),
        ("EXISTS_SENSORMETADATA_" + EX + "firmware", "maybe", "not true or false"),
    ],
)
def test_bad_values_are_named(name, value, named):
    query, errors = parse_query({name: [value]})
    assert query is None and set(errors) == {name}
    assert named in errors[name]


def test_a_gs1_example_is_found_by_its_sensor_extension_fields(factory):
    """GS1's own object_event_all_possible_fields example: ext1: fields in each of the three objects."""
    document = json.loads((EXAMPLES / "object_event_all_possible_fields.jsonld").read_text("utf-8"))
    capture_document(organization=factory.org, document=document)
    ext1, ext3 = "http://example.com/ext1/", "http://example.com/ext3/"
    found = {
        "EQ_SENSORMETADATA_" + ext1 + "someFurtherMetadata": "someText",
        "EQ_SENSORREPORT_" + ext1 + "someFurtherReportData": "someText",
        "GT_SENSORELEMENT_" + ext1 + "int": "9",  # "10", a number written as text
        "EQ_SENSORELEMENT_" + ext1 + "time": "2013-06-08T16:58:56.591+02:00",
        "EQ_INNER_SENSORELEMENT_" + ext3 + "string": "stringInObjectInObject",
        "EXISTS_SENSORELEMENT_" + ext1 + "object": "",
    }
    for name, value in found.items():
        query, errors = parse_query({name: [value]})
        assert not errors
        page, _ = events_query(organization=factory.org, query=query)
        assert [json.loads(e.body)["eventID"] for e in page] == [
            document["epcisBody"]["eventList"][0]["eventID"]
        ]
    query, _ = parse_query({"EQ_SENSORREPORT_" + ext1 + "someFurtherMetadata": ["someText"]})
    assert events_query(organization=factory.org, query=query)[0] == []


# Master data ---------------------------------------------------------------------------------------------

MDA = "urn:epcglobal:cbv:mda#"


@pytest.mark.parametrize(
    "params",
    [
        {"HASATTR_bizLocation": MDA + "name"},
        {"HASATTR_readPoint": MDA + "site|" + MDA + "sst"},
        {"HASATTR_" + EX + "machine": "https://gs1.org/voc/name"},  # an extension field, by its IRI
        {"EQATTR_bizLocation_" + MDA + "site": "0614141000005"},
        {"EQATTR_bizLocation_" + MDA + "street_address": "Main St"},  # after a standard field: unambiguous
        {"EQATTR_" + EX + "machine_https://gs1.org/voc/name": "Loom 7"},
        {"EQATTR_bizStep_https://gs1.org/voc/name": "shipping", "EQ_readPoint": SHOP},
    ],
)
def test_master_data_parameters_are_valid_and_match_no_event(ledger, params, django_assert_num_queries):
    # no vocabulary element has master data in Seamline, so none satisfies "(b) the value of that field is a
    # vocabulary element for which master data is available" (EPCIS 2.0 §8.2.7.1): an empty result
    query, errors = parse_query({name: [value] for name, value in params.items()})
    assert not errors
    with django_assert_num_queries(0):  # answered without reading a single event
        assert events_query(organization=ledger.org, query=query) == ([], None)


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("HASATTR_bizlocation", MDA + "name", "'bizlocation' is not a field of an event"),
        ("HASATTR_Colour", MDA + "name", "is not a field of an event"),
        ("HASATTR_bizLocation", "", "has no value"),
        ("EQATTR_bizLocation", "x", "is not EQATTR_fieldname_attrname"),
        ("EQATTR_bizLocation_", "x", "is not EQATTR_fieldname_attrname"),
        ("EQATTR_" + EX + "my_field_" + MDA + "site", "x", "cannot tell the fieldname from the attrname"),
        ("EQATTR_bizLocation_" + MDA + "site", "", "has no value"),
    ],
)
def test_bad_master_data_parameters_are_named(name, value, named):
    query, errors = parse_query({name: [value]})
    assert query is None and set(errors) == {name}
    assert named in errors[name]


# Over HTTP ---------------------------------------------------------------------------------------------


def _event_ids(response) -> list[str]:
    return [e["eventID"] for e in response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]]


def test_the_families_over_http(ledger):
    api = ledger.api()
    response = api.get("/epcis/events?" + urlencode({"EQ_SENSORREPORT_" + EX + "zone": "A"}))
    assert response.status_code == 200
    assert _event_ids(response) == [COLD["eventID"]]
    response = api.get("/epcis/events?" + urlencode({"HASATTR_bizLocation": MDA + "name"}))
    assert response.status_code == 200 and _event_ids(response) == []
    response = api.get("/epcis/events?" + urlencode({"EQATTR_" + EX + "a_b_c": "x"}))
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert [e["field"] for e in response.json()["errors"]] == ["EQATTR_" + EX + "a_b_c"]


@pytest.mark.parametrize("name", SUBSCRIPTION_PARAMS)
def test_subscription_controls_sent_to_a_query_are_refused_by_name(ledger, name):
    api = ledger.api()
    response = api.get("/epcis/events?" + urlencode({name: "true", "EQ_bizStep": "shipping"}))
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert list(errors) == [name]
    assert "controls a subscription, not a query" in errors[name]
    assert "/epcis/queries/{name}/subscriptions" in errors[name]

    saved = {"name": "q", "query": {"EQ_bizStep": ["shipping"], name: ["5"]}}
    response = api.post("/epcis/queries", data=json.dumps(saved), content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [name]


def test_a_websocket_subscription_to_a_named_query_says_what_to_do_instead(ledger):
    api = ledger.api()
    named = {"name": "cold", "query": {"EQ_SENSORREPORT_" + EX + "zone": ["A"]}}
    assert (
        api.post("/epcis/queries", data=json.dumps(named), content_type="application/json").status_code == 201
    )
    assert _event_ids(api.get("/epcis/queries/cold/events")) == [COLD["eventID"]]
    response = api.get("/epcis/queries/cold/events?stream=true")
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert list(errors) == ["stream"]
    assert "WebSocket" in errors["stream"] and "/epcis/queries/cold/subscriptions" in errors["stream"]
    response = api.get("/epcis/queries/cold/events?minute=5&hour=1&EQ_action=ADD")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"minute", "hour", "EQ_action"}
    assert "WebSocket" in errors["minute"] and "fixes the filters" in errors["EQ_action"]
