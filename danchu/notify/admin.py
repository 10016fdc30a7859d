from django.contrib import admin

from danchu.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
