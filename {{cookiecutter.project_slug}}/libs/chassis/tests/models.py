"""What the events tests count: one row per time an event took effect."""

from django.db import models


class Effect(models.Model):
    event_id = models.UUIDField()
    number = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.event_id} #{self.number}"
