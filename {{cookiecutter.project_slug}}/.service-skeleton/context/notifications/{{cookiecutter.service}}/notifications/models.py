"""Database tables of notifications; only its repositories use them."""

from django.db import models

from notifications.domain.notifications import Channel, DeliveryStatus


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    recipient_id = models.UUIDField()
    channel = models.CharField(
        max_length=10, choices=[(channel.value, channel.value) for channel in Channel]
    )
    address = models.CharField(max_length=254)
    template = models.CharField(max_length=50)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=[(status.value, status.value) for status in DeliveryStatus]
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            models.Index(
                fields=["recipient_id", "-created_at"], name="notification_recipient_newest"
            ),
        )

    def __str__(self) -> str:
        return f"{self.template} to {self.address}: {self.status}"
