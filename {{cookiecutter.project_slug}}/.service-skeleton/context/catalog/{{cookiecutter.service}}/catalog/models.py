"""Database tables of the catalog; only its repositories use them."""

from django.db import models

from catalog.domain.products import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from catalog.domain.stock import ReservationStatus


class Product(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=NAME_MAX_LENGTH, db_index=True)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class StockLevel(models.Model):
    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="stock"
    )
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            # The last line of defence against overselling.
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="reserved_within_on_hand",
            ),
        )

    def __str__(self) -> str:
        return f"{self.product_id}: {self.on_hand} on hand, {self.reserved} reserved"


class Reservation(models.Model):
    order_id = models.UUIDField(primary_key=True)
    status = models.CharField(
        max_length=10, choices=[(status.value, status.value) for status in ReservationStatus]
    )
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.status}"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    product_id = models.UUIDField()
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["reservation", "product_id"], name="one_line_per_product"
            ),
        )

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
