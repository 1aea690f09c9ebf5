"""Use cases that write the catalog: materials, rolls, styles, BOM and routing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ValidationError
from seamline.core.validation import FieldErrors
from seamline.facilities.models import Facility, FacilityKind
from seamline.trace.events import material_class_uri
from seamline.trace.services import record

from .events import roll_received
from .models import (
    BomLine,
    Certification,
    Construction,
    Dyeing,
    FabricRoll,
    Material,
    Operation,
    Style,
    Variant,
)

HUNDRED = Decimal(100)

# Physical bounds, so a slip (an extra zero, mm typed as cm) is refused instead of being planned against:
# apparel fabric comes 30–400 cm wide (tubular knits laid flat to wide sheeting), weighs 5–2,000 g/m²
# (tulle to heavy melton), and a roll holds at most 1,000 m (a woven roll is 30–120 m, a jumbo knit roll
# a few hundred).
FABRIC_WIDTH_CM = (Decimal(30), Decimal(400))
FABRIC_WEIGHT_GSM = (Decimal(5), Decimal(2000))
ROLL_LENGTH_MAX_M = Decimal(1000)


def _composition(errors: FieldErrors, composition: Mapping[str, Any]) -> dict[str, str]:
    """Fibre -> percent (2 places) summing to exactly 100."""
    if not isinstance(composition, Mapping) or not composition:
        errors.add("composition", "Give at least one fibre with its percentage.")
        return {}
    clean: dict[str, str] = {}
    total = Decimal(0)
    for fibre, pct in composition.items():
        name = str(fibre).strip().lower()
        if not name:
            errors.add("composition", "A fibre has no name.")
            continue
        value = errors.decimal(f"composition.{name}", pct, places=2, strictly_positive=True, max_value=100)
        clean[name] = str(value)
        total += value
    if "composition" not in errors.errors and total != HUNDRED:
        errors.add("composition", f"Fibre percentages must sum to 100 (they sum to {total.normalize():f}).")
    return clean


def _bounded(
    errors: FieldErrors, name: str, value: Any, bounds: tuple[Decimal, Decimal], unit: str
) -> Decimal | None:
    """`value` (1 decimal place) within `bounds`; None when not given."""
    if value is None:
        return None
    low, high = bounds
    return errors.decimal(
        name, value, places=1, strictly_positive=True, min_value=low, max_value=high, unit=unit
    )


UN_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
CARE_WASH_C = (30, 40, 60)


@transaction.atomic
def material_create(
    *,
    organization: Organization,
    name: str,
    composition: Mapping[str, Any],
    kind: str = Material.Kind.FABRIC,
    weight_gsm: Any = None,
    usable_width_cm: Any = None,
    supplier: str = "",
    mill: str = "",
    country_of_origin: str = "",
    price_per_m: Any = None,
    currency: str = "USD",
    construction: str = "",
    dyeing: str = "",
    warp_share_pct: Any = None,
    yarn_dtex: Any = None,
    mill_port: str = "",
) -> Material:
    errors = FieldErrors()
    name = errors.required("name", name)
    if kind not in Material.Kind.values:
        errors.add("kind", f"Unknown kind {kind!r}; one of {', '.join(Material.Kind.values)}.")
    clean = _composition(errors, composition)
    gsm = _bounded(errors, "weight_gsm", weight_gsm, FABRIC_WEIGHT_GSM, "g/m²")
    width = _bounded(errors, "usable_width_cm", usable_width_cm, FABRIC_WIDTH_CM, "cm")
    if kind == Material.Kind.FABRIC and (gsm is None or width is None):
        for field, value in (("weight_gsm", gsm), ("usable_width_cm", width)):
            if value is None:
                errors.add(field, "A fabric needs this.")
    price = (
        errors.decimal("price_per_m", price_per_m, places=2, min_value=0) if price_per_m is not None else None
    )
    country = errors.country("country_of_origin", country_of_origin)
    build = _construction(errors, construction, dyeing, warp_share_pct, yarn_dtex, mill_port)
    if len(currency) != 3 or not currency.isalpha():
        errors.add("currency", f"{currency!r} is not an ISO 4217 currency code.")
    errors.raise_if_any("The material is not valid")
    return Material.objects.create(
        organization=organization,
        name=name,
        kind=kind,
        composition=clean,
        weight_gsm=gsm,
        usable_width_cm=width,
        supplier=supplier.strip(),
        mill=mill.strip(),
        country_of_origin=country,
        price_per_m=price,
        currency=currency.upper(),
        **build,
    )


def _construction(
    errors: FieldErrors, construction: str, dyeing: str, warp_share_pct: Any, yarn_dtex: Any, mill_port: str
) -> dict[str, Any]:
    """How the fabric is made, for the footprint's mill chain; every part optional."""
    if construction and construction not in Construction.values:
        errors.add(
            "construction", f"Unknown construction {construction!r}; one of {', '.join(Construction.values)}."
        )
    if dyeing and dyeing not in Dyeing.values:
        errors.add("dyeing", f"Unknown dyeing {dyeing!r}; one of {', '.join(Dyeing.values)}.")
    warp = None
    if warp_share_pct is not None:
        warp = errors.decimal("warp_share_pct", warp_share_pct, places=2, min_value=1, max_value=99, unit="%")
        if construction.startswith("knit"):
            errors.add("warp_share_pct", "A knit has no warp.")
    dtex = None
    if yarn_dtex is not None:
        dtex = errors.decimal("yarn_dtex", yarn_dtex, places=1, min_value=5, max_value=5000, unit="dtex")
    port = mill_port.strip().upper()
    if port and not UN_LOCODE.fullmatch(port):
        errors.add(
            "mill_port",
            f"{mill_port!r} is not a UN/LOCODE (two letters of country, three of place, e.g. JPUKB).",
        )
    return {
        "construction": construction,
        "dyeing": dyeing,
        "warp_share_pct": warp,
        "yarn_dtex": dtex,
        "mill_port": port,
    }


@transaction.atomic
def certification_add(
    *, material: Material, scheme: str, certificate_number: str, expires_on: date | str
) -> Certification:
    errors = FieldErrors()
    scheme = errors.required("scheme", scheme)
    number = errors.required("certificate_number", certificate_number)
    expiry = errors.date("expires_on", expires_on)
    errors.raise_if_any("The certification is not valid")
    return Certification.objects.create(
        material=material, scheme=scheme, certificate_number=number, expires_on=expiry
    )


def _roll_width(errors: FieldErrors, material: Material, width_cm: Any) -> Decimal:
    """The roll's width (blank: its material's usable width), never wider than its material says."""
    widest = material.usable_width_cm
    if width_cm is None:
        width_cm = widest
    width = errors.decimal("width_cm", width_cm, places=1, strictly_positive=True)
    if widest is not None and width > widest:
        errors.add(
            "width_cm",
            f"{material.name} is {widest.normalize():f} cm wide: "
            f"a roll of it cannot be wider (got {width} cm).",
        )
    low, high = FABRIC_WIDTH_CM
    if width > 0 and not low <= width <= high:
        errors.add("width_cm", f"A fabric roll is {low}–{high} cm wide (got {width} cm).")
    return width


@transaction.atomic
def roll_receive(
    *,
    facility: Facility,
    material: Material,
    roll_id: str,
    length_m: Any,
    width_cm: Any = None,
    shade_lot: str = "",
    received_at: datetime | None = None,
) -> FabricRoll:
    """A roll arrives at a facility: its full length is on hand."""
    errors = FieldErrors()
    roll_id = errors.required("roll_id", roll_id)
    length = errors.decimal(
        "length_m", length_m, places=3, strictly_positive=True, max_value=ROLL_LENGTH_MAX_M, unit="m"
    )
    width = _roll_width(errors, material, width_cm)
    if material.kind != Material.Kind.FABRIC:
        errors.add("material", f"{material} is a trim, not a fabric on rolls.")
    errors.raise_if_any("The roll is not valid")
    if FabricRoll.objects.filter(facility=facility, roll_id=roll_id).exists():
        raise ConflictError(
            f"Roll {roll_id} is already at {facility}", fields={"roll_id": "Already received."}
        )
    roll = FabricRoll.objects.create(
        facility=facility,
        material=material,
        roll_id=roll_id,
        length_m=length,
        remaining_m=length,
        width_cm=width,
        shade_lot=shade_lot.strip(),
        received_at=received_at or timezone.now(),
    )
    _record_received(roll)
    return roll


def _record_received(roll: FabricRoll) -> None:
    """The roll's EPCIS receiving event, in the receiving facility's chain (same transaction)."""
    material = roll.material
    certificates = [
        {"scheme": c.scheme, "number": c.certificate_number, "expires": c.expires_on}
        for c in material.certifications.all()
        if c.expires_on >= roll.received_at.date()  # an expired certificate is no claim
    ]
    event = roll_received(
        roll=roll.epc_uri,
        material_class=material_class_uri(material.pk),
        meters=roll.length_m,
        facility=roll.facility.epc_uri,
        when=roll.received_at,
        certifications=certificates,
    )
    owner = material.organization
    record(organization=roll.facility.organization, events=[event], brand=owner if owner.is_brand else None)


METERS = Decimal("0.001")  # fabric meters are kept to 3 places (the columns' own)


def roll_meters_take(*, roll_pk: int, meters: Decimal) -> Decimal:
    """Take `meters` from a roll inside the caller's transaction; returns the meters left.

    The new length is computed in Decimal on the locked row and written as a value, 3 places: the SQL
    `remaining_m - x` runs in floating point on SQLite, which stored 40.138000000000005 for 50 - 9.862.
    ConflictError when the roll has fewer meters (the callers check first; this is the locked truth).
    """
    roll = FabricRoll.objects.select_for_update().only("roll_id", "remaining_m").get(pk=roll_pk)
    left = (roll.remaining_m - Decimal(meters)).quantize(METERS)
    if left < 0:
        raise ConflictError(f"Roll {roll.roll_id} has {roll.remaining_m} m left, not {meters} m.")
    FabricRoll.objects.filter(pk=roll_pk).update(remaining_m=left)
    return left


def _sku(code: str, colour: str, size: str) -> str:
    return "-".join(part.upper().replace(" ", "") for part in (code, colour[:6], size))


@transaction.atomic
def style_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    category: str,
    sizes: Sequence[str],
    colourways: Sequence[str],
    care_wash_c: int | None = None,
    care_tumble_dry: bool = False,
) -> Style:
    """A style and one variant (SKU) for every size in every colourway."""
    errors = FieldErrors()
    if care_wash_c is not None and care_wash_c not in CARE_WASH_C:
        errors.add(
            "care_wash_c", f"A care label washes at {', '.join(map(str, CARE_WASH_C))} °C, not {care_wash_c}."
        )
    code = errors.required("code", code).upper()
    name = errors.required("name", name)
    category = errors.required("category", category)
    sizes = [str(s).strip() for s in sizes if str(s).strip()]
    colourways = [str(c).strip() for c in colourways if str(c).strip()]
    if not sizes:
        errors.add("sizes", "Give at least one size.")
    elif len(set(sizes)) != len(sizes):
        errors.add("sizes", "A size is listed twice.")
    if not colourways:
        errors.add("colourways", "Give at least one colourway.")
    elif len(set(colourways)) != len(colourways):
        errors.add("colourways", "A colourway is listed twice.")
    if not organization.is_brand:
        errors.add("organization", "Only a brand owns styles.")
    errors.raise_if_any("The style is not valid")
    if Style.objects.filter(organization=organization, code=code).exists():
        raise ConflictError(f"Style {code} exists", fields={"code": "Already used by another style."})
    style = Style.objects.create(
        organization=organization,
        code=code,
        name=name,
        category=category,
        sizes=sizes,
        colourways=colourways,
        care_wash_c=care_wash_c,
        care_tumble_dry=care_tumble_dry,
    )
    Variant.objects.bulk_create(
        Variant(style=style, size=size, colour=colour, sku=_sku(code, colour, size), position=i)
        for colour in colourways
        for i, size in enumerate(sizes)
    )
    return style


@transaction.atomic
def bom_line_add(
    *, style: Style, material: Material, placement: str, consumption: Mapping[str, Any]
) -> BomLine:
    """Consumption per size: meters of fabric (3 places) or pieces of trim, for every size of the style."""
    errors = FieldErrors()
    placement = errors.required("placement", placement)
    missing = [s for s in style.sizes if s not in consumption]
    unknown = [s for s in consumption if s not in style.sizes]
    if missing:
        errors.add("consumption", f"No consumption for size(s) {', '.join(missing)}.")
    if unknown:
        errors.add("consumption", f"Size(s) {', '.join(unknown)} are not in the style's range.")
    clean = {
        size: str(errors.decimal(f"consumption.{size}", consumption[size], places=3, strictly_positive=True))
        for size in style.sizes
        if size in consumption
    }
    errors.raise_if_any("The BOM line is not valid")
    return BomLine.objects.create(style=style, material=material, placement=placement, consumption=clean)


@transaction.atomic
def routing_set(*, style: Style, operations: Iterable[Mapping[str, Any]]) -> list[Operation]:
    """Replace the style's routing with `operations`, in the order given."""
    errors = FieldErrors()
    rows = []
    for seq, op in enumerate(operations, start=1):
        prefix = f"operations[{seq - 1}]"
        name = errors.required(f"{prefix}.name", op.get("name"))
        sam = errors.decimal(f"{prefix}.sam", op.get("sam"), places=2, strictly_positive=True)
        kind = op.get("facility_kind", FacilityKind.CUT_AND_SEW)
        if kind not in FacilityKind.values:
            errors.add(f"{prefix}.facility_kind", f"Unknown facility kind {kind!r}.")
        skill = op.get("skill_level", 2)
        if not isinstance(skill, int) or not 1 <= skill <= 5:
            errors.add(f"{prefix}.skill_level", "Must be a whole number from 1 to 5.")
        after = op.get("after")
        if after is not None and (
            not isinstance(after, list | tuple)
            or not all(isinstance(a, int) and not isinstance(a, bool) and 1 <= a < seq for a in after)
        ):
            errors.add(f"{prefix}.after", f"Must list sequences of earlier operations (1 to {seq - 1}).")
            after = None
        rows.append(
            {
                "sequence": seq,
                "name": name,
                "sam": sam,
                "facility_kind": kind,
                "machine": str(op.get("machine", "")).strip(),
                "skill_level": skill,
                "after": sorted(set(after)) if after is not None else None,
            }
        )
    if not rows:
        errors.add("operations", "Give at least one operation.")
    errors.raise_if_any("The routing is not valid")
    # Updated in place by sequence, so the skills, scans and plans that name an operation keep it.
    style.operations.filter(sequence__gt=len(rows)).delete()
    return [
        Operation.objects.update_or_create(style=style, sequence=row["sequence"], defaults=row)[0]
        for row in rows
    ]


__all__ = [
    "ValidationError",
    "bom_line_add",
    "certification_add",
    "material_create",
    "roll_meters_take",
    "roll_receive",
    "routing_set",
    "style_create",
]


def rolls_take(meters: Mapping[str, Decimal], *, holder: int) -> None:
    """Meters a captured EPCIS event took from rolls ({uid: meters}), in uid order (no deadlocks); the
    ledger checked first that each roll has them and that ``holder`` holds it (trace.namespaces). Only
    rolls at the holder's facilities change, whatever a caller passes."""
    held = dict(
        FabricRoll.objects.filter(uid__in=list(meters), facility__organization_id=holder).values_list(
            "uid", "pk"
        )
    )
    for uid in sorted(meters):
        roll_pk = held.get(UUID(str(uid)))
        if roll_pk is not None:
            roll_meters_take(roll_pk=roll_pk, meters=meters[uid])  # Decimal on the locked row
