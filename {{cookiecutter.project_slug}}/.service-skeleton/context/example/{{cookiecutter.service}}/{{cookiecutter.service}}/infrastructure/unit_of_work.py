"""The unit of work of {{ cookiecutter.service }}: the repositories one business transaction uses."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from chassis.events.outbox import DomainEvent
from chassis.persistence import DjangoUnitOfWork

from {{ cookiecutter.service }}.infrastructure.repositories import (
    DjangoItemRepository,
    ItemRepository,
)


class ItemsUnitOfWork(Protocol):
    items: ItemRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def publish(self, event: DomainEvent) -> None: ...


class DjangoItemsUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.items = DjangoItemRepository()
