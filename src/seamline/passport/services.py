"""Issuing passports: keys, the host's DID document, status lists, one signed credential per garment."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.models import CutPlan
from seamline.fitting.change_selectors import pattern_provenance
from seamline.footprint.models import GarmentFootprint
from seamline.footprint.services import footprint_publish
from seamline.lineage.selectors import garment_lineage
from seamline.production.models import Garment, ProductionOrder
from seamline.trace.events import certificate_uri
from seamline.trace.verify import chain_head

from .credential import (
    Certificate,
    Circularity,
    Emissions,
    LedgerEvent,
    LedgerHead,
    Material,
    Party,
    PassportData,
    PatternNote,
    Standard,
    TraceStep,
    passport_credential,
    validate_passport,
)
from .credential import (
    Garment as GarmentData,
)
from .models import IssuerKey, Passport, StatusList
from .signing import (
    KeyLoadError,
    did_document,
    generate_key,
    load_private_pem,
    private_pem,
    public_jwk,
    sign_credential,
)
from .status_list import StatusEntry, encode_list, set_bits, status_list_credential

__all__ = [
    "base_url",
    "garment_pattern",
    "host_did",
    "host_did_document",
    "issuer_key",
    "issuer_keys_reencrypt",
    "key_rotate",
    "passport_revoke",
    "passports_issue",
    "status_list_jws",
]

GHG_PRODUCT = Standard(
    id="https://ghgprotocol.org/product-standard",
    name="GHG Protocol Product Life Cycle Accounting and Reporting Standard",
    issuer=Party(id="https://ghgprotocol.org", name="Greenhouse Gas Protocol"),
)


def base_url() -> str:
    return getattr(settings, "SEAMLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def host_did() -> str:
    """did:web of this host (a port is percent-encoded, as did:web requires)."""
    return "did:web:" + quote(urlsplit(base_url()).netloc, safe="")


# What an unset SECRET_KEY used to become, the same on every install: keys encrypted under it are opened
# once more and encrypted again under this install's own secret (_key_open), never made with it.
_PUBLIC_OLD_SECRET_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"


def _derived(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"seamline passport keys", hashlib.sha256).hexdigest().encode()


def _passphrase() -> bytes:
    """The key-encryption passphrase: SEAMLINE_KEY_PASSPHRASE, else derived from the SECRET_KEY (the
    environment's, or this install's random one in var/secret_key.txt); neither is in the database."""
    given = os.environ.get("SEAMLINE_KEY_PASSPHRASE")
    if given:
        return given.encode()
    return _derived(settings.SECRET_KEY)


def _old_passphrases() -> list[bytes]:
    """Passphrases keys may still be encrypted with: the SECRET_KEY's (before SEAMLINE_KEY_PASSPHRASE was
    set), SECRET_KEY_FALLBACKS' (a key rotation), and the old public default's."""
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    secret_keys = [settings.SECRET_KEY, *fallbacks, _PUBLIC_OLD_SECRET_KEY]
    current = _passphrase()
    return [p for p in dict.fromkeys(_derived(k) for k in secret_keys) if p != current]


def _opened(pem: str, passphrase: bytes) -> Any | None:
    try:
        return load_private_pem(pem.encode(), passphrase)
    except KeyLoadError:
        return None


@transaction.atomic
def issuer_keys_reencrypt() -> int:
    """Encrypt again, under the current passphrase, every key that opens only with an old one; how many.

    Retired keys too: they stay in the DID document, so a passport signed with one would still verify."""
    current, olds, moved = _passphrase(), _old_passphrases(), 0
    for row in IssuerKey.objects.select_for_update().order_by("pk"):
        if _opened(row.private_pem, current) is not None:
            continue
        key = next((k for old in olds if (k := _opened(row.private_pem, old)) is not None), None)
        if key is not None:  # else it opens with nothing known here: issuer_key says so when it is used
            row.private_pem = private_pem(key, current).decode()
            row.save(update_fields=["private_pem"])
            moved += 1
    return moved


def _key_open(row: IssuerKey) -> Any:
    key = _opened(row.private_pem, _passphrase())
    if key is not None:
        return key
    if issuer_keys_reencrypt():  # an old default install's key: now under this install's secret
        row.refresh_from_db(fields=["private_pem"])
    return load_private_pem(row.private_pem.encode(), _passphrase())  # KeyLoadError names the problem


@transaction.atomic
def key_rotate(*, organization: Organization) -> IssuerKey:
    """A new signing key for the organization; the old one is retired but stays in the DID document."""
    IssuerKey.objects.filter(organization=organization, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    key = generate_key()
    n = IssuerKey.objects.filter(organization=organization).count() + 1
    kid = f"{organization.slug}-{n}"
    return IssuerKey.objects.create(
        organization=organization,
        kid=kid,
        public_jwk=public_jwk(key, kid),
        private_pem=private_pem(key, _passphrase()).decode(),
    )


def issuer_key(organization: Organization) -> tuple[IssuerKey, Any]:
    """The organization's current key (made on first use) and its private half."""
    row = IssuerKey.objects.filter(organization=organization, retired_at__isnull=True).first()
    if row is None:
        row = key_rotate(organization=organization)
    return row, _key_open(row)


def host_did_document() -> dict[str, Any]:
    """The DID document at /.well-known/did.json: every issuer's keys, retired ones included."""
    keys = [(k.kid, k.public_jwk) for k in IssuerKey.objects.order_by("pk")]
    return did_document(host_did(), keys)


def _status_url(organization: Organization) -> str:
    return f"{base_url()}/p/status/{organization.slug}"


def _status_list(organization: Organization) -> StatusList:
    StatusList.objects.bulk_create(
        [StatusList(organization=organization, encoded=encode_list(b""))], ignore_conflicts=True
    )
    return StatusList.objects.select_for_update().get(organization=organization)


def status_list_jws(organization: Organization) -> str:
    """The organization's revocation list as a signed BitstringStatusListCredential."""
    row = StatusList.objects.filter(organization=organization).first()
    encoded = row.encoded if row else encode_list(b"")
    credential = status_list_credential(
        url=_status_url(organization), issuer_did=host_did(), encoded_list=encoded, issued=timezone.now()
    )
    key_row, key = issuer_key(organization)
    return sign_credential(credential, key, kid=key_row.kid)


# Issuing ----------------------------------------------------------------------------------------------


def garment_pattern(
    garment: Garment, known: dict[int, PatternNote | None] | None = None
) -> PatternNote | None:
    """The pattern version the garment was cut from (its bundle's cut plan's, else its order's newest
    finished plan's) and whether a live fitting's comments shaped it; None before it was cut. ``known``:
    notes already read, by version (an order's garments share a few versions)."""
    version_id = None
    if garment.bundle_id is not None:
        version_id = (
            CutPlan.objects.filter(lays__bundles__pk=garment.bundle_id).values_list(
                "pattern_version_id", flat=True
            )
        ).first()
    if version_id is None:
        version_id = (
            CutPlan.objects.filter(order_id=garment.order_id, status=CutPlan.Status.DONE)
            .order_by("-created_at", "-pk")
            .values_list("pattern_version_id", flat=True)
            .first()
        )
    if version_id is None:
        return None
    known = {} if known is None else known
    if version_id not in known:
        provenance = pattern_provenance(version_id=version_id)
        known[version_id] = (
            None
            if provenance is None
            else PatternNote(provenance.style_code, provenance.version_number, provenance.line)
        )
    return known[version_id]


def passports_issue(
    *, order: ProductionOrder, on_progress: Callable[[int, int], None] | None = None
) -> list[Passport]:
    """A signed passport for every garment of the order that passed QC and has none yet.

    The footprint is the order's latest published one (published first if there is none). One
    transaction: all the order's new passports or none."""
    garments = list(
        Garment.objects.filter(order=order, inspected=True, passport__isnull=True)
        .select_related("variant", "order__style", "order__brand", "order__factory", "bundle")
        .order_by("serial")
    )
    if not garments:
        return []
    with transaction.atomic():
        rows = _latest_footprints(garments)
        if len(rows) < len(garments):
            footprint_publish(order=order)
            rows = _latest_footprints(garments)
        brand = order.brand
        key_row, key = issuer_key(brand)
        statuses = _status_list(brand)
        context = _order_context(order)
        issued = []
        for done, garment in enumerate(garments, start=1):
            data = _passport_data(garment, rows[garment.pk], context)
            index = statuses.next_index
            statuses.next_index += 1
            credential = passport_credential(
                data,
                issuer_did=host_did(),
                credential_id=f"{base_url()}/p/{garment.label}.json",
                status=StatusEntry(_status_url(brand), index),
                issued=timezone.now(),
            )
            validate_passport(credential)
            issued.append(
                Passport(
                    garment=garment,
                    serial=garment.label,
                    issuer=brand,
                    credential=credential,
                    jws=sign_credential(credential, key, kid=key_row.kid),
                    status_index=index,
                )
            )
            if on_progress is not None:
                on_progress(done, len(garments))
        Passport.objects.bulk_create(issued)
        statuses.save(update_fields=["next_index", "updated_at"])
    return issued


def _latest_footprints(garments: list[Garment]) -> dict[int, Any]:
    """Each garment's row of its order's latest footprint (the snapshot's own JSON left unread)."""
    rows: dict[int, Any] = {}
    for row in (
        GarmentFootprint.objects.filter(garment__in=garments)
        .select_related("snapshot")
        .defer(
            "snapshot__sources", "snapshot__by_step", "snapshot__baselines", "snapshot__assumptions", "lines"
        )
        .order_by("garment_id", "snapshot__version")
    ):
        rows[row.garment_id] = row  # ascending: the last one seen is the latest
    return rows


def _order_context(order: ProductionOrder) -> dict[str, Any]:
    """What every garment of the order shares: its makers, materials and certificates."""
    factory = order.factory
    materials, certificates = [], []
    fabric = [
        line for line in order.style.bom_lines.select_related("material") if line.material.kind == "fabric"
    ]
    shell = fabric[0].material if fabric else None
    if shell is not None:
        for fibre, percent in shell.composition.items():
            materials.append(
                Material(
                    name=f"{fibre} ({shell.name})",
                    origin_country=shell.country_of_origin or "US",
                    mass_fraction=float(percent) / 100,
                    recycled_mass_fraction=1.0 if "recycled" in fibre.lower() else 0.0,
                )
            )
        for cert in shell.certifications.all():
            scheme = Standard(
                id=f"urn:seamline:scheme:{cert.scheme.lower().replace(' ', '-')}",
                name=cert.scheme,
                issuer=Party(
                    id=f"urn:seamline:scheme-owner:{cert.scheme.lower().replace(' ', '-')}", name=cert.scheme
                ),
            )
            certificates.append(
                Certificate(
                    scheme=scheme,
                    number=cert.certificate_number,
                    url=certificate_uri(cert.scheme, cert.certificate_number),  # an identifier, not a page
                    topic="environment.chemicals"
                    if "oeko" in cert.scheme.lower()
                    else "environment.emissions",
                    description=f"{cert.scheme} {cert.certificate_number}, valid to {cert.expires_on}",
                )
            )
    return {
        "heads": {},  # organization pk -> LedgerHead, read once for the whole order
        "patterns": {},  # pattern version pk -> PatternNote, read once for the whole order
        "factory": Party(id=f"urn:seamline:organization:{factory.slug}", name=factory.name),
        "materials": tuple(materials),
        "certificates": tuple(certificates),
    }


def _passport_data(garment: Garment, footprint: Any, context: dict[str, Any]) -> PassportData:
    order = garment.order
    lineage = garment_lineage(organization=order.factory, garment_epc=garment.epc_uri)
    steps: dict[str, list[LedgerEvent]] = {}
    for step in lineage.steps:
        steps.setdefault(step.kind.replace("_", " ").capitalize(), []).append(
            LedgerEvent(
                url=f"{base_url()}/epcis/events/{quote(step.event_id, safe='')}",
                event_hash=step.event_hash,
                event_type=step.event_type,
                name=f"{step.kind.replace('_', ' ').capitalize()} at {step.place}, {step.when:%Y-%m-%d}",
            )
        )
    chains = {s.organization_id for s in lineage.steps} | {order.brand_id}
    heads = tuple(h for pk in sorted(chains) if (h := _ledger_head(pk, context["heads"])) is not None)
    recycled = sum(m.mass_fraction * m.recycled_mass_fraction for m in context["materials"])
    return PassportData(
        issuer_name=order.brand.name,
        garment=GarmentData(
            passport_url=f"{base_url()}/p/{garment.label}",
            name=f"{order.style.name}, {garment.variant.colour} {garment.variant.size}",
            serial_number=garment.label,
            order_number=order.number,
            description=f"{order.style.name} ({order.style.code}), made in Los Angeles by {order.factory}",
            production_date=timezone.localtime(garment.sewn_at).date(),
            made_by=context["factory"],
            made_at=context["factory"],
            care_url=f"{base_url()}/p/{garment.label}#care",
        ),
        materials=context["materials"],
        certificates=context["certificates"],
        # a footprint resting on a factor with no citable published value is not vouched for: no scorecard
        emissions=None
        if footprint.snapshot.unsourced
        else Emissions(
            co2e_kg=float(footprint.co2e_gate_kg),
            primary_sourced_ratio=float(footprint.snapshot.primary_share),
            reporting_standard=GHG_PRODUCT,
        ),
        trace=tuple(TraceStep(process=name, events=tuple(events_)) for name, events_ in steps.items()),
        circularity=Circularity(
            recycled_content=recycled,
            repair_url=f"{base_url()}/p/{garment.label}#repair",
            take_back_url=f"{base_url()}/p/{garment.label}#take-back",
        ),
        ledger_heads=heads,
        pattern=garment_pattern(garment, context["patterns"]),
    )


def _ledger_head(organization_id: int, known: dict[int, LedgerHead | None]) -> LedgerHead | None:
    """The head of the organization's chain now (None when it has no record), read once per issue."""
    if organization_id not in known:
        organization = Organization.objects.get(pk=organization_id)
        head = chain_head(organization)
        known[organization_id] = (
            LedgerHead(
                organization=organization.slug,
                record=head.seq,
                head_hash=head.head_hash,
                checkpoints_url=base_url() + reverse("epcis:checkpoints", kwargs={"slug": organization.slug}),
            )
            if head.seq
            else None
        )
    return known[organization_id]


@transaction.atomic
def passport_revoke(*, passport: Passport, organization: Organization, reason: str) -> Passport:
    """Revoke a passport (a reported counterfeit, a recall): its bit is set in the issuer's status list."""
    if organization.pk != passport.issuer_id:
        raise ForbiddenError("Only the brand that issued a passport revokes it.")
    if passport.revoked_at is not None:
        raise ConflictError(f"Passport {passport.serial} is already revoked.")
    if not reason.strip():
        raise ValidationError("Say why", fields={"reason": "Give the reason for revoking it."})
    statuses = _status_list(passport.issuer)
    statuses.encoded = set_bits(statuses.encoded, [passport.status_index])
    statuses.save(update_fields=["encoded", "updated_at"])
    passport.revoked_at, passport.revoked_reason = timezone.now(), reason.strip()[:200]
    passport.save(update_fields=["revoked_at", "revoked_reason"])
    return passport
