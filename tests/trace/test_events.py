"""The EPCIS event builders: every event validates against the GS1 schema and hashes stably."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from seamline.catalog import events as catalog_ev
from seamline.cutting import events as cutting_ev
from seamline.floor import events as floor_ev
from seamline.trace import events as ev
from seamline.trace.eventhash import event_hash, prehash_string
from seamline.trace.schema import validate_document, validate_event

LA = timezone(timedelta(hours=-7))  # PDT
TOKYO = timezone(timedelta(hours=9))
WHEN = datetime(2025, 5, 14, 9, 30, 15, 123456, tzinfo=LA)

FACTORY = ev.facility_uri(uuid.UUID(int=1))
DYE_HOUSE = ev.facility_uri(uuid.UUID(int=2))
RECYCLER = ev.facility_uri(uuid.UUID(int=3))
ROLL_A = ev.roll_uri(uuid.UUID(int=10))
ROLL_B = ev.roll_uri(uuid.UUID(int=11))
BUNDLES = [ev.bundle_uri(uuid.UUID(int=20 + i)) for i in range(2)]
GARMENTS = [ev.garment_uri(uuid.UUID(int=30 + i)) for i in range(3)]
CARTON = ev.carton_uri(uuid.UUID(int=40))
GOTS = {"scheme": "GOTS", "number": "CU 1234/56", "expires": date(2026, 12, 31)}


def _received(**kw):
    args = dict(
        roll=ROLL_A,
        material_class=ev.material_class_uri(7),
        meters=Decimal("52.375"),
        facility=FACTORY,
        when=WHEN,
    )
    return catalog_ev.roll_received(**(args | kw))


def _cut(**kw):
    args = dict(
        inputs=[(ROLL_A, Decimal("12.400")), (ROLL_B, Decimal("11.950"))],
        bundles=[
            {"uri": BUNDLES[0], "size": "M", "plies": "1-6", "pieces": 48},
            {"uri": BUNDLES[1], "size": "L", "plies": "7-12", "pieces": 48},
        ],
        facility=FACTORY,
        when=WHEN,
        order_number="PO-2025-0042",
    )
    return cutting_ev.lay_cut(**(args | kw))


def _offcuts(**kw):
    args = dict(
        material_class_offcut=ev.offcut_class_uri(7),
        mass_kg=Decimal("3.250"),
        facility=FACTORY,
        recycler=RECYCLER,
        when=WHEN,
    )
    return cutting_ev.offcuts_shipped(**(args | kw))


def all_events() -> dict[str, dict]:
    """One of each builder, with every optional field given, and the bare variants."""
    return {
        "received": _received(),
        "received_certified": _received(certifications=[GOTS], event_id="urn:uuid:" + str(uuid.UUID(int=1))),
        "cut": _cut(),
        "cut_measured": _cut(operator="maria", energy_kwh=Decimal("1.75"), water_l=0),
        "offcuts": _offcuts(),
        "sewn": floor_ev.sewn(
            bundles=BUNDLES, garments=GARMENTS, sku="JKT-SELV-M", facility=FACTORY, when=WHEN
        ),
        "sewn_operator": floor_ev.sewn(
            bundles=BUNDLES, garments=GARMENTS, sku="JKT SELV/M", facility=FACTORY, when=WHEN, operator="ana"
        ),
        "dyed": floor_ev.finished(
            epcs=GARMENTS, step="dyeing", facility=DYE_HOUSE, when=WHEN, energy_kwh=12.5, water_l=Decimal(340)
        ),
        "washed": floor_ev.finished(epcs=GARMENTS, step="laser_washing", facility=DYE_HOUSE, when=WHEN),
        "pressed": floor_ev.finished(
            epcs=GARMENTS, step="pressing", facility=DYE_HOUSE, when=WHEN, energy_kwh=2
        ),
        "passed": floor_ev.inspected(epcs=GARMENTS, facility=FACTORY, when=WHEN, passed=True),
        "failed": floor_ev.inspected(epcs=GARMENTS[:1], facility=FACTORY, when=WHEN, passed=False),
        "packed": floor_ev.packed(carton=CARTON, garments=GARMENTS, facility=FACTORY, when=WHEN),
        "departed": floor_ev.departed(epcs=[CARTON], facility=FACTORY, when=WHEN),
        "departed_to": floor_ev.departed(epcs=GARMENTS, facility=FACTORY, when=WHEN, destination=DYE_HOUSE),
        "arrived": floor_ev.arrived(epcs=[CARTON], when=WHEN),
        "arrived_at": floor_ev.arrived(epcs=GARMENTS, when=WHEN.astimezone(TOKYO), location=DYE_HOUSE),
    }


EVENTS = all_events()
CONTEXT = ev.document_context()


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _hash(event):
    return event_hash(event, CONTEXT)


# --- schema ---------------------------------------------------------------------------------------


def test_document_of_every_event_validates():
    doc = ev.document(EVENTS.values(), created=WHEN)
    validate_document(doc)
    assert doc["@context"] == [ev.EPCIS_CONTEXT, {"sl": ev.VOCAB}]
    assert doc["schemaVersion"] == "2.0"
    assert doc["creationDate"] == "2025-05-14T09:30:15.123-07:00"
    assert [e["type"] for e in doc["epcisBody"]["eventList"]] == [e["type"] for e in EVENTS.values()]


@pytest.mark.parametrize("name", EVENTS)
def test_each_event_validates_alone_and_in_a_document(name):
    event = EVENTS[name]
    validate_event(event)
    validate_document(ev.document([event]))
    assert "@context" not in event
    # JSON-ready: no Decimal, datetime or None anywhere
    assert json.loads(json.dumps(event)) == event
    assert all(node is not None for node in _walk(event))


def test_document_defaults_creation_date_to_now_in_utc():
    doc = ev.document([])
    created = datetime.fromisoformat(doc["creationDate"])
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)


# --- builders -------------------------------------------------------------------------------------


def test_roll_received():
    event = EVENTS["received"]
    assert event["type"] == "ObjectEvent" and event["action"] == "ADD"
    assert (event["bizStep"], event["disposition"]) == ("receiving", "active")
    assert event["epcList"] == [ROLL_A]
    assert event["quantityList"] == [{"epcClass": ROLL_A, "quantity": 52.375, "uom": "MTR"}]
    assert event["readPoint"] == event["bizLocation"] == {"id": FACTORY}
    assert event["ilmd"] == {"sl:material": "urn:seamline:material:7"}
    assert "certificationInfo" not in event and "eventID" not in event


def test_roll_received_certified():
    event = EVENTS["received_certified"]
    assert event["eventID"] == "urn:uuid:00000000-0000-0000-0000-000000000001"
    assert event["certificationInfo"] == ["urn:seamline:certificate:gots:CU%201234%2F56"]
    assert event["ilmd"]["sl:certifications"] == [
        {"sl:scheme": "GOTS", "sl:number": "CU 1234/56", "sl:expires": "2026-12-31"}
    ]
    own = _received(certifications=[GOTS | {"uri": "https://certificates.example.org/CU-123456"}])
    assert own["certificationInfo"] == ["https://certificates.example.org/CU-123456"]


def test_expired_certificate_is_refused():
    with pytest.raises(ValueError, match="expired on 2025-05-13"):
        _received(certifications=[GOTS | {"expires": date(2025, 5, 13)}])


def test_lay_cut():
    event = EVENTS["cut"]
    assert event["type"] == "TransformationEvent"
    assert event["bizStep"] == "https://seamline.app/voc/bizstep/cutting"
    assert event["inputQuantityList"] == [
        {"epcClass": ROLL_A, "quantity": 12.4, "uom": "MTR"},
        {"epcClass": ROLL_B, "quantity": 11.95, "uom": "MTR"},
    ]
    assert event["outputEPCList"] == BUNDLES
    assert event["ilmd"] == {
        "sl:bundles": [
            {"sl:bundle": BUNDLES[0], "sl:size": "M", "sl:plies": "1-6", "sl:pieces": 48},
            {"sl:bundle": BUNDLES[1], "sl:size": "L", "sl:plies": "7-12", "sl:pieces": 48},
        ]
    }
    assert event["sl:orderNumber"] == "PO-2025-0042"
    assert "sl:operator" not in event and "sensorElementList" not in event


def test_lay_cut_measured_and_a_roll_listed_twice_is_summed():
    event = EVENTS["cut_measured"]
    assert event["sl:operator"] == "maria"
    assert event["sensorElementList"] == [
        {
            "sensorReport": [
                {"type": "Energy", "value": 1.75, "uom": "KWH"},
                {"type": "Volume", "value": 0, "uom": "LTR"},
            ]
        }
    ]
    twice = _cut(inputs=[(ROLL_A, Decimal("1.1")), (ROLL_A, Decimal("2.2"))])
    assert twice["inputQuantityList"] == [{"epcClass": ROLL_A, "quantity": 3.3, "uom": "MTR"}]


def test_offcuts_shipped():
    event = EVENTS["offcuts"]
    assert (event["type"], event["action"], event["bizStep"]) == ("ObjectEvent", "OBSERVE", "departing")
    assert event["quantityList"] == [{"epcClass": "urn:seamline:offcut:7", "quantity": 3.25, "uom": "KGM"}]
    assert event["destinationList"] == [{"type": "location", "destination": RECYCLER}]
    assert event["readPoint"] == {"id": FACTORY} and "bizLocation" not in event


def test_sewn():
    event = EVENTS["sewn"]
    assert event["type"] == "TransformationEvent"
    assert event["bizStep"] == "https://seamline.app/voc/bizstep/sewing"
    assert (event["inputEPCList"], event["outputEPCList"]) == (BUNDLES, GARMENTS)
    assert event["ilmd"] == {"sl:sku": "JKT-SELV-M"}
    assert EVENTS["sewn_operator"]["sl:operator"] == "ana"


def test_finished_steps_and_their_measurements():
    dyed, washed, pressed = EVENTS["dyed"], EVENTS["washed"], EVENTS["pressed"]
    assert [e["bizStep"] for e in (dyed, washed, pressed)] == [
        "https://seamline.app/voc/bizstep/dyeing",
        "https://seamline.app/voc/bizstep/laser_washing",
        "https://seamline.app/voc/bizstep/pressing",
    ]
    assert dyed["action"] == "OBSERVE" and dyed["epcList"] == GARMENTS
    assert dyed["readPoint"] == dyed["bizLocation"] == {"id": DYE_HOUSE}
    assert dyed["sensorElementList"][0]["sensorReport"] == [
        {"type": "Energy", "value": 12.5, "uom": "KWH"},
        {"type": "Volume", "value": 340, "uom": "LTR"},
    ]
    assert "sensorElementList" not in washed
    assert pressed["sensorElementList"][0]["sensorReport"] == [{"type": "Energy", "value": 2, "uom": "KWH"}]
    with pytest.raises(ValueError, match="step must be one of"):
        floor_ev.finished(epcs=GARMENTS, step="sewing", facility=FACTORY, when=WHEN)


def test_sensor_types_hash_as_gs1_measurement_types():
    prehash = prehash_string(EVENTS["dyed"], CONTEXT)
    assert "type=https://gs1.org/voc/Energy" in prehash
    assert "type=https://gs1.org/voc/Volume" in prehash


def test_inspected():
    assert EVENTS["passed"]["bizStep"] == "inspecting"
    assert EVENTS["passed"]["disposition"] == "conformant"
    assert EVENTS["failed"]["disposition"] == "non_conformant"


def test_packed():
    event = EVENTS["packed"]
    assert (event["type"], event["action"], event["bizStep"]) == ("AggregationEvent", "ADD", "packing")
    assert (event["parentID"], event["childEPCs"]) == (CARTON, GARMENTS)


def test_departed_and_arrived():
    departed, to = EVENTS["departed"], EVENTS["departed_to"]
    assert (departed["bizStep"], departed["disposition"]) == ("departing", "in_transit")
    assert "destinationList" not in departed and "bizLocation" not in departed
    assert to["destinationList"] == [{"type": "location", "destination": DYE_HOUSE}]
    arrived, at = EVENTS["arrived"], EVENTS["arrived_at"]
    assert (arrived["action"], arrived["bizStep"]) == ("OBSERVE", "arriving")
    assert "readPoint" not in arrived and "bizLocation" not in arrived
    assert at["readPoint"] == at["bizLocation"] == {"id": DYE_HOUSE}


def test_identifiers():
    uid = uuid.UUID("6f1c2a9e-0d4b-4c55-9a57-1f2e3d4c5b6a")
    assert ev.roll_uri(uid) == f"urn:seamline:roll:{uid}"
    assert ev.facility_uri(uid) == f"urn:seamline:facility:{uid}"
    assert ev.bundle_uri(uid) == f"urn:seamline:bundle:{uid}"
    assert ev.garment_uri(str(uid)) == f"urn:seamline:garment:{uid}"
    assert ev.carton_uri(uid) == f"urn:seamline:carton:{uid}"
    assert ev.material_class_uri(7) == "urn:seamline:material:7"
    assert ev.sku_class_uri("JKT-SELV-M") == "urn:seamline:sku:JKT-SELV-M"
    assert ev.sku_class_uri("JKT SELV/M") == "urn:seamline:sku:JKT%20SELV%2FM"
    assert ev.offcut_class_uri(7) == "urn:seamline:offcut:7"


# --- hashing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVENTS)
def test_hash_is_stable_across_key_order(name):
    event = EVENTS[name]

    def reverse(node):
        if isinstance(node, dict):
            return {k: reverse(node[k]) for k in reversed(list(node))}
        if isinstance(node, list):
            return [reverse(v) for v in node]
        return node

    shuffled = reverse(event)
    assert list(shuffled) != list(event)
    assert _hash(shuffled) == _hash(event)
    assert _hash(all_events()[name]) == _hash(event)  # rebuilding gives the same hash


def test_hash_changes_with_meters_and_mass():
    assert _hash(_received(meters=Decimal("52.376"))) != _hash(EVENTS["received"])
    changed_cut = _cut(inputs=[(ROLL_A, Decimal("12.401")), (ROLL_B, Decimal("11.950"))])
    assert _hash(changed_cut) != _hash(EVENTS["cut"])
    assert _hash(_offcuts(mass_kg=Decimal("3.251"))) != _hash(EVENTS["offcuts"])
    # The same quantity written with more decimals is the same data.
    assert _hash(_received(meters=Decimal("52.3750"))) == _hash(EVENTS["received"])


def test_extension_terms_expand_with_the_document_context():
    prehash = prehash_string(EVENTS["cut_measured"], CONTEXT)
    assert "{https://seamline.app/voc/}orderNumber=PO-2025-0042" in prehash
    assert "{https://seamline.app/voc/}operator=maria" in prehash
    assert "{https://seamline.app/voc/}pieces=48" in prehash


# --- units, times, vocabulary ---------------------------------------------------------------------


def test_units_are_upper_case_rec20_codes():
    uoms = {
        node["uom"] for e in EVENTS.values() for node in _walk(e) if isinstance(node, dict) and "uom" in node
    }
    assert uoms == {"MTR", "KGM", "KWH", "LTR"}
    text = json.dumps(list(EVENTS.values()))
    for lower in ("mtr", "kgm", "kwh", "ltr"):
        assert f'"{lower}"' not in text


def test_non_utc_offsets_are_kept():
    assert EVENTS["received"]["eventTime"] == "2025-05-14T09:30:15.123-07:00"
    assert EVENTS["received"]["eventTimeZoneOffset"] == "-07:00"
    tokyo = EVENTS["arrived_at"]
    assert tokyo["eventTime"] == "2025-05-15T01:30:15.123+09:00"
    assert tokyo["eventTimeZoneOffset"] == "+09:00"
    india = floor_ev.arrived(epcs=GARMENTS, when=WHEN.astimezone(timezone(timedelta(hours=5, minutes=30))))
    assert india["eventTimeZoneOffset"] == "+05:30"
    utc = floor_ev.arrived(epcs=GARMENTS, when=WHEN.astimezone(UTC))
    assert utc["eventTimeZoneOffset"] == "+00:00"
    # Same instant, different offsets: same hash (the offset is data, but the instant is UTC-normalised)
    assert (
        prehash_string(tokyo, CONTEXT).split("eventTimeZoneOffset")[0]
        == prehash_string(floor_ev.arrived(epcs=GARMENTS, when=WHEN, location=DYE_HOUSE), CONTEXT).split(
            "eventTimeZoneOffset"
        )[0]
    )


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        floor_ev.arrived(epcs=GARMENTS, when=datetime(2025, 5, 14, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        ev.document([], created=datetime(2025, 5, 14))


def test_custom_bizsteps_are_absolute_uris_and_cbv_ones_short_names():
    cbv = {"receiving", "departing", "arriving", "inspecting", "packing"}
    for event in EVENTS.values():
        step = event["bizStep"]
        assert step in cbv or step.startswith("https://seamline.app/voc/bizstep/")
    assert ev.BIZSTEP_CUTTING == "https://seamline.app/voc/bizstep/cutting"


@pytest.mark.parametrize(
    "build",
    [
        lambda: _received(meters=Decimal(0)),
        lambda: _received(meters=-1),
        lambda: _received(meters="12"),
        lambda: _received(roll="roll-1"),
        lambda: _offcuts(mass_kg=Decimal("NaN")),
        lambda: _cut(inputs=[]),
        lambda: _cut(bundles=[{"uri": BUNDLES[0], "size": "M", "plies": "6-1", "pieces": 4}]),
        lambda: _cut(bundles=[{"uri": BUNDLES[0], "size": "M", "plies": "1-6", "pieces": 0}]),
        lambda: _cut(energy_kwh=-1),
        lambda: floor_ev.packed(
            carton=CARTON, garments=[GARMENTS[0], GARMENTS[0]], facility=FACTORY, when=WHEN
        ),
        lambda: floor_ev.inspected(epcs=GARMENTS, facility=FACTORY, when=WHEN, passed="yes"),
        lambda: floor_ev.departed(epcs=ROLL_A, facility=FACTORY, when=WHEN),
    ],
)
def test_bad_arguments_are_refused(build):
    with pytest.raises(ValueError):
        build()


# --- the published context ------------------------------------------------------------------------


def test_context_file_maps_sl_and_declares_every_extension_term():
    context = ev.seamline_context()
    assert json.loads(json.dumps(context)) == context
    terms = context["@context"]
    assert terms["sl"] == ev.VOCAB
    used = {
        key.removeprefix("sl:")
        for e in EVENTS.values()
        for node in _walk(e)
        if isinstance(node, dict)
        for key in node
        if key.startswith("sl:")
    }
    ids = {t: v.get("@id") if isinstance(v, dict) else v for t, v in terms.items()}
    assert used and used <= {t for t, iri in ids.items() if iri == f"sl:{t}"}
    # the vocabulary's bizSteps, expanded, are the URIs the builders write
    expanded = {ev.VOCAB + ids[step].removeprefix("sl:") for step in ev.FINISHING_BIZSTEPS}
    assert expanded == set(ev.FINISHING_BIZSTEPS.values())
    assert ev.VOCAB + ids["cutting"].removeprefix("sl:") == ev.BIZSTEP_CUTTING
    assert ev.VOCAB + ids["sewing"].removeprefix("sl:") == ev.BIZSTEP_SEWING
    assert ev.seamline_context() is not ev.seamline_context()  # callers may mutate their copy
