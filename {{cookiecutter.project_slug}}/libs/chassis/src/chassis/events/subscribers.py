"""Who handles which event: ``@subscriber(event_type)`` on a function of ``<app>/subscribers.py``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

from chassis.events.envelope import Event

Handler = Callable[[Event], None]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscriber(event_type: str) -> Callable[[Handler], Handler]:
    """Register the decorated function to handle every event of `event_type`."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def handlers() -> dict[str, list[Handler]]:
    """Every installed app's subscribers, by event type."""
    autodiscover_modules("subscribers")
    return dict(_handlers)
