from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin

from .models import Facility


@admin.register(Facility)
class FacilityAdmin(TenantAdmin):
    list_display = ["name", "kind", "organization", "city", "zip_code", "grid_region", "solar_share_pct"]
    list_filter = ["kind", "grid_region"]
    list_select_related = ["organization"]
    search_fields = ["name", "city", "zip_code"]
    readonly_fields = ["latitude", "longitude", "city", "state"]

    def tenant_filter(self, organization):
        return Q(organization=organization)
