"""The chassis's own tables, in every service's database: the event outbox and inbox."""

from django.db import models


class OutboxMessage(models.Model):
    """An event written with the change it announces, waiting for the relay to publish it."""

    # Publishing order: the order in which the rows were written.
    sequence = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=200)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            models.Index(
                fields=["sequence"], condition=models.Q(sent_at=None), name="outbox_pending"
            ),
            models.Index(fields=["sent_at"], name="outbox_sent_age"),
        )

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class InboxMessage(models.Model):
    """An event this service has handled: a redelivery of it is acknowledged and skipped."""

    event_id = models.UUIDField(primary_key=True)
    event_type = models.CharField(max_length=200)
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = (models.Index(fields=["handled_at"], name="inbox_handled_age"),)

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
