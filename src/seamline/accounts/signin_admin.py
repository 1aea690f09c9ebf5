"""The admin's side of signing in: its login form is throttled and logged like the app's, and superusers
read the sign-in log there (read-only: an audit log nobody edits)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .forms import AdminSignInForm
from .models import SignInAttempt

admin.site.login_form = AdminSignInForm


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "outcome", "email", "user", "ip", "path", "user_agent"]
    list_filter = ["outcome", "path"]
    list_select_related = ["user"]
    search_fields = ["email", "ip"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
