"""Drops for tests, made through the real services."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from seamline.drops.models import Drop
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from tests import factories as f


def make_drop(
    brand, factory, *, run_cap=10, threshold=6, per_customer=2, caps=None, price="180.00", live=True, **extra
) -> Drop:
    if not factory.facilities.exists():
        f.make_facility(factory, kind="cut_and_sew", zip_code="90021")
    style = f.make_style(brand, material=f.make_material(brand))
    skus = {v.size: v.sku for v in style.variants.all()}
    now = timezone.now()
    drop = drop_create(
        brand=brand,
        factory=factory,
        style=style,
        title=extra.pop("title", f"Drop {uuid.uuid4().hex[:6]}"),
        prices=dict.fromkeys(skus.values(), price),
        run_cap=run_cap,
        threshold_units=threshold,
        per_customer_limit=per_customer,
        variant_caps={skus[s]: n for s, n in (caps or {}).items()},
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=1),
        **extra,
    )
    return drop_open(drop=drop) if live else drop


def sku(drop: Drop, size: str) -> str:
    return drop.variants.get(variant__size=size).variant.sku


def buyer(n: int = 1, zip_code: str = "90026") -> Customer:
    return Customer(
        name=f"Buyer {n}", email=f"buyer{n}@example.com", street="1 Sunset Blvd", city="", zip_code=zip_code
    )


def buy(drop: Drop, size: str = "M", qty: int = 1, n: int = 1, key: str | None = None, **kw):
    return preorder_place(
        drop=drop,
        customer=kw.pop("customer", buyer(n)),
        basket={sku(drop, size): qty},
        idempotency_key=key or uuid.uuid4().hex,
        **kw,
    )
