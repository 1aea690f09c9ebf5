"""The pattern room's pages for change requests: the queue, a request (answer it, review it, re-cut, its
loop), and the diff of two pattern versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission, can
from seamline.core.errors import DomainError, found
from seamline.core.forms import add_domain_error, submit

from .change_selectors import change_request_get, change_requests, loop_of, reconciled, version_diff
from .changes import change_request_alter, change_request_import, change_request_recut, change_request_review
from .models import ChangeRequest


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


class AlterationForm(forms.Form):
    alteration = forms.ChoiceField(
        choices=[
            (ChangeRequest.Alteration.NECKLINE, "Lower or raise the neckline"),
            (ChangeRequest.Alteration.LENGTH, "Lengthen or shorten at a line"),
        ]
    )
    amount_cm = forms.DecimalField(
        label="Amount (cm)",
        max_digits=4,
        decimal_places=1,
        help_text="neckline: + lowers, − raises; length: + lengthens, − shortens",
    )
    piece = forms.CharField(required=False, max_length=100, help_text="neckline: the piece, e.g. Front")
    facing = forms.CharField(required=False, max_length=100, help_text="neckline: its facing, moved with it")
    pieces = forms.CharField(
        required=False,
        max_length=300,
        label="Pieces",
        help_text="length: the pieces the line crosses, a comma between",
    )
    above_hem_cm = forms.DecimalField(
        required=False,
        label="Line above the hem (cm)",
        max_digits=5,
        decimal_places=1,
        help_text="length only",
    )
    sizes = forms.CharField(required=False, max_length=200, help_text="blank: every size")

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {"amount_cm": float(data["amount_cm"]), "sizes": data["sizes"]}
        if data["alteration"] == ChangeRequest.Alteration.NECKLINE:
            out.update(piece=data["piece"], facing=data["facing"])
        else:
            out.update(
                pieces=data["pieces"],
                above_hem_cm=float(data["above_hem_cm"]) if data["above_hem_cm"] is not None else None,
            )
        return out


class EditedFileForm(forms.Form):
    dxf = forms.FileField(label="Edited DXF-AAMA file")
    rul = forms.FileField(label="Grade rules (.rul)", required=False)
    change_note = forms.CharField(required=False, max_length=300, help_text="what you changed")


class ReviewForm(forms.Form):
    note = forms.CharField(required=False, max_length=300, help_text="why, for the pattern room")


def _initial(change: ChangeRequest) -> dict[str, Any]:
    p = change.parameters or {}
    pieces = p.get("pieces") or []
    return {
        "alteration": change.alteration if change.alteration != ChangeRequest.Alteration.FILE else "",
        "amount_cm": p.get("amount_cm"),
        "piece": p.get("piece", ""),
        "facing": p.get("facing", ""),
        "pieces": ", ".join(pieces) if isinstance(pieces, list) else pieces,
        "above_hem_cm": p.get("above_hem_cm"),
        "sizes": ", ".join(p.get("sizes") or []),
    }


def _age(change: ChangeRequest) -> str:
    from .loop import duration_text

    return duration_text(timezone.now() - change.created_at)


@org_view
def change_queue(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    changes = [reconciled(change) for change in change_requests(organization=org)]
    for change in changes:
        change.age = _age(change)  # type: ignore[attr-defined]
    groups: dict[str, list[ChangeRequest]] = {}
    for change in changes:
        groups.setdefault(f"{change.style.code} {change.style.name}", []).append(change)
    open_count = sum(1 for c in changes if c.status == ChangeRequest.Status.OPEN)
    return render(
        request,
        "fitting/change_queue.html",
        {"groups": groups, "open_count": open_count, "total": len(changes)},
    )


def _detail_context(request: HttpRequest, change: ChangeRequest, **forms_: forms.Form) -> dict[str, Any]:
    org = _org(request)
    role = getattr(request, "role", None)
    answerable = change.status in (ChangeRequest.Status.OPEN, ChangeRequest.Status.REJECTED)
    version = change.result_version
    return {
        "change": change,
        "loop": loop_of(change),
        "answerable": answerable and can(role, Permission.EDIT_CATALOG),
        "alter_form": forms_.get("alter_form") or AlterationForm(initial=_initial(change)),
        "file_form": forms_.get("file_form") or EditedFileForm(),
        "review_form": forms_.get("review_form") or ReviewForm(),
        "can_review": change.status == ChangeRequest.Status.VERSION_READY
        and org.pk == change.style.organization_id
        and can(role, Permission.EDIT_CATALOG),
        "can_recut": can(role, Permission.PLAN_CUTS)
        and version is not None
        and (
            (
                change.recut_sample_id is None
                and org.pk == change.style.organization_id
                and change.status in (ChangeRequest.Status.VERSION_READY, ChangeRequest.Status.APPROVED)
            )
            or (change.recut_sample is not None and change.recut_sample.cut_at is None)
        ),
        "age": _age(change),
    }


def _change(request: HttpRequest, uid: Any) -> ChangeRequest:
    return found(change_request_get(organization=_org(request), uid=uid), "change request")


@org_view
def change_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    change = _change(request, uid)
    return render(request, "fitting/change_detail.html", _detail_context(request, change))


@org_view
@requires(Permission.EDIT_CATALOG)
@require_POST
def change_alter(request: HttpRequest, uid: Any) -> HttpResponse:
    change = _change(request, uid)
    form = AlterationForm(request.POST)
    version = submit(
        form,
        lambda data: change_request_alter(
            request=change,
            organization=_org(request),
            by=request.user,
            alteration=data["alteration"],
            parameters=form.parameters(),
        ),
    )
    if version is None:
        context = _detail_context(request, _change(request, uid), alter_form=form)
        return render(request, "fitting/change_detail.html", context, status=422)
    messages.success(request, f"Pattern v{version.number} is made: it waits for review.")
    return redirect("fitting:change_detail", uid=change.uid)


@org_view
@requires(Permission.EDIT_CATALOG)
@require_POST
def change_import(request: HttpRequest, uid: Any) -> HttpResponse:
    change = _change(request, uid)
    form = EditedFileForm(request.POST, request.FILES)
    version = submit(
        form,
        lambda data: change_request_import(
            request=change,
            organization=_org(request),
            dxf=data["dxf"],
            rul=data["rul"],
            by=request.user,
            change_note=data["change_note"],
        ),
    )
    if version is None:
        context = _detail_context(request, _change(request, uid), file_form=form)
        return render(request, "fitting/change_detail.html", context, status=422)
    messages.success(request, f"Imported as pattern v{version.number}: it waits for review.")
    return redirect("fitting:change_detail", uid=change.uid)


@org_view
@requires(Permission.EDIT_CATALOG)
@require_POST
def change_review(request: HttpRequest, uid: Any) -> HttpResponse:
    change = _change(request, uid)
    form = ReviewForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    status = 422
    if form.is_valid():
        try:
            change_request_review(
                request=change,
                approve=approve,
                organization=_org(request),
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            number = change.result_version.number if change.result_version else ""
            messages.success(request, f"Pattern v{number} {'approved' if approve else 'rejected'}.")
            return redirect("fitting:change_detail", uid=change.uid)
    context = _detail_context(request, _change(request, uid), review_form=form)
    return render(request, "fitting/change_detail.html", context, status=status)


@org_view
@requires(Permission.PLAN_CUTS)
@require_POST
def change_recut(request: HttpRequest, uid: Any) -> HttpResponse:
    change = _change(request, uid)
    try:
        sample = change_request_recut(request=change, organization=_org(request), by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        context = _detail_context(request, _change(request, uid))
        return render(request, "fitting/change_detail.html", context, status=exc.status)
    if sample.cut_at is not None:
        messages.success(request, f"{sample} is planned and cut.")
    else:
        messages.success(request, f"{sample} is asked of {sample.order.factory}: it cuts it next.")
    return redirect("fitting:change_detail", uid=change.uid)


@org_view
def pattern_diff(request: HttpRequest, before: int, after: int) -> HttpResponse:
    diff = found(
        version_diff(
            organization=_org(request), before_pk=before, after_pk=after, size=request.GET.get("size")
        ),
        "pair of pattern versions of one style",
    )
    change = ChangeRequest.objects.filter(result_version=diff.after).first()
    return render(request, "fitting/change_diff.html", {"diff": diff, "change": change})
