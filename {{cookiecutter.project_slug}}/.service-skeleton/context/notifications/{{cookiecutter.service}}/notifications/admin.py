from django.contrib import admin

from chassis.admin import ReadOnlyModelAdmin

from notifications import models


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("template", "address", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("address", "recipient_id")
