from django.contrib import admin

from danchu.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]
    raw_id_fields = ["parent", "successor"]
    readonly_fields = ["path", "depth", "name_folded", "sort_key"]
