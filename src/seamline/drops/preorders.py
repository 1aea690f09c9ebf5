"""The pre-order: the one write Seamline must never get wrong under a live-stream rush.

1. Check the input and, without a lock, whether the basket can still fit (a sold-out drop answers at once).
2. Record the payment hold we are about to ask for (committed), then ask the provider to authorize it.
3. In one transaction: take the units with conditional UPDATEs (the drop row first, then the variants by
   primary key, so every pre-order locks in the same order), check the per-customer limit under that lock,
   write the pre-order, attach the hold, and mark the drop funded in the transaction that crosses its
   threshold.
4. If step 3 refuses (sold out meanwhile), void the hold. If the process dies between 2 and 3, the hold stays
   without a pre-order and `tasks.reconcile_holds` voids it: nobody pays for what they did not get.

A retry with the same Idempotency-Key returns the same pre-order; a different body with it is refused (409).
Every field is checked in step 1, so what the database cannot store is refused before any hold is asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from seamline.core.ratelimit import Rate, setting_rate
from seamline.core.validation import FieldErrors
from seamline.cutting.selectors import pattern_version_latest
from seamline.facilities.geocode import UnknownZipError, distance_km, geocode_zip

from . import tasks
from .caps import Availability, basket_shortfalls, is_funded
from .errors import DropClosed, IdempotencyConflict, PaymentFailed, SoldOut
from .models import Drop, DropVariant, PaymentHold, PreOrder, PreOrderLine
from .payments import PaymentDeclined, PaymentError, PaymentProvider, get_provider
from .states import SELLING, DropState

LOCAL_RADIUS_KM = 40  # courier delivery from the factory's facilities; farther ships
# The hold's own key is "<drop id>:<key>" in a 200-character column: 128 leaves room for any drop id.
IDEMPOTENCY_KEY_MAX_LENGTH = 128
# The customer's fields and their columns' lengths (PreOrder).
CUSTOMER_MAX_LENGTHS = {
    "name": 200,
    "email": 254,
    "street": 200,
    "city": 100,
    "zip_code": 10,
    "delivery_window": 11,
}
PREORDER_RATE_SETTING = "SEAMLINE_PREORDER_RATE"  # settings, else the environment; "off" for benchmarks
PREORDER_RATE_DEFAULT = "30/10s"


def preorder_rate() -> Rate | None:
    """The per-client-IP rate of pre-orders, shared by the API and the checkout form (scope "preorder")."""
    return setting_rate(PREORDER_RATE_SETTING, PREORDER_RATE_DEFAULT)


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    street: str
    city: str
    zip_code: str
    delivery_window: str = ""  # "17:00-20:00", local time, for a local delivery; "": the drop's


def request_fingerprint(customer: Customer, basket: Mapping[str, Any]) -> str:
    who = {k: v for k, v in customer.__dict__.items() if k != "delivery_window" or v}  # as before windows
    body = {"customer": who, "basket": {k: str(v) for k, v in sorted(basket.items())}}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def delivery_window_parse(text: str) -> tuple[time, time] | None:
    """ "17:00-20:00" -> (17:00, 20:00); "" -> None; ValueError for anything else or an empty window.

    >>> delivery_window_parse("9:00-12:30")
    (datetime.time(9, 0), datetime.time(12, 30))
    """
    text = text.strip()
    if not text:
        return None
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        window = time.fromisoformat(start.strip().zfill(5)), time.fromisoformat(end.strip().zfill(5))
    except ValueError:
        raise ValueError(f"{text!r} is not a window like 17:00-20:00") from None
    if window[1] <= window[0]:
        raise ValueError(f"the window {text} ends before it starts")
    return window


def delivery_window_choices(start: time, end: time, *, split: time = time(13)) -> list[tuple[str, str]]:
    """What a customer may pick at checkout: the drop's window ("" = any time in it), and its morning and
    afternoon halves when it spans ``split``.

    >>> [value for value, _ in delivery_window_choices(time(9), time(18))]
    ['', '09:00-13:00', '13:00-18:00']
    """
    hh = "{:%H:%M}".format
    choices = [("", f"Any time, {hh(start)}–{hh(end)}")]
    if start < split < end:
        choices.append((f"{hh(start)}-{hh(split)}", f"Morning, {hh(start)}–{hh(split)}"))
        choices.append((f"{hh(split)}-{hh(end)}", f"Afternoon, {hh(split)}–{hh(end)}"))
    return choices


def _storable(errors: FieldErrors, name: str, value: str, max_length: int) -> None:
    """Text its column can hold: PostgreSQL stores no NUL character, and no more than the column's length."""
    if "\x00" in value:
        errors.add(name, "Must not contain the NUL character.")
    elif len(value) > max_length:
        errors.add(name, f"At most {max_length} characters (got {len(value)}).")


def _key_checked(key: str) -> None:
    errors = FieldErrors()
    if not key:
        errors.add("idempotency_key", "Send an Idempotency-Key, one per checkout.")
    _storable(errors, "idempotency_key", key, IDEMPOTENCY_KEY_MAX_LENGTH)
    errors.raise_if_any("The Idempotency-Key is not valid")


def _checked(drop: Drop, offers: dict[str, DropVariant], customer: Customer, basket: Mapping[str, Any]):
    errors = FieldErrors()
    for field, max_length in CUSTOMER_MAX_LENGTHS.items():
        _storable(errors, field, getattr(customer, field), max_length)
    name = errors.required("name", customer.name)
    try:
        validate_email(customer.email)
    except DjangoValidationError:
        errors.add("email", f"{customer.email!r} is not an e-mail address.")
    errors.required("street", customer.street)
    window = None
    try:
        window = delivery_window_parse(customer.delivery_window)
    except ValueError as exc:
        errors.add("delivery_window", str(exc))
    place = None
    try:
        place = geocode_zip(customer.zip_code)
    except UnknownZipError as exc:
        errors.add("zip_code", str(exc))
    quantities: dict[str, int] = {}
    if not basket:
        errors.add("quantities", "Choose a size.")
    for sku, qty in basket.items():
        if sku not in offers:
            errors.add(f"quantities.{sku}", f"{sku} is not offered in this drop.")
            continue
        n = errors.positive_int(f"quantities.{sku}", qty)
        if n:
            quantities[sku] = n
    total = sum(quantities.values())
    if total > drop.per_customer_limit:
        errors.add("quantities", f"At most {drop.per_customer_limit} per customer (asked for {total}).")
    errors.raise_if_any("The pre-order is not valid")
    return name, place, quantities, window


def _availability(drop: Drop, offers: dict[str, DropVariant]) -> Availability:
    return Availability(
        run_cap=drop.run_cap,
        units_sold=drop.units_sold,
        variant_caps={sku: o.cap for sku, o in offers.items()},
        variant_sold={sku: o.sold for sku, o in offers.items()},
    )


def _units(basket: Mapping[str, Any]) -> list[int]:
    """The basket's quantities that are whole numbers (the rest are refused later, as field errors)."""
    return [int(n) for n in basket.values() if isinstance(n, int) or str(n).isdigit()] or [1]


def _is_local(drop: Drop, latlon: tuple[float, float]) -> bool:
    sites = drop.factory.facilities.values_list("latitude", "longitude")
    return any(distance_km(latlon, site) <= LOCAL_RADIUS_KM for site in sites)


def preorder_place(
    *,
    drop: Drop,
    customer: Customer,
    basket: Mapping[str, Any],
    idempotency_key: str,
    provider: PaymentProvider | None = None,
) -> tuple[PreOrder, bool]:
    """Pre-order `basket` ({sku: units}) for `customer`; returns (pre-order, created). Not one transaction on
    purpose: the provider call sits between the hold record and the pre-order (see the module docstring)."""
    _key_checked(idempotency_key)
    fingerprint = request_fingerprint(customer, basket)
    replay = PreOrder.objects.filter(drop=drop, idempotency_key=idempotency_key).first()
    if replay is not None:
        if replay.request_hash != fingerprint:
            raise IdempotencyConflict("This Idempotency-Key was used for a different pre-order.")
        return replay, False
    drop = Drop.objects.select_related("factory").get(pk=drop.pk)
    if drop.state in SELLING and drop.units_sold >= drop.run_cap:  # the rush's usual answer: nothing to read
        raise SoldOut(f"{drop.title} is sold out.", shortfalls={"run": sum(_units(basket))})
    offers = {o.variant.sku: o for o in drop.variants.select_related("variant")}
    name, place, quantities, window = _checked(drop, offers, customer, basket)
    now = timezone.now()
    if drop.state not in SELLING or not drop.opens_at <= now < drop.closes_at:
        raise DropClosed(f"{drop.title} is not taking pre-orders ({drop.state}).")
    short = basket_shortfalls(_availability(drop, offers), quantities)
    if short:  # no lock taken: the counters say it cannot fit
        raise SoldOut(f"{drop.title}: not enough left.", shortfalls=short)

    amount = sum((offers[sku].price * n for sku, n in quantities.items()), Decimal(0))
    provider = provider or get_provider()
    hold = _hold_ask(drop, provider, amount, customer.email, idempotency_key)
    try:
        preorder = _take_units(
            drop, offers, quantities, customer, name, place, window, amount, hold, fingerprint
        )
    except (SoldOut, DropClosed):
        # A twin with this key (double click, retry while we ran) may have placed the pre-order with this
        # very hold meanwhile: answer as a replay would, and do not void the hold it is paid with.
        twin = _twin(drop, idempotency_key, fingerprint)
        if twin is not None:
            return twin, False
        _hold_release(hold, provider)
        raise
    except IntegrityError:  # the same key raced in twice: the other request wrote it, with this very hold
        twin = _twin(drop, idempotency_key, fingerprint)
        if twin is None:
            raise
        return twin, False
    transaction.on_commit(lambda: tasks.notify_preorder_received.enqueue(preorder_id=preorder.pk))
    return preorder, True


def _twin(drop: Drop, key: str, fingerprint: str) -> PreOrder | None:
    """The pre-order placed with `key` by a concurrent request; IdempotencyConflict if its body differed."""
    twin = PreOrder.objects.filter(drop=drop, idempotency_key=key).first()
    if twin is not None and twin.request_hash != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was used for a different pre-order.")
    return twin


def _hold_ask(drop: Drop, provider: PaymentProvider, amount: Decimal, email: str, key: str) -> PaymentHold:
    hold, _ = PaymentHold.objects.get_or_create(
        idempotency_key=f"{drop.pk}:{key}",
        defaults={"drop": drop, "provider": provider.name, "amount": amount, "currency": drop.currency},
    )
    if hold.status in (PaymentHold.Status.VOIDED, PaymentHold.Status.FAILED):
        # The provider would replay its old answer for this key (a cancelled or declined payment).
        raise IdempotencyConflict(
            "This Idempotency-Key belongs to a pre-order that did not go through; retry with a new key."
        )
    try:
        answer = provider.authorize(
            amount=amount,
            currency=drop.currency,
            email=email,
            description=drop.title,
            idempotency_key=hold.idempotency_key,
        )
    except PaymentDeclined as exc:
        PaymentHold.objects.filter(pk=hold.pk).update(status=PaymentHold.Status.FAILED)
        raise PaymentFailed(f"The payment was declined: {exc}") from exc
    except PaymentError as exc:
        raise PaymentFailed(f"The payment provider did not answer; nothing was charged ({exc}).") from exc
    PaymentHold.objects.filter(pk=hold.pk).update(
        reference=answer.reference, status=PaymentHold.Status.AUTHORIZED
    )
    hold.reference, hold.status = answer.reference, PaymentHold.Status.AUTHORIZED
    return hold


def _hold_release(hold: PaymentHold, provider: PaymentProvider) -> None:
    provider.void(reference=hold.reference, idempotency_key=f"void:{hold.idempotency_key}")
    PaymentHold.objects.filter(pk=hold.pk).update(status=PaymentHold.Status.VOIDED)


@transaction.atomic
def _take_units(
    drop, offers, quantities, customer, name, place, window, amount, hold, fingerprint
) -> PreOrder:
    units = sum(quantities.values())
    # The drop row first: its UPDATE locks it, so every pre-order of this drop queues here, in one order.
    taken = Drop.objects.filter(
        pk=drop.pk, state__in=list(SELLING), units_sold__lte=drop.run_cap - units
    ).update(units_sold=F("units_sold") + units, revenue=F("revenue") + amount)
    if not taken:
        fresh = Drop.objects.get(pk=drop.pk)
        if fresh.state not in SELLING:
            raise DropClosed(f"{drop.title} is not taking pre-orders ({fresh.state}).")
        raise SoldOut(
            f"{drop.title}: sold out.", shortfalls={"run": units - (fresh.run_cap - fresh.units_sold)}
        )
    bought = (
        PreOrder.objects.filter(drop=drop, email__iexact=customer.email)
        .exclude(state__in=[PreOrder.State.VOIDED, PreOrder.State.REFUNDED])
        .aggregate(n=Sum("units"))["n"]
        or 0
    )
    if bought + units > drop.per_customer_limit:
        raise SoldOut(
            f"At most {drop.per_customer_limit} per customer; {customer.email} has {bought} already.",
            shortfalls={"customer": bought + units - drop.per_customer_limit},
        )
    for sku in sorted(quantities, key=lambda s: offers[s].pk):
        offer, n = offers[sku], quantities[sku]
        fits = DropVariant.objects.filter(pk=offer.pk)
        if offer.cap is not None:
            fits = fits.filter(sold__lte=offer.cap - n)
        if not fits.update(sold=F("sold") + n):
            raise SoldOut(f"{sku} is sold out.", shortfalls={sku: n})
    preorder = PreOrder.objects.create(
        drop=drop,
        name=name,
        email=customer.email.strip(),
        street=customer.street.strip(),
        city=customer.city.strip() or place.city,
        zip_code=place.zip_code,
        local_delivery=_is_local(drop, (place.latitude, place.longitude)),
        delivery_window_start=window[0] if window else None,
        delivery_window_end=window[1] if window else None,
        units=units,
        # What is on sale: the approved version production would cut now (a version under review is not).
        pattern_version=pattern_version_latest(style_id=drop.style_id, approved=True),
        amount=amount,
        currency=drop.currency,
        idempotency_key=hold.idempotency_key.split(":", 1)[1],
        request_hash=fingerprint,
    )
    PreOrderLine.objects.bulk_create(
        PreOrderLine(preorder=preorder, offer=offers[sku], quantity=n, unit_price=offers[sku].price)
        for sku, n in quantities.items()
    )
    PaymentHold.objects.filter(pk=hold.pk).update(preorder=preorder)
    _fund_if_crossed(drop.pk)
    return preorder


def _fund_if_crossed(drop_id: int) -> None:
    """Inside the pre-order transaction: the one that crosses the threshold marks the drop funded; every
    pre-order of a funded drop has the funding task bring capture and production up to date after commit."""
    drop = Drop.objects.get(pk=drop_id)
    if drop.state == DropState.LIVE and is_funded(
        units=drop.units_sold,
        revenue=drop.revenue,
        threshold_units=drop.threshold_units,
        threshold_revenue=drop.threshold_revenue,
    ):
        Drop.objects.filter(pk=drop_id).update(state=DropState.FUNDED, funded_at=timezone.now())
        drop.state = DropState.FUNDED
    if drop.state == DropState.FUNDED:
        transaction.on_commit(lambda: tasks.drop_fund.enqueue(drop_id=drop_id))
