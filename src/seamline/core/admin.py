"""Tenancy for the Django admin: staff see only their organization's rows; another's answers 404.

The same holds for what a form offers: every foreign-key and many-to-many choice, in the main form and in
every inline, lists only rows the organization may use (and a posted id outside them is refused, since the
form field validates against that queryset). The rows of a model are those its own admin shows the user;
a model without an admin of its own is scoped through its parent (its first required foreign key); a lower
layer's model the admin cannot see into (the user model, organizations) registers its rule with
`choice_scope_add`. Anything else offers nothing: a choice nobody scoped is a leak waiting to happen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

__all__ = ["TenantAdmin", "TenantChoices", "TenantTabularInline", "choice_scope_add", "tenant_choices"]

# (organization, field name) -> the rows it may choose; the field name tells a brand from a factory.
ChoiceScope = Callable[[Any, str], QuerySet]
_SCOPES: dict[type[models.Model], ChoiceScope] = {}
_MAX_PARENT_HOPS = 3


def choice_scope_add(model: type[models.Model], scope: ChoiceScope) -> None:
    """Say which rows of `model` an organization may choose in the admin's forms."""
    _SCOPES[model] = scope


def _parent_key(model: type[models.Model]) -> models.ForeignKey | None:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and not field.null:
            return field
    return None


def tenant_choices(
    request: HttpRequest, model: type[models.Model], field_name: str, site: admin.AdminSite, hops: int = 0
) -> QuerySet:
    """The rows of `model` the request's organization may pick for a field named `field_name`."""
    org = getattr(request, "organization", None)
    if org is None:
        return model._default_manager.none()
    if model in _SCOPES:
        return _SCOPES[model](org, field_name)
    model_admin = site._registry.get(model)
    if isinstance(model_admin, TenantAdmin):
        return model_admin.get_queryset(request)
    parent = _parent_key(model) if model_admin is None and hops < _MAX_PARENT_HOPS else None
    if parent is None:
        return model._default_manager.none()
    # A parent is what the row belongs to, not a choice: no directory of factories on the way up.
    parents = tenant_choices(request, parent.related_model, "", site, hops + 1)
    return model._default_manager.filter(**{f"{parent.name}__in": parents})


class TenantChoices:
    """Scopes the choices of a ModelAdmin or an inline (both ask `get_field_queryset` for every relation)."""

    admin_site: admin.AdminSite

    def get_field_queryset(self, db: str | None, db_field: Any, request: HttpRequest) -> QuerySet | None:
        if request.user.is_superuser:
            return super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        choices = tenant_choices(request, db_field.related_model, db_field.name, self.admin_site)
        return choices.using(db) if db else choices


class TenantTabularInline(TenantChoices, admin.TabularInline):
    """An inline of a TenantAdmin: its dropdowns are scoped as the main form's are."""


class TenantAdmin(TenantChoices, admin.ModelAdmin):
    """`tenant_filter(org)` returns the Q of rows an organization may see; superusers see everything."""

    def tenant_filter(self, organization) -> Q:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        org = getattr(request, "organization", None)
        if org is None:
            return qs.none()
        return qs.filter(self.tenant_filter(org)).distinct()

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list:
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            # An unscoped inline would offer every tenant's rows beside a scoped main form.
            if not isinstance(inline, TenantChoices):
                name = f"{type(inline).__name__} of {type(self).__name__}"
                raise ImproperlyConfigured(f"{name} must subclass TenantChoices (TenantTabularInline)")
        return inlines

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "doesn't exist"; we answer 404 as the UI and API do.
        raise Http404(f"No {opts.verbose_name} with id {object_id}")
