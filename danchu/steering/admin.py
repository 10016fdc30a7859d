"""Hot-spot rules and checklists are data: an administrator edits them here."""

from django.contrib import admin

from danchu.steering.models import Checklist, ChecklistItem, HotSpotRule


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    inlines = [ChecklistItemInline]


@admin.register(HotSpotRule)
class HotSpotRuleAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "indicator",
        "compare",
        "threshold",
        "minimum_base",
        "level",
        "active",
    )
    list_editable = ("threshold", "minimum_base", "active")
