"""Production order pages: the list, the order form, one order with its state panel (HTMX transitions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from seamline.accounts.access import org_view, require, requires
from seamline.accounts.permissions import Permission, permissions_of
from seamline.accounts.selectors import factory_list
from seamline.catalog.selectors import style_list
from seamline.core.errors import DomainError, ForbiddenError, found
from seamline.core.forms import submit
from seamline.core.views import chosen_style, paginate

from .forms import OrderFilterForm, OrderForm
from .guards import transition_blockers
from .models import ProductionOrder
from .panels import ORDER_PANELS
from .selectors import order_get, order_list
from .services import party_of, production_order_create, production_order_transition
from .states import OPEN_STATES, State, allowed_targets, permission_to_move

BRANDS_ONLY = "Only a brand places production orders; a factory receives them."

ACTION_LABELS = {
    State.PLANNED: "Place order",
    State.DRAFT: "Back to draft",
    State.CUTTING: "Start cutting",
    State.SEWING: "Start sewing",
    State.FINISHING: "Start finishing",
    State.PACKED: "Mark packed",
    State.DELIVERED: "Mark delivered",
    State.CANCELLED: "Cancel order",
}
FLOW = [s for s in State if s != State.CANCELLED]


def _org(request: HttpRequest) -> Any:
    return request.organization  # type: ignore[attr-defined]


def _role(request: HttpRequest) -> str | None:
    return request.role  # type: ignore[attr-defined]


@org_view
def order_list_view(request: HttpRequest) -> HttpResponse:
    filters = OrderFilterForm(request.GET or None)
    state = filters.cleaned_data.get("state") if filters.is_valid() else ""
    rows = order_list(
        organization=_org(request), state=state if state != "open" else None, open_only=state == "open"
    )
    return render(
        request, "production/order_list.html", {"filters": filters, "page_obj": paginate(request, rows)}
    )


@org_view
@requires(Permission.PLACE_ORDERS)
def order_create_view(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    if not org.is_brand:
        raise ForbiddenError(BRANDS_ONLY)
    styles = style_list(organization=org)
    style = chosen_style(request, styles)
    initial = {"style": style.pk} if style else {}
    form = OrderForm(
        request.POST or None, styles=styles, factories=factory_list(), style=style, initial=initial
    )
    if request.method != "POST":
        template = "production/_quantities.html" if request.htmx else "production/order_form.html"  # type: ignore[attr-defined]
        return render(request, template, {"form": form})
    order = submit(
        form,
        lambda data: production_order_create(
            brand=org,
            factory=data["factory"],
            style=data["style"],
            due_date=data["due_date"],
            quantities=form.quantities(),
            notes=data["notes"],
            by=request.user,
        ),
        field_for=form.field_for,
    )
    if order is not None:
        messages.success(request, f"{order.number} is saved as a draft; place it when it is ready.")
        return redirect("production:order_detail", pk=order.pk)
    return render(request, "production/order_form.html", {"form": form}, status=422)


def _panel_context(order: ProductionOrder, org: Any, role: str | None, error: str = "") -> dict[str, Any]:
    party = party_of(order, org)
    mine = permissions_of(role)  # an operator sees no button to place or cancel
    state = State(order.state)
    reached = FLOW.index(state) if state in FLOW else -1
    return {
        "order": order,
        "party": party,
        "actions": [
            (t.value, ACTION_LABELS[t], " ".join(transition_blockers(order, t.value)))
            for t in allowed_targets(order.state, party=party, permissions=mine)
        ],
        "flow": [(s.value, i <= reached, s == state) for i, s in enumerate(FLOW)],
        "is_open": state in OPEN_STATES,
        "error": error,
    }


@org_view
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    order = found(order_get(organization=org, pk=pk))
    # Its work and materials, cut plans, floor, mass balance and passports come from the contexts above.
    context = {**_panel_context(order, org, _role(request)), "panels": ORDER_PANELS.render(request, order)}
    return render(request, "production/order_detail.html", context)


def style_orders_panel(request: HttpRequest, style: Any) -> str:
    """The style page's list of its production orders (the newest ten)."""
    orders = order_list(organization=_org(request), style_id=style.pk)[:10]
    return render_to_string("production/_style_orders.html", {"orders": orders}, request=request)


@require_POST
@org_view
def order_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the order; HTMX gets the state panel back, a plain form post a redirect to the order."""
    org = _org(request)
    target = request.POST.get("target", "")
    require(request, permission_to_move(target))
    order = found(order_get(organization=org, pk=pk))
    error, status = "", 200
    try:
        production_order_transition(order=order, target=target, organization=org, by=request.user)
    except DomainError as exc:
        error, status = exc.detail, exc.status
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"{order.number} is now {target}.")
        return redirect("production:order_detail", pk=order.pk)
    order = found(order_get(organization=org, pk=pk))
    context = _panel_context(order, org, _role(request), error)
    return render(request, "production/_state_panel.html", context, status=status)
