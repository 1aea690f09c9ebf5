"""A garment's Digital Product Passport as a W3C Verifiable Credential 2.0 shaped as a UNTP DPP.

``passport_credential`` turns plain data (gathered by the passport service from catalog, ledger and
footprint) into the credential; ``validate_passport`` checks a credential against the UNTP DPP JSON
Schema (working version, copied into ``standards/`` with its GPL-3.0 licence) with format checking, plus
the few rules the schema leaves open (fractions within 0..1, a DID issuer, a well-formed status entry).
Each ledger event is linked by URL and by its GS1 CBV 2.0 event hash: ``hashDigest`` is the hex SHA-256
of the event's canonical pre-hash string (``ni:///sha-256;<hex>?ver=CBV2.0``), not of the bytes served
at the URL, so a verifier recomputes it from the event data whatever the serialisation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .status_list import StatusEntry

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
UNTP_DPP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dpp/working/"  # the schema requires this URL
CONTEXT_FILES = {VC_V2_CONTEXT: "credentials-v2.jsonld", UNTP_DPP_CONTEXT: "dpp-context.jsonld"}
SCHEMA_FILE = "dpp-untp-dpp-schema.json"

PIECE = "H87"  # UN/CEFACT Rec 20 "piece": the declared unit of a garment's footprint
EPCIS_EVENT_TYPE_BASE = "https://ref.gs1.org/epcis/"
LEDGER_HEADS = "sl:ledgerHeads"  # in credentialSubject: the head of each chain the passport's events are in
PATTERN = (
    "sl:pattern"  # in credentialSubject: the pattern version the garment was cut from, and who shaped it
)
EVENT_HASH = re.compile(r"ni:///sha-256;([0-9a-f]{64})\?ver=CBV2\.0")


class PassportError(ValueError):
    """The passport does not conform; ``errors`` lists ``(path, message)`` pairs, ``path`` is the first."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        self.path = errors[0][0] if errors else ""
        super().__init__("; ".join(f"{path or '(credential)'}: {message}" for path, message in errors))


@dataclass(frozen=True)
class Party:
    """An organisation or facility: ``id`` is a URI (a register entry, a facility page)."""

    id: str
    name: str
    registered_id: str | None = None


@dataclass(frozen=True)
class Standard:
    """A published standard or scheme (GOTS, GRS, the GHG Protocol Product Standard) and its owner."""

    id: str
    name: str
    issuer: Party


@dataclass(frozen=True)
class Garment:
    """The product: one serialised garment of a production order."""

    passport_url: str  # the public page the hangtag's QR code opens; the product's id
    name: str
    serial_number: str
    order_number: str
    description: str
    production_date: date
    made_by: Party  # the micro-factory
    made_at: Party  # the facility where it was sewn
    country_of_production: str = "US"
    mass_kg: float | None = None
    care_url: str | None = None


@dataclass(frozen=True)
class Material:
    name: str
    origin_country: str  # ISO 3166-1 alpha-2
    mass_fraction: float  # of the garment, 0..1
    recycled_mass_fraction: float = 0.0  # of this material, 0..1
    mass_kg: float | None = None


@dataclass(frozen=True)
class Certificate:
    """A certificate held for the garment's materials or making (scheme + number)."""

    scheme: Standard
    number: str
    url: str  # where the certificate can be checked
    topic: str  # a UNTP conformityTopic, e.g. "circularity.content"
    description: str


@dataclass(frozen=True)
class Emissions:
    co2e_kg: float  # per declared unit (one garment)
    primary_sourced_ratio: float  # share of the footprint from primary (ledger) data, 0..1
    reporting_standard: Standard
    declared_unit: str = PIECE
    operational_scope: str = "CradleToGate"


@dataclass(frozen=True)
class LedgerEvent:
    """One EPCIS event of the garment's ledger, linked by URL and CBV 2.0 event hash."""

    url: str
    event_hash: str  # ni:///sha-256;<hex>?ver=CBV2.0
    event_type: str  # ObjectEvent, TransformationEvent, AggregationEvent, ...
    name: str  # what a person reads: "Cut at Boyle Heights cutting room, 2026-03-02"


@dataclass(frozen=True)
class TraceStep:
    process: str  # the value chain process: "Cutting", "Sewing", "Garment dyeing"
    events: tuple[LedgerEvent, ...]


@dataclass(frozen=True)
class Circularity:
    recycled_content: float  # mass share of the garment, 0..1
    repair_url: str | None = None
    take_back_url: str | None = None
    recyclable_content: float | None = None


@dataclass(frozen=True)
class LedgerHead:
    """A chain of the ledger as it stood when the passport was issued: its last record and that record's
    hash; a saved copy of ``checkpoints_url`` (signed heads) shows later whether it was rewritten."""

    organization: str  # the chain's organization (slug)
    record: int
    head_hash: str
    checkpoints_url: str


@dataclass(frozen=True)
class PatternNote:
    """The pattern version a garment was cut from: "Cut from pattern v2 of SD-02 — shaped by 143 comments in
    the live fitting of 3 Dec 2026"."""

    style_code: str
    version: int
    description: str


@dataclass(frozen=True)
class PassportData:
    issuer_name: str
    garment: Garment
    materials: tuple[Material, ...]
    certificates: tuple[Certificate, ...]
    emissions: Emissions | None  # None: the footprint uses an unsourced factor, no scorecard is issued
    trace: tuple[TraceStep, ...]
    circularity: Circularity | None = None
    ledger_heads: tuple[LedgerHead, ...] = ()
    pattern: PatternNote | None = None


def passport_credential(
    data: PassportData,
    *,
    issuer_did: str,
    credential_id: str,
    status: StatusEntry | None,
    issued: datetime,
) -> dict[str, Any]:
    """The UNTP DPP credential of one garment (unsigned; see signing.sign_credential)."""
    g = data.garment
    subject: dict[str, Any] = {
        "type": ["ProductPassport"],
        "id": g.passport_url,
        "product": _product(g),
        "granularityLevel": "item",
        "materialsProvenance": [_material(m) for m in data.materials],
        "conformityClaim": [_claim(c) for c in data.certificates],
    }
    if data.emissions is not None:  # the UNTP schema leaves the scorecard optional
        subject["emissionsScorecard"] = _emissions(data.emissions)
    subject["traceabilityInformation"] = [_trace_step(i, step) for i, step in enumerate(data.trace)]
    if data.circularity is not None:
        subject["circularityScorecard"] = _circularity(data.circularity)
    if data.ledger_heads:  # the schema's ProductPassport allows further properties: Seamline's, prefixed
        subject[LEDGER_HEADS] = [_ledger_head(h) for h in data.ledger_heads]
    if data.pattern is not None:
        subject[PATTERN] = {
            "styleCode": data.pattern.style_code,
            "version": data.pattern.version,
            "description": data.pattern.description,
        }
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, UNTP_DPP_CONTEXT],
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "id": credential_id,
        "issuer": {"type": ["CredentialIssuer"], "id": issuer_did, "name": data.issuer_name},
        "validFrom": _utc_text(issued),
        "credentialSubject": subject,
    }
    if status is not None:
        credential["credentialStatus"] = status.as_json()
    return credential


def validate_passport(credential: Any) -> None:
    """Validate against the UNTP DPP schema (formats checked) and Seamline's rules. Raises PassportError."""
    errors = [
        (_error_path(error), error.message)
        for error in sorted(_validator().iter_errors(credential), key=lambda e: list(e.absolute_path))
    ]
    if isinstance(credential, Mapping):
        errors += _rule_errors(credential)
    if errors:
        raise PassportError(errors)


def linked_events(credential: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(event URL, ni:///sha-256;<hex>?ver=CBV2.0)`` for each ledger event the passport links."""
    links = []
    for step in credential.get("credentialSubject", {}).get("traceabilityInformation", []):
        for event in step.get("traceabilityEvent", []):
            links.append((event["linkURL"], f"ni:///sha-256;{event['hashDigest']}?ver=CBV2.0"))
    return links


def local_context(url: str) -> dict[str, Any]:
    """The JSON-LD context document for ``url`` from the package (no network). KeyError if unknown."""
    return json.loads(_standard_text(CONTEXT_FILES[url]))


# ---------------------------------------------------------------------------------------------------


def _product(g: Garment) -> dict[str, Any]:
    product: dict[str, Any] = {
        "type": ["Product"],
        "id": g.passport_url,
        "name": g.name,
        "serialNumber": g.serial_number,
        "batchNumber": g.order_number,
        "description": g.description,
        "producedByParty": _party(g.made_by),
        "producedAtFacility": _party(g.made_at),
        "productionDate": g.production_date.isoformat(),
        "countryOfProduction": g.country_of_production,
    }
    if g.mass_kg is not None:
        product["dimensions"] = {"weight": {"value": g.mass_kg, "unit": "KGM"}}
    if g.care_url is not None:
        product["furtherInformation"] = [{"linkURL": g.care_url, "linkName": "Care instructions"}]
    return product


def _party(party: Party) -> dict[str, str]:
    out = {"id": party.id, "name": party.name}
    if party.registered_id is not None:
        out["registeredId"] = party.registered_id
    return out


def _standard(standard: Standard) -> dict[str, Any]:
    return {
        "type": ["Standard"],
        "id": standard.id,
        "name": standard.name,
        "issuingParty": _party(standard.issuer),
    }


def _material(m: Material) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Material"],
        "name": m.name,
        "originCountry": m.origin_country,
        "massFraction": m.mass_fraction,
        "recycledMassFraction": m.recycled_mass_fraction,
        "hazardous": False,  # Seamline sources no hazardous materials (restricted substances list)
    }
    if m.mass_kg is not None:
        out["mass"] = {"value": m.mass_kg, "unit": "KGM"}
    return out


def _claim(c: Certificate) -> dict[str, Any]:
    label = f"{c.scheme.name} certificate {c.number}"
    return {
        "type": ["Claim", "Declaration"],
        "id": c.url,
        "description": f"{label}: {c.description}",
        "referenceStandard": _standard(c.scheme),
        "conformityTopic": c.topic,
        "conformityEvidence": {"linkURL": c.url, "linkName": label},
    }


def _emissions(e: Emissions) -> dict[str, Any]:
    return {
        "type": ["EmissionsPerformance"],
        "carbonFootprint": e.co2e_kg,
        "declaredUnit": e.declared_unit,
        "operationalScope": e.operational_scope,
        "primarySourcedRatio": e.primary_sourced_ratio,
        "reportingStandard": _standard(e.reporting_standard),
    }


def _trace_step(step_index: int, step: TraceStep) -> dict[str, Any]:
    links = []
    for event_index, event in enumerate(step.events):
        match = EVENT_HASH.fullmatch(event.event_hash)
        if match is None:
            path = f"credentialSubject.traceabilityInformation[{step_index}].traceabilityEvent[{event_index}]"
            raise PassportError([(f"{path}.hashDigest", f"{event.event_hash!r} is not a CBV 2.0 event hash")])
        links.append(
            {
                "linkURL": event.url,
                "linkName": event.name,
                "linkType": EPCIS_EVENT_TYPE_BASE + event.event_type,
                "hashDigest": match.group(1),
                "hashMethod": "SHA-256",
            }
        )
    return {
        "type": ["TraceabilityPerformance"],
        "valueChainProcess": step.process,
        "traceabilityEvent": links,
    }


def _ledger_head(head: LedgerHead) -> dict[str, Any]:
    return {
        "organization": head.organization,
        "record": head.record,
        "headHash": head.head_hash,
        "checkpoints": head.checkpoints_url,
    }


def _circularity(c: Circularity) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["CircularityPerformance"], "recycledContent": c.recycled_content}
    if c.recyclable_content is not None:
        out["recyclableContent"] = c.recyclable_content
    if c.repair_url is not None:
        out["repairInformation"] = {"linkURL": c.repair_url, "linkName": "Repair"}
    if c.take_back_url is not None:
        out["recyclingInformation"] = {"linkURL": c.take_back_url, "linkName": "Take-back"}
    return out


def _rule_errors(credential: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the UNTP schema leaves optional or unbounded but a Seamline passport must have."""
    errors: list[tuple[str, str]] = []
    for key in ("type", "validFrom", "credentialSubject"):
        if key not in credential:
            errors.append(("", f"{key!r} is a required property"))
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping) and not str(issuer.get("id", "")).startswith("did:"):
        errors.append(("issuer.id", f"{issuer.get('id')!r} is not a DID"))
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping):
        errors += _fraction_errors(subject)
    status = credential.get("credentialStatus")
    if status is not None:
        index = status.get("statusListIndex") if isinstance(status, Mapping) else None
        if not isinstance(status, Mapping) or status.get("type") != "BitstringStatusListEntry":
            errors.append(("credentialStatus", "must be a BitstringStatusListEntry"))
        elif not (isinstance(index, str) and index.isdigit()):
            errors.append(("credentialStatus.statusListIndex", f"{index!r} is not a string of digits"))
    return errors


def _fraction_errors(subject: Mapping[str, Any]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    checks: list[tuple[str, Any]] = []
    materials = subject.get("materialsProvenance")
    if isinstance(materials, list):
        shares = [m for m in materials if isinstance(m, Mapping)]
        for i, m in enumerate(materials):
            if isinstance(m, Mapping):
                for key in ("massFraction", "recycledMassFraction"):
                    checks.append((f"credentialSubject.materialsProvenance[{i}].{key}", m.get(key)))
        total = sum(m["massFraction"] for m in shares if isinstance(m.get("massFraction"), int | float))
        if total > 1.0005:  # allows the rounding of each share, no more
            errors.append(("credentialSubject.materialsProvenance", f"mass fractions sum to {total:g} > 1"))
    for block, keys in (
        ("emissionsScorecard", ("primarySourcedRatio",)),
        ("circularityScorecard", ("recycledContent", "recyclableContent")),
    ):
        value = subject.get(block)
        if isinstance(value, Mapping):
            checks += [(f"credentialSubject.{block}.{key}", value.get(key)) for key in keys]
    for path, value in checks:
        if isinstance(value, int | float) and not 0 <= value <= 1:
            errors.append((path, f"{value} is not within 0..1"))
    emissions = subject.get("emissionsScorecard")
    if isinstance(emissions, Mapping):
        footprint = emissions.get("carbonFootprint")
        if isinstance(footprint, int | float) and footprint < 0:
            errors.append(("credentialSubject.emissionsScorecard.carbonFootprint", f"{footprint} < 0"))
    return errors


def _error_path(error: ValidationError) -> str:
    parts = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        # name the missing field itself ("product.name"), not only the object that lacks it
        parts += [key for key in error.validator_value if key not in error.instance][:1]
    return _path(parts)


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("issued must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(_standard_text(SCHEMA_FILE))
    Draft202012Validator.check_schema(schema)
    # Every $ref of the schema is local ("#/$defs/..."); jsonschema resolves those without any retrieval.
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _standard_text(name: str) -> str:
    return resources.files("seamline.passport").joinpath("standards", name).read_text("utf-8")
