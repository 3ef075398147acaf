"""Django Q (django-q2) as every service runs it: schedules that live in the database.

A service with schedules lists them in ``<name>/schedules.py`` (``SCHEDULES``:
the fields of Django Q's ``Schedule``, each with a ``name``); its manifest then
lists a scheduler, its settings get ``django_q`` and :func:`django_q_settings`,
and it runs ``manage.py qcluster``. Each schedule is a row, which every release
makes sure exists (:func:`install_schedules`): from the first boot on, an
operator can change or pause it in the admin, and no release undoes that.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import environ
from django.utils.module_loading import module_has_submodule


def django_q_settings(*, name: str) -> dict[str, Any]:
    """The ``Q_CLUSTER`` setting of the service `name`, from the environment."""
    env = environ.Env()
    return {
        "Q_CLUSTER": {
            "name": name,
            # The service's own database is the queue: no other server to run.
            "orm": "default",
            "poll": 1,
            "workers": env.int("DJANGO_Q_WORKERS", default=2),
            # Seconds a task may run; a task not done after `retry` is handed out again.
            "timeout": 60,
            "retry": 90,
            "max_attempts": 3,
            # A cluster that was down runs a missed schedule once, not once per miss.
            "catch_up": False,
            "save_limit": 250,
            "ack_failures": True,
        },
    }


def install_schedules() -> list[str]:
    """Make each app's ``SCHEDULES`` exist as Django Q schedules; the names of those made.

    A schedule that exists is left as it is, changed or paused by an operator.
    """
    from django.apps import apps
    from django_q.models import Schedule

    made = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "schedules"):
            continue
        for schedule in getattr(import_module(f"{config.name}.schedules"), "SCHEDULES", ()):
            fields = {key: value for key, value in schedule.items() if key != "name"}
            _, created = Schedule.objects.get_or_create(name=schedule["name"], defaults=fields)
            if created:
                made.append(schedule["name"])
    return made
