from django.contrib import admin

from chassis.admin import ReadOnlyModelAdmin

from orders import models


@admin.register(models.Order)
class OrderAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "customer_email", "status", "total", "currency", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "customer_email")


@admin.register(models.ProductSnapshot)
class ProductSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("sku", "name", "price", "currency", "active", "updated_at")
    search_fields = ("sku", "name")
