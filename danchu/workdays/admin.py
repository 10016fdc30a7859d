from django.contrib import admin

from danchu.workdays.models import DayOverride


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason"]
