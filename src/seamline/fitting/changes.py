"""Use cases of the pattern room's change requests: answer one with a new pattern version (Seamline makes the
alteration on the graded pattern, or the patternmaker imports the edited DXF-AAMA), review that version, and
re-cut the next fit sample from it.

A version made for a request always waits for review: the request becomes "ready", never approved by the
making of it. The brand that owns the style approves or rejects it (cutting's pattern_version_review, which
records the ledger event).
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from seamline.accounts.models import Membership, Organization
from seamline.accounts.permissions import Permission, can
from seamline.catalog.selectors import style_list
from seamline.core.errors import ConflictError, ForbiddenError, ValidationError
from seamline.cutting.alteration import AlterationError, Altered, change_length, lower_neckline
from seamline.cutting.models import PatternVersion
from seamline.cutting.selectors import pattern_of
from seamline.cutting.services import pattern_import, pattern_version_from, pattern_version_review

from .change_selectors import reconciled
from .models import ChangeRequest, Sample
from .samples import sample_create, sample_cut

__all__ = [
    "alteration_parameters",
    "change_request_alter",
    "change_request_import",
    "change_request_recut",
    "change_request_review",
]

# A change bigger than this is a new draft, not an alteration (and a typo of 20 for 2 should not pass).
MAX_AMOUNT_CM = 15.0
ANSWERABLE = (ChangeRequest.Status.OPEN, ChangeRequest.Status.REJECTED)


def _now(when: datetime | None) -> datetime:
    return when or timezone.now()


def _locked(request: ChangeRequest) -> ChangeRequest:
    """The request, re-read under a row lock (two answers at once make one version), and brought in line
    with its version when that was reviewed on the pattern's own page."""
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("style", "base_version", "result_version")
        .get(pk=request.pk)
    )
    status, approved_at = locked.status, locked.approved_at
    reconciled(locked)
    if (locked.status, locked.approved_at) != (status, approved_at):
        locked.save(update_fields=["status", "approved_at"])
    return locked


def _may_answer(request: ChangeRequest, organization: Organization) -> None:
    """The brand that owns the style, or a factory that makes it (its pattern room), answers a request."""
    if not style_list(organization=organization).filter(pk=request.style_id).exists():
        raise ForbiddenError(
            f"{organization} does not work on {request.style.code}; it cannot answer this request."
        )


def _answerable(request: ChangeRequest) -> None:
    if request.status not in ANSWERABLE:
        what = (
            "its version waits for review"
            if request.status == ChangeRequest.Status.VERSION_READY
            else "it is approved"
        )
        raise ConflictError(f"This request is answered already: {what}.")


def _number(errors: dict[str, str], field: str, value: Any, *, limit: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = f"{value!r} is not a number of cm"
        return 0.0
    if not math.isfinite(number):
        errors[field] = "give a number of cm"
    elif limit is not None and abs(number) > limit:
        errors[field] = f"{number:g} cm is more than the {limit:g} cm an alteration may move"
    return number


def alteration_parameters(alteration: str, given: dict[str, Any]) -> dict[str, Any]:
    """The alteration's parameters checked and normalised; ValidationError naming each bad field.

    neckline: piece, facing (blank: none), amount_cm (+ lowers, - raises); length: pieces (a list or a
    comma-separated text), above_hem_cm (where the line crosses the piece), amount_cm (+ lengthens).
    ``sizes`` (a list, empty: every size) applies to both.
    """
    errors: dict[str, str] = {}
    sizes = given.get("sizes") or []
    if isinstance(sizes, str):
        sizes = [s.strip() for s in sizes.split(",") if s.strip()]
    out: dict[str, Any] = {}
    if alteration == ChangeRequest.Alteration.NECKLINE:
        piece = str(given.get("piece") or "").strip()
        if not piece:
            errors["piece"] = "name the piece whose neckline moves (e.g. Front)"
        amount = _number(errors, "amount_cm", given.get("amount_cm"), limit=MAX_AMOUNT_CM)
        if "amount_cm" not in errors and amount == 0:
            errors["amount_cm"] = "0 cm changes nothing"
        out = {"piece": piece, "facing": str(given.get("facing") or "").strip(), "amount_cm": amount}
    elif alteration == ChangeRequest.Alteration.LENGTH:
        pieces = given.get("pieces") or []
        if isinstance(pieces, str):
            pieces = [p.strip() for p in pieces.split(",") if p.strip()]
        if not pieces:
            errors["pieces"] = "name the pieces the line crosses (e.g. Front, Back)"
        line = _number(errors, "above_hem_cm", given.get("above_hem_cm"))
        if "above_hem_cm" not in errors and line <= 0:
            errors["above_hem_cm"] = "the line lies above the hem: more than 0 cm"
        amount = _number(errors, "amount_cm", given.get("amount_cm"), limit=MAX_AMOUNT_CM)
        if "amount_cm" not in errors and amount == 0:
            errors["amount_cm"] = "0 cm changes nothing"
        out = {"pieces": list(pieces), "above_hem_cm": line, "amount_cm": amount}
    else:
        errors["alteration"] = (
            "Seamline makes neckline and length alterations; import the edited file for others"
        )
    if errors:
        raise ValidationError("The alteration cannot be made", fields=errors)
    if sizes:
        out["sizes"] = list(sizes)
    return out


def _altered(request: ChangeRequest, parameters: dict[str, Any]) -> Altered:
    pattern = pattern_of(request.base_version)
    sizes = parameters.get("sizes") or None
    try:
        if request.alteration == ChangeRequest.Alteration.NECKLINE:
            return lower_neckline(
                pattern,
                piece=parameters["piece"],
                facing=parameters["facing"] or None,
                amount_cm=parameters["amount_cm"],
                sizes=sizes,
            )
        return change_length(
            pattern,
            pieces=parameters["pieces"],
            above_hem_cm=parameters["above_hem_cm"],
            amount_cm=parameters["amount_cm"],
            sizes=sizes,
        )
    except AlterationError as exc:
        field = getattr(exc, "field", None) or "alteration"
        raise ValidationError("The alteration cannot be made", fields={field: str(exc)}) from exc


def _ready(request: ChangeRequest, version: PatternVersion, when: datetime) -> ChangeRequest:
    request.result_version = version
    request.version_at = when
    request.approved_at = None
    request.status = ChangeRequest.Status.VERSION_READY
    request.save(update_fields=["result_version", "version_at", "approved_at", "status"])
    return request


@transaction.atomic
def change_request_alter(
    *,
    request: ChangeRequest,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    alteration: str | None = None,
    parameters: dict[str, Any] | None = None,
    when: datetime | None = None,
) -> PatternVersion:
    """Seamline makes the request's alteration on its base version's graded pattern (every size, or the
    sizes given): the next version, under review, and the request "ready".

    ``alteration`` and ``parameters`` replace the request's own (the patternmaker edits them on the form).
    ValidationError naming the field when the alteration cannot be made (a piece that is not there, a
    neckline that would cross itself, a seam pair that would no longer match): nothing is saved then.
    """
    request = _locked(request)
    _may_answer(request, organization)
    _answerable(request)
    kind = alteration or request.alteration
    checked = alteration_parameters(kind, {**request.parameters, **(parameters or {})})
    request.alteration, request.parameters = kind, checked
    result = _altered(request, checked)
    version = pattern_version_from(
        result.pattern,
        style=request.style,
        based_on=request.base_version,
        change_note=result.note or request.summary,
        by=by,
    )
    request.save(update_fields=["alteration", "parameters"])
    return _ready(request, version, _now(when)).result_version  # type: ignore[return-value]


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().replace("_", " ").split())


def same_style(file_style_name: str, *, base: PatternVersion) -> bool:
    """Whether a file's Style Name names the request's style: the base version's Style Name, the style's
    name or code (case, accents and spacing aside), or a name that holds the code as a word."""
    name = _folded(file_style_name)
    style = base.style
    known = {_folded(base.style_name), _folded(style.name), _folded(style.code)}
    if name in known:
        return True
    code = _folded(style.code)
    return bool(code) and code in name.replace("-", " - ").split() + name.split()


@transaction.atomic
def change_request_import(
    *,
    request: ChangeRequest,
    organization: Organization,
    dxf: IO[bytes] | IO[str],
    rul: IO[bytes] | IO[str] | None = None,
    by: AbstractBaseUser | None = None,
    change_note: str = "",
    when: datetime | None = None,
) -> PatternVersion:
    """The patternmaker's edited DXF-AAMA as the next version, under review, linked to the request.

    Refused (ValidationError on "dxf", nothing saved) when the file's Style Name is another style's, or its
    sizes are not the base version's.
    """
    request = _locked(request)
    _may_answer(request, organization)
    _answerable(request)
    base = request.base_version
    version = pattern_import(
        style=request.style,
        dxf=dxf,
        rul=rul,
        by=by,
        based_on=base,
        change_note=(change_note or f"edited file for: {request.summary}")[:300],
        status=PatternVersion.Status.REVIEW,
    )
    if not same_style(version.style_name, base=base):
        raise ValidationError(  # the transaction rolls the import back
            "The file is of another style",
            fields={
                "dxf": f"{version.source_name}: Style Name {version.style_name!r} is not "
                f"{request.style.code} "
                f"{request.style.name} (pattern v{base.number} is {base.style_name!r})"
            },
        )
    if sorted(version.sizes) != sorted(base.sizes):
        raise ValidationError(
            "The file's sizes are not the pattern's",
            fields={
                "dxf": f"{version.source_name}: sizes {', '.join(version.sizes)}; pattern v{base.number} has "
                f"{', '.join(base.sizes)}"
            },
        )
    if not request.alteration:
        request.alteration = ChangeRequest.Alteration.FILE
        request.save(update_fields=["alteration"])
    return _ready(request, version, _now(when)).result_version  # type: ignore[return-value]


@transaction.atomic
def change_request_review(
    *,
    request: ChangeRequest,
    approve: bool,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    note: str = "",
    when: datetime | None = None,
) -> ChangeRequest:
    """The brand approves or rejects the version made for the request; the request follows it. A rejected
    request may be answered again."""
    request = _locked(request)
    if organization.pk != request.style.organization_id:
        raise ForbiddenError(
            f"Only {request.style.organization} approves the patterns of {request.style.code}."
        )
    done = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    if request.status == done and request.result_version_id is not None:
        return request  # reviewed so already (on the pattern's own page, or a second click)
    if request.status != ChangeRequest.Status.VERSION_READY or request.result_version_id is None:
        raise ConflictError("There is no version of this request waiting for review.")
    moment = _now(when)
    pattern_version_review(
        version=request.result_version,
        approve=approve,
        organization=organization,
        by=by,
        note=note,
        when=moment,
    )
    request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    request.approved_at = moment if approve else None
    request.save(update_fields=["status", "approved_at"])
    return request


def _factory_of(request: ChangeRequest) -> Organization:
    """Who cuts the sample: the factory of the session's sample, else of the style's latest sample."""
    session_sample = request.session.sample if request.session_id and request.session else None
    for sample in (session_sample, Sample.objects.filter(style=request.style, order__isnull=False).first()):
        if sample is not None and sample.order_id is not None:
            return sample.order.factory
    raise ValidationError(
        "No factory to cut the sample",
        fields={"factory": f"{request.style.code} has no sample made by a factory yet: ask for one first"},
    )


def _cutter(sample: Sample, organization: Organization, by: AbstractBaseUser | None) -> Organization | None:
    """The factory cuts: the organization itself when it is the sample's factory, or the factory when the
    person acting for the brand also works there with the right to plan cuts (one roof); else nobody now."""
    factory = sample.order.factory  # type: ignore[union-attr]
    if organization.pk == factory.pk:
        return factory
    if by is not None and getattr(by, "pk", None) is not None:
        role = (
            Membership.objects.filter(user_id=by.pk, organization=factory)
            .values_list("role", flat=True)
            .first()
        )
        if can(role, Permission.PLAN_CUTS):
            return factory
    return None


def change_request_recut(
    *,
    request: ChangeRequest,
    organization: Organization,
    by: AbstractBaseUser | None = None,
    when: datetime | None = None,
    seconds: int = 1,
) -> Sample:
    """The next fit sample from the request's version (under review or approved: that is what a fitting is
    for), asked of the factory and cut from remnants first; the request keeps it as its re-cut.

    The brand asks for it (sample_create); the factory cuts it (sample_cut, which plans and runs the cut
    and records the lay-cut events). One action does both when the person acting for the brand also works
    at the factory, or when the factory presses it on an asked sample; otherwise the sample waits, asked,
    for the factory. Two steps, as sample_cut is: the sample is asked (one transaction), then cut.
    """
    with transaction.atomic():
        request = _locked(request)
        _may_answer(request, organization)
        sample = request.recut_sample
        if sample is None:
            version = request.result_version
            if version is None or version.status == PatternVersion.Status.REJECTED:
                raise ConflictError("There is no version to cut: make the new version first.")
            if organization.pk != request.style.organization_id:
                raise ForbiddenError(
                    f"{request.style.organization} asks for the samples of {request.style.code}."
                )
            session_sample = request.session.sample if request.session_id and request.session else None
            size = (
                session_sample.size if session_sample is not None else version.sample_size or version.sizes[0]
            )
            sample = sample_create(
                style=request.style,
                stage=Sample.Stage.FIT,
                size=size,
                pattern_version=version,
                factory=_factory_of(request),
                organization=organization,
                by=by,
                units=1,
                notes=f"Re-cut for: {request.summary}",
                when=when,
            )
            request.recut_sample = sample
            request.save(update_fields=["recut_sample"])
        elif sample.cut_at is not None:
            raise ConflictError(f"This request was re-cut already: {sample}.")
    sample = Sample.objects.select_related("order__factory", "style").get(pk=sample.pk)
    cutter = _cutter(sample, organization, by)
    if cutter is None:
        return sample  # asked of the factory; it cuts it from the request's page or the sample's
    return sample_cut(sample=sample, organization=cutter, by=by, when=when or timezone.now(), seconds=seconds)
