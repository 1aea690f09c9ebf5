"""Another tenant attacks (issue #13): a second brand and a second factory, with their own owners, tokens,
sessions and admin logins, try every route of the app against the demo's tenants: each URL of the URL conf,
each operation of the OpenAPI document, each admin change, history and delete page. They may read nothing
of the demo's tenants and change nothing of theirs.

Routes are enumerated, not listed: a route's path parameters are filled with the demo tenants' ids by the
path segment before them ("orders/<pk>" takes an order, "rolls/<pk>" a roll). What a request may not reveal
is a list of the demo tenants' own words (material and style names, roll ids, buyers, order numbers); what
it may not change is a fingerprint of every row of every Seamline model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from seamline.accounts.models import ApiToken, Organization
from seamline.cutting.models import CutPlan, Lay, Marker, PatternVersion
from seamline.demo import demo_seed
from seamline.drops.models import Drop, PreOrder
from seamline.production.models import Garment, ProductionOrder
from seamline.trace.models import CaptureJob, Event
from tests import factories as f

# Pages anyone may read (a drop's public page, a passport, the API's description): they are checked for
# writes only.
PUBLIC = re.compile(
    r"^(login|logout|favicon|drops_public:|passport:(page|json|verify|did|context|status_list)$|epcis:context"
    r"|api:(openapi-json|openapi-view|api-root|preorder_create|drop_status_get)$|footprint:factor"
    r"|delivery:tracking)"  # a customer's tracking page, behind their pre-order's private token
)
# The demo tenants' own words: none may appear in what the attacker gets from a private route.
SECRETS = [
    "13.5 oz Japanese selvedge denim",
    "19 momme silk charmeuse",
    "IBR-2611A-01",
    "WLS-CHM-07-01",
    "Selvedge Chore Jacket",
    "Bias-Cut Silk Slip Dress",
    "ana.ruiz@example.com",
    "live fitting drop",
    "Ibara Textile Trading",
]


@dataclass
class Tally:
    routes: set[str] = field(default_factory=set)
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # server errors (5xx)


@pytest.fixture
def world(db):
    """The demo's tenants (the victims, with every kind of record) and two attackers with owners and
    tokens; the attackers' owners may use the admin, as the demo's owners may."""
    demo_seed()
    victims = list(Organization.objects.filter(slug__in=["echo-park-atelier", "alameda-street-sewing"]))
    factory = Organization.objects.get(slug="alameda-street-sewing")
    capture_token = f.make_token(factory)
    owners = Group.objects.get(name="Organization owners")
    attackers = {}
    for kind, name in (("brand", "Rival Label"), ("factory", "Rival Works")):
        org = f.make_org(kind, name)
        user = f.make_member(org)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(owners)
        attackers[kind] = {"org": org, "user": user, "token": f.make_token(org)}
    own_material = f.make_material(attackers["brand"]["org"], name="Rival twill")
    f.make_order(
        attackers["brand"]["org"],
        attackers["factory"]["org"],
        f.make_style(attackers["brand"]["org"], material=own_material),
    )
    return {"victims": victims, "attackers": attackers, "capture_token": capture_token}


def fingerprint() -> dict[str, str]:
    """Every row of every Seamline model (and users), hashed per model: any insert, update or delete shows."""
    models = [m for m in apps.get_models() if m.__module__.startswith("seamline.")]
    models.append(apps.get_model("auth", "User"))
    prints = {}
    for model in models:
        if model._meta.label in {"accounts.SignInAttempt"}:  # the attackers' own sign-ins are logged
            continue
        digest = hashlib.sha256()
        # A user's last_login moves when the attackers sign in; nothing else of a user may.
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows = model.objects.order_by("pk").values_list(*names)
        for row in rows.iterator():
            digest.update(repr(row).encode())
        prints[model._meta.label] = digest.hexdigest()
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> str:
    return ", ".join(label for label in after if before.get(label) != after[label])


# The victims' ids, by the path segment a parameter follows ("orders/<pk>") or by its name ("order_id").
def victim_ids(victims: list[Organization]) -> dict[str, list[str]]:
    orders = ProductionOrder.objects.filter(brand__in=victims)
    return {
        "facilities": [
            str(p)
            for p in apps.get_model("facilities", "Facility")
            .objects.filter(organization__in=victims)
            .values_list("pk", flat=True)[:3]
        ],
        "materials": [
            str(p)
            for p in apps.get_model("catalog", "Material")
            .objects.filter(organization__in=victims)
            .values_list("pk", flat=True)[:2]
        ],
        "rolls": [
            str(p)
            for p in apps.get_model("catalog", "FabricRoll")
            .objects.filter(material__organization__in=victims)
            .values_list("pk", flat=True)[:2]
        ],
        "styles": [
            str(p)
            for p in apps.get_model("catalog", "Style")
            .objects.filter(organization__in=victims)
            .values_list("pk", flat=True)[:2]
        ],
        "orders": [str(p) for p in orders.values_list("pk", flat=True)],
        "patterns": [
            str(p)
            for p in PatternVersion.objects.filter(style__organization__in=victims).values_list(
                "pk", flat=True
            )[:1]
        ],
        "cut-plans": [
            str(p) for p in CutPlan.objects.filter(order__in=orders).values_list("pk", flat=True)[:1]
        ],
        "markers": [
            str(p) for p in Marker.objects.filter(plan__order__in=orders).values_list("pk", flat=True)[:1]
        ],
        "lays": [str(p) for p in Lay.objects.filter(plan__order__in=orders).values_list("pk", flat=True)[:1]],
        "garments": [
            str(u) for u in Garment.objects.filter(order__in=orders).values_list("uid", flat=True)[:1]
        ],
        "tokens": [
            str(p) for p in ApiToken.objects.filter(organization__in=victims).values_list("pk", flat=True)
        ],
        "drops": list(Drop.objects.filter(brand__in=victims).values_list("slug", flat=True)),
        "d": list(Drop.objects.filter(brand__in=victims).values_list("slug", flat=True)),
        "capture": [
            str(p) for p in CaptureJob.objects.filter(organization__in=victims).values_list("pk", flat=True)
        ],
        "events": list(Event.objects.filter(organization__in=victims).values_list("event_id", flat=True)[:2]),
        "p": [f"{o.number}-0001" for o in orders.filter(state__in=["packed", "delivered"])],
        "parcels": [
            str(p)
            for p in apps.get_model("delivery", "Parcel")
            .objects.filter(organization__in=victims)
            .values_list("pk", flat=True)[:2]
        ],
        "delivery-plans": [
            str(p)
            for p in apps.get_model("delivery", "Plan")
            .objects.filter(organization__in=victims)
            .values_list("pk", flat=True)[:1]
        ],
        "routes": [
            str(p)
            for p in apps.get_model("delivery", "Route")
            .objects.filter(plan__organization__in=victims)
            .values_list("pk", flat=True)[:1]
        ],
        "stops": [
            str(p)
            for p in apps.get_model("delivery", "Stop")
            .objects.filter(route__plan__organization__in=victims, kind__in=["parcel", "dropoff"])
            .values_list("pk", flat=True)[:2]
        ],
        "preorders": list(
            PreOrder.objects.filter(drop__brand__in=victims).values_list("access_token", flat=True)[:1]
        ),
    }


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
_BY_NAME = {
    "order_id": "orders",
    "order_pk": "orders",
    "style_id": "styles",
    "style_pk": "styles",
    "material_id": "materials",
    "facility_id": "facilities",
    "roll_id": "rolls",
    "plan_id": "cut-plans",
    "lay_id": "lays",
    "pattern_id": "patterns",
    "slug": "drops",
    "serial": "p",
    "uid": "garments",
    "event_id": "events",
    "token": "preorders",
}
_FILLERS = {
    "action": ["sew", "finish", "deliver"],
    "fmt": ["svg", "pdf", "dxf", "json"],
    "version": ["2026.1"],
    "factor_id": ["electricity.grid.us-camx"],
    "name": ["seamline"],
}


def routes() -> Iterator[tuple[str, str]]:
    """(name, path pattern) of every route of the URL conf but the admin's (checked apart)."""

    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p.url_patterns, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else "")
                )
            elif isinstance(p, URLPattern):
                yield ns + (p.name or str(p.pattern)), prefix + str(p.pattern)

    for name, pattern in walk(get_resolver().url_patterns):
        if not pattern.startswith("admin/"):
            yield name, pattern


def concrete(pattern: str, ids: dict[str, list[str]]) -> list[str]:
    """The pattern with each parameter filled by a victim's id (the segment before it, or its name)."""
    text = pattern.replace("^", "").replace("$", "").replace("\\.", ".")
    paths = [text]
    for match in _PARAM.finditer(text):
        name = match.group(2) or match.group(3)
        before = text[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        values = _FILLERS.get(name) or ids.get(before) or ids.get(_BY_NAME.get(name, ""), [])
        if not values:
            return []
        paths = [p.replace(match.group(0), v, 1) for p in paths for v in values]
    return ["/" + p for p in paths]


def check(tally: Tally, label: str, response, *, private: bool, took_id: bool) -> None:
    tally.requests += 1
    if response.status_code >= 500:
        tally.errors.append(f"{label}: {response.status_code}")
    kind = response.get("Content-Type", "")
    readable = not response.streaming and kind.startswith(("text", "application/json", "application/problem"))
    body = response.content.decode(errors="replace") if readable else ""
    if private and response.status_code == 200 and took_id:
        tally.leaks.append(f"{label}: 200 on another tenant's record")
    if private:
        for secret in SECRETS:
            if secret in body:
                tally.leaks.append(f"{label}: shows {secret!r}")
                break


def attack_url_conf(world) -> Tally:
    """Every route of the URL conf, with the victims' ids, as each attacker's session (the API's and the
    ledger's with its token): GET, then an empty POST."""
    ids = victim_ids(world["victims"])
    tally = Tally()
    before = fingerprint()
    for who, attacker in world["attackers"].items():
        session = Client()
        session.force_login(attacker["user"])
        token = Client(HTTP_AUTHORIZATION=f"Bearer {attacker['token']}")
        for name, pattern in routes():
            private = not PUBLIC.match(name)
            took_id = "<" in pattern or "(?P" in pattern
            for path in (
                concrete(pattern, ids) if took_id else ["/" + pattern.replace("^", "").replace("$", "")]
            ):
                tally.routes.add(name)
                client = token if path.startswith(("/api/", "/epcis/")) else session
                check(tally, f"{who} GET {path}", client.get(path), private=private, took_id=took_id)
                if took_id:
                    check(tally, f"{who} POST {path}", client.post(path, {}), private=private, took_id=False)
                    after = fingerprint()
                    if after != before:
                        tally.writes.append(f"{who} POST {path}: {changed(before, after)}")
                        before = after
    return tally


def attack_openapi(world) -> Tally:
    """Each operation of the OpenAPI document, with the victims' ids in its path, as each attacker's token."""
    ids = victim_ids(world["victims"])
    schema = Client().get("/api/v1/openapi.json").json()
    tally = Tally()
    before = fingerprint()
    for who, attacker in world["attackers"].items():
        token = Client(HTTP_AUTHORIZATION=f"Bearer {attacker['token']}")
        for template, operations in schema["paths"].items():
            for method, operation in operations.items():
                # ninja's operationId is module_function; the URL conf names the public ones by function
                private = not re.search(r"(preorder_create|drop_status_get)$", operation["operationId"])
                took_id = "{" in template
                paths = (
                    concrete(re.sub(r"\{(\w+)\}", r"<\1>", template.removeprefix("/")), ids)
                    if took_id
                    else ["/" + template.removeprefix("/")]
                )
                for path in paths:
                    tally.routes.add(f"{method} {template}")
                    send = getattr(token, method)
                    response = (
                        send(path)
                        if method in ("get", "delete")
                        else send(path, data=json.dumps({}), content_type="application/json")
                    )
                    check(
                        tally,
                        f"{who} {method.upper()} {path}",
                        response,
                        private=private,
                        took_id=took_id and method == "get",
                    )
                    if took_id and method != "get" and private and 200 <= response.status_code < 300:
                        code = response.status_code
                        tally.leaks.append(
                            f"{who} {method.upper()} {path}: {code} on another tenant's record"
                        )
                after = fingerprint()
                if after != before:
                    tally.writes.append(f"{who} {method.upper()} {template}: {changed(before, after)}")
                    before = after
    return tally


def attack_admin(world) -> Tally:
    """Every model registered in the admin: the victims' rows' change, history and delete pages, and a
    delete confirmation, as each attacker's owner."""
    tally = Tally()
    before = fingerprint()
    for who, attacker in world["attackers"].items():
        client = Client()
        client.force_login(attacker["user"])
        for model, model_admin in admin.site._registry.items():
            if not hasattr(model_admin, "tenant_filter"):
                continue
            visible = model.objects.filter(model_admin.tenant_filter(attacker["org"])).values_list(
                "pk", flat=True
            )
            theirs = (
                model.objects.exclude(pk__in=list(visible)).order_by("pk").values_list("pk", flat=True)[:3]
            )
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
            tally.routes.add(base)
            listing = client.get(f"{base}/")
            check(tally, f"{who} GET {base}/", listing, private=True, took_id=False)
            for pk in theirs:
                for suffix in ("change", "history", "delete"):
                    response = client.get(f"{base}/{pk}/{suffix}/")
                    tally.requests += 1
                    if response.status_code not in (403, 404):
                        tally.leaks.append(f"{who} GET {base}/{pk}/{suffix}/: {response.status_code}")
                response = client.post(f"{base}/{pk}/delete/", {"post": "yes"})
                tally.requests += 1
                if response.status_code not in (403, 404):
                    tally.leaks.append(f"{who} POST {base}/{pk}/delete/: {response.status_code}")
            after = fingerprint()
            if after != before:
                tally.writes.append(f"{who} {base}: {changed(before, after)}")
                before = after
    return tally


@pytest.mark.django_db
def test_another_tenant_reads_nothing_and_writes_nothing(world, settings):
    """One world (the demo seed takes ~20 s), three attacks; every count is printed (pytest -s)."""
    settings.SEAMLINE_PREORDER_RATE = "off"  # the attack is a burst of requests from one address
    results = [
        ("URL conf", "routes", attack_url_conf(world)),
        ("OpenAPI", "operations", attack_openapi(world)),
        ("Admin", "models", attack_admin(world)),
    ]
    for what, unit, tally in results:
        print(
            f"\n{what}: {len(tally.routes)} {unit}, {tally.requests} requests, "
            f"{len(tally.leaks)} leaks, {len(tally.writes)} writes, {len(tally.errors)} server errors"
        )
    problems = [line for _, _, tally in results for line in tally.leaks + tally.writes + tally.errors]
    assert problems == [], "\n".join(problems)
