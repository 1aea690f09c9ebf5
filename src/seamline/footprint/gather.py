"""Read an order's trace ledger into garment records for the footprint (the only part that touches Django).

One pass over the order's events (`trace.lineage.order_events`): the cutting events give each garment's
share of the meters; off-cut events the kilograms sent to the recycler; finishing events the energy and
water each batch measured; packing the cartons; the places each garment passed through give the legs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from seamline.cutting.events import plies_in
from seamline.cutting.models import CutPlan
from seamline.facilities.models import Facility, FacilityKind
from seamline.lineage.selectors import order_events, sensor_value, step_kind

from .activities import Batch, GarmentRecord, MaterialSpec, legs_between, material_spec

__all__ = ["order_records"]

_FINISHING = {"dyeing": "garment dyeing", "laser_washing": "laser washing", "pressing": "pressing"}


def _place(body: dict[str, Any]) -> str:
    return (body.get("bizLocation") or body.get("readPoint") or {}).get("id", "")


def order_records(*, organization: Any, order: Any) -> tuple[MaterialSpec, list[GarmentRecord]]:
    """The order's fabric spec and a record per garment sewn; ValueError when nothing was cut yet."""
    plan = CutPlan.objects.filter(order=order, status=CutPlan.Status.DONE).select_related("material").first()
    if plan is None:
        raise ValueError(f"{order.number} has no cut plan: nothing to account for yet")
    material = plan.material
    spec = material_spec(
        material.name, material.composition, width_cm=plan.fabric_width_cm, gsm=Decimal(material.weight_gsm)
    )
    sam_cut = sam_sew = Decimal(0)
    for op in order.style.operations.all():
        if op.facility_kind == "cut_and_sew":
            if "cut" in op.name.lower():
                sam_cut += op.sam
            else:
                sam_sew += op.sam

    per_bundle: dict[str, tuple[str, Decimal, tuple[Any, str]]] = {}  # source, m a garment, its lay's key
    lay_garments: dict[tuple[Any, str], int] = {}
    offcuts: dict[tuple[Any, str], tuple[str, Decimal]] = {}  # a lay's off-cuts: recorded with its cut
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
            lay = (event.event_time, event.read_point or event.biz_location)
            lay_garments[lay] = garments
            for bundle in body.get("outputEPCList", []):
                per_bundle[bundle] = (source, (meters / garments) if garments else Decimal(0), lay)
        elif kind == "departing" and body.get("quantityList"):
            kg = sum(
                (Decimal(str(q["quantity"])) for q in body["quantityList"] if q.get("uom") == "KGM"),
                Decimal(0),
            )
            offcuts[(event.event_time, event.read_point or event.biz_location)] = (source, kg)
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

    places = _facilities({place for seen in visits.values() for _, place, _ in seen})
    fabric = {g: per_bundle[b][1] if b in per_bundle else Decimal(0) for g, b in sewn.items()}
    records = []
    for garment, bundle in sewn.items():
        carton = carton_of.get(garment, "")
        packed = next((s for _, _, s, k in carton_events.get(carton, []) if k == "packing"), "")
        delivered = next((s for _, _, s, k in carton_events.get(carton, []) if k == "arriving"), "")
        stops = sorted(visits[garment], key=lambda v: v[0])
        departed = [(t, p, s) for t, p, s, k in carton_events.get(carton, []) if k == "departing"]
        route = [(places[p][0], places[p][1], places[p][2], s) for _, p, s in stops + departed if p in places]
        lay = per_bundle[bundle][2] if bundle in per_bundle else None
        offcut_source, lay_kg = offcuts.get(lay, ("no off-cut event recorded", Decimal(0)))
        records.append(
            GarmentRecord(
                epc=garment,
                label=garment.rsplit(":", 1)[-1],
                fabric_m=fabric[garment].quantize(Decimal("0.0001")),
                offcut_kg=(lay_kg / lay_garments.get(lay, 1)).quantize(Decimal("0.000001")),
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
            )
        )
    return spec, records


def _facilities(uris: set[str]) -> dict[str, tuple[str, float, float]]:
    uids = [u.rsplit(":", 1)[-1] for u in uris if u.startswith("urn:seamline:facility:")]
    # Legs are named by the kind of place ("Cut-and-sew floor → Dye house"): short enough for a chart label.
    return {
        f"urn:seamline:facility:{uid}": (FacilityKind(kind).label, lat, lon)
        for uid, kind, lat, lon in Facility.objects.filter(uid__in=uids).values_list(
            "uid", "kind", "latitude", "longitude"
        )
    }
