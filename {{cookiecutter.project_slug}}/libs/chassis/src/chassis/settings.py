"""Settings every service starts from, read from the environment (12-factor).

A service's ``config/settings.py`` calls :func:`service_settings` and then sets
only what is special about it::

    globals().update(service_settings(base_dir=BASE_DIR))

The service is named after its folder and its app after the service; its
version and description come from its ``pyproject.toml``, and what it runs
from its ``service.toml`` (a service that runs Celery gets Celery's settings,
one that runs Django Q's scheduler gets Django Q's): each is written in one
place. Every variable read is in :mod:`chassis.environment`; the main ones:

``DJANGO_SECRET_KEY``
    Required; there is no default, so a service never runs with a known key.
``DJANGO_DEBUG``
    ``false`` unless set.
``DJANGO_ALLOWED_HOSTS``
    Comma-separated; loopback names unless set.
``DATABASE_URL``
    Any URL django-environ understands; a SQLite file next to the service
    unless set.
``DATABASE_CONNECT_TIMEOUT``, ``DATABASE_STATEMENT_TIMEOUT``
    Seconds to wait for PostgreSQL to answer a connection (5), and for a
    statement to finish (30) before it is cancelled.
``REDIS_URL``
    The cache; a per-process memory cache unless set.
``BROKER_URL``
    The AMQP URL of RabbitMQ, for the event relay and consumer (see
    ``chassis.events``); web processes never connect to it.
``EVENTS_EXCHANGE``, ``EVENTS_QUEUE``, ``EVENTS_DELIVERY_LIMIT``
    The events exchange (``events``), this service's queue (its name), and
    how many unsettled deliveries of one message its queue allows before it
    dead-letters the message (20).
``EMAIL_URL``, ``DEFAULT_FROM_EMAIL``
    The SMTP server mail goes through, as a django-environ e-mail URL
    (``smtp://user:password@host:587/?tls=True``), and the sender; the local
    server on port 25 unless set.
``JWT_ISSUER``, ``JWT_AUDIENCE``, ``JWT_JWKS_URL``
    Whose tokens to trust, for which audience, and where the issuer
    publishes its keys (see ``chassis.auth``).
``JWT_JWKS_TTL``
    Seconds a key the issuer stops publishing may still be trusted (300): each
    process reads the issuer's keys again, in the background, twice as often.
``DJANGO_LOG_LEVEL``
    ``INFO`` unless set.
``DJANGO_SECURE_SSL_REDIRECT``, ``DJANGO_SECURE_HSTS_SECONDS``
    Production's HTTPS settings, on unless set: environments served over
    plain HTTP (a developer's machine) turn them off in their `.env`.

A ``.env`` file in the service folder, when present, supplies defaults for
these (native runs write one); real environment variables always win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ

from chassis import broker_access
from chassis.logging import logging_config
from chassis.redis_acl import key_prefix

# What a service without a service.toml runs (the chassis's own test service).
DEFAULT_PROCESSES = ("web", "relay")
CELERY_PROCESSES = frozenset({"worker", "beat"})


@dataclass(frozen=True)
class ServiceInfo:
    """What a service says about itself: in ``pyproject.toml``, and what it runs in ``service.toml``."""

    name: str
    version: str
    description: str
    processes: tuple[str, ...] = DEFAULT_PROCESSES

    @classmethod
    def read(cls, name: str, base_dir: Path) -> ServiceInfo:
        project = tomllib.loads((base_dir / "pyproject.toml").read_text())["project"]
        manifest = base_dir / "service.toml"
        processes = (
            tuple(tomllib.loads(manifest.read_text())["processes"])
            if manifest.is_file()
            else DEFAULT_PROCESSES
        )
        return cls(name, project["version"], project["description"], processes)

    @property
    def runs_celery(self) -> bool:
        return not CELERY_PROCESSES.isdisjoint(self.processes)

    @property
    def runs_django_q(self) -> bool:
        return "scheduler" in self.processes


def service_settings(
    *, base_dir: Path, name: str | None = None, apps: list[str] | None = None
) -> dict[str, Any]:
    """The Django settings of the service in `base_dir` (named after it unless `name` says),
    whose apps are `apps` (the one named like the service unless said)."""
    env = environ.Env()
    env_file = base_dir / ".env"
    if env_file.is_file():
        env.read_env(env_file)
    name = name or base_dir.name
    apps = [name] if apps is None else apps
    debug = env.bool("DJANGO_DEBUG", default=False)
    info = ServiceInfo.read(name, base_dir)
    settings = {
        "SERVICE_INFO": info,
        "BASE_DIR": base_dir,
        "DEBUG": debug,
        "SECRET_KEY": env.str("DJANGO_SECRET_KEY"),
        "ALLOWED_HOSTS": env.list(
            "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
        ),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django_guid",
            "rest_framework",
            "drf_yasg",
            # Before the chassis, whose admin replaces Django Q's schedule admin.
            *(["django_q"] if info.runs_django_q else []),
            "chassis",
            *apps,
        ],
        "MIDDLEWARE": [
            # Health first: probes must not depend on the Host header, sessions or auth.
            "chassis.health.HealthCheckMiddleware",
            # Then metrics: /metrics answered as health is, every other request counted and timed.
            "chassis.metrics.MetricsMiddleware",
            "django_guid.middleware.guid_middleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": "config.urls",
        "WSGI_APPLICATION": "config.wsgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            },
        ],
        "DATABASES": {"default": _database(env, base_dir)},
        # What the release job makes the database's roles from (see chassis.database_roles).
        "DATABASE_ROLES": {
            "ADMIN_URL": env.str("DATABASE_ADMIN_URL", default=""),
            "OWNER_URL": env.str("DATABASE_URL", default=""),
            "APP_URL": env.str("DATABASE_APP_URL", default=""),
        },
        "CACHES": {"default": _cache(env, name)},
        **env.email_url("EMAIL_URL", default="smtp://localhost:25"),
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost"),
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        # Every URL of a service lives under /api/<name>/ so that the gateway
        # passes paths through unchanged; static files follow.
        "STATIC_URL": f"/api/{name}/static/",
        "STATIC_ROOT": base_dir / "staticfiles",
        "WHITENOISE_USE_FINDERS": debug,
        # TLS ends before the gateway, which passes the scheme on.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True),
        "SECURE_HSTS_SECONDS": env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": not debug,
        "CSRF_COOKIE_SECURE": not debug,
        # The admin's cookies, one pair per service, sent to that service alone: on one origin
        # (the gateway's) every service would otherwise read, and overwrite, one `sessionid`.
        "SESSION_COOKIE_NAME": f"{name}_session",
        "SESSION_COOKIE_PATH": f"/api/{name}/",
        "CSRF_COOKIE_NAME": f"{name}_csrftoken",
        "CSRF_COOKIE_PATH": f"/api/{name}/",
        # HSTS preloading commits the whole domain to HTTPS for good: its owner's call, not a template's.
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": f"django.contrib.auth.password_validation.{name}"}
            for name in (
                "UserAttributeSimilarityValidator",
                "MinimumLengthValidator",
                "CommonPasswordValidator",
                "NumericPasswordValidator",
            )
        ],
        "REST_FRAMEWORK": {
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["chassis.api.JSONParser"],
            "DEFAULT_METADATA_CLASS": "chassis.api.OptionsMetadata",
            "DEFAULT_PAGINATION_CLASS": "chassis.pagination.PageNumberPagination",
            "PAGE_SIZE": 20,
            "EXCEPTION_HANDLER": "chassis.problems.exception_handler",
            # Secure by default: a view that may be used without a token says so.
            "DEFAULT_AUTHENTICATION_CLASSES": ["chassis.auth.JWTAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "TEST_REQUEST_DEFAULT_FORMAT": "json",
        },
        "SWAGGER_SETTINGS": {
            "DEFAULT_AUTO_SCHEMA_CLASS": "chassis.openapi.ProblemAwareAutoSchema",
            "USE_SESSION_AUTH": False,
            "SECURITY_DEFINITIONS": {
                "Bearer": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`Bearer <access token>`",
                },
            },
        },
        "SWAGGER_USE_COMPAT_RENDERERS": False,
        "DJANGO_GUID": {
            "GUID_HEADER_NAME": "X-Request-ID",
            "RETURN_HEADER": True,
            "EXPOSE_HEADER": True,
        },
        "EVENTS": {
            "BROKER_URL": env.str("BROKER_URL", default=""),
            "EXCHANGE": env.str("EVENTS_EXCHANGE", default=broker_access.EVENTS_EXCHANGE),
            "QUEUE": env.str("EVENTS_QUEUE", default=name),
            # Seconds a failed event waits before each retry; then it is dead-lettered.
            "RETRY_DELAYS": [1, 5, 30, 120, 600],
            # Deliveries of one message that were never settled (its consumer died each
            # time) before the broker dead-letters it; set, so that RabbitMQ 3 and 4 agree.
            "DELIVERY_LIMIT": env.int("EVENTS_DELIVERY_LIMIT", default=20),
            "PREFETCH": 50,
            "RELAY_WINDOW": 500,
            "RELAY_POLL_SECONDS": 1.0,
            "OUTBOX_RETENTION_DAYS": broker_access.OUTBOX_RETENTION_DAYS,
            "INBOX_RETENTION_DAYS": 7,
            # How often the consumer prunes the inbox and looks into its dead-letter queue.
            "UPKEEP_SECONDS": 60,
        },
        # Management commands `manage.py release` runs after migrating.
        "RELEASE_COMMANDS": [],
        "JWT_ISSUER": env.str("JWT_ISSUER", default=""),
        "JWT_AUDIENCE": env.str("JWT_AUDIENCE", default=""),
        "JWT_JWKS_URL": env.str("JWT_JWKS_URL", default=""),
        "JWT_JWKS_TTL": env.int("JWT_JWKS_TTL", default=300),
        # Seconds between reads of the keys that tokens naming an unknown key id cause: forged
        # ids cannot flood the issuer; a rotated key is found at once, or this much later.
        "JWT_JWKS_REFRESH_COOLDOWN": 30,
        # Seconds the keys last read stay trusted while the issuer does not answer; then tokens
        # are answered 503, as a key withdrawn meanwhile must not stay trusted for ever.
        "JWT_JWKS_MAX_STALENESS": 86_400,
        "LOGGING": logging_config(service=name, level=env.str("DJANGO_LOG_LEVEL", default="INFO")),
    }
    if info.runs_celery:
        from chassis.tasks import celery_settings

        settings |= celery_settings(name=name)
    if info.runs_django_q:
        from chassis.schedules import django_q_settings

        settings |= django_q_settings(name=name)
    return settings


def _database(env: environ.Env, base_dir: Path) -> dict[str, Any]:
    database = {
        **env.db("DATABASE_URL", default=f"sqlite:///{base_dir / 'db.sqlite3'}"),
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        # A server that does not answer, or a query that never ends, holds a worker
        # (and its database connection) hostage: both give up, and the request fails.
        options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
        statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
        server_options = f"{options.get('options', '')} -c statement_timeout={statement_timeout}s"
        options["options"] = server_options.strip()
    return database


def _cache(env: environ.Env, service: str) -> dict[str, Any]:
    if "REDIS_URL" not in env:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("REDIS_URL"),
        # Services may share one Redis: keys never collide across services.
        # Each service's Redis user may touch only the keys under this (chassis.redis_acl).
        "KEY_PREFIX": key_prefix(service, env.str("CACHE_KEY_PREFIX", default="")),
        "OPTIONS": {
            # A slow or absent Redis must fail fast so that reads fall back to the database.
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            # Django's own serializer unpickles what it reads: a key planted by anyone who
            # can write it would run code here.
            "serializer": "chassis.caching.JSONSerializer",
        },
    }
