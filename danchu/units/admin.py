from django.contrib import admin

from danchu.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]
    raw_id_fields = ["parent", "successor"]
    readonly_fields = ["path", "depth", "name_folded", "sort_key"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit would leave its subtree's paths, and so every grant, pointing at the
        # old place; units change place only by merging (danchu.units.services).
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "parent", "kind"] if obj is not None else fields
