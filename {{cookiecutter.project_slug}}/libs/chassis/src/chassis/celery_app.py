"""The service's Celery app: what ``celery --app chassis.celery_app worker`` (and ``beat``) run.

The chassis's app config imports it in every other process of a service that
runs Celery, so that a task queued by a request or an event goes through it.
"""

import os
import shutil
import sys
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Celery's Django fixup runs Django's system checks as a worker or beat starts, a tenth of a
# second of CPU each (importing every URLconf and view): `make test` and CI run them, as for
# the chassis's own processes (chassis.management.ProcessCommand).
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")
# A worker's pool processes run the tasks, and count them, in files of this directory, which
# the worker serves as one (chassis.metrics.serve) and removes as it stops. Set before
# prometheus_client is imported, which reads it then.
COUNTS_DIR = tempfile.mkdtemp(prefix="metrics-") if "worker" in sys.argv else None
if COUNTS_DIR is not None:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = COUNTS_DIR

from celery.signals import worker_shutdown  # noqa: E402 - after the directory is set

from chassis.tasks import create_celery_app  # noqa: E402

app = create_celery_app()


@worker_shutdown.connect
def _forget_the_counts(**_: object) -> None:
    if COUNTS_DIR is not None:
        shutil.rmtree(COUNTS_DIR, ignore_errors=True)
