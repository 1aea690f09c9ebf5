"""A garment's footprint as a PACT ProductFootprint (Technical Specifications for PCF Data Exchange v2).

Field names and types follow the v2 data model: decimals as JSON strings ("1.63"), primaryDataShare
and the dqi as numbers, timestamps in UTC ISO 8601. Two choices the v2 model forces:

- v2's DeclaredUnit has no "piece" (liter, kilogram, cubic meter, kilowatt hour, megajoule,
  ton kilometer, square meter). A garment ("piece") is declared in kilograms: unitaryProductAmount is
  the garment's mass and the pCf figures are per kilogram, as the spec asks ("per declared unit").
- Our factors do not split fossil from biogenic emissions, so pCfExcludingBiogenic and
  fossilGhgEmissions carry the same total, and the biogenic figures are left out (they are optional),
  except biogenicCarbonContent, which is mandatory and passed in by the caller (0 by default).

The data-quality ratings are each line's factor's own PACT ratings (``dqr``: factor id -> the five
ratings, 1 (best) .. 3, registry 2026.2 on), weighted by the line's kg CO2e, one DQR per indicator. A
factor without ratings (registry 2026.1, method-1 snapshots) falls back on its registry quality, 1 (best)
.. 5, mapped onto PACT's scale as 1 + (q - 1) / 2 and used for all five indicators.

Factors with no citable published value are still exported (PACT is an exchange between companies, who
judge the data themselves) and named in the comment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from seamline.footprint.calc import Footprint

SPEC_VERSION = "2.2.0"
DECLARED_UNITS = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
)
PCF_QUANTUM = Decimal("0.0001")
BOUNDARY_DESCRIPTIONS = {
    "cradle-to-gate": "fibre production, yarn and fabric processes, each applied to the mass it touches "
    "(in denim, rope dyeing and warp sizing on the warp only) with their material losses, the fabric "
    "shipped in from the mill's port (sea and truck), cutting, sewing, finishing and packing at the "
    "micro-factory, the van moves between facilities, and off-cuts sent to recycling; excludes delivery "
    "to the customer, use and end of life",
    "cradle-to-customer": "everything cradle-to-gate plus delivery to the customer (the delivery van's "
    "electricity on the city grid); excludes use and end of life",
    "cradle-to-grave": "everything cradle-to-customer plus the garment's end of life after use, landfill "
    "against take-back to fibre-to-fibre recycling by the take-back share; excludes the use phase",
    "cradle-to-grave-with-use": "everything cradle-to-grave plus the use phase: machine washes at the "
    "care label's temperature (and tumble drying when the label allows it), the number of washes an "
    "assumption",
}
# Method-1 snapshots (registry 2026.1) charged every mill step on all the fabric and shipped nothing in.
METHOD_1_DESCRIPTIONS = {
    "cradle-to-gate": "fibre production, yarn and fabric processes (with their material losses), "
    "cutting, sewing, finishing and packing at the micro-factory, the transport legs between "
    "facilities, and off-cuts sent to recycling; excludes delivery to the customer, use and end of life",
    "cradle-to-customer": "everything cradle-to-gate plus delivery to the customer; "
    "excludes use and end of life",
    "cradle-to-grave": "everything cradle-to-customer plus the garment's end of life; excludes the use phase",
}
DQR_INDICATORS = {
    "technological": "technologicalDQR",
    "temporal": "temporalDQR",
    "geographical": "geographicalDQR",
    "completeness": "completenessDQR",
    "reliability": "reliabilityDQR",
}
PACKAGING_STEPS = ("packing", "packaging")
NAMESPACE = uuid.UUID("6b1f3b4e-2f0e-5a0c-9a51-5ea111e00006")  # fixed: the same footprint gets the same id


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"timestamps must be timezone-aware (UTC), got naive {moment.isoformat()}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dec(value: Decimal) -> str:
    return format(value.quantize(PCF_QUANTUM, rounding=ROUND_HALF_UP).normalize(), "f")


def _dqi(footprint: Footprint, boundary: str, ratings: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Each PACT DQR, weighted by the lines' kg CO2e: a factor's own rating, else its mapped quality."""
    lines = footprint.select(boundary)
    total = sum((line.co2e_kg for line in lines), Decimal(0))
    out = {}
    for key, name in DQR_INDICATORS.items():
        if total == 0:
            out[name] = 3.0
            continue
        weighted = Decimal(0)
        for line in lines:
            dqr = ratings.get(line.factor_id)
            rating = Decimal(dqr[key]) if dqr else 1 + Decimal(line.quality - 1) / 2
            weighted += line.co2e_kg * rating
        out[name] = float((weighted / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return out


def _comment(comment: str, unsourced: Sequence[Mapping[str, str]]) -> str:
    if not unsourced:
        return comment
    named = "; ".join(f"{u['factor_id']} ({u['reason']})" for u in unsourced)
    return f"{comment} Unsourced factors, with no citable published value: {named}."


def product_footprint(
    footprint: Footprint,
    *,
    product_name: str,
    product_ids: Sequence[str],
    company_name: str,
    company_ids: Sequence[str],
    reference_period: tuple[datetime, datetime],
    boundary: str = "cradle-to-gate",
    declared_unit: str = "piece",
    product_mass_kg: Decimal | None = None,
    product_description: str = "",
    product_category_cpc: str = "2823",  # CPC 2823: wearing apparel, except fur apparel
    biogenic_carbon_content: Decimal = Decimal(0),
    geography_country: str = "US",
    created: datetime | None = None,
    version: int = 1,
    comment: str = "",
    dqr: Mapping[str, Mapping[str, int]] | None = None,
    exclusions: Sequence[str] = (),
    unsourced: Sequence[Mapping[str, str]] = (),
    method_version: int = 2,
) -> dict[str, Any]:
    """The ProductFootprint dict (JSON-ready) of one garment's footprint within ``boundary``.

    ``dqr`` maps factor ids to their PACT ratings; ``exclusions`` (what the boundary leaves out) become
    the exempted-emissions description; ``unsourced`` ({factor_id, reason}) are named in the comment.
    """
    if not product_ids or not all(pid.startswith("urn:") for pid in product_ids):
        raise ValueError(f"productIds must be a non-empty list of URNs, got {list(product_ids)}")
    if not company_ids or not all(cid.startswith("urn:") for cid in company_ids):
        raise ValueError(f"companyIds must be a non-empty list of URNs, got {list(company_ids)}")
    start, end = reference_period
    if end <= start:
        raise ValueError("the reference period must end after it starts")
    total = footprint.co2e_kg(boundary=boundary)  # also rejects an unknown boundary
    if declared_unit == "piece":
        if product_mass_kg is None or product_mass_kg <= 0:
            raise ValueError(
                "PACT v2 has no 'piece' unit: a garment is declared in kilograms, give product_mass_kg"
            )
        unit, amount = "kilogram", product_mass_kg
    elif declared_unit in DECLARED_UNITS:
        if product_mass_kg is None or product_mass_kg <= 0:
            raise ValueError(f"give the garment's amount in {declared_unit} as product_mass_kg")
        unit, amount = declared_unit, product_mass_kg
    else:
        raise ValueError(
            f"unknown declared unit {declared_unit!r}; known: piece, {', '.join(DECLARED_UNITS)}"
        )
    per_unit = total / amount

    lines = footprint.select(boundary)
    packaging = sum(
        (line.co2e_kg for line in lines if line.step.split(":")[0] in PACKAGING_STEPS), Decimal(0)
    )
    packaging_included = any(line.step.split(":")[0] in PACKAGING_STEPS for line in lines)
    steps = list(dict.fromkeys(line.step for line in lines))
    descriptions = BOUNDARY_DESCRIPTIONS if method_version >= 2 else METHOD_1_DESCRIPTIONS
    if boundary not in descriptions:
        raise ValueError(f"method {method_version} has no {boundary} boundary")
    identity = "|".join(
        [*product_ids, footprint.registry_version, boundary, str(total), _iso(start), _iso(end)]
    )
    pcf: dict[str, Any] = {
        "declaredUnit": unit,
        "unitaryProductAmount": _dec(amount),
        "pCfExcludingBiogenic": _dec(per_unit),
        "fossilGhgEmissions": _dec(per_unit),
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": _dec(biogenic_carbon_content),
        "characterizationFactors": "AR6",
        "ipccCharacterizationFactorsSources": ["AR6"],
        "crossSectoralStandardsUsed": ["GHG Protocol Product standard", "ISO Standard 14067"],
        "boundaryProcessesDescription": f"{descriptions[boundary]}. Steps: {', '.join(steps)}.",
        "referencePeriodStart": _iso(start),
        "referencePeriodEnd": _iso(end),
        "geographyCountry": geography_country,
        "secondaryEmissionFactorSources": [
            {"name": "Seamline factor registry", "version": footprint.registry_version}
        ],
        "exemptedEmissionsPercent": 0,
        "exemptedEmissionsDescription": " ".join(exclusions),
        "packagingEmissionsIncluded": packaging_included,
        "allocationRulesDescription": "Batch energy and water allocated to garments by SAM minutes; batch "
        "materials divided by the garments cut; off-cuts to recycling under the cut-off approach.",
        "primaryDataShare": float(footprint.primary_share_within(boundary) * 100),
        "dqi": {"coveragePercent": 100, **_dqi(footprint, boundary, dqr or {})},
    }
    if packaging_included:
        pcf["packagingGhgEmissions"] = _dec(packaging / amount)
    return {
        "id": str(uuid.uuid5(NAMESPACE, identity)),
        "specVersion": SPEC_VERSION,
        "version": version,
        "created": _iso(created or datetime.now(UTC)),
        "status": "Active",
        "companyName": company_name,
        "companyIds": list(company_ids),
        "productDescription": product_description or product_name,
        "productIds": list(product_ids),
        "productCategoryCpc": product_category_cpc,
        "productNameCompany": product_name,
        "comment": _comment(
            comment
            or f"Per garment of {_dec(amount)} kg: {_dec(total)} kg CO2e ({boundary}); factor registry "
            f"{footprint.registry_version}.",
            unsourced,
        ),
        "pcf": pcf,
    }
