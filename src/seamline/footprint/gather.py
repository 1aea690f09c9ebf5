"""Read an order's trace ledger into garment records for the footprint (the only part that touches Django).

One pass over the order's events (`trace.lineage.order_events`): the cutting events give each garment's
share of the meters; off-cut events the kilograms sent to the recycler; finishing events the energy and
water each batch measured; packing the cartons; the places each garment passed through give the legs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple

from seamline.cutting.events import plies_in
from seamline.cutting.models import CutPlan
from seamline.delivery.selectors import garment_last_miles
from seamline.facilities.models import Facility, FacilityKind
from seamline.lineage.selectors import order_events, sensor_value, step_kind

from .activities import Batch, GarmentRecord, LastMile, MaterialSpec, legs_between, material_spec
from .factors import Registry, load_registry

__all__ = ["order_records"]

_FINISHING = {"dyeing": "garment dyeing", "laser_washing": "laser washing", "pressing": "pressing"}
_MG = Decimal("0.000001")  # kg: off-cuts are shared out in whole milligrams
PARCEL_PREFIX = "urn:seamline:parcel:"


class _Lay(NamedTuple):
    """A lay as its cutting event tells it."""

    garments: int
    meters: Decimal
    at: tuple[Any, str]  # the time and place of the cut


class _Offcut(NamedTuple):
    """An off-cut event: its kilograms and the lay it names (sl:lay: that lay's cutting eventID)."""

    event_id: str
    kg: Decimal
    lay: str  # "" when recorded before off-cut events named their lay
    at: tuple[Any, str]


def _place(body: dict[str, Any]) -> str:
    return (body.get("bizLocation") or body.get("readPoint") or {}).get("id", "")


def order_records(
    *, organization: Any, order: Any, registry: Registry | None = None
) -> tuple[MaterialSpec, list[GarmentRecord]]:
    """The order's fabric spec and a record per garment sewn; ValueError when nothing was cut yet."""
    plan = CutPlan.objects.filter(order=order, status=CutPlan.Status.DONE).select_related("material").first()
    if plan is None:
        raise ValueError(f"{order.number} has no cut plan: nothing to account for yet")
    material = plan.material
    spec = material_spec(
        material.name,
        material.composition,
        width_cm=plan.fabric_width_cm,
        gsm=Decimal(material.weight_gsm),
        registry=registry or load_registry(),
        construction=material.construction,
        dyeing=material.dyeing,
        warp_share_pct=material.warp_share_pct,
        yarn_dtex=material.yarn_dtex,
        mill_port=material.mill_port,
    )
    sam_cut = sam_sew = Decimal(0)
    for op in order.style.operations.all():
        if op.facility_kind == "cut_and_sew":
            if "cut" in op.name.lower():
                sam_cut += op.sam
            else:
                sam_sew += op.sam

    per_bundle: dict[str, tuple[str, Decimal, str]] = {}  # source, m a garment, its lay (cutting eventID)
    lays: dict[str, _Lay] = {}  # by cutting eventID
    offcuts: list[_Offcut] = []
    sewn: dict[str, str] = {}
    visits: dict[str, list[tuple[Any, str, str]]] = defaultdict(list)  # garment -> (time, place, source)
    batches: dict[str, list[Batch]] = defaultdict(list)
    carton_of: dict[str, str] = {}
    carton_size: dict[str, int] = {}
    carton_events: dict[str, list[tuple[Any, str, str, str]]] = defaultdict(list)
    for event in order_events(organization=organization, order=order):
        body = json.loads(event.body)
        kind = step_kind(event.biz_step)
        source = f"event {event.event_id}"
        if kind == "cutting":
            meters = sum((Decimal(str(q["quantity"])) for q in body.get("inputQuantityList", [])), Decimal(0))
            bundles = (body.get("ilmd") or {}).get("sl:bundles", [])
            garments = sum(plies_in(b.get("sl:plies", "1-1")) for b in bundles)
            lays[event.event_id] = _Lay(garments, meters, _time_and_place(event))
            for bundle in body.get("outputEPCList", []):
                per_bundle[bundle] = (source, (meters / garments) if garments else Decimal(0), event.event_id)
        elif kind == "departing" and body.get("quantityList"):
            kg = sum(
                (Decimal(str(q["quantity"])) for q in body["quantityList"] if q.get("uom") == "KGM"),
                Decimal(0),
            )
            offcuts.append(_Offcut(event.event_id, kg, body.get("sl:lay", ""), _time_and_place(event)))
        elif kind == "sewing":
            for garment in body.get("outputEPCList", []):
                sewn[garment] = body.get("inputEPCList", [""])[0]
                visits[garment].append((event.event_time, _place(body), source))
        elif kind in _FINISHING:
            epcs = body.get("epcList", [])
            batch = Batch(
                _FINISHING[kind], len(epcs), sensor_value(body, "KWH"), sensor_value(body, "LTR"), source
            )
            for garment in epcs:
                batches[garment].append(batch)
                visits[garment].append((event.event_time, _place(body), source))
        elif kind == "inspecting":
            for garment in body.get("epcList", []):
                visits[garment].append((event.event_time, _place(body), source))
        elif kind == "packing" and body.get("parentID", "").startswith(PARCEL_PREFIX):
            for garment in body.get("childEPCs", []):  # made up into a customer's parcel at the hub
                visits[garment].append((event.event_time, _place(body), source))
        elif kind == "packing":
            carton = body.get("parentID", "")
            carton_size[carton] = len(body.get("childEPCs", []))
            for garment in body.get("childEPCs", []):
                carton_of[garment] = carton
                visits[garment].append((event.event_time, _place(body), source))
            carton_events[carton].append((event.event_time, _place(body), source, "packing"))
        elif kind in ("departing", "arriving"):
            for carton in body.get("epcList", []):
                carton_events[carton].append((event.event_time, _place(body), source, kind))

    cut_places = {lay.at[1] for lay in lays.values()}
    places = _facilities({place for seen in visits.values() for _, place, _ in seen} | cut_places)
    fabric = {g: per_bundle[b][1] if b in per_bundle else Decimal(0) for g, b in sewn.items()}
    lay_of = {g: per_bundle[b][2] if b in per_bundle else "" for g, b in sewn.items()}
    lay_offcuts = _offcuts_by_lay(lays, offcuts)
    offcut_kg = _garment_shares(lay_of, lays, lay_offcuts)
    miles = garment_last_miles(sewn)
    records = []
    for garment, bundle in sewn.items():
        carton = carton_of.get(garment, "")
        packed = next((s for _, _, s, k in carton_events.get(carton, []) if k == "packing"), "")
        delivered = next((s for _, _, s, k in carton_events.get(carton, []) if k == "arriving"), "")
        stops = sorted(visits[garment], key=lambda v: v[0])
        departed = [(t, p, s) for t, p, s, k in carton_events.get(carton, []) if k == "departing"]
        route = [(places[p][0], places[p][1], places[p][2], s) for _, p, s in stops + departed if p in places]
        offcut_source = lay_offcuts.get(lay_of[garment], ("no off-cut event recorded", Decimal(0)))[0]
        records.append(
            GarmentRecord(
                epc=garment,
                label=garment.rsplit(":", 1)[-1],
                fabric_m=fabric[garment].quantize(Decimal("0.0001")),
                offcut_kg=offcut_kg[garment],
                cut_source=per_bundle[bundle][0] if bundle in per_bundle else "no cutting event",
                offcut_source=offcut_source,
                sam_cutting_min=sam_cut,
                sam_sewing_min=sam_sew,
                cartons_garments=carton_size.get(carton, 0),
                packing_source=packed,
                delivered_source=delivered,
                batches=tuple(batches[garment]),
                waterless_dyed=any(b.step == "garment dyeing" and b.water_l == 0 for b in batches[garment]),
                legs=tuple(legs_between(route)),
                cut_at=_where(places, lays.get(lay_of[garment])),
                last_mile=_last_mile(miles.get(garment)),
            )
        )
    return spec, records


def _last_mile(mile: Any) -> LastMile | None:
    """The delivery context's last mile of a garment as the footprint engine reads it."""
    if mile is None:
        return None
    source = f"event {mile.event_id}" if mile.event_id else f"parcel {mile.parcel}"
    return LastMile(mile.vehicle_kind, mile.vehicle_name, mile.km_share, mile.km_to_door, source)


def _where(places: Mapping[str, tuple[str, float, float]], lay: _Lay | None) -> tuple[float, float] | None:
    """The cutting floor's coordinates, where the fabric arrives (None: unknown)."""
    place = places.get(lay.at[1]) if lay is not None else None
    return (place[1], place[2]) if place is not None else None


def _time_and_place(event: Any) -> tuple[Any, str]:
    return (event.event_time, event.read_point or event.biz_location)


def _offcuts_by_lay(lays: Mapping[str, _Lay], offcuts: Sequence[_Offcut]) -> dict[str, tuple[str, Decimal]]:
    """Each lay's off-cuts: (source, kg), by cutting eventID.

    An off-cut event names its lay (sl:lay). One recorded before they did is the lay's cut at the same time
    and place when that lay is the only one there (lays named by an off-cut event aside); when several lays
    were cut there, the kilograms of such events there are split over those lays by the meters each took,
    and the source says so.
    """
    named: dict[str, list[_Offcut]] = defaultdict(list)
    unnamed: dict[tuple[Any, str], list[_Offcut]] = defaultdict(list)
    for offcut in offcuts:
        if offcut.lay:
            named[offcut.lay].append(offcut)
        else:
            unnamed[offcut.at].append(offcut)
    found = {lay: (_cite(group), _kg(group)) for lay, group in named.items() if lay in lays}
    for at, group in unnamed.items():
        there = [lay for lay, cut in lays.items() if cut.at == at and lay not in found]
        if len(there) == 1:
            found[there[0]] = (_cite(group), _kg(group))
        elif there:
            meters = [lays[lay].meters for lay in there]
            for lay, kg in zip(there, _split(_kg(group), meters), strict=True):
                note = (
                    f"{len(there)} lays cut at the same time and place: split by the meters each took, "
                    f"{lays[lay].meters} of {sum(meters)} m"
                )
                found[lay] = (f"{_cite(group)} ({note})", kg)
    return found


def _garment_shares(
    lay_of: Mapping[str, str], lays: Mapping[str, _Lay], lay_offcuts: Mapping[str, tuple[str, Decimal]]
) -> dict[str, Decimal]:
    """Each garment's share of its lay's off-cuts: equal shares of the garments cut, in whole milligrams
    that add up to the lay's (the first garments sewn take the milligrams left over)."""
    left = {lay: _split(kg, [Decimal(1)] * lays[lay].garments) for lay, (_, kg) in lay_offcuts.items()}
    return {garment: left[lay].pop(0) if left.get(lay) else Decimal(0) for garment, lay in lay_of.items()}


def _split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` kg in proportion to ``weights``, in whole milligrams adding up to it (largest remainder).

    >>> _split(Decimal("0.079"), [Decimal(1)] * 3)
    [Decimal('0.026334'), Decimal('0.026333'), Decimal('0.026333')]
    """
    units = int((total / _MG).to_integral_value(ROUND_HALF_EVEN))
    whole = sum(weights, Decimal(0))
    if not whole:  # nothing to weigh by: equal shares
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [units * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: shares[i] - exact[i])  # stable: ties to the first
    for i in by_remainder[: units - sum(shares)]:
        shares[i] += 1
    return [share * _MG for share in shares]


def _kg(offcuts: Sequence[_Offcut]) -> Decimal:
    return sum((o.kg for o in offcuts), Decimal(0))


def _cite(offcuts: Sequence[_Offcut]) -> str:
    ids = [o.event_id for o in offcuts]
    return f"event {ids[0]}" if len(ids) == 1 else f"events {', '.join(ids)}"


def _facilities(uris: set[str]) -> dict[str, tuple[str, float, float]]:
    uids = [u.rsplit(":", 1)[-1] for u in uris if u.startswith("urn:seamline:facility:")]
    # Legs are named by the kind of place ("Cut-and-sew floor → Dye house"): short enough for a chart label.
    return {
        f"urn:seamline:facility:{uid}": (FacilityKind(kind).label, lat, lon)
        for uid, kind, lat, lon in Facility.objects.filter(uid__in=uids).values_list(
            "uid", "kind", "latitude", "longitude"
        )
    }
