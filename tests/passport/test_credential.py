"""The UNTP DPP credential of a denim chore jacket: its shape, schema validation, and bad data by path."""

import copy
import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from seamline.passport.credential import (
    UNTP_DPP_CONTEXT,
    VC_V2_CONTEXT,
    Certificate,
    Circularity,
    Emissions,
    Garment,
    LedgerEvent,
    Material,
    Party,
    PassportData,
    PassportError,
    Standard,
    TraceStep,
    linked_events,
    local_context,
    passport_credential,
    validate_passport,
)
from seamline.passport.status_list import StatusEntry

HOST = "https://passports.seamline.example"
DID = "did:web:passports.seamline.example"
ISSUED = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
SHARED_UNTP = Path(__file__).resolve().parents[1] / "data/standards/untp"


def _hash(text: str) -> str:
    return f"ni:///sha-256;{hashlib.sha256(text.encode()).hexdigest()}?ver=CBV2.0"


def chore_jacket(serial: str = "SL-0042-000017") -> PassportData:
    factory = Party("https://seamline.example/orgs/eastside-sewing", "Eastside Sewing Co.", "CA-LLC-2019-77")
    textile_exchange = Party("https://textileexchange.org", "Textile Exchange")
    wri = Party("https://www.wri.org", "World Resources Institute")
    events = [
        ("Cutting", "ObjectEvent", "Cut at Boyle Heights cutting room, 2026-03-02"),
        ("Sewing", "TransformationEvent", "Sewn at Eastside Sewing Co., 2026-03-04"),
        ("Garment dyeing", "ObjectEvent", "Indigo overdye at Vernon Dye House, 2026-03-06"),
        ("Pressing", "ObjectEvent", "Pressed and packed, 2026-03-08"),
    ]
    trace = tuple(
        TraceStep(process, (LedgerEvent(f"{HOST}/trace/events/{i}", _hash(name), kind, name),))
        for i, (process, kind, name) in enumerate(events)
    )
    return PassportData(
        issuer_name="Eastside Sewing Co.",
        garment=Garment(
            passport_url=f"{HOST}/p/{serial}",
            name="Chore Jacket, 12 oz selvedge denim, size M",
            serial_number=serial,
            order_number="PO-2026-0042",
            description="Unlined four-pocket chore jacket in rope-dyed selvedge denim with corozo buttons.",
            production_date=date(2026, 3, 8),
            made_by=factory,
            made_at=Party("https://seamline.example/facilities/boyle-heights", "Boyle Heights workshop"),
            mass_kg=0.92,
            care_url=f"{HOST}/p/{serial}#care",
        ),
        materials=(
            Material("Organic cotton denim, 12 oz", "US", 0.86, 0.0, 0.791),
            Material("Recycled cotton pocketing", "US", 0.1, 1.0, 0.092),
            Material("Recycled polyester thread", "US", 0.02, 1.0),
            Material("Corozo buttons", "EC", 0.02, 0.0),
        ),
        certificates=(
            Certificate(
                Standard("https://textileexchange.org/recycled-claim-standard/", "RCS 3.0", textile_exchange),
                "TE-00123456",
                "https://textileexchange.org/certificates/TE-00123456",
                "circularity.content",
                "recycled cotton pocketing and thread",
            ),
        ),
        emissions=Emissions(
            co2e_kg=11.84,
            primary_sourced_ratio=0.62,
            reporting_standard=Standard(
                "https://ghgprotocol.org/product-standard", "GHG Protocol Product Standard", wri
            ),
        ),
        trace=trace,
        circularity=Circularity(
            recycled_content=0.12, repair_url=f"{HOST}/repair", take_back_url=f"{HOST}/take-back"
        ),
    )


def _credential(**overrides) -> dict:
    kwargs = {
        "issuer_did": DID,
        "credential_id": f"{HOST}/p/SL-0042-000017.json",
        "status": StatusEntry(f"{HOST}/status/1", 17),
        "issued": ISSUED,
    } | overrides
    return passport_credential(chore_jacket(), **kwargs)


def _path_of(credential) -> str:
    with pytest.raises(PassportError) as caught:
        validate_passport(credential)
    return caught.value.path


def test_chore_jacket_passport_validates_and_has_the_untp_shape():
    credential = _credential()
    validate_passport(credential)

    assert credential["@context"] == [VC_V2_CONTEXT, UNTP_DPP_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "DigitalProductPassport"]
    assert credential["issuer"] == {"type": ["CredentialIssuer"], "id": DID, "name": "Eastside Sewing Co."}
    assert credential["validFrom"] == "2026-03-09T17:30:00Z"
    product = credential["credentialSubject"]["product"]
    assert product["id"] == f"{HOST}/p/SL-0042-000017"
    assert (product["serialNumber"], product["batchNumber"]) == ("SL-0042-000017", "PO-2026-0042")
    assert product["producedByParty"]["name"] == "Eastside Sewing Co."
    assert product["producedAtFacility"]["id"] == "https://seamline.example/facilities/boyle-heights"
    assert product["dimensions"]["weight"] == {"value": 0.92, "unit": "KGM"}
    subject = credential["credentialSubject"]
    assert [m["originCountry"] for m in subject["materialsProvenance"]] == ["US", "US", "US", "EC"]
    assert all(m["hazardous"] is False for m in subject["materialsProvenance"])
    assert (
        subject["conformityClaim"][0]["conformityEvidence"]["linkName"] == "RCS 3.0 certificate TE-00123456"
    )
    assert subject["emissionsScorecard"]["carbonFootprint"] == 11.84
    assert subject["emissionsScorecard"]["declaredUnit"] == "H87"
    assert subject["circularityScorecard"]["recyclingInformation"]["linkURL"] == f"{HOST}/take-back"
    assert credential["credentialStatus"] == {
        "id": f"{HOST}/status/1#17",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "17",
        "statusListCredential": f"{HOST}/status/1",
    }
    # the credential is plain JSON
    assert json.loads(json.dumps(credential)) == credential


def test_ledger_events_are_linked_by_url_and_event_hash():
    data = chore_jacket()
    credential = _credential()
    expected = [(e.url, e.event_hash) for step in data.trace for e in step.events]
    assert linked_events(credential) == expected
    first = credential["credentialSubject"]["traceabilityInformation"][0]
    assert first["valueChainProcess"] == "Cutting"
    assert first["traceabilityEvent"][0]["hashMethod"] == "SHA-256"
    assert first["traceabilityEvent"][0]["linkType"] == "https://ref.gs1.org/epcis/ObjectEvent"


def test_without_status_there_is_no_credential_status():
    credential = _credential(status=None)
    validate_passport(credential)
    assert "credentialStatus" not in credential


def test_packaged_schema_is_the_shared_one_and_the_shared_example_validates():
    if not SHARED_UNTP.is_dir():
        pytest.skip("shared UNTP standards not present")
    shared = json.loads((SHARED_UNTP / "dpp-untp-dpp-schema.json").read_text("utf-8"))
    example = json.loads((SHARED_UNTP / "dpp-untp-dpp-instance.json").read_text("utf-8"))
    # our validator agrees with a validator built straight from the shared schema on both instances
    shared_validator = Draft202012Validator(shared, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(shared_validator.iter_errors(_credential()))
    assert not list(shared_validator.iter_errors(example))
    validate_passport(example)
    assert local_context(UNTP_DPP_CONTEXT) == json.loads((SHARED_UNTP / "dpp-context.jsonld").read_text())


def test_vc_context_is_the_published_one():
    text = json.dumps(local_context(VC_V2_CONTEXT))
    assert "BitstringStatusListEntry" in text
    with pytest.raises(KeyError):
        local_context("https://example.com/unknown-context")


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda c: c["credentialSubject"]["product"].pop("name"), "credentialSubject.product.name"),
        (
            lambda c: c["credentialSubject"]["product"].update(productionDate="8 March 2026"),
            "credentialSubject.product.productionDate",
        ),
        (
            lambda c: c["credentialSubject"]["materialsProvenance"][1].update(massFraction="ten percent"),
            "credentialSubject.materialsProvenance[1].massFraction",
        ),
        (
            lambda c: c["credentialSubject"]["materialsProvenance"][2].update(recycledMassFraction=1.5),
            "credentialSubject.materialsProvenance[2].recycledMassFraction",
        ),
        (
            lambda c: c["credentialSubject"]["emissionsScorecard"].update(operationalScope="GateToGate"),
            "credentialSubject.emissionsScorecard.operationalScope",
        ),
        (
            lambda c: c["credentialSubject"]["traceabilityInformation"][2]["traceabilityEvent"][0].update(
                linkURL="not a uri"
            ),
            "credentialSubject.traceabilityInformation[2].traceabilityEvent[0].linkURL",
        ),
        (
            lambda c: c["credentialSubject"]["conformityClaim"][0].update(
                conformityTopic="environment.carbon"
            ),
            "credentialSubject.conformityClaim[0].conformityTopic",
        ),
        (lambda c: c.update(validFrom="2026-03-09 17:30"), "validFrom"),
        (lambda c: c["@context"].reverse(), "@context[0]"),
        (lambda c: c["issuer"].update(id="https://example.com/org"), "issuer.id"),
        (lambda c: c["credentialStatus"].update(statusListIndex=17), "credentialStatus.statusListIndex"),
    ],
)
def test_bad_data_names_the_json_path(mutate, path):
    credential = copy.deepcopy(_credential())
    mutate(credential)
    assert _path_of(credential) == path


def test_materials_adding_up_to_more_than_the_garment_fail():
    credential = _credential()
    credential["credentialSubject"]["materialsProvenance"][0]["massFraction"] = 0.95
    with pytest.raises(PassportError) as caught:
        validate_passport(credential)
    assert caught.value.errors == [
        ("credentialSubject.materialsProvenance", "mass fractions sum to 1.09 > 1")
    ]


def test_every_error_is_reported_not_only_the_first():
    credential = _credential()
    credential["credentialSubject"]["product"]["productionDate"] = "yesterday"
    credential["credentialSubject"]["emissionsScorecard"]["primarySourcedRatio"] = 2
    with pytest.raises(PassportError) as caught:
        validate_passport(credential)
    paths = [path for path, _ in caught.value.errors]
    assert "credentialSubject.product.productionDate" in paths
    assert "credentialSubject.emissionsScorecard.primarySourcedRatio" in paths
    assert "productionDate" in str(caught.value)


def test_a_malformed_event_hash_is_refused_when_building():
    data = chore_jacket()
    step = data.trace[1]
    bad = LedgerEvent(step.events[0].url, "sha256:abc", "ObjectEvent", "Sewn")
    broken = PassportData(**{**data.__dict__, "trace": (data.trace[0], TraceStep(step.process, (bad,)))})
    with pytest.raises(PassportError) as caught:
        passport_credential(broken, issuer_did=DID, credential_id=f"{HOST}/x", status=None, issued=ISSUED)
    assert caught.value.path == "credentialSubject.traceabilityInformation[1].traceabilityEvent[0].hashDigest"


def test_issued_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone"):
        _credential(issued=datetime(2026, 3, 9, 17, 30))
