from django.contrib import admin

from chassis.admin import ReadOnlyModelAdmin

from identity import models


@admin.register(models.User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active")
    search_fields = ("email", "full_name")
    exclude = ("password",)
