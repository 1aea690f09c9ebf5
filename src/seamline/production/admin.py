from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin, TenantTabularInline

from .models import OrderTransition, ProductionOrder, ProductionOrderLine


class LineInline(TenantTabularInline):
    model = ProductionOrderLine
    extra = 0


class TransitionInline(TenantTabularInline):
    model = OrderTransition
    extra = 0
    readonly_fields = ["source", "target", "by", "organization", "at", "note"]
    can_delete = False


@admin.register(ProductionOrder)
class ProductionOrderAdmin(TenantAdmin):
    list_display = ["id", "style", "brand", "factory", "state", "due_date"]
    list_filter = ["state"]
    list_select_related = ["style", "brand", "factory"]
    # The state machine lives in production.services: the admin shows the state, it does not move it.
    readonly_fields = ["state"]
    inlines = [LineInline, TransitionInline]

    def tenant_filter(self, organization):
        return Q(brand=organization) | Q(factory=organization)
