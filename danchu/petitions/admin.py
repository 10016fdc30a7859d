from django.contrib import admin

from danchu.petitions.models import Category, ReceptionDay, RemoteArea, RoutingRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The category list is data: also the Open311 service list."""

    list_display = ["code", "name", "group", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["code", "name", "keywords"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["commune", "category", "assignee", "department"]
    raw_id_fields = ["commune", "assignee"]


@admin.register(RemoteArea)
class RemoteAreaAdmin(admin.ModelAdmin):
    list_display = ["commune", "note"]
    raw_id_fields = ["commune"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["commune", "weekday", "starts_at", "ends_at", "place", "host", "active"]
    raw_id_fields = ["commune"]
