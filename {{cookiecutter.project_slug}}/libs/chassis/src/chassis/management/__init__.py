"""What the chassis's management commands share."""

from django.core.management.base import BaseCommand


class ProcessCommand(BaseCommand):
    """A command a long-running process or a health probe runs, which starts without Django's
    system checks: they cost half a second of CPU at every start (every process of a boot,
    every probe), and `make test` and CI have run them, production's too, on the same code."""

    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute
