from django.contrib import admin
from django.db.models import Q

from seamline.core.admin import TenantAdmin, TenantTabularInline

from .models import CutPlan, Lay, PatternPiece, PatternVersion


class PieceInline(TenantTabularInline):
    model = PatternPiece
    extra = 0
    fields = ["size", "name", "quantity", "category", "mirrored_pair", "area_cm2"]
    readonly_fields = fields
    can_delete = False


@admin.register(PatternVersion)
class PatternVersionAdmin(TenantAdmin):
    """Read-only: a pattern changes by importing a new version, never by editing one."""

    list_display = ["style", "number", "source_name", "units", "created_at"]
    list_select_related = ["style"]
    readonly_fields = [
        "style",
        "number",
        "style_name",
        "source_name",
        "units",
        "sample_size",
        "sizes",
        "graded",
    ]
    inlines = [PieceInline]

    def tenant_filter(self, organization):
        return Q(style__organization=organization) | Q(style__production_orders__factory=organization)


class LayInline(TenantTabularInline):
    model = Lay
    extra = 0
    fields = ["number", "marker", "plies", "shade_lot", "meters", "offcut_kg", "cut_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(CutPlan)
class CutPlanAdmin(TenantAdmin):
    """Read-only: plans are made by the planner; the admin shows them."""

    list_display = ["id", "order", "colour", "status", "fabric_m", "saving_pct", "offcut_kg", "created_at"]
    list_filter = ["status"]
    list_select_related = ["order"]
    readonly_fields = [f.name for f in CutPlan._meta.fields]
    inlines = [LayInline]

    def tenant_filter(self, organization):
        return Q(order__brand=organization) | Q(order__factory=organization)
