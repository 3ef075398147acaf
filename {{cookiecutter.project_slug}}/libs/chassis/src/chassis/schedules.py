"""Django Q (django-q2) as every service runs it: schedules that live in the database.

A service with schedules lists ``django_q`` among its apps, adds
:func:`django_q_settings` to its settings and runs ``manage.py qcluster``. Each
schedule is a row, made by a data migration so that it exists from the first
boot, and an operator can change or pause it in the admin without a release.
"""

from __future__ import annotations

from typing import Any

import environ


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
