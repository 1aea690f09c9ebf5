from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from seamline.core.admin import TenantAdmin, choice_scope_add

from . import signin_admin  # noqa: F401  (the admin's throttled sign-in form, the sign-in log)
from .models import ApiToken, Membership, Organization


def _organization_choices(organization: Organization, field: str) -> QuerySet[Organization]:
    # A brand picks its factory from the directory (as the order form does); any other field is its own.
    if field == "factory":
        return Organization.objects.filter(kind=Organization.Kind.FACTORY)
    return Organization.objects.filter(pk=organization.pk)


def _user_choices(organization: Organization, field: str) -> QuerySet:
    """Only the organization's members: not another tenant's people, nor the superuser."""
    return get_user_model().objects.filter(memberships__organization=organization).distinct()


choice_scope_add(Organization, _organization_choices)
choice_scope_add(get_user_model(), _user_choices)


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    list_display = ["name", "kind", "slug", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]

    def tenant_filter(self, organization):
        return Q(pk=organization.pk)


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]

    def tenant_filter(self, organization):
        return Q(organization=organization)


@admin.register(ApiToken)
class ApiTokenAdmin(TenantAdmin):
    list_display = ["name", "prefix", "organization", "created_at", "revoked_at"]
    list_select_related = ["organization"]
    readonly_fields = ["prefix", "key_hash"]

    def tenant_filter(self, organization):
        return Q(organization=organization)

    def has_add_permission(self, request):  # tokens are issued on the API tokens page (plain key shown once)
        return False
