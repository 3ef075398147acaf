"""The service's Celery app: what ``celery --app chassis.celery_app worker`` (and ``beat``) run.

The chassis's app config imports it in every other process of a service that
runs Celery, so that a task queued by a request or an event goes through it.
"""

import os

from chassis.tasks import create_celery_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = create_celery_app()
