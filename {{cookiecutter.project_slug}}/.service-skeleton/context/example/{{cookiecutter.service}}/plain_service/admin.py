from django.contrib import admin

from chassis.admin import ReadOnlyModelAdmin

from plain_service import models


@admin.register(models.Item)
class ItemAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)
