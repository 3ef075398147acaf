"""Persistence helpers for services built on the Django ORM.

:class:`UnitOfWork` is the port every use case's transaction is: a service's
own unit-of-work Protocol extends it with the repositories its use cases
need, next to those use cases (in its application layer).
:class:`DjangoUnitOfWork` is the boundary of a business transaction: what a
use case does inside ``with uow:`` is committed together, or not at all when
the block raises. A service's own unit of work subclasses it and carries the
repositories the use case needs.

Unit tests use ``chassis_testing.fakes.InMemoryUnitOfWork`` instead, which
ships with the tests, never with a service.

A repository hands domain entities to the application layer, never model
instances. :class:`EntityPage` lets it do so for long lists without loading
them: only the rows of the requested page are read and turned into entities,
in the same query that counts them all (see chassis.pagination).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, overload

from django.db import transaction
from django.db.models import Count, Model, QuerySet, Window

from chassis.caching import ReadCache
from chassis.events.outbox import DomainEvent, publish

EntityT = TypeVar("EntityT")


def forget_some(rows: QuerySet[Any], at_most: int) -> int:
    """Delete at most `at_most` of `rows`, in one short statement; how many went. Called again
    and again, it prunes a table with no long delete holding its locks, or its caller."""
    return rows.model.objects.filter(pk__in=rows.values("pk")[:at_most]).delete()[0]


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

    def slice_and_count(self, bottom: int, top: int) -> tuple[list[EntityT], int | None]:
        """The entities of rows ``bottom`` to ``top``, and how many rows there are in all, in one
        query; the count is ``None`` when the slice is empty (no row to read it from)."""
        rows = list(self._rows.annotate(_rows_in_all=Window(Count("*")))[bottom:top])
        if not rows:
            return [], None
        return [self._to_entity(row) for row in rows], rows[0]._rows_in_all

    def __iter__(self) -> Iterator[EntityT]:
        # A chunk size, so that rows with prefetched relations stream too (Django needs one).
        return (self._to_entity(row) for row in self._rows.iterator(chunk_size=500))


class UnitOfWork(Protocol):
    """A business transaction: what a use case does inside ``with uow:`` commits together."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def publish(self, event: DomainEvent) -> None:
        """Announce `event` when, and only when, the transaction commits."""

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed (never if it rolls back)."""


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
