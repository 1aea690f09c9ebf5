"""How a footprint's stored lines read for people: step and factor names, rounded numbers, a line's source.

Pure (no Django). The stored data keeps its codes and full precision; these only shape what a page, a chart
or the CSV shows, and every caller keeps the code or the exact value at hand (a link title, an SVG <title>).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CSV_QUANTITY_PLACES",
    "METHOD_1_WATER_REFERENCE",
    "WATER_PARTS",
    "SourceRef",
    "boundary_label",
    "csv_quantity",
    "factor_label",
    "factor_short",
    "grid_basis",
    "significant",
    "source_ref",
    "step_label",
    "unsourced_summary",
]

# The CSV states its precision: quantities to the microunit (1 mg, 1 mWh, 1 mL, 1 kg.km).
CSV_QUANTITY_PLACES = 6

# The offshore baseline's own legs (see baseline.ORIGINS); a local leg is "transport:<from> → <to>".
_LEGS = {
    "transport:factory-port": "Truck to the port",
    "transport:ocean": "Ocean freight",
    "transport:port-warehouse": "Truck from the Port of Los Angeles",
    "transport:inbound fabric": "Inbound fabric (sea and truck)",
}
_STEPS = {"offcuts": "Off-cuts", "end_of_life": "End of life"}
_BOUNDARIES = {
    "cradle-to-gate": "Cradle to gate",
    "cradle-to-customer": "Cradle to customer",
    "cradle-to-grave": "Cradle to grave",
    "cradle-to-grave-with-use": "Cradle to grave, with use",
}
# What a method-1 snapshot's water saved was measured against (method 2 names its reference, if any).
METHOD_1_WATER_REFERENCE = "water.reference.indigo-dyeing-conventional"
# A snapshot's water split (method 2): where each part's litres come from, as the pages explain them.
WATER_PARTS = {
    "fibre": "blue water of growing the fibre (irrigation)",
    "mill": "the mill's process water, where the data gives litres",
    "factory": "the factory's metered water",
}

# A line's source names its events as "event <URI>" (an EPCIS eventID is a URI: it has a scheme), followed
# by ": <note>", ")" or the end; "no off-cut event recorded" names none.
_EVENT = re.compile(r"\bevent ([A-Za-z][A-Za-z0-9+.-]*:\S+?)(?=[:,;)]?(?:\s|$))")


def step_label(step: str) -> str:
    """A step's name for people.

    >>> step_label("transport:Dye house → Warehouse"), step_label("transport:ocean"), step_label("offcuts")
    ('Transport: Dye house → Warehouse', 'Ocean freight', 'Off-cuts')
    >>> step_label("transport:inbound fabric"), step_label("sizing")
    ('Inbound fabric (sea and truck)', 'Sizing')
    >>> step_label("use:washing"), step_label("use:drying")
    ('Use: washing', 'Use: drying')
    >>> step_label("end_of_life:landfill"), step_label("end_of_life:take-back")
    ('End of life: landfill', 'End of life: take-back')
    """
    if step in _LEGS:
        return _LEGS[step]
    if step in _STEPS:
        return _STEPS[step]
    head, sep, rest = step.partition(":")
    if sep:
        return f"{step_label(head)}: {rest}"
    text = step.replace("_", " ")
    return text[:1].upper() + text[1:]


def boundary_label(boundary: str) -> str:
    """A footprint boundary's name for people.

    >>> boundary_label("cradle-to-grave-with-use"), boundary_label("gate-to-gate")
    ('Cradle to grave, with use', 'Gate to gate')
    """
    text = _BOUNDARIES.get(boundary, boundary.replace("-", " "))
    return text[:1].upper() + text[1:]


def grid_basis(geography: str, source: str, basis: str) -> str:
    """What a grid factor's figures rest on: whose data (its source's first word), on which basis, where.

    >>> grid_basis("US", "Ember 2024, Yearly Electricity Data, United States ...", "lifecycle")
    'Ember lifecycle, national averages'
    >>> grid_basis("US-CAMX", "US EPA eGRID2023 (data year 2023), ...", "combustion, in-region generation")
    'eGRID CAMX, combustion, in-region generation'
    """
    if geography.startswith("US-"):  # an eGRID subregion
        return f"eGRID {geography.removeprefix('US-')}, {basis}".rstrip(", ")
    publisher = source.split(maxsplit=1)[0].rstrip(",;:") if source.strip() else ""  # "Ember 2024, ..."
    return f"{publisher} {basis}, national averages".strip()


def factor_short(activity: str) -> str:
    """A factor's activity in a few words for the public: its first clause (a comma in brackets stays).

    >>> factor_short("Raw silk (mulberry), cradle to reeling gate")
    'Raw silk (mulberry)'
    >>> factor_short("Reference water use of garment dyeing (exhaust, paddle), per kg of garments")
    'Reference water use of garment dyeing (exhaust, paddle)'
    """
    text, depth = factor_label(activity, limit=10_000), 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            return text[:index].strip()
    return text.strip()


def unsourced_summary(unsourced: Sequence[Mapping[str, str]]) -> str:
    """Why a footprint's figures are not printed: the factors it uses that have no citable value.

    >>> unsourced_summary([{"factor_id": "fibre.silk.conventional", "activity": "Raw silk, cradle to gate"}])
    'the footprint uses a factor with no citable published value: Raw silk'
    >>> unsourced_summary([{"activity": "Viscose, cradle to gate"}, {"activity": "Lyocell, cradle to gate"}])
    'the footprint uses factors with no citable published value: Viscose, Lyocell'
    """
    names = ", ".join(dict.fromkeys(factor_short(entry["activity"]) for entry in unsourced))
    what = "a factor" if len(unsourced) == 1 else "factors"
    return f"the footprint uses {what} with no citable published value: {names}"


def factor_label(activity: str, *, limit: int = 80) -> str:
    """A factor's activity, short enough for a table cell: its unit note dropped, cut at a word.

    >>> factor_label("weaving, shuttle service, Fabric, Weaved by shuttle loom (per kg output, weaving)")
    'Weaving, shuttle service, Fabric, Weaved by shuttle loom'
    """
    text = re.sub(r"\s*\(per [^)]*\)\s*$", "", activity).strip()
    text = text[:1].upper() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;-")
    return cut + "…"


def significant(value: Decimal | float | int | str, digits: int = 4) -> str:
    """``value`` rounded to ``digits`` significant digits (whole numbers never rounded), no exponent.

    >>> significant(Decimal("7.929408205287014")), significant("0.000149"), significant(1234.56)
    ('7.929', '0.000149', '1235')
    """
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    number = Decimal(str(value))
    if not number:
        return "0"
    places = max(digits - 1 - number.adjusted(), 0)
    text = f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_quantity(value: Decimal | str) -> str:
    """A quantity as the CSV carries it: CSV_QUANTITY_PLACES decimals.

    >>> csv_quantity("1.549471355374623711576000"), csv_quantity("64")
    ('1.549471', '64.000000')
    """
    quantum = Decimal(1).scaleb(-CSV_QUANTITY_PLACES)
    return f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):f}"


@dataclass(frozen=True)
class SourceRef:
    """A line's source split for display: the events it names and what it says besides."""

    event_ids: tuple[str, ...]
    note: str
    default: bool  # a documented default (secondary), not a recorded figure


def source_ref(source: str) -> SourceRef:
    """The events a source names (in order, once each) and its note without them.

    >>> ref = source_ref("event ni:///sha-256;ab?ver=CBV2.0: 2.9 m of denim; the mill's steps (secondary)")
    >>> ref.event_ids, ref.note
    (('ni:///sha-256;ab?ver=CBV2.0',), "2.9 m of denim; the mill's steps (secondary)")
    >>> source_ref("default: one e-van route (event urn:uuid:1)")
    SourceRef(event_ids=('urn:uuid:1',), note='one e-van route', default=True)
    """
    ids = tuple(dict.fromkeys(_EVENT.findall(source)))
    default = source.startswith("default:")
    note = source.removeprefix("default:").strip()
    note = _EVENT.sub("", note)
    note = re.sub(r"\(\s*\)", "", note)  # "(event …)" left empty
    note = re.sub(r"^\s*[:,;]\s*", "", note).strip()
    return SourceRef(ids, note, default)
