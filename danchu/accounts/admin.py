from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from danchu.accounts.models import ApiToken, RoleGrant, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("danchu", {"fields": ["full_name"]}))
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at", "revoked_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "granted_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
