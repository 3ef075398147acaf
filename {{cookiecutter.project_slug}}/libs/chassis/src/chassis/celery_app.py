"""The service's Celery app: what ``celery --app chassis.celery_app worker`` (and ``beat``) run.

The chassis's app config imports it in every other process of a service that
runs Celery, so that a task queued by a request or an event goes through it.
"""

import os

from chassis.tasks import create_celery_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Celery's Django fixup runs Django's system checks as a worker or beat starts, a tenth of a
# second of CPU each (importing every URLconf and view): `make test` and CI run them, as for
# the chassis's own processes (chassis.management.ProcessCommand).
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = create_celery_app()
