from django.contrib import admin

from danchu.disclosures.models import Art11Item, Notice, PostingPlace


@admin.register(Art11Item)
class Art11ItemAdmin(admin.ModelAdmin):
    """The Art 11 list is data: legal review may correct items 4–14 here."""

    list_display = ["number", "title", "radio_required", "recurring", "verified", "active"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "item", "status", "published_at"]
    list_filter = ["status", "item"]
    search_fields = ["title", "document_number"]
    raw_id_fields = ["unit"]
    readonly_fields = [
        "status",
        "published_at",
        "published_on",
        "published_by",
        "search_text",
        "publish_due_on",
        "period_due_on",
    ]


@admin.register(PostingPlace)
class PostingPlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit"]
    raw_id_fields = ["unit"]
