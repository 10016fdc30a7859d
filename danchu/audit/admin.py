from django.contrib import admin

from danchu.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the chain must not be edited, even by a superuser."""

    list_display = ["seq", "created_at", "actor", "action", "object_type", "object_id", "unit"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
