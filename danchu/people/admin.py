from django.contrib import admin

from danchu.people.models import Household, Membership, Person


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["code", "village", "representative", "member_count", "dissolved_on"]
    search_fields = ["code", "village__code"]
    raw_id_fields = ["village", "representative"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "birth_year", "household"]
    search_fields = ["full_name"]
    raw_id_fields = ["household", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "title", "start_date", "end_date"]
    raw_id_fields = ["person", "unit"]
