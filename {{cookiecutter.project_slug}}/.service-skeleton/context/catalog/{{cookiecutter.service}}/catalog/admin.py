from django.contrib import admin

from chassis.admin import ReadOnlyModelAdmin

from catalog import models


@admin.register(models.Product)
class ProductAdmin(ReadOnlyModelAdmin):
    list_display = ("sku", "name", "price", "currency", "active")
    list_filter = ("active", "currency")
    search_fields = ("sku", "name")


@admin.register(models.StockLevel)
class StockLevelAdmin(ReadOnlyModelAdmin):
    list_display = ("product", "on_hand", "reserved")


@admin.register(models.Reservation)
class ReservationAdmin(ReadOnlyModelAdmin):
    list_display = ("order_id", "status", "reason")
    list_filter = ("status",)
