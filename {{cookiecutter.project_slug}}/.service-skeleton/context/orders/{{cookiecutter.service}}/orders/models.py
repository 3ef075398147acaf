"""Database tables of orders; only its repositories use them."""

from django.db import models

from orders.domain.orders import OrderStatus


class ProductSnapshot(models.Model):
    product_id = models.UUIDField(primary_key=True)
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    active = models.BooleanField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    customer_id = models.UUIDField()
    customer_email = models.EmailField()
    status = models.CharField(
        max_length=10, choices=[(status.value, status.value) for status in OrderStatus]
    )
    reason = models.CharField(max_length=300, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = (
            models.Index(fields=["customer_id", "-created_at"], name="order_customer_newest"),
            models.Index(fields=["status", "created_at"], name="order_status_age"),
        )

    def __str__(self) -> str:
        return f"order {self.id}: {self.status}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product_id = models.UUIDField()
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
