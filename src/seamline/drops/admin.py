from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin, TenantTabularInline

from .models import Drop, DropVariant, PaymentHold, PreOrder, PreOrderLine


class DropVariantInline(TenantTabularInline):
    model = DropVariant
    extra = 0
    readonly_fields = ["sold"]


@admin.register(Drop)
class DropAdmin(TenantAdmin):
    list_display = ["title", "brand", "state", "units_sold", "run_cap", "threshold_units", "closes_at"]
    list_filter = ["state"]
    list_select_related = ["brand"]
    search_fields = ["title", "slug"]
    # Counters and state belong to the pre-order and drop services: shown here, never edited.
    readonly_fields = ["state", "units_sold", "revenue", "funded_at", "production_order"]
    inlines = [DropVariantInline]

    def tenant_filter(self, organization):
        return Q(brand=organization) | Q(factory=organization)


class PreOrderLineInline(TenantTabularInline):
    model = PreOrderLine
    extra = 0
    can_delete = False


@admin.register(PreOrder)
class PreOrderAdmin(TenantAdmin):
    list_display = ["name", "email", "drop", "units", "amount", "state", "local_delivery", "created_at"]
    list_filter = ["state", "local_delivery"]
    list_select_related = ["drop"]
    search_fields = ["name", "email"]
    readonly_fields = ["state", "units", "amount", "idempotency_key", "request_hash", "access_token"]
    inlines = [PreOrderLineInline]

    def tenant_filter(self, organization):
        return Q(drop__brand=organization)


@admin.register(PaymentHold)
class PaymentHoldAdmin(TenantAdmin):
    list_display = ["idempotency_key", "provider", "reference", "amount", "status", "preorder", "created_at"]
    list_filter = ["status", "provider"]
    readonly_fields = [f.name for f in PaymentHold._meta.fields]

    def tenant_filter(self, organization):
        return Q(drop__brand=organization)
