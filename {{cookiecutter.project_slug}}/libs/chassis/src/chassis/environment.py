"""Every environment variable a service reads, and where each runtime gets its value.

One list, read two ways. The settings read nothing that is not on it (the
chassis's tests check this), and the tools that give each runtime its
environment derive what they set from it: ``make processes`` for Compose,
``python -m scripts.provision`` for native runs, ``python -m
scripts.k8s_secrets`` and the base kustomization for Kubernetes. A service
declares the variables of its own in its ``service.toml`` (``[environment]``).

This module imports nothing but the standard library, so that those tools read
it without Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    """Where a runtime finds a variable's value."""

    # A secret of each service's own: `<SERVICE>_SECRET_KEY` in .env, or its Kubernetes Secret.
    SERVICE_SECRET = "service secret"  # noqa: S105 - the name of a source, not a secret
    # One value for the whole system, by the variable's name: .env, or the settings ConfigMap.
    PROJECT = "project"
    # One value, secret: .env, or the Secret of each service that reads it.
    PROJECT_SECRET = "project secret"  # noqa: S105 - the name of a source, not a secret
    # The address of a server, with the service's own credentials: each runtime knows where
    # its servers are.
    DATABASE = "database"
    # A superuser of the service's database server, for the release job alone.
    DATABASE_ADMIN = "database admin"
    CACHE = "cache"
    BROKER = "broker"
    MAIL = "mail"
    # Where the token issuer publishes its keys.
    JWKS = "jwks"
    # A knob with a default: runtimes leave it out unless they need another value.
    TUNABLE = "tunable"


@dataclass(frozen=True)
class Variable:
    name: str
    source: Source
    about: str


def variable(name: str, source: str, about: str) -> Variable:
    return Variable(name, Source(source), about)


def app_role(owner: str) -> str:
    """The application's role on the database `owner` owns (see chassis.database_roles)."""
    return f"{owner}_app"


def in_env_file(variable: Variable, service: str) -> str:
    """The name the variable's value has in the project's `.env`: a service's own secret carries
    the service's name (DJANGO_SECRET_KEY of orders is ORDERS_SECRET_KEY); the rest their own."""
    if variable.source is Source.SERVICE_SECRET:
        return f"{service.upper()}_{variable.name.removeprefix('DJANGO_')}"
    return variable.name


def password_in_env_file(service: str, server: str) -> str:
    """The name in `.env` of the password `service` (or the chassis's tests) has on `server`:
    ``DATABASE`` (its database's owner), ``DATABASE_APP``, ``DATABASE_ADMIN``, ``REDIS``,
    ``BROKER``. `.env.example` gives one of each for every service; `make setup` fills them."""
    return f"{service.upper()}_{server}_PASSWORD"


CHASSIS = (
    variable("DJANGO_SECRET_KEY", "service secret", "Signs what Django signs. Required."),
    variable("DJANGO_ALLOWED_HOSTS", "project", "Host names the services answer to."),
    variable(
        "DJANGO_SECURE_SSL_REDIRECT",
        "project",
        "Redirect plain HTTP to HTTPS (true unless set; off where the system is served plainly).",
    ),
    variable("DJANGO_SECURE_HSTS_SECONDS", "project", "How long browsers must keep to HTTPS."),
    variable("DEFAULT_FROM_EMAIL", "project", "The sender of the system's e-mail."),
    variable("JWT_ISSUER", "project", "Whose access tokens to trust."),
    variable("JWT_AUDIENCE", "project", "The audience those tokens must name."),
    variable("JWT_JWKS_URL", "jwks", "Where the issuer publishes its public keys."),
    variable(
        "JWT_JWKS_TTL", "tunable", "Seconds a key the issuer withdrew may stay trusted (300)."
    ),
    variable(
        "DATABASE_URL",
        "database",
        "The service's own PostgreSQL database, as the application's role (the release job's:"
        " as its owner).",
    ),
    variable("REDIS_URL", "cache", "The cache, shared by every process of the service."),
    variable(
        "CACHE_KEY_PREFIX", "tunable", "Keeps one service's keys apart (its name unless set)."
    ),
    variable("BROKER_URL", "broker", "RabbitMQ: events, and the Celery task queues."),
    variable("EMAIL_URL", "mail", "The SMTP server, as smtp://user:password@host:port/?tls=True."),
    variable("DJANGO_DEBUG", "tunable", "Django's debug pages (false unless set)."),
    variable("DJANGO_LOG_LEVEL", "tunable", "INFO unless set."),
    variable("DATABASE_CONN_MAX_AGE", "tunable", "Seconds a database connection is kept (60)."),
    variable("DATABASE_CONNECT_TIMEOUT", "tunable", "Seconds to wait for PostgreSQL (5)."),
    variable("DATABASE_STATEMENT_TIMEOUT", "tunable", "Seconds a statement may run (30)."),
    variable("EVENTS_EXCHANGE", "tunable", "The events exchange (events)."),
    variable("EVENTS_QUEUE", "tunable", "The service's event queue (its name)."),
    variable(
        "EVENTS_DELIVERY_LIMIT", "tunable", "Unsettled deliveries before a message is parked (20)."
    ),
    variable("WEB_CONCURRENCY", "tunable", "Gunicorn worker processes (2)."),
    variable("WEB_THREADS", "tunable", "Threads per Gunicorn worker (2)."),
    variable(
        "WEB_GRACEFUL_TIMEOUT", "tunable", "Seconds a stopping web process finishes requests (20)."
    ),
    variable("PORT", "tunable", "The web process's port (8000)."),
    variable("HEARTBEAT_DIR", "tunable", "Where non-HTTP processes beat their heartbeat (/tmp)."),
    # Read by chassis.tracing as the process starts, and by OpenTelemetry's SDK, which reads
    # the other OTEL_* knobs it has itself.
    variable(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "tunable",
        "Where traces go, over OTLP/HTTP (nowhere unless set: then nothing is traced).",
    ),
    variable(
        "OTEL_TRACES_EXPORTER",
        "tunable",
        "otlp (to the endpoint), console (each span a line of the log, for make trace), or both.",
    ),
    variable("OTEL_TRACES_SAMPLER_ARG", "tunable", "The share of new traces kept (1)."),
    variable("OTEL_SDK_DISABLED", "tunable", "true: no tracing, even with an endpoint."),
    # Read by chassis.metrics.serve, in the processes that answer no HTTP of their own.
    variable(
        "METRICS_PORT",
        "tunable",
        "The port a relay, consumer or Celery worker answers /metrics on (none unless set).",
    ),
    variable(
        "METRICS_TARGETS_DIR",
        "tunable",
        "Natively: such a process answers on a free loopback port, named in a file here.",
    ),
)

# Read by the release job alone (manage.py release), which makes the service's two database
# roles with them (see chassis.database_roles).
RELEASE = (
    variable(
        "DATABASE_ADMIN_URL", "database admin", "A superuser of the database's server (if any)."
    ),
    variable("DATABASE_APP_URL", "database", "The database as the application's role."),
)

# Read by the tests of a native run alone (chassis_testing), which make their own database.
DATABASE_OWNER_URL = variable("DATABASE_OWNER_URL", "database", "The database as its owner.")

# Read only by a service whose processes need them (see chassis.settings).
CELERY = (
    variable("CELERY_TASK_QUEUE", "tunable", "The service's task queue (<service>.tasks)."),
    variable("CELERY_WORKER_CONCURRENCY", "tunable", "Worker processes of a Celery worker (2)."),
    variable(
        "CELERY_TASK_SOFT_TIME_LIMIT", "tunable", "Seconds before a task is asked to stop (60)."
    ),
    variable("CELERY_TASK_TIME_LIMIT", "tunable", "Seconds before a task is killed (90)."),
    variable("TASK_RETRY_BACKOFF_SECONDS", "tunable", "What retry delays grow from (30)."),
)
DJANGO_Q = (variable("DJANGO_Q_WORKERS", "tunable", "Django Q's worker processes (2)."),)
