"""Tenancy for the Django admin: staff see only their organization's rows; another's answers 404."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest


class TenantAdmin(admin.ModelAdmin):
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

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "doesn't exist"; we answer 404 as the UI and API do.
        raise Http404(f"No {opts.verbose_name} with id {object_id}")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        org = getattr(request, "organization", None)
        related = db_field.related_model
        if not request.user.is_superuser and org is not None:
            field = db_field.name
            if field in {"organization", "brand"}:
                kwargs["queryset"] = related.objects.filter(pk=org.pk)
            elif field == "factory":
                kwargs["queryset"] = related.objects.filter(kind="factory")
            elif hasattr(related, "organization"):
                kwargs["queryset"] = related.objects.filter(organization=org)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
