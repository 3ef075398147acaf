"""Fakes of the chassis's ports, for unit tests: they ship with the tests, never with a service.

:func:`both_units_of_work` holds a fake and the real thing to the same promises: a
service's repository contract test runs each test against both.

:class:`InMemoryUnitOfWork` stands in for a service's Django unit of work:
repositories that keep their entities in a ``rows`` dict get their rows back
when a block raises, as a database transaction rolls back, and events
published in a block that commits are kept in ``published`` for the test to
look at.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import pytest

from chassis.events.outbox import DomainEvent


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


def both_units_of_work(in_memory: type, django: type) -> Any:
    """A ``uow`` fixture that gives each test the fake, then the Django unit of work on the real
    test database: ``uow = both_units_of_work(InMemoryOrdersUnitOfWork, DjangoOrdersUnitOfWork)``."""

    @pytest.fixture(
        params=[
            pytest.param(in_memory, id="in-memory"),
            pytest.param(django, id="django", marks=pytest.mark.django_db),
        ]
    )
    def uow(request: pytest.FixtureRequest) -> Any:
        return request.param()

    return uow
