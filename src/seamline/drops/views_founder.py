"""The founder's drop pages: the brand's drops, the drop form, one drop's dashboard (open, close, cancel)
and its cash flow. A drop belongs to its brand: any other organization gets a 404, as for a missing one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, requires
from seamline.accounts.permissions import Permission
from seamline.accounts.selectors import factory_list
from seamline.catalog.selectors import style_get, style_list
from seamline.core.errors import DomainError, ForbiddenError, found
from seamline.core.forms import submit
from seamline.core.views import chosen_style, paginate

from .caps import Availability
from .cashflow import CashFlow
from .charts import Bar, cumulative_series, hbar_chart_svg, line_chart_svg
from .forms import DropForm
from .models import Drop, PreOrder, PreOrderLine
from .panels import DROP_PANELS
from .selectors import drop_funded_pct
from .selectors_founder import drop_cash_flow, drop_run
from .services import drop_cancel, drop_close, drop_create, drop_open
from .states import DropState, can_transition

BRANDS_ONLY = "Drops are run by a brand; the factory makes the production order a funded drop places with it."
LATEST_PREORDERS = 10
# Payroll in the cash flow: $20.00 an hour unless settings.SEAMLINE_WAGE_PER_HOUR says otherwise. Los Angeles'
# minimum wage is close to $18 an hour (City of LA, 2025) and California bans piece rates in garment work
# (SB 62), so an hourly wage a little above that floor is a fair default for a sewing floor in LA.
DEFAULT_WAGE_PER_HOUR = "20.00"
ACTIONS = {"open": drop_open, "close": drop_close, "cancel": drop_cancel}


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _brand_only(request: HttpRequest) -> None:
    if not _org(request).is_brand:
        raise ForbiddenError(BRANDS_ONLY)


# Reads, scoped to the brand that asks.


def _drops(org: Any) -> QuerySet[Drop]:
    return Drop.objects.filter(brand=org).select_related("style", "factory")


def _drop_get(org: Any, slug: str) -> Drop:
    return found(_drops(org).select_related("production_order").filter(slug=slug).first(), "drop")


def _money_by_state(drop: Drop) -> dict[str, dict[str, Any]]:
    """Pre-orders, units and money per pre-order state (held, captured, voided, refunded), zeros included."""
    rows = {
        r["state"]: r
        for r in PreOrder.objects.filter(drop=drop)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"), units=Sum("units"), amount=Sum("amount"))
    }
    return {
        state.value: {
            "label": state.label,
            "n": rows.get(state.value, {}).get("n", 0),
            "units": rows.get(state.value, {}).get("units") or 0,
            "amount": rows.get(state.value, {}).get("amount") or Decimal("0.00"),
        }
        for state in PreOrder.State
    }


def money(amount: Decimal, currency: str) -> str:
    """Decimal("-1234.5"), "USD" -> "−$1,234.50"."""
    sign = "−" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    return f"{sign}${text}" if currency == "USD" else f"{sign}{text} {currency}"


# Pages.


@org_view
def drop_list(request: HttpRequest) -> HttpResponse:
    _brand_only(request)
    page = paginate(request, _drops(_org(request)))
    rows = [{"drop": d, "funded_pct": drop_funded_pct(d)} for d in page]
    return render(request, "drops/founder_list.html", {"page_obj": page, "rows": rows})


def _default_times() -> dict[str, Any]:
    """Opens at the next full hour, for a week."""
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return {"opens_at": start, "closes_at": start + timedelta(days=7)}


@org_view
@requires(Permission.PLACE_ORDERS)
def drop_create_view(request: HttpRequest) -> HttpResponse:
    _brand_only(request)
    org = _org(request)
    styles = style_list(organization=org)
    style = chosen_style(request, styles)
    initial = {**_default_times(), **({"style": style.pk} if style else {})}
    form = DropForm(
        request.POST or None, styles=styles, factories=factory_list(), style=style, initial=initial
    )
    if request.method != "POST":
        template = "drops/founder_variants.html" if request.htmx else "drops/founder_form.html"  # type: ignore[attr-defined]
        return render(request, template, {"form": form})
    drop = submit(
        form,
        lambda data: drop_create(
            brand=org,
            factory=data["factory"],
            style=data["style"],
            title=data["title"],
            slug=data["slug"],
            description=data["description"],
            prices=form.prices(),
            variant_caps=form.variant_caps(),
            run_cap=data["run_cap"],
            threshold_units=data["threshold_units"],
            threshold_revenue=data["threshold_revenue"],
            per_customer_limit=data["per_customer_limit"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            overcut_pct=data["overcut_pct"],
        ),
        field_for=form.field_for,
    )
    if drop is None:
        return render(request, "drops/founder_form.html", {"form": form}, status=422)
    messages.success(request, f"“{drop.title}” is saved as a draft; open it when it is ready.")
    return redirect("drops_founder:drop_detail", slug=drop.slug)


def _size_chart(drop: Drop, sizes: list[str]) -> str:
    events = list(
        PreOrderLine.objects.filter(preorder__drop=drop)
        .order_by()
        .values_list("preorder__created_at", "offer__variant__size", "quantity")
    )
    now = timezone.now()
    end = min(now, drop.closes_at) if now > drop.opens_at else drop.closes_at
    end = max([end, *(when for when, _, _ in events)])
    series = cumulative_series(events, keys=sizes)
    return line_chart_svg(series, start=drop.opens_at, end=end, tz=timezone.get_current_timezone())


def _offers(drop: Drop) -> list[dict[str, Any]]:
    offers = list(drop.variants.select_related("variant"))
    available = Availability(
        run_cap=drop.run_cap,
        units_sold=drop.units_sold,
        variant_caps={o.variant.sku: o.cap for o in offers},
        variant_sold={o.variant.sku: o.sold for o in offers},
    )
    return [{"offer": o, "left": available.left_of(o.variant.sku)} for o in offers]


def _actions(drop: Drop) -> list[tuple[str, str]]:
    """(action, button label) the drop's state allows."""
    out = []
    if can_transition(drop.state, DropState.LIVE):
        out.append(("open", "Open the drop"))
    if drop.state == DropState.LIVE:
        out.append(("close", "Close now"))
    if can_transition(drop.state, DropState.CANCELLED):
        out.append(("cancel", "Cancel the drop"))
    return out


@org_view
def drop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The founder's dashboard of one drop: progress, money, pre-orders by size over time, the latest ones."""
    drop = _drop_get(_org(request), slug)
    offers = _offers(drop)
    sizes = list(dict.fromkeys(o["offer"].variant.size for o in offers))
    sizes.sort(key=lambda s: drop.style.sizes.index(s) if s in drop.style.sizes else len(drop.style.sizes))
    latest = (
        PreOrder.objects.filter(drop=drop)
        .select_related("pattern_version")
        .prefetch_related(Prefetch("lines", queryset=PreOrderLine.objects.select_related("offer__variant")))[
            :LATEST_PREORDERS
        ]
    )
    context = {
        "drop": drop,
        "funded_pct": drop_funded_pct(drop),
        "sold_pct": min(100, round(100 * drop.units_sold / drop.run_cap)) if drop.run_cap else 0,
        "threshold_pct": round(100 * drop.threshold_units / drop.run_cap) if drop.threshold_units else None,
        "money": _money_by_state(drop),
        "offers": offers,
        "run": drop_run(drop, (row["offer"] for row in offers)),
        "chart": mark_safe(_size_chart(drop, sizes)),  # charts.py escapes every label
        "latest": latest,
        "actions": _actions(drop),
        "panels": DROP_PANELS.render(request, drop),  # its lead time to the doorstep, from delivery
    }
    return render(request, "drops/founder_detail.html", context)


def _wage_per_hour() -> Decimal:
    return Decimal(str(getattr(settings, "SEAMLINE_WAGE_PER_HOUR", DEFAULT_WAGE_PER_HOUR)))


def _cash_bars(flow: CashFlow, currency: str) -> list[Bar]:
    bars = [Bar("Deposits captured", flow.captured, money(flow.captured, currency), "in")]
    if flow.held:
        bars.append(Bar("Held (taken if funded)", flow.held, money(flow.held, currency), "neutral"))
    bars += [
        Bar("Fabric and trims", flow.materials_total, money(flow.materials_total, currency), "out"),
        Bar("Payroll", flow.payroll.amount, money(flow.payroll.amount, currency), "out"),
        Bar(
            "Surplus" if flow.balance >= 0 else "Gap",
            flow.balance,
            money(flow.balance, currency),
            "surplus" if flow.balance >= 0 else "gap",
        ),
    ]
    if flow.held:
        after = flow.balance_if_all_captured
        label = "Surplus once captured" if after >= 0 else "Gap once captured"
        bars.append(Bar(label, after, money(after, currency), "surplus" if after >= 0 else "gap"))
    return bars


@org_view
def drop_cash_flow_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Captured deposits against the fabric and payroll the production order will need."""
    org = _org(request)
    drop = _drop_get(org, slug)
    style = found(style_get(organization=org, pk=drop.style_id), "style")
    flow = drop_cash_flow(drop, style, _money_by_state(drop), wage_per_hour=_wage_per_hour())
    sizes = drop.style.sizes
    cut = sorted(
        flow.cut_by_size.items(), key=lambda kv: sizes.index(kv[0]) if kv[0] in sizes else len(sizes)
    )
    context = {
        "drop": drop,
        "flow": flow,
        "cut": cut,
        "chart": mark_safe(hbar_chart_svg(_cash_bars(flow, drop.currency))),  # labels escaped
        "wage_per_hour": _wage_per_hour(),
        "money": {
            "captured": money(flow.captured, drop.currency),
            "held": money(flow.held, drop.currency),
            "materials": money(flow.materials_total, drop.currency),
            "payroll": money(flow.payroll.amount, drop.currency),
            "costs": money(flow.costs, drop.currency),
            "balance": money(flow.balance, drop.currency),
            "balance_if_all_captured": money(flow.balance_if_all_captured, drop.currency),
        },
    }
    return render(request, "drops/founder_cashflow.html", context)


@require_POST
@org_view
@requires(Permission.PLACE_ORDERS)
def drop_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Open, close or cancel the drop, then back to its dashboard with what happened."""
    drop = _drop_get(_org(request), slug)
    try:
        drop = ACTIONS[action](drop=drop)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"“{drop.title}” is now {drop.get_state_display().lower()}.")
    return redirect("drops_founder:drop_detail", slug=drop.slug)
