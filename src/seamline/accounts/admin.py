from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin

from .models import ApiToken, Membership, Organization


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
