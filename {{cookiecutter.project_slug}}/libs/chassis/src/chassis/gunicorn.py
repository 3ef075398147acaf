"""Gunicorn settings every service runs with: ``gunicorn -c python:chassis.gunicorn config.wsgi``.

Overridable per process with Gunicorn's own flags or ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from chassis.logging import logging_config

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

# Each worker counts its requests in files of this directory, which the web process alone uses
# and removes as it ends: a scrape of /metrics, whichever worker answers it, adds them all up
# (chassis.metrics). Set before the application, and with it prometheus_client, is imported.
metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="metrics-")

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threaded workers keep connections alive, so the gateway's upstream keepalive
# saves a TCP handshake per request; sync workers close after every response.
# Two threads per worker: more only contend for the GIL (p99 measured 6x worse
# with four on two cores, for the same throughput).
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
# Longer than the gateway's keepalive_timeout, so that the gateway closes idle
# connections first and never sends a request on one Gunicorn just closed.
keepalive = 75
# Longer than the gateway's (8 KiB): a request line too long is refused there, as problem+json,
# not here in Gunicorn's HTML.
limit_request_line = 8190
timeout = 30
# Seconds a stopping worker finishes the requests it has; the supervisor's own grace
# (Compose's stop_grace_period, Kubernetes' terminationGracePeriodSeconds, a native run's
# NATIVE_STOP_SECONDS) must be longer, or the supervisor kills what this would have finished.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "20"))
# Workers are not recycled after a number of requests (max_requests): a gthread worker that
# reaches it stops serving the keepalive connections it holds, and their requests wait until
# it exits (gunicorn issues 2297 and 3038): the bench saw whole seconds answered nothing, and
# requests through the gateway timed out. A leak is bounded by each pod's memory limit instead.
#
# The application is imported once, in the master, and each worker forks from it: a worker
# (a new one, or one replacing a worker that died) starts at once, where importing Django and
# the service took it a second or two of CPU, and a service's boot paid that once per worker.
# Nothing opens a connection or starts a thread at import; each worker opens its own.
preload_app = True
# The gateway writes the access log; Gunicorn logs errors, as JSON like the rest.
accesslog = None
# Gunicorn's runtime control socket lives at one path per user: several services
# on one machine would fight over it, and a read-only container cannot create it.
control_socket_disable = True
# Gunicorn runs from the service's folder (services/<name>, or /srv/<name> in its image).
logconfig_dict = logging_config(service=Path.cwd().name, level="INFO")


def when_ready(server: Arbiter) -> None:
    # Django imports the URLconf, and with it every view, serializer and the OpenAPI
    # machinery, at a process's first request: done here, in the master, before the workers
    # fork, it is paid once and not by every worker (half a second of CPU each).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - read for its import


def post_worker_init(worker: Worker) -> None:
    # A new worker reads the token issuer's keys as it starts, so that its first requests find
    # them; in a thread of its own, because the issuer may be down, or be this very service
    # (identity publishes the keys), whose worker must boot to answer the read.
    from chassis.auth import read_keys_in_background

    read_keys_in_background()


def child_exit(server: Arbiter, worker: Worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Arbiter) -> None:
    shutil.rmtree(metrics_dir, ignore_errors=True)
