"""The unit of work of {{ cookiecutter.service }} on the database: the repositories one business transaction uses."""

from __future__ import annotations

from chassis.persistence import DjangoUnitOfWork

from plain_service.infrastructure.repositories import DjangoItemRepository


class DjangoItemsUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.items = DjangoItemRepository()
