"""Reads across contexts from the ledger: a garment's journey upstream to its rolls, a roll's downstream to
garments and off-cuts, and an order's mass balance and EPCIS export.

Everything here is read from the events (through the EventEpc index: one indexed hop per link); the
database's rows only name places (facility URIs) and a roll's meters on hand, which the balance checks
against what the ledger says.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from seamline.accounts.models import Organization
from seamline.catalog.models import FabricRoll
from seamline.cutting.events import plies_in
from seamline.cutting.models import Bundle, CutPlan, Lay, LayRoll
from seamline.facilities.models import Facility
from seamline.production.models import Carton, Garment
from seamline.trace.events import DOORSTEP_PREFIX, document_context
from seamline.trace.models import Checkpoint, Event, EventEpc
from seamline.trace.selectors import visible_events

from .massbalance import RollFlow, balance, meters_of_area

__all__ = [
    "GarmentLineage",
    "RollLineage",
    "TraceStep",
    "garment_lineage",
    "latest_checkpoints",
    "order_document",
    "order_events",
    "order_mass_balance",
    "order_mass_balance_read",
    "roll_lineage",
    "sensor_value",
    "step_detail",
    "step_kind",
]

_MM = Decimal("0.001")


@dataclass(frozen=True)
class TraceStep:
    """One event as a step of a journey, for people."""

    when: datetime
    kind: str
    place: str
    detail: str
    operator: str
    event_id: str
    energy_kwh: Decimal | None = None
    water_l: Decimal | None = None
    event_hash: str = ""
    event_type: str = ""
    organization_id: int = 0  # the chain the event is recorded in, and its record number there
    seq: int = 0

    @property
    def title(self) -> str:
        """The step in words: 'laser_washing' -> 'Laser washing'."""
        return self.kind.replace("_", " ").capitalize()


@dataclass(frozen=True)
class RollShare:
    """A roll a garment came from: the lay took ``lay_m`` of it; the garment's share is ``garment_m``."""

    roll_epc: str
    label: str
    material: str
    lay_m: Decimal
    garment_m: Decimal
    received: TraceStep | None


@dataclass
class GarmentLineage:
    garment_epc: str
    steps: list[TraceStep] = field(default_factory=list)
    rolls: list[RollShare] = field(default_factory=list)

    @property
    def facilities(self) -> list[str]:
        return list(dict.fromkeys(s.place for s in self.steps if s.place))

    @property
    def operators(self) -> list[str]:
        return list(dict.fromkeys(s.operator for s in self.steps if s.operator))

    @property
    def meters(self) -> Decimal:
        return sum((r.garment_m for r in self.rolls), Decimal(0))


def step_kind(biz_step: str) -> str:
    """'https://ref.gs1.org/cbv/BizStep-receiving' -> 'receiving'; Seamline's bizstep/dyeing -> 'dyeing'."""
    tail = biz_step.rsplit("/", 1)[-1]
    return tail.removeprefix("BizStep-")


def _places(uris: Iterable[str]) -> dict[str, str]:
    """Facility names by URI; a URI that names no facility (an edited row, another system's) is left as is."""
    uids = [u.rsplit(":", 1)[-1] for u in uris if u.startswith("urn:seamline:facility:")]
    uids = [u for u in uids if _is_uuid(u)]
    return {
        f"urn:seamline:facility:{uid}": name
        for uid, name in Facility.objects.filter(uid__in=uids).values_list("uid", "name")
    }


def _steps(events: Sequence[Event]) -> list[TraceStep]:
    places = _places({e.biz_location or e.read_point for e in events})
    steps = []
    for event in events:
        body = json.loads(event.body)
        where = event.biz_location or event.read_point
        if where.startswith(DOORSTEP_PREFIX):  # a customer's door: its ZIP, never its street
            place = " ".join(("the customer's door", body.get("sl:postalCode", ""))).strip()
        else:
            place = places.get(where, where) or (
                "the customer's door" if event.biz_step.endswith("arriving") else ""
            )
        steps.append(
            TraceStep(
                when=event.event_time,
                kind=step_kind(event.biz_step) or event.event_type,
                place=place,
                detail=step_detail(body),
                operator=body.get("sl:operator", ""),
                event_id=event.event_id,
                energy_kwh=sensor_value(body, "KWH"),
                water_l=sensor_value(body, "LTR"),
                event_hash=event.event_hash,
                event_type=event.event_type,
                organization_id=event.organization_id,
                seq=event.seq,
            )
        )
    return steps


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


# UN/CEFACT Recommendation 20 codes the ledger records (EPCIS "uom"), as people write the units.
UNIT_WORDS = {"MTR": "m", "CMT": "cm", "MTK": "m²", "KGM": "kg", "GRM": "g", "KWH": "kWh", "LTR": "L"}


def step_detail(body: dict[str, Any]) -> str:
    """An event's quantities, disposition and order in words: '45.7 m · Active · PO-00003'.

    >>> step_detail({"quantityList": [{"quantity": 45.7, "uom": "MTR"}], "disposition": "active"})
    '45.7 m · Active'
    """
    parts = []
    for item in body.get("quantityList", []) + body.get("inputQuantityList", []):
        code = item.get("uom", "")
        parts.append(f"{item.get('quantity')} {UNIT_WORDS.get(code, code)}".strip())
    if body.get("disposition"):
        words = step_kind(body["disposition"]).removeprefix("Disp-").replace("_", " ")
        parts.append("Non-conformant" if words == "non conformant" else words.capitalize())
    if body.get("sl:orderNumber"):
        parts.append(body["sl:orderNumber"])
    return " · ".join(parts)


def _events_naming(
    organization: Organization, epcs: Iterable[str], roles: Sequence[str] | None = None
) -> list[Event]:
    rows = EventEpc.objects.filter(epc__in=list(epcs))
    if roles is not None:
        rows = rows.filter(role__in=roles)
    return list(
        visible_events(organization).filter(pk__in=rows.values("event_id")).order_by("event_time", "pk")
    )


def _identifiers(event_ids: Iterable[int], roles: Sequence[str]) -> list[tuple[int, str, Decimal | None]]:
    return list(
        EventEpc.objects.filter(event_id__in=list(event_ids), role__in=roles).values_list(
            "event_id", "epc", "quantity"
        )
    )


def garment_lineage(*, organization: Organization, garment_epc: str) -> GarmentLineage | None:
    """The garment's journey: its rolls (and its share of their meters) through cutting, sewing, finishing,
    QC and packing to the doorstep; None when the organization sees no event about it."""
    own = _events_naming(organization, [garment_epc])
    if not own:
        return None
    cartons = [e for e in own if e.event_type == "AggregationEvent"]
    parents = {epc for _, epc, _ in _identifiers([e.pk for e in cartons], ["parent"])}
    later = _events_naming(organization, parents, ["epc"]) if parents else []
    sewing = [e for e in own if e.event_type == "TransformationEvent"]
    bundles = {epc for _, epc, _ in _identifiers([e.pk for e in sewing], ["input"])}
    cuts = _events_naming(organization, bundles, ["output"]) if bundles else []
    lineage = GarmentLineage(garment_epc=garment_epc)
    taken = _identifiers([e.pk for e in cuts], ["in_class"])
    rolls = {epc for _, epc, _ in taken}
    received = {}
    for event in _events_naming(organization, rolls, ["epc"]) if rolls else []:
        if step_kind(event.biz_step) == "receiving":
            for _, epc, _ in _identifiers([event.pk], ["epc"]):
                received[epc] = event
    received_steps = dict(zip(received, _steps(list(received.values())), strict=True))
    garments_in_lay = {cut.pk: _garments_cut(cut) for cut in cuts}
    labels = _roll_labels(rolls)
    for cut_id, epc, meters in taken:
        share = (
            (Decimal(meters) / garments_in_lay[cut_id]).quantize(_MM)
            if garments_in_lay[cut_id]
            else Decimal(0)
        )
        label, material = labels.get(epc, (epc, ""))
        lineage.rolls.append(RollShare(epc, label, material, Decimal(meters), share, received_steps.get(epc)))
    events = {e.pk: e for e in [*received.values(), *cuts, *own, *later]}
    lineage.steps = _steps(sorted(events.values(), key=lambda e: (e.event_time, e.pk)))
    return lineage


def _garments_cut(cut: Event) -> int:
    """Garments a cutting event made: one per ply of each bundle (from its ILMD)."""
    body = json.loads(cut.body)
    total = 0
    for bundle in (body.get("ilmd") or {}).get("sl:bundles", []):
        total += plies_in(bundle.get("sl:plies", "1-1"))
    return total


def sensor_value(body: dict[str, Any], uom: str) -> Decimal | None:
    """The value an event's sensor reports give in ``uom`` (KWH, LTR), if any."""
    for element in body.get("sensorElementList", []):
        for report in element.get("sensorReport", []):
            if report.get("uom") == uom:
                return Decimal(str(report["value"]))
    return None


def _roll_labels(roll_epcs: Iterable[str]) -> dict[str, tuple[str, str]]:

    uids = [e.rsplit(":", 1)[-1] for e in roll_epcs]
    return {
        f"urn:seamline:roll:{uid}": (label, material)
        for uid, label, material in FabricRoll.objects.filter(uid__in=uids).values_list(
            "uid", "roll_id", "material__name"
        )
    }


@dataclass
class RollLineage:
    """Downstream of a roll: what it received, each cut that took meters (with its garments and order)."""

    roll_epc: str
    received_m: Decimal = Decimal(0)
    steps: list[TraceStep] = field(default_factory=list)
    cuts: list[tuple[TraceStep, Decimal, int, str]] = field(default_factory=list)  # meters, garments, order
    garments: list[str] = field(default_factory=list)

    @property
    def taken_m(self) -> Decimal:
        return sum((m for _, m, _, _ in self.cuts), Decimal(0))


def roll_lineage(*, organization: Organization, roll_epc: str) -> RollLineage:
    lineage = RollLineage(roll_epc=roll_epc)
    events = _events_naming(organization, [roll_epc])
    quantities = defaultdict(Decimal)
    for event_id, epc, meters in _identifiers([e.pk for e in events], ["class", "in_class"]):
        if epc == roll_epc:  # a lay cut from several rolls names each with its own meters
            quantities[event_id] += Decimal(meters or 0)
    steps = _steps(events)
    lineage.steps = steps
    cut_ids = []
    for event, step in zip(events, steps, strict=True):
        if step.kind == "receiving":
            lineage.received_m += quantities[event.pk]
        elif event.event_type == "TransformationEvent":
            cut_ids.append(event.pk)
            number = json.loads(event.body).get("sl:orderNumber", "")
            lineage.cuts.append((step, quantities[event.pk], _garments_cut(event), number))
    bundles = [epc for _, epc, _ in _identifiers(cut_ids, ["output"])]
    if bundles:
        sewn = _events_naming(organization, bundles, ["input"])
        lineage.garments = [epc for _, epc, _ in _identifiers([e.pk for e in sewn], ["output"])]
    return lineage


def _order_epcs(order: Any) -> dict[str, list[str]]:
    """The identifiers of an order's goods: rolls its lays took meters from, bundles, garments, cartons."""

    rolls = LayRoll.objects.filter(lay__plan__order=order, lay__cut_at__isnull=False)
    return {
        "rolls": [f"urn:seamline:roll:{u}" for u in rolls.values_list("roll__uid", flat=True).distinct()],
        "bundles": [
            f"urn:seamline:bundle:{u}"
            for u in Bundle.objects.filter(lay__plan__order=order).values_list("uid", flat=True)
        ],
        "garments": [
            f"urn:seamline:garment:{u}"
            for u in Garment.objects.filter(order=order).values_list("uid", flat=True)
        ],
        "cartons": [
            f"urn:seamline:carton:{u}"
            for u in Carton.objects.filter(order=order).values_list("uid", flat=True)
        ],
    }


def order_events(*, organization: Organization, order: Any) -> list[Event]:
    """Every event of the order's chain: its rolls received and cut, off-cuts, bundles, garments, cartons."""
    epcs = _order_epcs(order)
    found = {e.pk: e for e in _events_naming(organization, [epc for group in epcs.values() for epc in group])}
    for event in _events_naming(organization, _offcut_classes(order), ["class"]):
        if json.loads(event.body).get("sl:orderNumber") == order.number:
            found[event.pk] = event
    events = sorted(found.values(), key=lambda e: (e.event_time, e.pk))
    # A roll's cuts for other orders are not this order's story (its receiving is).
    return [e for e in events if not _other_orders_cut(e, order.number)]


def _offcut_classes(order: Any) -> list[str]:

    ids = CutPlan.objects.filter(order=order).values_list("material_id", flat=True).distinct()
    return [f"urn:seamline:offcut:{pk}" for pk in ids]


def _other_orders_cut(event: Event, number: str) -> bool:
    if event.event_type != "TransformationEvent" or "inputQuantityList" not in event.body:
        return False
    return json.loads(event.body).get("sl:orderNumber", number) != number


def order_document(
    *, organization: Organization, order: Any, events: Sequence[Event] | None = None
) -> dict[str, Any]:
    """The order's whole chain as one EPCIS 2.0 document (events as recorded; ``events``: its
    ``order_events`` when already read), with the latest signed checkpoint of each chain it draws from
    (``sl:checkpoints``): a partner who archives it can later run ``seamline trace verify --checkpoints``."""
    rows = order_events(organization=organization, order=order) if events is None else events
    bodies = []
    for event in rows:
        body = json.loads(event.body)
        body.pop("@context", None)  # the document's context covers Seamline's events
        bodies.append(body)
    return {
        "@context": document_context(),
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now().astimezone().isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": bodies},
        "sl:checkpoints": latest_checkpoints({e.organization_id for e in rows}),
    }


def latest_checkpoints(organization_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The latest checkpoint of each of these organizations' chains (those that have one), in the form of
    ``/epcis/checkpoints/<slug>.json``'s entries plus the organization and that URL."""
    newest = Checkpoint.objects.filter(organization_id=OuterRef("organization_id")).order_by("-seq")
    latest = (
        Checkpoint.objects.filter(
            organization_id__in=list(organization_ids), seq=Subquery(newest.values("seq")[:1])
        )
        .select_related("organization")
        .order_by("organization__slug")
    )
    return [
        {
            "organization": c.organization.slug,
            "record": c.seq,
            "headHash": c.head_hash,
            "takenAt": c.taken_at.isoformat(timespec="seconds"),
            "kid": c.kid,
            "jws": c.jws,
            "url": _base_url() + reverse("epcis:checkpoints", kwargs={"slug": c.organization.slug}),
        }
        for c in latest
    ]


def _base_url() -> str:
    return str(getattr(settings, "SEAMLINE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def order_mass_balance(*, organization: Organization, order: Any) -> Any:
    """Meters received = meters in garments + off-cuts + remnants, per roll of the order, from the ledger;
    a roll's remnant is what the database says it has left, so a roll edited behind the ledger's back
    shows as a discrepancy."""
    return order_mass_balance_read(organization=organization, order=order)[0]


def order_mass_balance_read(*, organization: Organization, order: Any) -> tuple[Any, list[TraceStep]]:
    """The order's mass balance and the ledger records it was read from (for a page's warning)."""

    lays = list(
        Lay.objects.filter(plan__order=order, cut_at__isnull=False)
        .select_related("marker", "plan")
        .prefetch_related("roll_uses")
    )
    garments_m: dict[int, Decimal] = defaultdict(Decimal)
    for lay in lays:
        pieces_m = meters_of_area(lay.marker.piece_area_cm2 * lay.plies, lay.plan.fabric_width_cm)
        for use in lay.roll_uses.all():
            garments_m[use.roll_id] += (pieces_m * use.meters / lay.meters).quantize(_MM)
    flows, steps = [], []
    for roll in FabricRoll.objects.filter(pk__in=list(garments_m)).order_by("received_at", "pk"):
        downstream = roll_lineage(organization=organization, roll_epc=roll.epc_uri)
        steps += downstream.steps
        mine = sum((m for _, m, _, number in downstream.cuts if number == order.number), Decimal(0))
        flows.append(
            RollFlow(
                label=roll.roll_id,
                received_m=downstream.received_m,
                garments_m=garments_m[roll.pk],
                # Less taken than the pieces need means an edited ledger: the roll then shows over-drawn
                # (a red discrepancy) instead of a negative off-cut.
                offcuts_m=max(mine - garments_m[roll.pk], Decimal(0)),
                other_orders_m=downstream.taken_m - mine,
                remnant_m=max(roll.remaining_m, Decimal(0)),
            )
        )
    return balance(flows), steps
