"""Database tables of the {{ cookiecutter.service }} service; only repositories use them."""

from django.db import models

from plain_service.domain.items import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class Item(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    name = models.CharField(max_length=NAME_MAX_LENGTH, unique=True)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
