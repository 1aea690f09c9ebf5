"""Reads of the change requests: the pattern room's queue, a request with its loop, the diff of two pattern
versions (pieces, points of measure, fabric re-nested, CO2e of the fabric), what a drop's page and a
passport say the comments changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import Material, Style
from seamline.catalog.selectors import style_list
from seamline.cutting.models import PatternVersion
from seamline.cutting.nesting import nest
from seamline.cutting.outputs import pieces_from_pattern
from seamline.cutting.pattern import Pattern
from seamline.cutting.pattern_diff import diff_patterns, overlay_svg
from seamline.cutting.selectors import pattern_of
from seamline.cutting.services import PLAN_DEFAULTS
from seamline.footprint.activities import material_spec
from seamline.footprint.calc import calculate, material_chain
from seamline.footprint.factors import FactorError, load_registry

from .loop import LoopStep, loop_headline, loop_steps, loop_svg
from .models import ChangeRequest, PointOfMeasure

__all__ = [
    "ALTERATION_SUBJECTS",
    "change_request_get",
    "change_requests",
    "drop_change_notes",
    "fabric_per_garment",
    "loop_of",
    "pattern_provenance",
    "reconciled",
    "spec_shifts",
    "version_diff",
]

# The lexicon subject whose points of measure an alteration moves by its amount.
ALTERATION_SUBJECTS = {
    ChangeRequest.Alteration.NECKLINE: "neckline",
    ChangeRequest.Alteration.LENGTH: "length",
}
_STATUS_ORDER = Case(
    When(status=ChangeRequest.Status.OPEN, then=Value(0)),
    When(status=ChangeRequest.Status.VERSION_READY, then=Value(1)),
    When(status=ChangeRequest.Status.REJECTED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


# The queue ---------------------------------------------------------------------------------------------


def reconciled(change: ChangeRequest) -> ChangeRequest:
    """The request as its version stands: a version approved or rejected on the pattern's own page (cutting)
    answers the request too. In memory only; the next service call on the request saves it."""
    version = change.result_version
    if change.status == ChangeRequest.Status.VERSION_READY and version is not None:
        if version.status == PatternVersion.Status.APPROVED:
            change.status = ChangeRequest.Status.APPROVED
            change.approved_at = change.approved_at or version.reviewed_at
        elif version.status == PatternVersion.Status.REJECTED:
            change.status = ChangeRequest.Status.REJECTED
    return change


def change_requests(*, organization: Organization, style_id: int | None = None) -> QuerySet[ChangeRequest]:
    """The requests of the styles the organization works on: open ones first, then those waiting for review,
    per style, oldest first within each (the queue's order of work)."""
    qs = ChangeRequest.objects.filter(style__in=style_list(organization=organization))
    if style_id is not None:
        qs = qs.filter(style_id=style_id)
    return (
        qs.select_related("style", "session", "base_version", "result_version", "recut_sample")
        .annotate(queue_rank=_STATUS_ORDER)
        .order_by("queue_rank", "style__code", "created_at", "pk")
    )


def change_request_get(*, organization: Organization, uid: Any) -> ChangeRequest | None:
    try:
        change = (
            change_requests(organization=organization)
            .select_related("style__organization", "session__sample", "session__drop", "created_by")
            .filter(uid=uid)
            .first()
        )
    except (ValueError, TypeError):  # not a UUID
        return None
    return reconciled(change) if change is not None else None


# The loop ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loop:
    steps: list[LoopStep]
    headline: str
    svg: str


def loop_of(request: ChangeRequest) -> Loop:
    """First comment, change request, new version, approved, re-cut, fitted, with the headline."""
    sample = request.recut_sample
    steps = loop_steps(
        first_comment=request.first_comment_at,
        requested=request.created_at,
        version=request.version_at,
        approved=request.approved_at,
        recut=sample.cut_at if sample is not None else None,
        fitted=sample.fitted_at if sample is not None else None,
    )
    local = [LoopStep(s.key, s.label, timezone.localtime(s.when) if s.when else None) for s in steps]
    return Loop(local, loop_headline(steps), loop_svg(steps, title=f"The loop of: {request.summary}"))


# The diff ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PomChange:
    code: str
    name: str
    values: list[tuple[str, str, str]]  # (size, before, after)
    tolerance_cm: Decimal


@dataclass(frozen=True)
class FabricFigure:
    """One garment of ``size`` nested alone on the shell fabric: marker length, and the fabric's CO2e."""

    version_number: int
    meters: Decimal
    utilization: float
    seconds: float
    co2e_kg: Decimal | None = None


@dataclass
class VersionDiff:
    before: PatternVersion
    after: PatternVersion
    size: str
    rows: list[Any]
    overlays: list[tuple[str, str]]  # (piece name, SVG) of the sample size's changed pieces
    poms: list[PomChange]
    pom_note: str
    material: Material | None
    fabric: tuple[FabricFigure, FabricFigure] | None
    fabric_note: str
    fabric_delta_m: Decimal | None = None
    fabric_delta_pct: Decimal | None = None
    co2e_delta_kg: Decimal | None = None
    co2e_sources: list[tuple[str, str, str]] = field(default_factory=list)  # (factor id, activity, source)
    co2e_note: str = ""
    co2e_traced: bool = True
    added: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.changed)


def _chain(before: PatternVersion, after: PatternVersion) -> list[ChangeRequest]:
    """The requests that led from ``before`` to ``after`` along based_on (none when not an ancestor)."""
    requests, version, seen = [], after, set()
    while version is not None and version.pk != before.pk and version.pk not in seen:
        seen.add(version.pk)
        request = ChangeRequest.objects.filter(result_version=version).first()
        if request is not None:
            requests.append(request)
        version = version.based_on
    return requests[::-1] if version is not None else []


def _cm(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _shifts(requests: Iterable[ChangeRequest], sizes: list[str]) -> dict[str, dict[str, Decimal]]:
    """{subject: {size: cm}}: what the requests' alterations moved, summed (an edited file moves nothing
    the spec can know)."""
    shifts: dict[str, dict[str, Decimal]] = {}
    for request in requests:
        subject = ALTERATION_SUBJECTS.get(request.alteration)  # type: ignore[call-overload]
        if subject is None:
            continue
        amount = Decimal(str(request.parameters.get("amount_cm", 0)))
        for size in request.parameters.get("sizes") or sizes:
            by_size = shifts.setdefault(subject, {})
            by_size[size] = by_size.get(size, Decimal(0)) + amount
    return shifts


def spec_shifts(version: PatternVersion) -> dict[str, dict[str, Decimal]]:
    """How far the version's alterations moved the spec sheet's points, by subject and size: the sheet is the
    first pattern's spec, and each version along ``based_on`` that a neckline or length request made moves
    its subject's points by the amount (a sample of version 2 is measured against FND 14.0, not 12.0).
    {} for a version no alteration made."""
    requests, walk, seen = [], version, set()
    while walk is not None and walk.pk not in seen:
        seen.add(walk.pk)
        request = ChangeRequest.objects.filter(result_version_id=walk.pk).first()
        if request is not None:
            requests.append(request)
        walk = walk.based_on
    return _shifts(requests, list(version.sizes))


def pom_changes(
    style: Style, requests: Iterable[ChangeRequest], sizes: Iterable[str]
) -> tuple[list[PomChange], str]:
    """The spec values the alterations move: points of measure whose subject is an alteration's (neckline,
    length) shift by its amount in the sizes it altered. An edited file's change is not known from the
    spec."""
    requests = list(requests)
    shifts = _shifts(requests, list(sizes))
    files = [r.summary for r in requests if r.alteration not in ALTERATION_SUBJECTS]
    changes = []
    if shifts:
        for pom in PointOfMeasure.objects.filter(style=style, subject__in=list(shifts)).order_by("position"):
            values = []
            for size, before in pom.values.items():
                shift = shifts[pom.subject].get(size)
                if shift is not None and before not in ("", None):
                    values.append((size, str(_cm(before)), str(_cm(Decimal(str(before)) + shift))))
            if values:
                changes.append(PomChange(pom.code, pom.name, values, pom.tolerance_cm))
    note = ""
    if files:
        note = "An edited file changed the pattern: measure the re-cut sample for its points of measure."
    elif not changes:
        note = "No point of measure of the spec sheet names what changed."
    return changes, note


def shell_material(style: Style) -> Material | None:
    """The style's shell fabric, from its bill of materials (the first fabric when none says shell)."""
    lines = [b for b in style.bom_lines.select_related("material") if b.material.kind == Material.Kind.FABRIC]
    shell = [b.material for b in lines if "shell" in b.placement.lower()]
    return shell[0] if shell else (lines[0].material if lines else None)


NEST_SECONDS = 2  # one garment: the solver settles within a second or two


def _nest_one(pattern: Pattern, size: str, width_cm: float, seconds: float) -> tuple[float, float, float]:
    pieces, _ = pieces_from_pattern(pattern, {size: 1})
    started = time.monotonic()
    marker = nest(
        pieces,
        fabric_width_cm=width_cm,
        margin_cm=float(PLAN_DEFAULTS["margin_cm"]),
        spacing_cm=float(PLAN_DEFAULTS["spacing_cm"]),
        time_s=seconds,
    )
    return marker.length_cm, marker.utilization, time.monotonic() - started


def _pieces_digest(pattern: Pattern, size: str) -> str:
    return hashlib.sha256(repr(pattern.pieces_for(size)).encode()).hexdigest()[:32]


def fabric_per_garment(
    versions: list[PatternVersion], *, size: str, width_cm: float, seconds: float = NEST_SECONDS
) -> list[tuple[float, float, float]]:
    """Each version's (marker length cm, utilization, seconds) for one garment of ``size`` nested alone, as
    the cutting room nests (its margins and knife allowance); the nestings run side by side and are cached
    per version, size and width (a version never changes)."""
    # Keyed by the pieces themselves, not the version's id: an id means another pattern in another database
    # (a second install or a test run sharing the Redis cache).
    patterns = [pattern_of(v) for v in versions]  # read here: the threads only nest
    keys = [f"fitting:nest:v2:{_pieces_digest(p, size)}:{width_cm:.1f}" for p in patterns]
    known = cache.get_many(keys)
    todo = [(i, patterns[i]) for i in range(len(versions)) if keys[i] not in known]
    if todo:
        with ThreadPoolExecutor(max_workers=len(todo)) as pool:
            results = list(pool.map(lambda t: _nest_one(t[1], size, width_cm, seconds), todo))
        for (i, _), result in zip(todo, results, strict=True):
            known[keys[i]] = result
            cache.set(keys[i], result, 7 * 24 * 3600)
    return [known[key] for key in keys]


def _fabric_co2e(material: Material, meters: Decimal, registry: Any) -> tuple[Decimal, list[Any]]:
    """kg CO2e of ``meters`` of the material, fibre to fabric (the footprint engine's mill chain), and the
    factors it used."""
    spec = material_spec(
        material.name,
        material.composition,
        width_cm=Decimal(material.usable_width_cm),
        gsm=Decimal(material.weight_gsm),
        registry=registry,
        construction=material.construction,
        dyeing=material.dyeing,
        warp_share_pct=material.warp_share_pct,
        yarn_dtex=material.yarn_dtex,
        mill_port=material.mill_port,
    )
    kg = (meters * spec.width_m * spec.gsm / 1000).quantize(Decimal("0.000001"))
    activities = material_chain(
        kg,
        fibres=spec.fibres,
        processes=spec.processes,
        registry=registry,
        source=f"{meters} m of {material.name}, nested",
        primary=False,
    )
    footprint = calculate(activities, registry)
    return footprint.co2e_kg(boundary="cradle-to-gate"), [
        registry.get(line.factor_id) for line in footprint.lines
    ]


def _fabric(diff: VersionDiff, seconds: float) -> None:
    material = diff.material
    if material is None or not material.usable_width_cm:
        diff.fabric_note = (
            f"{diff.before.style.code} has no shell fabric with a width in its bill of materials."
        )
        return
    try:
        nested = fabric_per_garment(
            [diff.before, diff.after],
            size=diff.size,
            width_cm=float(material.usable_width_cm),
            seconds=seconds,
        )
    except ValueError as exc:  # a piece wider than the fabric
        diff.fabric_note = f"Not nested: {exc}"
        return
    figures = []
    factors: dict[str, Any] = {}
    problem = ""
    registry = load_registry()
    for version, (length_cm, utilization, took) in zip((diff.before, diff.after), nested, strict=True):
        meters = (Decimal(str(length_cm)) / 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        co2e = None
        if material.weight_gsm and not problem:
            try:
                co2e, used = _fabric_co2e(material, meters, registry)
                factors.update({f.id: f for f in used})
            except (ValueError, FactorError) as exc:
                problem = str(exc)
        figures.append(FabricFigure(version.number, meters, utilization, took, co2e))
    before, after = figures
    diff.fabric = (before, after)
    diff.fabric_delta_m = after.meters - before.meters
    if before.meters:
        diff.fabric_delta_pct = (diff.fabric_delta_m * 100 / before.meters).quantize(Decimal("0.1"))
    if before.co2e_kg is not None and after.co2e_kg is not None:
        diff.co2e_delta_kg = after.co2e_kg - before.co2e_kg
    diff.co2e_sources = [(f.id, f.activity, f.source) for f in factors.values()]
    unsourced = [f.id for f in factors.values() if not f.sourced]
    if problem or not material.weight_gsm:
        diff.co2e_traced = False
        diff.co2e_note = problem or f"{material.name} has no weight in g/m²: no CO2e without it."
    elif unsourced:
        diff.co2e_traced = False
        diff.co2e_note = (
            f"Not traced: {', '.join(unsourced)} has no cited published value — an estimate, never printed "
            "on a passport."
        )


def version_diff(
    *,
    organization: Organization,
    before_pk: int,
    after_pk: int,
    size: str | None = None,
    seconds: float = NEST_SECONDS,
) -> VersionDiff | None:
    """Two versions of one style compared: per piece and size the area, the sample size's pieces overlaid,
    the points of measure that move, one garment re-nested on the shell fabric for each, and its CO2e."""
    styles = style_list(organization=organization)
    versions = {
        v.pk: v
        for v in PatternVersion.objects.filter(pk__in=[before_pk, after_pk], style__in=styles).select_related(
            "style", "based_on"
        )
    }
    before, after = versions.get(before_pk), versions.get(after_pk)
    if before is None or after is None or before.style_id != after.style_id:
        return None
    size = size if size in after.sizes else (after.sample_size or after.sizes[0])
    old, new = pattern_of(before), pattern_of(after)
    result = diff_patterns(old, new)
    rows = list(result.rows)
    overlays = []
    if size in before.sizes:
        olds = {p.name: p for p in old.pieces_for(size)}
        for piece in new.pieces_for(size):
            if piece.name in olds:
                overlays.append((piece.name, overlay_svg(olds[piece.name], piece)))
    poms, pom_note = pom_changes(after.style, _chain(before, after), after.sizes)
    diff = VersionDiff(
        before=before,
        after=after,
        size=size,
        rows=rows,
        overlays=overlays,
        poms=poms,
        pom_note=pom_note,
        material=shell_material(after.style),
        fabric=None,
        fabric_note="",
        added=result.added,
        removed=result.removed,
    )
    _fabric(diff, seconds)
    return diff


# What the comments changed, for the drop's page and the passport -------------------------------------


def drop_change_notes(*, drop: Any) -> list[str]:
    """The public notes of the approved requests of the drop's sessions, or of its style: "Neckline 2 cm
    deeper, after your comments", newest first, each once."""
    approved = Q(status=ChangeRequest.Status.APPROVED) | Q(
        status=ChangeRequest.Status.VERSION_READY, result_version__status=PatternVersion.Status.APPROVED
    )
    notes = (
        ChangeRequest.objects.filter(approved)
        .filter(Q(session__drop=drop) | Q(style_id=drop.style_id))
        .exclude(public_note="")
        .order_by("-approved_at", "-pk")
        .values_list("public_note", flat=True)
    )
    return list(dict.fromkeys(notes))


@dataclass(frozen=True)
class PatternProvenance:
    """Which pattern version a garment was cut from, and whether a live fitting's comments shaped it."""

    style_code: str
    version_number: int
    comments: int  # of the session whose request made the version; 0 when none did
    session_date: Any  # date of that live fitting, or None
    line: str


def pattern_provenance(*, version_id: int) -> PatternProvenance | None:
    """'Cut from pattern v2 of SD-02 — shaped by 143 comments in the live fitting of 3 Dec 2026'; the
    version's own request or the nearest earlier one along based_on that came from a session."""
    version = PatternVersion.objects.filter(pk=version_id).select_related("style").first()
    if version is None:
        return None
    line = f"Cut from pattern v{version.number} of {version.style.code}"
    walk, seen = version, set()
    while walk is not None and walk.pk not in seen:
        seen.add(walk.pk)
        request = (
            ChangeRequest.objects.filter(result_version=walk, session__isnull=False)
            .select_related("session")
            .first()
        )
        if request is not None and request.comment_count:
            day = timezone.localtime(request.session.starts_at).date()
            comments = request.comment_count
            shaped = f"{comments} comment{'' if comments == 1 else 's'}"
            return PatternProvenance(
                version.style.code,
                version.number,
                comments,
                day,
                f"{line} — shaped by {shaped} in the live fitting of {day:%-d %b %Y}",
            )
        walk = walk.based_on
    return PatternProvenance(version.style.code, version.number, 0, None, line)
