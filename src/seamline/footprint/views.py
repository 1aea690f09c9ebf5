"""Footprint pages: an order's published footprint, a garment's lines, a factor's citation; CSV and PACT."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission
from seamline.core.errors import DomainError, NotFoundError, found
from seamline.production.selectors import garment_get, order_get

from .baseline import ORIGINS
from .calc import BOUNDARIES, HEADLINE_BOUNDARY
from .chart_svg import comparison_svg
from .display import (
    WATER_PARTS,
    boundary_label,
    csv_quantity,
    factor_label,
    grid_basis,
    significant,
    source_ref,
    step_label,
)
from .factors import DQR_KEYS, Factor, FactorError, load_registry
from .models import FootprintSnapshot, GarmentFootprint
from .pact import product_footprint
from .services import footprint_publish
from .storage import FIELDS, expand, footprint_of, offshore_of


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _label(cc: str) -> str:
    origin = ORIGINS.get(cc)
    return f"{origin.city}, {cc}" if origin is not None else cc


def _event_url(event_id: str) -> str:
    return reverse("epcis:events") + "/" + quote(event_id, safe="")  # reverse() would quote it twice


def _factors(snapshot: FootprintSnapshot) -> Mapping[str, Factor]:
    try:
        return load_registry(snapshot.registry_version).factors
    except FactorError:  # a registry this install no longer ships: the ids still say which factor
        return {}


def _lines(row: GarmentFootprint, snapshot: FootprintSnapshot) -> list[dict[str, Any]]:
    """A garment's stored lines as a page shows them: names people read, each event a link of its own."""
    factors = _factors(snapshot)
    unsourced = {entry["factor_id"]: entry["reason"] for entry in snapshot.unsourced}
    lines = expand(row.lines, snapshot.sources, snapshot.registry_version)
    for line in lines:
        factor = factors.get(line["factor_id"])
        ref = source_ref(line["source"])
        line.update(
            step_label=step_label(line["step"]),
            factor_name=factor_label(factor.activity) if factor else line["factor_id"],
            events=[(event_id, _event_url(event_id)) for event_id in ref.event_ids],
            note=ref.note,
            default=ref.default,
            unsourced=unsourced.get(line["factor_id"]),
        )
    return lines


def _method_2(snapshot: FootprintSnapshot, rows: list[GarmentFootprint]) -> dict[str, Any]:
    """What a method-2 snapshot states beyond its headline: each boundary's steps, the grid basis and the
    alternative figure, the water split, the water-saved reference, the material notes and exclusions."""
    assumptions = snapshot.assumptions
    factors = _factors(snapshot)
    stored = assumptions.get("boundaries", {})
    # in the engine's order, whatever order the database kept the JSON keys in (jsonb sorts them)
    boundaries = {name: stored[name] for name in BOUNDARIES if name in stored}
    every = dict.fromkeys(s for b in boundaries.values() for s in b["steps"])
    steps = [step for step, _ in _in_making_order(every, rows)]
    reference_id = (assumptions.get("water_saved") or {}).get("reference")
    reference = factors.get(reference_id) if reference_id else None
    reference_name = factor_label(reference.activity) if reference else reference_id
    return {
        "boundaries": [(name, boundary_label(name), b["co2e_kg"]) for name, b in boundaries.items()],
        "boundary_steps": [
            (step, step_label(step), [b["steps"].get(step) for b in boundaries.values()]) for step in steps
        ],
        "headline_boundary": HEADLINE_BOUNDARY,
        "use": assumptions.get("use"),
        "grid": _grid(assumptions.get("grid"), factors),
        "water_parts": [
            (part, snapshot.water_split[part], meaning)
            for part, meaning in WATER_PARTS.items()
            if part in snapshot.water_split
        ],
        "water_reference": (reference_id, reference_name) if reference_id else None,
    }


def _grid(grid: dict[str, Any] | None, factors: Mapping[str, Factor]) -> dict[str, Any] | None:
    """The grid basis of the figures and of the alternative one, in words (the factor ids at worst)."""
    if not grid:
        return None

    def basis(factor_id: str, stated: str) -> str:
        factor = factors.get(factor_id)
        return grid_basis(factor.geography, factor.source, stated) if factor else f"{factor_id}, {stated}"

    alternative = grid["alternative"]
    return {
        "factor": grid["factor"],
        "basis": basis(grid["factor"], grid["basis"]),
        "alternative_factor": alternative["factor"],
        "alternative_basis": basis(alternative["factor"], alternative["basis"]),
        "alternative_kg": alternative["co2e_customer_kg"],
    }


def _in_making_order(by_step: dict[str, Any], rows: list[GarmentFootprint]) -> list[tuple[str, Any]]:
    """The steps in the order of the making (a garment's lines are a list, in order; PostgreSQL's jsonb keeps
    an object's keys in an order of its own)."""
    order = {
        step: i for i, step in enumerate(dict.fromkeys(line[0] for row in rows[:1] for line in row.lines))
    }
    return sorted(by_step.items(), key=lambda item: order.get(item[0], len(order)))


def _runs(row: GarmentFootprint, snapshot: FootprintSnapshot) -> tuple[Any, dict[str, Any]]:
    """A stored garment and its offshore twins as the engine's footprints."""
    local = footprint_of(row.lines, snapshot.sources, snapshot.registry_version)
    offshore = {
        cc: offshore_of(local, footprint_of(run["delta"], snapshot.sources, snapshot.registry_version))
        for cc, run in row.baselines.items()
    }
    return local, offshore


def _chart(row: GarmentFootprint, snapshot: FootprintSnapshot) -> str:
    local, offshore = _runs(row, snapshot)
    labelled = {f"Made in {_label(cc)}": run for cc, run in offshore.items()}
    return comparison_svg(local, labelled, title=f"{row.garment.label}: made in Los Angeles and offshore")


@org_view
def order_footprint(request: HttpRequest, pk: int) -> HttpResponse:
    order = found(order_get(organization=_org(request), pk=pk))
    snapshots = list(FootprintSnapshot.objects.filter(order=order).order_by("-version"))
    version = request.GET.get("version")
    snapshot = next((s for s in snapshots if str(s.version) == version), snapshots[0] if snapshots else None)
    context: dict[str, Any] = {"order": order, "snapshot": snapshot, "snapshots": snapshots}
    if snapshot is not None:
        rows = list(snapshot.garment_rows.select_related("garment__variant").order_by("garment__serial"))
        countries = list(snapshot.baselines)
        context.update(
            rows=rows,
            countries=[(cc, _label(cc), snapshot.baselines[cc]) for cc in countries],
            steps=[
                (
                    step,
                    step_label(step),
                    values[0],
                    values[1],
                    [snapshot.baselines[cc]["by_step"].get(step, "—") for cc in countries],
                )
                for step, values in _in_making_order(snapshot.by_step, rows)
            ],
            chart=_chart(rows[0], snapshot) if rows else "",
            lines=_lines(rows[0], snapshot) if rows else [],
        )
        if snapshot.method_version >= 2:
            context.update(_method_2(snapshot, rows))
    return render(request, "footprint/order_footprint.html", context)


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def order_footprint_publish(request: HttpRequest, pk: int) -> HttpResponse:
    order = found(order_get(organization=_org(request), pk=pk))
    try:
        snapshot = footprint_publish(order=order, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Published footprint v{snapshot.version} of {order.number}.")
    return redirect("footprint:order", pk=order.pk)


def _snapshot(request: HttpRequest, pk: int) -> tuple[Any, FootprintSnapshot]:
    order = found(order_get(organization=_org(request), pk=pk))
    version = request.GET.get("version")
    qs = FootprintSnapshot.objects.filter(order=order).order_by("-version")
    snapshot = (qs.filter(version=version) if version else qs).first()
    if snapshot is None:
        raise NotFoundError(f"{order.number} has no published footprint.")
    return order, snapshot


@org_view
def order_footprint_csv(request: HttpRequest, pk: int) -> HttpResponse:
    order, snapshot = _snapshot(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    fields = [f for f in FIELDS if f != "source"] + ["factor_version", "source"]
    writer.writerow(["garment", *fields])
    for row in snapshot.garment_rows.select_related("garment__order").order_by("garment__serial"):
        for line in expand(row.lines, snapshot.sources, snapshot.registry_version):
            # the stored quantity is exact (up to 24 decimals from batch shares): the CSV states its precision
            line["quantity"] = csv_quantity(line["quantity"])
            writer.writerow([row.garment.label, *(line[f] for f in fields)])
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{order.number}-footprint-v{snapshot.version}.csv"'
    )
    return response


@org_view
def order_footprint_pact(request: HttpRequest, pk: int) -> HttpResponse:
    order, snapshot = _snapshot(request, pk)
    row = snapshot.garment_rows.select_related("garment__variant").order_by("garment__serial").first()
    document = product_footprint(
        footprint_of(row.lines, snapshot.sources, snapshot.registry_version),
        product_name=f"{order.style.name} ({order.style.code})",
        product_ids=[f"urn:seamline:sku:{row.garment.variant.sku}"],
        company_name=order.brand.name,
        company_ids=[f"urn:seamline:organization:{order.brand.slug}"],
        reference_period=(order.created_at, snapshot.created_at),
        boundary="cradle-to-gate",
        product_mass_kg=_garment_mass(row),
        comment=f"Seamline footprint v{snapshot.version} of {order.number}.",
        created=snapshot.created_at,
        version=snapshot.version,
        dqr={fid: f.dqr for fid, f in _factors(snapshot).items() if f.dqr},
        exclusions=snapshot.assumptions.get("exclusions", ()),
        unsourced=snapshot.unsourced,
        method_version=snapshot.method_version,
    )
    response = HttpResponse(json.dumps(document, indent=2, default=str), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{order.number}-pact-v{snapshot.version}.json"'
    return response


def _garment_mass(row: GarmentFootprint) -> Decimal:
    """The garment's fabric: the mill's last output less its off-cuts.

    That is the weaving (knitting) line's mass: since method 2 a step touching part of the stream
    (dyeing, sizing: the warp only) carries less than the fabric, so the least mass is no longer it.
    """
    step, quantity = FIELDS.index("step"), FIELDS.index("quantity")
    mill = [Decimal(r[quantity]) for r in row.lines if r[step] in ("weaving", "knitting")] or [
        Decimal(r[quantity]) for r in row.lines if r[step] in ("spinning", "dyeing")
    ]
    offcuts = sum((Decimal(r[quantity]) for r in row.lines if r[step] == "offcuts"), Decimal(0))
    return (min(mill) - offcuts).quantize(Decimal("0.001")) if mill else Decimal("1.000")


@org_view
def garment_footprint(request: HttpRequest, uid: str) -> HttpResponse:
    garment = found(garment_get(organization=_org(request), uid=uid))
    row = (
        GarmentFootprint.objects.filter(garment=garment)
        .select_related("snapshot", "garment__order")
        .order_by("-snapshot__version")
        .first()
    )
    if row is None:  # the garment is ours: say what is missing rather than a 404 that reads "not yours"
        return render(request, "footprint/garment_footprint.html", {"garment": garment, "row": None})
    snapshot = row.snapshot
    context = {
        "garment": garment,
        "row": row,
        "snapshot": snapshot,
        "chart": _chart(row, snapshot),
        "lines": _lines(row, snapshot),
    }
    return render(request, "footprint/garment_footprint.html", context)


@org_view
def factor_detail(request: HttpRequest, version: str, factor_id: str) -> HttpResponse:
    try:
        factor = load_registry(version).get(factor_id)
    except FactorError as exc:
        raise NotFoundError(str(exc)) from exc
    dqr = [(key, factor.dqr[key]) for key in DQR_KEYS] if factor.dqr else []
    context = {"factor": factor, "figures": _figures(factor), "dqr": dqr}
    return render(request, "footprint/factor_detail.html", context)


def _figures(factor: Factor) -> dict[str, str]:
    """The factor's values to 4 significant digits; the exact ones stay in the registry and the titles."""
    return {
        name: significant(value)
        for name, value in (
            ("co2e_kg", factor.co2e_kg),
            ("water_l", factor.water_l),
            ("input_kg_per_kg", factor.input_kg_per_kg),
        )
        if value is not None
    }
