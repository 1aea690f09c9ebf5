"""The public passport (no sign-in): the page behind the hangtag's QR code, its signed JSON, its check;
the host's DID document and revocation lists; hangtag sheets and revocation for the brand."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from seamline.accounts.access import org_view, requires
from seamline.accounts.models import Organization
from seamline.accounts.permissions import Permission
from seamline.core.errors import DomainError, ForbiddenError, found
from seamline.core.lamap import LaMap, Place
from seamline.delivery.selectors import garment_last_mile
from seamline.facilities.maps import facility_maps
from seamline.facilities.models import Facility
from seamline.footprint.activities import VEHICLE_WORDS
from seamline.footprint.display import METHOD_1_WATER_REFERENCE, factor_short, unsourced_summary
from seamline.footprint.factors import FactorError, load_registry
from seamline.footprint.models import FootprintSnapshot, GarmentFootprint
from seamline.lineage.selectors import garment_lineage
from seamline.lineage.timeline_svg import Step, timeline_svg
from seamline.lineage.verification import ledger_warnings
from seamline.production.selectors import order_get

from .credential import CONTEXT_FILES, LEDGER_HEADS, local_context
from .forms import RevokeForm
from .hangtag import Hangtag, hangtag_sheet_pdf, hangtag_sheet_svg
from .models import IssuerKey, Passport
from .services import base_url, garment_pattern, host_did_document, passport_revoke, status_list_jws
from .tasks import progress_key
from .verify import envelope, ledger_check, ledger_fingerprint, linked_event_ids, verify_passport

CARE = (
    "Wash cold (30 °C), inside out, with dark colours",
    "Do not bleach",
    "Do not tumble dry; hang to dry",
    "Iron medium, inside out",
)


def _passport(serial: str) -> Passport:
    passport = (
        Passport.objects.filter(serial=serial)
        .select_related("garment__order__style", "garment__order__factory", "garment__variant", "issuer")
        .first()
    )
    if passport is None:
        raise Http404(f"No passport {serial}.")
    return passport


def parcel_pages_drop(parcel: Any) -> None:
    """Forget the cached pages of a delivered parcel's garments, so they show the last mile at once."""
    serials = Passport.objects.filter(garment__parcel_item__parcel=parcel).values_list("serial", flat=True)
    cache.delete_many([_page_key(serial) for serial in serials])


def _page_key(serial: str) -> str:
    return f"passport-page:v2:{serial}"  # v2: (event ids, fingerprint, content); Redis may hold v1 bytes


@cache_control(public=True, max_age=60)
def passport_page(request: HttpRequest, serial: str) -> HttpResponse:
    """The page is the same for every visitor: rendered once, cached (dropped when the passport is
    revoked); the issuing brand, signed in, gets it fresh with a link to revoke it.

    Re-hashing the linked ledger events costs ~0.6 ms an event, too much for every hit of a page under
    load, and a tampered row is edited outside the app (SQL on the database file), so nothing could drop
    the cache when it happens. So the cached page keeps the fingerprint of the event bodies it was checked
    against: a hit costs one indexed query and a SHA-256, and any edit to those rows re-renders the page,
    warning included, at once rather than when the cache expires."""
    signed_in = request.user.is_authenticated
    cached = None if signed_in else cache.get(_page_key(serial))
    if cached is not None:
        event_ids, fingerprint, content = cached
        if ledger_fingerprint(event_ids) == fingerprint:
            return HttpResponse(content)
    response, event_ids, fingerprint = _render_page(request, serial, signed_in=signed_in)
    if not signed_in:
        cache.set(_page_key(serial), (event_ids, fingerprint, response.content), 300)
    return response


def _public_maps(facilities: list[Facility]) -> dict[str, Any]:
    """The facilities' maps for anyone: a pin opens its place on OpenStreetMap, not the facility's page
    (which needs a sign-in)."""

    def public(place: Place) -> Place:
        lat, lon = float(place.latitude), float(place.longitude)
        return replace(
            place,
            url=f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=16/{lat:.5f}/{lon:.5f}",
        )

    def relink(lamap: LaMap | None) -> LaMap | None:
        if lamap is None:
            return None
        markers = tuple(replace(m, place=public(m.place)) for m in lamap.markers)
        return replace(lamap, markers=markers, outside=tuple(public(p) for p in lamap.outside))

    maps = facility_maps(facilities)
    return {**maps, "lamap": relink(maps["lamap"]), "closeup": relink(maps["closeup"])}


# A snapshot's JSON a passport page or hangtag never reads.
_SNAPSHOT_BULK = ("snapshot__sources", "snapshot__by_step", "snapshot__baselines")


def _withheld(snapshot: FootprintSnapshot | None) -> str:
    """Why the footprint's figures are not printed ("" when they are)."""
    return unsourced_summary(snapshot.unsourced) if snapshot is not None and snapshot.unsourced else ""


def _water_reference(snapshot: FootprintSnapshot) -> str | None:
    """What the water saved is measured against, in a few words; None when no reference is claimed."""
    if snapshot.method_version < 2:
        factor_id = METHOD_1_WATER_REFERENCE
    else:
        factor_id = (snapshot.assumptions.get("water_saved") or {}).get("reference")
    if not factor_id:
        return None
    try:
        return factor_short(load_registry(snapshot.registry_version).get(factor_id).activity)
    except FactorError:  # a registry this install no longer ships: the id still names it
        return factor_id


def _render_page(
    request: HttpRequest, serial: str, *, signed_in: bool
) -> tuple[HttpResponse, list[str], str]:
    """The page, the ledger events it vouches for and their fingerprint when it was checked."""
    passport = _passport(serial)
    garment = passport.garment
    order = garment.order
    lineage = garment_lineage(organization=order.factory, garment_epc=garment.epc_uri)
    steps = lineage.steps if lineage else []
    last_mile = garment_last_mile(garment_epc=garment.epc_uri)  # the route that took it to the door
    places = {s.place for s in steps}
    facilities = [
        f
        for f in Facility.objects.filter(organization=order.factory).select_related("organization")
        if f.name in places
    ]
    footprint = (
        GarmentFootprint.objects.filter(garment=garment)
        .select_related("snapshot")
        .defer("lines", *_SNAPSHOT_BULK)
        .order_by("-snapshot__version")
        .first()
    )
    snapshot = footprint.snapshot if footprint else None
    subject = passport.credential["credentialSubject"]
    event_ids = [event_id for event_id, _ in linked_event_ids(passport.credential)]
    fingerprint = ledger_fingerprint(event_ids)  # before the check: an edit in between re-renders next time
    ledger = ledger_check(passport.credential)
    context = {
        "passport": passport,
        "garment": garment,
        "order": order,
        "subject": subject,
        "steps": steps,
        "last_mile": last_mile,
        "last_mile_vehicle": VEHICLE_WORDS.get(last_mile.vehicle_kind, "") if last_mile else "",
        "rolls": lineage.rolls if lineage else [],
        "timeline": timeline_svg(
            [Step(when=s.when, label=s.kind.replace("_", " "), place=s.place, kind=s.kind) for s in steps],
            title=f"{garment.label}: its journey",
        )
        if steps
        else "",
        "footprint": footprint,
        "footprint_withheld": _withheld(snapshot),
        "water_reference": _water_reference(snapshot) if snapshot else None,
        "offshore": [
            (cc, Decimal(run["co2e_customer_kg"]), Decimal(run["km"]))
            for cc, run in footprint.baselines.items()
        ]
        if footprint
        else [],
        "care": CARE,
        "pattern": garment_pattern(garment),  # the version it was cut from, and the comments that shaped it
        "ledger": ledger,
        "ledger_warnings": ledger_warnings(steps),
        "ledger_heads": subject.get(LEDGER_HEADS, []),
        "can_revoke": signed_in and getattr(request, "organization", None) == passport.issuer,
        **_public_maps(facilities),
    }
    return render(request, "passport/page.html", context), event_ids, fingerprint


def passport_json(request: HttpRequest, serial: str) -> HttpResponse:
    """The credential secured with JOSE, as VC 2.0's EnvelopedVerifiableCredential."""
    passport = _passport(serial)
    return JsonResponse(envelope(passport.jws), json_dumps_params={"indent": 2})


def passport_verify(request: HttpRequest, serial: str) -> HttpResponse:
    passport = _passport(serial)
    checks, _ = verify_passport(envelope(passport.jws))
    ok = all(c.ok for c in checks)
    return render(request, "passport/verify.html", {"passport": passport, "checks": checks, "ok": ok})


def context_file(request: HttpRequest, name: str) -> HttpResponse:
    """The JSON-LD contexts a passport names, served from the package: checking one needs no other host."""
    urls = {Path(file).stem: url for url, file in CONTEXT_FILES.items()}
    if name not in urls:
        raise Http404(f"No context {name}.")
    return JsonResponse(local_context(urls[name]), content_type="application/ld+json")


def did_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(host_did_document(), content_type="application/did+json")


def status_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Only an issuer's list: an organization that has issued no passport answers 404 like an unknown slug
    (a 200 told anyone which slugs exist), and a read never makes a signing key (status_list_jws would make
    the first one, and did.json would publish it)."""
    issued = Passport.objects.filter(issuer=OuterRef("pk"))
    signing = IssuerKey.objects.filter(organization=OuterRef("pk"), retired_at__isnull=True)
    org = Organization.objects.filter(Exists(issued), Exists(signing), slug=slug).first()
    if org is None:
        raise Http404("No such issuer.")
    return JsonResponse(envelope(status_list_jws(org)))


@require_http_methods(["GET", "POST"])
@org_view
@requires(Permission.EDIT_CATALOG)
def passport_revoke_view(request: HttpRequest, serial: str) -> HttpResponse:
    """A confirmation step (the serial typed again), then the revocation: it cannot be undone."""
    passport = _passport(serial)
    organization = request.organization  # type: ignore[attr-defined]
    if passport.issuer_id != organization.pk:
        raise ForbiddenError("Only the brand that issued a passport revokes it.")
    if passport.revoked_at is not None:
        messages.info(request, f"Passport {serial} is already revoked.")
        return redirect("passport:page", serial=serial)
    form = RevokeForm(request.POST if request.method == "POST" else None, serial=serial)
    if request.method == "POST" and form.is_valid():
        try:
            passport_revoke(passport=passport, organization=organization, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            cache.delete(_page_key(serial))
            messages.success(request, f"Passport {serial} is revoked; it now verifies as revoked.")
            return redirect("passport:page", serial=serial)
    status = 422 if request.method == "POST" else 200
    return render(request, "passport/revoke.html", {"form": form, "passport": passport}, status=status)


def _tags(order: Any) -> list[Hangtag]:
    rows = {
        r.garment_id: r
        for r in GarmentFootprint.objects.filter(garment__order=order)
        .select_related("snapshot")
        .defer("lines", "snapshot__assumptions", *_SNAPSHOT_BULK)
        .order_by("snapshot__version")
    }
    material = next(
        (line.material for line in order.style.bom_lines.all() if line.material.kind == "fabric"), None
    )
    composition = ", ".join(f"{p}% {f}" for f, p in (material.composition.items() if material else []))
    tags = []
    for passport in (
        Passport.objects.filter(garment__order=order).select_related("garment__variant").order_by("serial")
    ):
        row = rows.get(passport.garment_id)
        withheld = row is not None and bool(row.snapshot.unsourced)  # no kg resting on an unsourced factor
        offshore = row.baselines.get("BD") if row and not withheld else None
        co2e = None if withheld else (row.co2e_customer_kg if row else Decimal(0))
        tags.append(
            Hangtag(
                passport_url=f"{base_url()}/p/{passport.serial}",
                serial=passport.serial,
                style_name=order.style.name,
                size=passport.garment.variant.size,
                colour=passport.garment.variant.colour,
                composition=f"{composition} ({material.name})" if material else "",
                care=CARE,
                co2e_kg=co2e,
                offshore_co2e_kg=Decimal(offshore["co2e_customer_kg"]) if offshore else None,
                km=row.km if row else Decimal(0),
                brand=order.brand.name,
            )
        )
    return tags


@org_view
def hangtags(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    order = found(order_get(organization=request.organization, pk=pk))  # type: ignore[attr-defined]
    tags = _tags(order)
    if not tags:
        raise Http404(f"{order.number} has no passports yet: they are issued when its garments are packed.")
    title = f"{order.number} hangtags · {order.style.name}"
    if fmt == "pdf":
        response = HttpResponse(hangtag_sheet_pdf(tags, title=title), content_type="application/pdf")
    else:
        response = HttpResponse(hangtag_sheet_svg(tags, title=title), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{order.number}-hangtags.{fmt}"'
    return response


def order_passports_panel(request: HttpRequest, order: Any) -> str:
    """An order's page: how many passports are issued, the hangtag sheets, and signing in progress."""
    issued = Passport.objects.filter(garment__order=order).count()
    progress = cache.get(progress_key(order.pk))
    running = progress if progress and progress[0] < progress[1] else None
    if not issued and not running:
        return ""
    context = {"order": order, "passports_issued": issued, "passports_progress": running}
    return render_to_string("passport/_order_passports.html", context, request=request)
