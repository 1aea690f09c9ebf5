"""What the admin's forms offer: as another organization's owner, no dropdown (main form or inline) lists a
row of someone else's, and a crafted post with such an id is refused (issue #13)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db import models
from django.test import Client
from django.urls import reverse

from seamline.accounts.models import Membership, Organization
from seamline.accounts.services import api_token_create
from seamline.catalog.models import BomLine, Certification, Style
from seamline.catalog.services import certification_add
from seamline.core.admin import TenantAdmin
from seamline.cutting.dxf_aama import write_dxf_aama
from seamline.cutting.pattern import Pattern, Piece
from seamline.cutting.services import cut_plan_request, pattern_import
from tests import factories as f
from tests.drops.helpers import buy, make_drop

INVALID_CHOICE = "Select a valid choice"


def _tenant_admins() -> dict[type[models.Model], TenantAdmin]:
    return {m: ma for m, ma in admin.site._registry.items() if isinstance(ma, TenantAdmin)}


def _owner(org: Organization) -> User:
    """An owner as the demo makes one (staff), with every permission of the tenant-scoped apps (more than
    the demo's group gives, so every form is tried)."""
    user = f.make_member(org)
    user.is_staff = True
    user.save()
    apps = {m._meta.app_label for m in _tenant_admins()}
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    return user


def _pattern() -> Pattern:
    square = ((0, 0), (30, 0), (30, 40), (0, 40))
    pieces = tuple(
        Piece(name="Body", size=size, quantity=2, boundary=square, grain_line=((15, 2), (15, 38)))
        for size in ("S", "M", "L")
    )
    return Pattern(style_name="Jacket", units="METRIC", sample_size="M", pieces=pieces)


@dataclass
class World:
    brand: Organization
    factory: Organization
    brand_owner: User
    factory_owner: User


def _world(tag: str, tmp_path) -> World:
    """A brand and its factory with a row of every kind the admin shows, each made by the real services."""
    brand, factory = f.make_org("brand", f"{tag} brand"), f.make_org("factory", f"{tag} factory")
    brand_owner, factory_owner = _owner(brand), _owner(factory)
    f.make_member(factory, role="operator")
    facility = f.make_facility(factory, name=f"{tag} floor")
    material = f.make_material(brand, name=f"{tag} denim")
    certification_add(material=material, scheme="GOTS", certificate_number=tag, expires_on="2030-01-01")
    f.make_roll(facility, material)
    style = f.make_style(brand, material=material, code=f"{tag}-01")
    path = tmp_path / f"{tag}.dxf"
    write_dxf_aama(_pattern(), path)
    with path.open("rb") as dxf:
        pattern_import(style=style, dxf=dxf, by=brand_owner)
    order = f.make_order(brand, factory, style)
    cut_plan_request(order=order, organization=factory, by=factory_owner, enqueue=False)
    buy(make_drop(brand, factory))
    api_token_create(organization=brand, name=f"{tag} ERP", created_by=brand_owner)
    api_token_create(organization=factory, name=f"{tag} dye house", facility=facility)
    return World(brand=brand, factory=factory, brand_owner=brand_owner, factory_owner=factory_owner)


@dataclass
class Scene:
    mine: World
    theirs: World
    outsiders: dict[type[models.Model], set[int]]  # every row that existed before our world was made


@pytest.fixture
def scene(db, tmp_path) -> Scene:
    theirs = _world("Their", tmp_path)
    get_user_model().objects.create_superuser(username="root@seamline.example", email="root@seamline.example")
    labels = {m._meta.app_label for m in _tenant_admins()}
    kinds = {get_user_model()} | {
        m for label in labels for m in django_apps.get_app_config(label).get_models()
    }
    outsiders = {m: set(m._default_manager.values_list("pk", flat=True)) for m in kinds}
    return Scene(mine=_world("Our", tmp_path), theirs=theirs, outsiders=outsiders)


def _foreign(scene: Scene, field_name: str, model: type[models.Model], pk: int) -> bool:
    if field_name == "factory" and pk == scene.theirs.factory.pk:
        return False  # a brand picks its factory from the directory of factories
    return pk in scene.outsiders.get(model, set())


def _choice_fields(response) -> list[tuple[str, forms.Form, str, forms.ModelChoiceField]]:
    """(where, form, field name, field) of every dropdown in the main form and in every inline form."""
    found = [("main form", response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        found += [(f"{formset.prefix} row {i}", form) for i, form in enumerate(formset.forms)]
        found.append((f"{formset.prefix} new row", formset.empty_form))
    return [
        (where, form, name, field)
        for where, form in found
        for name, field in form.fields.items()
        # An inline row's hidden id is no choice: the formset ignores a row outside its parent's.
        if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden
    ]


def _own_change_urls(scene: Scene, model: type[models.Model]) -> list[str]:
    info = (model._meta.app_label, model._meta.model_name)
    ours = model._default_manager.exclude(pk__in=scene.outsiders[model]).values_list("pk", flat=True)
    return [reverse("admin:{}_{}_change".format(*info), args=[pk]) for pk in ours]


def _forms_of(scene: Scene, client: Client, model: type[models.Model]):
    """Each add and change page of `model` the owner may open, with its response."""
    info = (model._meta.app_label, model._meta.model_name)
    for url in [reverse("admin:{}_{}_add".format(*info)), *_own_change_urls(scene, model)]:
        response = client.get(url)
        if response.status_code in (403, 404):  # no add page (tokens), or the partner's row (facilities)
            continue
        assert response.status_code == 200, url
        yield url, response


def _owners(scene: Scene) -> list[Client]:
    clients = []
    for user in (scene.mine.brand_owner, scene.mine.factory_owner):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_no_dropdown_offers_another_tenants_row(scene):
    opened = set()
    for client in _owners(scene):
        for model in _tenant_admins():
            for url, response in _forms_of(scene, client, model):
                opened.add(model)
                for where, _, name, field in _choice_fields(response):
                    leaked = [
                        label
                        for value, label in field.choices
                        if value and _foreign(scene, name, field.queryset.model, value.value)
                    ]
                    assert not leaked, f"{url} {where} {name} offers {leaked}"
    assert opened == set(_tenant_admins())  # every tenant admin was looked at


def test_admins_that_are_not_tenant_scoped_are_closed_to_owners(scene):
    client = _owners(scene)[0]
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, TenantAdmin):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 403, url


class _FormData(HTMLParser):
    """What a browser would post for the admin's form as rendered (selected options, text, checkboxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._first: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file", "image"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            self._first.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self.data[self._select]:
                self.data[self._select] = [self._first.get(self._select, "")]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data


def _posted(response) -> dict[str, list[str]]:
    parser = _FormData()
    parser.feed(response.content.decode())
    return parser.data


def _errors_of(response, where: str, name: str) -> list[str]:
    for found_where, form, found_name, _ in _choice_fields(response):
        if (found_where, found_name) == (where, name):
            return list(form.errors.get(name, []))
    raise AssertionError(f"{where} {name} is not on the page any more")


def test_a_crafted_post_with_another_tenants_id_is_refused(scene):
    tried = 0
    for client in _owners(scene):
        for model in _tenant_admins():
            for url, page in _forms_of(scene, client, model):
                if url.endswith("/add/"):
                    continue  # the change forms carry every select with a valid rest of the form
                for where, form, name, field in _choice_fields(page):
                    theirs = sorted(
                        pk
                        for pk in scene.outsiders.get(field.queryset.model, ())
                        if _foreign(scene, name, field.queryset.model, pk)
                    )
                    if where.endswith("new row") or not theirs:
                        continue
                    data = _posted(page) | {"_save": ["Save"], form.add_prefix(name): [str(theirs[-1])]}
                    response = client.post(url, data)
                    tried += 1
                    assert response.status_code == 200, f"{url} {where} {name}: saved with {theirs[-1]}"
                    assert any(INVALID_CHOICE in e for e in _errors_of(response, where, name)), (url, name)
    assert tried >= 10


def test_a_bom_line_on_their_material_is_refused(scene):
    """The finding: an own style saved with a BOM line on the other brand's fabric."""
    client = _owners(scene)[0]
    style = Style.objects.get(code="OUR-01")
    their_fabric = scene.theirs.brand.materials.get(name="Their denim")
    url = reverse("admin:catalog_style_change", args=[style.pk])
    data = _posted(client.get(url))
    n = int(data["bom_lines-TOTAL_FORMS"][0])
    data |= {
        "bom_lines-TOTAL_FORMS": [str(n + 1)],
        f"bom_lines-{n}-material": [str(their_fabric.pk)],
        f"bom_lines-{n}-placement": ["lining"],
        f"bom_lines-{n}-consumption": ['{"S": "1.000", "M": "1.000", "L": "1.000"}'],
        "_save": ["Save"],
    }
    response = client.post(url, data)
    assert response.status_code == 200 and INVALID_CHOICE in response.content.decode()
    assert not BomLine.objects.filter(material=their_fabric, style=style).exists()


def test_add_pages_list_no_one_outside_the_organization(scene):
    client = _owners(scene)[0]
    users = get_user_model().objects.exclude(memberships__organization=scene.mine.brand)
    outside = list(users.values_list("email", flat=True))
    assert "root@seamline.example" in outside and scene.theirs.brand_owner.email in outside
    for page in ("admin:accounts_membership_add", "admin:cutting_patternversion_add"):
        body = client.get(reverse(page)).content.decode()
        assert not [e for e in outside if e in body], page
        assert scene.mine.brand_owner.email in body, page


def test_a_membership_for_an_outsider_is_refused(scene):
    client = _owners(scene)[0]
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": scene.theirs.brand_owner.pk, "organization": scene.mine.brand.pk, "role": "staff"},
    )
    assert response.status_code == 200 and INVALID_CHOICE in response.content.decode()
    assert not Membership.objects.filter(
        user=scene.theirs.brand_owner, organization=scene.mine.brand
    ).exists()


def test_their_inline_row_posted_under_our_record_is_left_alone(scene):
    client = _owners(scene)[0]
    ours = scene.mine.brand.materials.get(name="Our denim")
    theirs = Certification.objects.get(material__organization=scene.theirs.brand)
    url = reverse("admin:catalog_material_change", args=[ours.pk])
    data = _posted(client.get(url)) | {"certifications-0-id": [str(theirs.pk)], "_save": ["Save"]}
    data["certifications-0-certificate_number"] = ["Forged"]
    client.post(url, data)
    theirs.refresh_from_db()
    assert theirs.certificate_number == "Their" and theirs.material.organization == scene.theirs.brand
    assert not Certification.objects.filter(certificate_number="Forged").exists()
