"""Persistence helpers for services built on the Django ORM.

:class:`DjangoUnitOfWork` is the boundary of a business transaction: what a
use case does inside ``with uow:`` is committed together, or not at all when
the block raises. A service's own unit of work subclasses it and carries the
repositories the use case needs.

:class:`InMemoryUnitOfWork` is its stand-in for unit tests: repositories that
keep their entities in a ``rows`` dict get their rows back when a block raises,
as a database transaction rolls back, and events published in a block that
commits are kept in ``published`` for the test to look at.

A repository hands domain entities to the application layer, never model
instances. :class:`EntityPage` lets it do so for long lists without loading
them: DRF's paginator counts and slices it, and only the rows of the requested
page are read and turned into entities.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar, overload

from django.db import transaction
from django.db.models import Model, QuerySet

from chassis.caching import ReadCache
from chassis.events.outbox import DomainEvent, publish

EntityT = TypeVar("EntityT")


class EntityPage(Sequence[EntityT]):
    def __init__(self, rows: QuerySet[Any], to_entity: Callable[[Model], EntityT]) -> None:
        self._rows = rows
        self._to_entity = to_entity

    def __len__(self) -> int:
        return self._rows.count()

    @overload
    def __getitem__(self, index: int) -> EntityT: ...
    @overload
    def __getitem__(self, index: slice) -> list[EntityT]: ...
    def __getitem__(self, index: int | slice) -> EntityT | list[EntityT]:
        if isinstance(index, slice):
            return [self._to_entity(row) for row in self._rows[index]]
        return self._to_entity(self._rows[index])

    def __iter__(self) -> Iterator[EntityT]:
        return (self._to_entity(row) for row in self._rows.iterator())


class DjangoUnitOfWork:
    # The read caches that what this unit of work writes shows in (see chassis.caching).
    stale_on_commit: tuple[ReadCache, ...] = ()

    def __init__(self) -> None:
        self._transactions: list[transaction.Atomic] = []

    def __enter__(self) -> Self:
        atomic = transaction.atomic()
        atomic.__enter__()
        self._transactions.append(atomic)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            for cache in self.stale_on_commit:
                cache.stale_on_commit()
        self._transactions.pop().__exit__(exc_type, exc, traceback)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""
        transaction.on_commit(callback)

    def publish(self, event: DomainEvent) -> None:
        """Announce `event` when, and only when, this unit of work commits (see chassis.events)."""
        publish(event)


class InMemoryUnitOfWork:
    """Subclasses set their repositories as attributes; each keeps its entities in ``rows``."""

    def __init__(self) -> None:
        self._snapshots: list[dict[str, dict[Any, Any]]] = []
        self._after_commit: list[Callable[[], None]] = []
        self._unpublished: list[DomainEvent] = []
        self.published: list[DomainEvent] = []

    def __enter__(self) -> Self:
        self._snapshots.append(
            {name: copy.copy(repository.rows) for name, repository in self._repositories()}
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        snapshot = self._snapshots.pop()
        if exc_type is not None:
            for name, repository in self._repositories():
                repository.rows = snapshot[name]
            self._after_commit.clear()
            self._unpublished.clear()
        elif not self._snapshots:
            self.published += self._unpublished
            self._unpublished = []
            callbacks, self._after_commit = self._after_commit, []
            for callback in callbacks:
                callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the outermost block has ended without raising."""
        self._after_commit.append(callback)

    def publish(self, event: DomainEvent) -> None:
        """Keep `event` in :attr:`published` once the outermost block ends without raising."""
        self._unpublished.append(event)

    def _repositories(self) -> list[tuple[str, Any]]:
        return [(name, value) for name, value in vars(self).items() if hasattr(value, "rows")]
