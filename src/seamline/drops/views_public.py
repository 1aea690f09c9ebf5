"""The public drop page (no login): what is on offer, the live counters, and the checkout form that posts to
the page itself and works without JavaScript; the customer's private order page; the status JSON."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from seamline.core.errors import DomainError, ValidationError
from seamline.core.forms import add_domain_error
from seamline.core.ratelimit import RateLimited, throttle

from .errors import IdempotencyConflict, SoldOut
from .models import Drop, DropVariant, PreOrder
from .panels import DROP_PUBLIC_PANELS, PREORDER_PANELS
from .preorders import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    Customer,
    delivery_window_choices,
    preorder_place,
    preorder_rate,
)
from .selectors import drop_offers, drop_public_get, drop_status, drop_status_of, preorder_by_token
from .states import SELLING, DropState

# Swatches for the garment placeholder; an unknown colourway gets the brand indigo.
SWATCHES = {
    "indigo": "#2f3e8f",
    "black": "#1f2328",
    "ecru": "#e8dcc4",
    "natural": "#e8dcc4",
    "white": "#f4f4f2",
    "olive": "#5b6b3a",
    "rust": "#a4502b",
    "navy": "#1f2a4d",
    "grey": "#8a8f98",
    "gray": "#8a8f98",
    "sand": "#d8c39a",
}


def money(amount: Decimal | str, currency: str) -> str:
    """'$185.00' for US dollars, '185.00 EUR' otherwise."""
    value = f"{Decimal(amount):,.2f}"
    return f"${value}" if currency == "USD" else f"{value} {currency}"


class CheckoutForm(forms.Form):
    """Shape only: the pre-order service checks e-mail, ZIP, limits and caps, and names the bad fields."""

    variant = forms.ChoiceField(label="Size", widget=forms.RadioSelect)
    quantity = forms.IntegerField(label="Quantity", min_value=1, initial=1)  # its maximum: the drop's limit
    name = forms.CharField(label="Name", max_length=200)
    email = forms.CharField(label="E-mail", max_length=254)
    street = forms.CharField(label="Street address", max_length=200)
    city = forms.CharField(label="City", max_length=100)
    zip_code = forms.CharField(label="ZIP code", max_length=10)
    delivery_window = forms.ChoiceField(
        label="Courier delivery", required=False, help_text="Los Angeles addresses: when you will be home."
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX_LENGTH)

    def __init__(
        self, *args: Any, offers: list[DropVariant], limit: int, windows: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery_window"].choices = windows
        self.fields["variant"].choices = [(o.variant.sku, o.variant.sku) for o in offers]
        self.fields["variant"].error_messages["required"] = "Choose a size."
        self.fields["quantity"] = forms.IntegerField(
            label="Quantity",
            min_value=1,
            max_value=limit,
            initial=1,
            error_messages={"min_value": "Choose at least 1.", "max_value": f"At most {limit} per customer."},
        )
        self.fields["email"].widget.input_type = "email"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["zip_code"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")


def _field_for(offers: list[DropVariant]):
    skus = {o.variant.sku for o in offers}

    def field_for(name: str) -> str | None:
        """The service's field names on this form: quantities.<sku> and per-SKU shortfalls."""
        if name == "quantities":
            return "quantity"
        if name.startswith("quantities."):
            sku = name.split(".", 1)[1]
            return "quantity" if sku in skus else "variant"
        if name in skus:
            return "variant"
        if name == "customer":
            return "quantity"
        return None

    return field_for


def _sold_out_text(exc: SoldOut, offers: list[DropVariant], drop: Drop) -> str:
    """'Not enough left: Indigo S is sold out.' from the shortfalls and what is left now."""
    if "customer" in exc.shortfalls:
        return exc.detail
    left = drop_status_of(drop, offers)["left"]
    names = {o.variant.sku: f"{o.variant.colour} {o.variant.size}".strip() for o in offers}
    parts = []
    for key in exc.shortfalls:
        if key == "run":
            parts.append(f"only {max(0, drop.run_cap - drop.units_sold)} left in the whole run")
        elif left.get(key, 0) == 0:
            parts.append(f"{names.get(key, key)} is sold out")
        else:
            parts.append(f"only {left[key]} left in {names.get(key, key)}")
    return f"Not enough left: {'; '.join(parts)}."


def _selling(drop: Drop) -> bool:
    return drop.state in SELLING and drop.opens_at <= timezone.now() < drop.closes_at


def _place(drop: Drop, data: dict[str, Any]) -> PreOrder:
    customer = Customer(
        name=data["name"],
        email=data["email"].strip(),
        street=data["street"],
        city=data["city"],
        zip_code=data["zip_code"].strip(),
        delivery_window=data.get("delivery_window") or "",
    )
    preorder, _created = preorder_place(
        drop=drop,
        customer=customer,
        basket={data["variant"]: data["quantity"]},
        idempotency_key=data["idempotency_key"],
    )
    return preorder


def _sizes(offers: list[DropVariant], left: dict[str, int], currency: str) -> list[dict[str, Any]]:
    """The size picker, one group per colour: each option with what is left and its price."""
    prices = {o.price for o in offers}
    groups: dict[str, dict[str, Any]] = {}
    for o in offers:
        colour = o.variant.colour or "One colour"
        group = groups.setdefault(
            colour, {"colour": colour, "swatch": SWATCHES.get(colour.lower(), "#2f3e8f"), "options": []}
        )
        group["options"].append(
            {
                "sku": o.variant.sku,
                "size": o.variant.size,
                "left": left.get(o.variant.sku, 0),
                "price": money(o.price, currency) if len(prices) > 1 else "",
            }
        )
    return list(groups.values())


@never_cache
def drop_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET shows the drop; POST places a pre-order and redirects to its private page (or shows why not)."""
    drop = drop_public_get(slug=slug)
    offers = drop_offers(drop)
    windows = delivery_window_choices(drop.delivery_window_start, drop.delivery_window_end)
    form = CheckoutForm(request.POST or None, offers=offers, limit=drop.per_customer_limit, windows=windows)
    status = 200
    if request.method == "POST":
        try:  # the API's per-IP limit, counted together with it: a script gains nothing by using the form
            throttle(request, scope="preorder", rate=preorder_rate())
        except RateLimited as exc:
            return _throttled(request, drop, offers, form, exc)
        status = 422
        if form.is_valid():
            try:
                preorder = _place(drop, form.cleaned_data)
            except ValidationError as exc:
                add_domain_error(form, exc, field_for=_field_for(offers))
                status = exc.status
            except SoldOut as exc:
                drop = drop_public_get(slug=slug)  # show what is left now
                offers = drop_offers(drop)
                form.add_error(None, _sold_out_text(exc, offers, drop))
                status = exc.status
            except IdempotencyConflict as exc:  # the same rendered form sent again with other details
                form.add_error(None, "This form was already sent with other details; that pre-order stands.")
                status = exc.status
            except DomainError as exc:  # closed, payment failed
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                url = reverse("drops_public:order", args=[drop.slug, preorder.access_token])
                return redirect(f"{url}?placed=1")
    return render(
        request, "drops/public_drop.html", _page_context(request, drop, offers, form), status=status
    )


def _throttled(
    request: HttpRequest, drop: Drop, offers: list[DropVariant], form: CheckoutForm, exc: RateLimited
) -> HttpResponse:
    """429 with the form as it was sent, and when to send it again."""
    form.is_valid()  # so its fields show what was typed; add_error needs the form cleaned
    form.add_error(None, f"Too many pre-orders from your address just now: try again in {exc.retry_after} s.")
    response = render(
        request, "drops/public_drop.html", _page_context(request, drop, offers, form), status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _page_context(
    request: HttpRequest, drop: Drop, offers: list[DropVariant], form: CheckoutForm
) -> dict[str, Any]:
    live = drop_status_of(drop, offers)
    prices = sorted(o.price for o in offers)
    chosen = form["variant"].value() if form.is_bound else None
    groups = _sizes(offers, live["left"], drop.currency)
    return {
        "drop": drop,
        "form": form,
        "live": live,
        "groups": groups,
        "swatch": groups[0]["swatch"] if groups else "#2f3e8f",
        "chosen": chosen,
        "price": money(prices[0], drop.currency) if prices else "",
        "price_from": len(set(prices)) > 1,
        "units_left": max(0, drop.run_cap - drop.units_sold),
        "fill_pct": min(100, drop.units_sold * 100 // drop.run_cap) if drop.run_cap else 0,
        "threshold_pct": (
            min(100, drop.threshold_units * 100 // drop.run_cap) if drop.threshold_units else None
        ),
        "threshold_revenue": (money(drop.threshold_revenue, drop.currency) if drop.threshold_revenue else ""),
        "revenue": money(drop.revenue, drop.currency),
        "selling": _selling(drop),
        "closes_ms": int(drop.closes_at.timestamp() * 1000),
        "not_open_yet": drop.state in SELLING and timezone.now() < drop.opens_at,
        "funded": drop.state in (DropState.FUNDED, DropState.FULFILLED),
        # A fresh key per render: a double submit of this form is one order, a corrected form a new try.
        "idempotency_key": uuid.uuid4().hex,
        "panels": DROP_PUBLIC_PANELS.render(request, drop),  # what the comments changed, from fitting
    }


@never_cache
def drop_status_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The counters as JSON: the page polls this when EventSource is missing or fails."""
    return JsonResponse(drop_status(drop_public_get(slug=slug)))


@never_cache
def order_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The customer's private pre-order page: lines, amount, payment and drop state, delivery."""
    preorder = preorder_by_token(slug=slug, token=token)
    drop = preorder.drop
    lines = [
        {
            "sku": line.offer.variant.sku,
            "size": line.offer.variant.size,
            "colour": line.offer.variant.colour,
            "quantity": line.quantity,
            "unit_price": money(line.unit_price, preorder.currency),
            "total": money(line.unit_price * line.quantity, preorder.currency),
        }
        for line in preorder.lines.all()
    ]
    response = render(
        request,
        "drops/public_order.html",
        {
            "preorder": preorder,
            "drop": drop,
            "lines": lines,
            "amount": money(preorder.amount, preorder.currency),
            "placed": request.GET.get("placed") == "1",
            "funded": drop.state in (DropState.FUNDED, DropState.FULFILLED),
            # Its delivery's tracking link (delivery adds it, above drops).
            "panels": PREORDER_PANELS.render(request, preorder),
        },
    )
    response["Referrer-Policy"] = "no-referrer"  # the token in the URL is the customer's key
    response["X-Robots-Tag"] = "noindex"
    return response
