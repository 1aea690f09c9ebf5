"""EPCIS 2.0 JSON Schema validation with format checking, and the Rec 20 unit-code rule."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from seamline.trace import schema
from seamline.trace.schema import EpcisSchemaError, validate_document, validate_event

EXAMPLES = Path(__file__).resolve().parents[1] / "data/standards/epcis/examples"
pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared EPCIS standards not present")
EXAMPLE_DOCS = sorted(EXAMPLES.glob("*.jsonld"))


def _load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text("utf-8"))


def _errors(fn, instance) -> list[tuple[str, str]]:
    with pytest.raises(EpcisSchemaError) as caught:
        fn(instance)
    return caught.value.errors


@pytest.fixture
def object_doc() -> dict:
    return copy.deepcopy(_load("Example_9.6.1-ObjectEvent.jsonld"))


def test_packaged_schema_is_the_shared_one_with_its_disclaimer():
    packaged = Path(schema.__file__).parent / "standards"
    shared = EXAMPLES.parent
    assert (packaged / "EPCIS-JSON-Schema.json").read_bytes() == (
        shared / "EPCIS-JSON-Schema.json"
    ).read_bytes()
    assert (packaged / "GS1-DISCLAIMER.txt").read_bytes() == (shared / "GS1-DISCLAIMER.txt").read_bytes()
    assert schema._schema()["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_format_checkers_are_active():
    assert {"date-time", "uri"} <= set(Draft7Validator.FORMAT_CHECKER.checkers)


@pytest.mark.parametrize("path", EXAMPLE_DOCS, ids=lambda p: p.stem)
def test_gs1_examples_validate(path):
    doc = json.loads(path.read_text("utf-8"))
    validate_document(doc)
    for event in doc["epcisBody"]["eventList"]:
        validate_event(event)


def test_missing_event_type_names_the_path(object_doc):
    del object_doc["epcisBody"]["eventList"][0]["type"]
    assert _errors(validate_document, object_doc) == [
        ("epcisBody.eventList[0].type", "'type' is a required property")
    ]


def test_missing_document_type():
    assert _errors(validate_document, {"epcisBody": {}})[0][0] == "type"


def test_invalid_date_time_fails(object_doc):
    object_doc["epcisBody"]["eventList"][1]["eventTime"] = "2005-13-03T20:33:31.116-06:00"
    assert _errors(validate_document, object_doc) == [
        ("epcisBody.eventList[1].eventTime", "'2005-13-03T20:33:31.116-06:00' is not a 'date-time'")
    ]


def test_date_time_without_offset_fails(object_doc):
    object_doc["creationDate"] = "2005-07-11T11:30:47"
    assert [p for p, _ in _errors(validate_document, object_doc)] == ["creationDate"]


def test_lower_case_uom_is_refused_naming_the_path(object_doc):
    object_doc["epcisBody"]["eventList"][0]["quantityList"] = [
        {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 12.5, "uom": "mtr"}
    ]
    [(path, message)] = _errors(validate_document, object_doc)
    assert path == "epcisBody.eventList[0].quantityList[0].uom"
    assert "'MTR'" in message


def test_sensor_report_uom_is_checked_though_the_schema_does_not():
    doc = copy.deepcopy(_load("SensorDataExample1.jsonld"))
    doc["epcisBody"]["eventList"][0]["sensorElementList"][0]["sensorReport"][0]["uom"] = "cel"
    [(path, _)] = _errors(validate_document, doc)
    assert path == "epcisBody.eventList[0].sensorElementList[0].sensorReport[0].uom"


@pytest.mark.parametrize(("biz_step", "message"), [(123, "not of type 'string'"), ("shiping", "not a 'uri'")])
def test_wrong_biz_step_names_the_path(object_doc, biz_step, message):
    object_doc["epcisBody"]["eventList"][0]["bizStep"] = biz_step
    [(path, got)] = _errors(validate_document, object_doc)
    assert path == "epcisBody.eventList[0].bizStep"
    assert message in got


def test_custom_biz_step_uri_is_accepted(object_doc):
    object_doc["epcisBody"]["eventList"][0]["bizStep"] = "https://seamline.example/bizstep/cutting"
    validate_document(object_doc)


def test_bad_epc_names_the_list_item(object_doc):
    object_doc["epcisBody"]["eventList"][0]["epcList"].append("not a uri")
    assert _errors(validate_document, object_doc) == [
        ("epcisBody.eventList[0].epcList[2]", "'not a uri' is not a 'uri'")
    ]


def test_blank_node_id_is_accepted_only_at_document_level(object_doc):
    validate_document(object_doc)  # "_:document1"
    object_doc["epcisBody"]["eventList"][0]["readPoint"]["id"] = "_:here"
    assert [p for p, _ in _errors(validate_document, object_doc)] == ["epcisBody.eventList[0].readPoint.id"]


def test_single_event(object_doc):
    event = object_doc["epcisBody"]["eventList"][0]
    validate_event(event)
    event["eventTime"] = "yesterday"
    event["quantityList"] = [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "uom": "kgm"}]
    assert [p for p, _ in _errors(validate_event, event)] == ["eventTime", "quantityList[0].uom"]


def test_error_is_a_value_error_with_a_readable_message(object_doc):
    object_doc["epcisBody"]["eventList"][0]["action"] = "LOOK"
    with pytest.raises(ValueError, match=r"epcisBody\.eventList\[0\]\.action"):
        validate_document(object_doc)
