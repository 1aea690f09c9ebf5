from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin, TenantTabularInline

from .models import BomLine, Certification, FabricRoll, Material, Operation, Style, Variant


class CertificationInline(TenantTabularInline):
    model = Certification
    extra = 0


@admin.register(Material)
class MaterialAdmin(TenantAdmin):
    list_display = ["name", "kind", "organization", "weight_gsm", "usable_width_cm", "country_of_origin"]
    list_filter = ["kind", "country_of_origin"]
    list_select_related = ["organization"]
    search_fields = ["name", "mill", "supplier"]
    inlines = [CertificationInline]

    def tenant_filter(self, organization):
        return Q(organization=organization) | Q(rolls__facility__organization=organization)


@admin.register(FabricRoll)
class FabricRollAdmin(TenantAdmin):
    list_display = ["roll_id", "material", "facility", "length_m", "remaining_m", "width_cm", "shade_lot"]
    list_filter = ["shade_lot"]
    list_select_related = ["material", "facility"]
    search_fields = ["roll_id", "shade_lot"]

    def tenant_filter(self, organization):
        return Q(facility__organization=organization) | Q(material__organization=organization)


class VariantInline(TenantTabularInline):
    model = Variant
    extra = 0


class BomLineInline(TenantTabularInline):
    model = BomLine
    extra = 0


class OperationInline(TenantTabularInline):
    model = Operation
    extra = 0


@admin.register(Style)
class StyleAdmin(TenantAdmin):
    list_display = ["code", "name", "category", "organization"]
    list_select_related = ["organization"]
    search_fields = ["code", "name"]
    inlines = [VariantInline, BomLineInline, OperationInline]

    def tenant_filter(self, organization):
        return Q(organization=organization) | Q(production_orders__factory=organization)
