"""Delivery pages: the dispatcher's day (map, timelines, totals, plan and re-plan in the background), the
courier's phone page (stops in order, picked up / delivered with proof / not delivered), and the customer's
tracking page behind their pre-order's private link.

Every courier action is idempotent in actions.py; a repeat (a retried request, a double tap) shows what the
stop is now instead of an error.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, organization_of
from seamline.accounts.permissions import Permission, can
from seamline.core.errors import ConflictError, DomainError, NotFoundError, ValidationError, found
from seamline.core.forms import add_domain_error, submit

from . import actions
from .forms import DeliverForm, FailForm, PlanForm
from .models import Courier, Plan, Proof, Stop
from .pages import (
    courier_focus,
    courier_of,
    day_backlog,
    latest_plan,
    proof_photo,
    route_map,
    route_timelines,
    stop_label,
)
from .planning import plan_request
from .selectors import courier_day, day_plan, parcel_list, plan_list, route_get, stop_get, tracking_by_token

QUIET_S = 60  # queued this long without a start: say a task worker may be missing


def _day(request: HttpRequest) -> date:
    """The day asked for (?day=YYYY-MM-DD, or a form's day), else today in Los Angeles."""
    raw = request.POST.get("day") or request.GET.get("day") or ""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


def _may_dispatch(request: HttpRequest) -> bool:
    return can(getattr(request, "role", None), Permission.DISPATCH)


def _courier_only(request: HttpRequest) -> Courier | None:
    """The courier signing in, when that is all they are here: their page, not everyone's stops."""
    courier = courier_of(organization=organization_of(request), user=request.user)
    return courier if courier is not None and not _may_dispatch(request) else None


def _with_day(url: str, day: date) -> str:
    return url if day == timezone.localdate() else f"{url}?{urlencode({'day': day.isoformat()})}"


# The dispatcher -----------------------------------------------------------------------------------------


@org_view
def dispatch(request: HttpRequest) -> HttpResponse:
    """The day's plan on the map and on timelines, its totals and unassigned jobs, plan and re-plan."""
    org, day = organization_of(request), _day(request)
    courier = courier_of(organization=org, user=request.user)
    if courier is not None and not _may_dispatch(request):
        return redirect("delivery:courier")
    today = timezone.localdate()
    current = day_plan(organization=org, day=day) if org.is_factory else None
    routes = current.routes if current else []
    latest = latest_plan(organization=org, day=day) if org.is_factory else None
    context = {
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "current": current,
        "latest": latest,
        "map": route_map(routes),
        "timelines": route_timelines(routes),
        "backlog": day_backlog(organization=org, day=day) if org.is_factory else None,
        "may_plan": org.is_factory and _may_dispatch(request) and day >= today,
        "brand_parcels": None if org.is_factory else parcel_list(organization=org)[:100],
        "my_courier": courier,
        **_progress_context(latest),
    }
    return render(request, "delivery/dispatch.html", context)


def _progress_context(plan: Plan | None) -> dict[str, Any]:
    """The plan's state for the progress fragment: the share of its time budget used while it runs (the
    planner searches for that long), and whether it waits suspiciously long for a worker."""
    busy = plan is not None and plan.status in (Plan.Status.QUEUED, Plan.Status.RUNNING)
    now = timezone.now()
    elapsed = (now - plan.started_at).total_seconds() if busy and plan.started_at else 0.0
    return {
        "plan": plan,
        "busy": busy,
        "elapsed_s": int(elapsed),
        "used_pct": min(int(100 * elapsed / plan.seconds), 99) if busy and plan.seconds else 0,
        "quiet": busy
        and plan.status == Plan.Status.QUEUED
        and (now - plan.created_at).total_seconds() > QUIET_S,
    }


@org_view
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's status and progress text, polled by HTMX while it runs; a finished plan reloads the page."""
    if _courier_only(request) is not None:
        raise NotFoundError("No such plan.")
    plan = found(plan_list(organization=organization_of(request)).filter(pk=pk).first(), "plan")
    response = render(request, "delivery/_plan_progress.html", _progress_context(plan))
    if request.htmx and plan.status in (Plan.Status.DONE, Plan.Status.FAILED):  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@require_POST
@org_view
def plan_create(request: HttpRequest) -> HttpResponse:
    """Plan (or re-plan) a day in the background; the page then shows its progress."""
    day = _day(request)
    if not _may_dispatch(request):
        messages.error(request, "Your role may not plan routes.")
        return redirect(_with_day(reverse("delivery:dispatch"), day))
    form = PlanForm(request.POST)
    plan = submit(
        form,
        lambda data: plan_request(
            organization=organization_of(request), day=data["day"], seconds=data["seconds"], by=request.user
        ),
    )
    if plan is None:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, error if field == "__all__" else f"{form[field].label}: {error}")
    else:
        verb = "Re-planning" if plan.replan_of_id else "Planning"
        messages.success(request, f"{verb} {plan.day:%a %-d %b} in the background (plan {plan.pk}).")
    return redirect(_with_day(reverse("delivery:dispatch"), day))


@org_view
def stop_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The proof photo of a delivered stop, for the dispatcher and the stop's courier."""
    stop = found(stop_get(organization=organization_of(request), pk=pk), "stop")
    courier = _courier_only(request)
    if courier is not None and stop.route.courier_id != courier.pk:
        raise NotFoundError("No such stop.")
    proof = found(Proof.objects.filter(stop=stop).first(), "proof")
    return _photo_response(bytes(proof.photo), proof.photo_type)


def _photo_response(photo: bytes, media_type: str) -> HttpResponse:
    response = HttpResponse(photo, content_type=media_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


# The courier --------------------------------------------------------------------------------------------


def geo_uri(stop: Stop) -> str:
    """A ``geo:`` link the phone's maps app opens: the point, and the address for it to search (a parcel's
    point is its ZIP's centre, not the doorstep)."""
    uri = f"geo:{stop.latitude:.6f},{stop.longitude:.6f}"
    place = stop.parcel if stop.kind == Stop.Kind.PARCEL else stop.facility
    if place is not None:
        uri += "?q=" + quote(f"{place.street}, {place.city} {place.zip_code}".strip(", "))
    return uri


def _courier_page(
    request: HttpRequest,
    courier: Courier,
    *,
    day: date,
    focus_pk: int | None = None,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    org = organization_of(request)
    today = courier_day(organization=org, courier=courier, day=day)
    wanted = focus_pk or (int(request.GET["stop"]) if request.GET.get("stop", "").isdigit() else None)
    focus = courier_focus(today, wanted)
    forms = forms or {}
    if focus is not None and "deliver" not in forms:
        proof = focus.kind == Stop.Kind.PARCEL
        forms["deliver"] = DeliverForm(
            needs_proof=proof, needs_code=proof and focus.parcel.code_required, auto_id="deliver-%s"
        )
    forms.setdefault("fail", FailForm(auto_id="fail-%s"))
    work = [s for s in today.stops if s.kind in (Stop.Kind.PARCEL, Stop.Kind.PICKUP, Stop.Kind.DROPOFF)]
    # Still at the hub: each route's parcels to pick up, and whether it may leave (something is aboard).
    hub = [
        (
            route,
            [s for s in today.to_pick_up if s.route_id == route.pk],
            any(s.status == Stop.Status.PICKED_UP for s in route.stops.all()),
        )
        for route in today.routes
        if route.departed_at is None
    ]
    context = {
        "courier": courier,
        "day": day,
        "is_today": day == timezone.localdate(),
        "routes": today.routes,
        "work": [(n, s, stop_label(s)) for n, s in enumerate(work, start=1)],
        "done": sum(1 for s in work if s.is_done),
        "hub": hub,
        "focus": focus,
        "focus_label": stop_label(focus) if focus else "",
        "focus_number": next((n for n, s in enumerate(work, start=1) if focus and s.pk == focus.pk), None),
        "geo": geo_uri(focus) if focus else "",
        "deliver_form": forms.get("deliver"),
        "fail_form": forms["fail"],
        "next_url": _with_day(reverse("delivery:courier"), day),
    }
    return render(request, "delivery/courier.html", context, status=status)


@org_view
def courier_page(request: HttpRequest) -> HttpResponse:
    """The signed-in courier's stops of the day (today, or ?day=) in order, the next one first."""
    courier = courier_of(organization=organization_of(request), user=request.user)
    if courier is None:
        return render(request, "delivery/not_courier.html", status=403)
    return _courier_page(request, courier, day=_day(request))


def _my_stop(request: HttpRequest, pk: int) -> tuple[Courier, Stop]:
    """The signed-in courier and one of their stops; another courier's stop looks like no stop at all."""
    org = organization_of(request)
    courier = courier_of(organization=org, user=request.user)
    stop = stop_get(organization=org, pk=pk) if courier is not None else None
    if courier is None or stop is None or stop.route.courier_id != courier.pk:
        raise NotFoundError("No such stop.")
    return courier, stop


def _back(stop: Stop) -> HttpResponse:
    return redirect(_with_day(reverse("delivery:courier"), stop.route.plan.day))


def _moved_on(request: HttpRequest, stop: Stop, exc: DomainError) -> None:
    """An action the stop's state refuses: a repeat of one done already (another tap, another device) says
    what the stop is; anything else says why nothing changed."""
    label = stop_label(stop)
    current = Stop.objects.filter(pk=stop.pk).values_list("status", flat=True).first()
    if isinstance(exc, ConflictError) and current and current != Stop.Status.PENDING:
        messages.info(request, f"{label} is already {Stop.Status(current).label.lower()}: nothing changed.")
    else:
        messages.warning(request, f"Nothing changed: {label}. {exc.detail}.")


def _news(request: HttpRequest, stop: Stop, changed: bool, done: str) -> None:
    if changed:
        messages.success(request, f"{stop_label(stop)}: {done}.")
    else:
        messages.info(request, f"{stop_label(stop)} was already {done}: nothing changed.")


@require_POST
@org_view
def stop_pick_up(request: HttpRequest, pk: int) -> HttpResponse:
    _, stop = _my_stop(request, pk)
    try:
        _, changed = actions.stop_pick_up(stop=stop, organization=organization_of(request), by=request.user)
    except DomainError as exc:
        _moved_on(request, stop, exc)
    else:
        _news(request, stop, changed, "picked up")
    return _back(stop)


@require_POST
@org_view
def route_depart(request: HttpRequest, pk: int) -> HttpResponse:
    org = organization_of(request)
    courier = courier_of(organization=org, user=request.user)
    route = route_get(organization=org, pk=pk) if courier is not None else None
    if route is None or route.courier_id != courier.pk:
        raise NotFoundError("No such route.")
    try:
        _, changed = actions.route_depart(route=route, organization=org, by=request.user)
    except DomainError as exc:
        messages.warning(request, f"Route {route.number}: {exc.detail}.")
    else:
        if changed:
            messages.success(request, f"{route.vehicle.name} left the hub.")
        else:
            messages.info(request, f"{route.vehicle.name} had already left the hub: nothing changed.")
    return redirect(_with_day(reverse("delivery:courier"), route.plan.day))


@require_POST
@org_view
def stop_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """Delivered, with the proof: the photo, the recipient's name and the customer's code (a parcel's); a
    missing or wrong one is named next to its field."""
    courier, stop = _my_stop(request, pk)
    org = organization_of(request)
    if stop.status == Stop.Status.DELIVERED:  # a repeat: its photo is not even read
        messages.info(request, f"{stop_label(stop)} was already delivered: nothing changed.")
        return _back(stop)
    proof = stop.kind == Stop.Kind.PARCEL
    form = DeliverForm(
        request.POST,
        request.FILES,
        needs_proof=proof,
        needs_code=proof and stop.parcel.code_required,
        auto_id="deliver-%s",
    )
    if not form.is_valid():
        return _courier_page(
            request, courier, day=stop.route.plan.day, focus_pk=stop.pk, forms={"deliver": form}, status=422
        )
    upload = form.cleaned_data.get("photo")
    try:
        _, changed = actions.stop_deliver(
            stop=stop,
            organization=org,
            # One byte past the limit is enough for the action to say the photo is too large.
            photo=upload.read(actions.MAX_PHOTO_BYTES + 1) if upload else None,
            recipient_name=form.cleaned_data.get("recipient_name", ""),
            code=form.cleaned_data.get("code", ""),
            by=request.user,
        )
    except ValidationError as exc:  # a missing photo, name or code, a wrong code: beside its field
        add_domain_error(form, exc)
        return _courier_page(
            request, courier, day=stop.route.plan.day, focus_pk=stop.pk, forms={"deliver": form}, status=422
        )
    except DomainError as exc:
        _moved_on(request, stop, exc)
    else:
        _news(request, stop, changed, "delivered")
    return _back(stop)


@require_POST
@org_view
def stop_fail(request: HttpRequest, pk: int) -> HttpResponse:
    """Not delivered: why, and the day of the next attempt."""
    courier, stop = _my_stop(request, pk)
    org = organization_of(request)
    if stop.status == Stop.Status.FAILED:  # a repeat
        messages.info(request, f"{stop_label(stop)} was already not delivered: nothing changed.")
        return _back(stop)
    form = FailForm(request.POST, auto_id="fail-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.stop_fail(
                stop=stop,
                organization=org,
                reason=data["reason"],
                next_attempt_on=data["next_attempt_on"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:  # a next attempt that is not a later day: beside its field
            add_domain_error(form, exc)
        except DomainError as exc:
            _moved_on(request, stop, exc)
            return _back(stop)
        else:
            day = data["next_attempt_on"]
            messages.success(request, f"{stop_label(stop)}: not delivered; next attempt {day:%a %-d %b}.")
            return _back(stop)
    return _courier_page(
        request, courier, day=stop.route.plan.day, focus_pk=stop.pk, forms={"fail": form}, status=422
    )


# The customer -------------------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"  # the token in the URL is the customer's key
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's parcel: its state, window, how many stops away, and the proof once delivered."""
    track = found(tracking_by_token(token=token), "parcel")
    context = {"t": track, "parcel": track.parcel, "drop": track.parcel.preorder.drop, "token": token}
    return _private(render(request, "delivery/tracking.html", context))


@never_cache
def tracking_photo(request: HttpRequest, token: str) -> HttpResponse:
    proof = found(proof_photo(token=token), "proof")
    return _private(_photo_response(bytes(proof.photo), proof.photo_type))
