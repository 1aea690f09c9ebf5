"""The live session's pages: the fitting home (sessions), a new session, the session page a founder or
producer keeps open during the stream (its board live over Server-Sent Events, a typed comment, a chat
export, the end), a theme's change request in one click, and the brand's lexicon.

Sessions belong to the brand that owns the style: any other organization gets a 404, as for a missing one.
Reading is for every member; writing needs the catalog permission (owner and staff).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, require, requires
from seamline.accounts.permissions import Permission, can
from seamline.catalog.selectors import style_list
from seamline.core.errors import DomainError, ForbiddenError, found
from seamline.core.forms import split_csv, submit
from seamline.drops.models import Drop

from . import lexicon as lex
from .board import lexicon_get, session_board, session_get, session_list
from .forms_live import ChangeForm, CsvForm, SessionForm, TermForm, TypedCommentForm
from .models import FitSession, LexiconTerm, Sample
from .sessions import (
    GRACE,
    change_request_from_theme,
    comment_type,
    comments_import_csv,
    lexicon_term_remove,
    lexicon_term_save,
    session_create,
    session_end,
)

BRANDS_ONLY = "Live fit sessions are run by a brand: the factory sees the samples and change requests."
_SECRET = "fitting-secret-{}"


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _brand_only(request: HttpRequest) -> None:
    if not _org(request).is_brand:
        raise ForbiddenError(BRANDS_ONLY)


def _session(request: HttpRequest, uid: Any) -> FitSession:
    return found(session_get(organization=_org(request), uid=uid), "session")


def change_url(uid: Any) -> str:
    """The change request's page (the pattern room's part: a plain path until its URL name exists)."""
    try:
        return reverse("fitting:change_detail", args=[uid])
    except NoReverseMatch:
        return f"/fitting/changes/{uid}/"


@org_view
def fitting_home(request: HttpRequest) -> HttpResponse:
    """/fitting/: the brand's live sessions, and the ways to the spec sheets, samples and change requests."""
    _brand_only(request)
    sessions = list(session_list(organization=_org(request))[:50])
    now = timezone.now()
    for s in sessions:
        s.running = s.starts_at <= now and (s.ends_at is None or s.ends_at > now)  # type: ignore[attr-defined]
    return render(request, "fitting/session_list.html", {"sessions": sessions})


@org_view
@requires(Permission.EDIT_CATALOG)
def session_create_view(request: HttpRequest) -> HttpResponse:
    _brand_only(request)
    org = _org(request)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = SessionForm(
        request.POST or None,
        styles=style_list(organization=org),
        drops=Drop.objects.filter(brand=org).select_related("style").order_by("-opens_at"),
        samples=Sample.objects.filter(style__organization=org).select_related("style"),
        initial={"starts_at": now, "style": request.GET.get("style")},
    )
    if request.method != "POST":
        return render(request, "fitting/session_form.html", {"form": form})
    made = submit(
        form,
        lambda d: session_create(
            brand=org,
            style=d["style"],
            title=d["title"],
            stream_url=d["stream_url"],
            drop=d["drop"],
            sample=d["sample"],
            starts_at=d["starts_at"],
            by=request.user,
        ),
    )
    if made is None:
        return render(request, "fitting/session_form.html", {"form": form}, status=422)
    session, secret = made
    request.session[_SECRET.format(session.uid)] = secret  # shown once, on the next page
    return redirect("fitting:session_detail", uid=session.uid)


def _detail_context(request: HttpRequest, session: FitSession, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    webhook = request.build_absolute_uri(f"/api/v1/fit-sessions/{session.uid}/comments")
    return {
        "session": session,
        "board": session_board(session),
        "ended": session.ends_at is not None and session.ends_at <= now,
        "grace_minutes": int(GRACE.total_seconds() // 60),
        "webhook": webhook,
        "secret": request.session.pop(_SECRET.format(session.uid), None),
        "example_time": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "typed_form": forms.get("typed_form") or TypedCommentForm(),
        "csv_form": forms.get("csv_form") or CsvForm(),
        "may_edit": can(getattr(request, "role", None), Permission.EDIT_CATALOG),
        # So a theme already answered is not asked again by mistake.
        "requests": session.change_requests.order_by("-created_at"),
    }


@org_view
def session_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    session = _session(request, uid)
    return render(request, "fitting/session_detail.html", _detail_context(request, session))


@org_view
def session_board_view(request: HttpRequest, uid: Any) -> HttpResponse:
    """The board alone (the page polls it where Server-Sent Events do not get through)."""
    session = _session(request, uid)
    return render(
        request, "fitting/session_board.html", {"board": session_board(session), "session": session}
    )


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def comment_add(request: HttpRequest, uid: Any) -> HttpResponse:
    session = _session(request, uid)
    form = TypedCommentForm(request.POST)
    done = submit(
        form,
        lambda d: comment_type(session=session, text=d["text"], author=d["author"], by=request.user),
    )
    if done is None:
        return render(
            request,
            "fitting/session_detail.html",
            _detail_context(request, session, typed_form=form),
            status=422,
        )
    return redirect("fitting:session_detail", uid=session.uid)


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def comments_import(request: HttpRequest, uid: Any) -> HttpResponse:
    session = _session(request, uid)
    form = CsvForm(request.POST, request.FILES)
    got = submit(
        form,
        lambda d: comments_import_csv(session=session, data=d["file"].read(), platform=d["platform"]),
        field_for=lambda name: "file" if name == "file" else None,
    )
    if got is None:
        return render(
            request,
            "fitting/session_detail.html",
            _detail_context(request, session, csv_form=form),
            status=422,
        )
    messages.success(request, f"{got.received} comments read: {got.new} new, {got.duplicates} already here.")
    return redirect("fitting:session_detail", uid=session.uid)


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def session_end_view(request: HttpRequest, uid: Any) -> HttpResponse:
    session = _session(request, uid)
    try:
        session_end(session=session)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The session has ended; a relay may still post for a few minutes.")
    return redirect("fitting:session_detail", uid=session.uid)


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def change_from_theme(request: HttpRequest, uid: Any) -> HttpResponse:
    """One click on a theme of the board: its change request, then the change request's page."""
    session = _session(request, uid)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("fitting:session_detail", uid=session.uid)
    try:
        change = change_request_from_theme(
            session=session,
            subject=form.cleaned_data["subject"],
            direction=form.cleaned_data["direction"],
            amount_cm=form.cleaned_data["amount_cm"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("fitting:session_detail", uid=session.uid)
    messages.success(request, f"Change request made: {change.summary}.")
    return redirect(change_url(change.uid))


# The lexicon -------------------------------------------------------------------------------------------


def _lexicon_context(request: HttpRequest, form: TermForm | None = None) -> dict[str, Any]:
    org = _org(request)
    session = session_get(organization=org, uid=request.GET.get("session") or request.POST.get("session"))
    lexicon = lexicon_get(organization=org)
    rows = {(t.kind, t.key): t for t in LexiconTerm.objects.filter(organization=org)}
    return {
        "subjects": [(t, rows.get(("subject", t.key))) for t in lexicon.subjects],
        "directions": [(t, rows.get(("direction", t.key))) for t in lexicon.directions],
        "session": session,
        "form": form or TermForm(),
        "source": lex.SOURCE,
        "example": request.GET.get("try", ""),
        "example_why": lex.explain(request.GET["try"], lexicon) if request.GET.get("try") else "",
        "may_edit": can(getattr(request, "role", None), Permission.EDIT_CATALOG),
    }


@org_view
def lexicon_page(request: HttpRequest) -> HttpResponse:
    """The brand's words for subjects and directions, how they match, and a box to try a comment."""
    _brand_only(request)
    if request.method == "POST":
        require(request, Permission.EDIT_CATALOG)
        return _lexicon_save(request)
    return render(request, "fitting/lexicon_page.html", _lexicon_context(request))


def _back(request: HttpRequest) -> HttpResponse:
    session = request.POST.get("session")
    url = reverse("fitting:lexicon")
    return redirect(f"{url}?session={session}" if session else url)


def _lexicon_save(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    context = _lexicon_context(request)
    session = context["session"]
    form = TermForm(request.POST)
    saved = submit(
        form,
        lambda d: lexicon_term_save(
            organization=org,
            kind=d["kind"],
            key=d["key"],
            label=d["label"],
            words=split_csv(d["words"]),
            session=session,
        ),
    )
    if saved is None:
        context["form"] = form
        return render(request, "fitting/lexicon_page.html", context, status=422)
    term, moved = saved
    messages.success(request, f"“{term.label}” saved; {moved} comments changed theme.")
    return _back(request)


@require_POST
@org_view
@requires(Permission.EDIT_CATALOG)
def lexicon_remove(request: HttpRequest) -> HttpResponse:
    _brand_only(request)
    org = _org(request)
    session = session_get(organization=org, uid=request.POST.get("session"))
    try:
        moved = lexicon_term_remove(
            organization=org,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
            session=session,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Removed; {moved} comments changed theme.")
    return _back(request)


__all__ = [
    "change_from_theme",
    "change_url",
    "comment_add",
    "comments_import",
    "fitting_home",
    "lexicon_page",
    "lexicon_remove",
    "session_board_view",
    "session_create_view",
    "session_detail",
    "session_end_view",
]
