"""Who may do what on the broker: each service its own RabbitMQ user, with rights to its own names.

No service may publish another's events, nor touch its queues. Every service has
a user of its own, ``<project>.<service>``, whose permissions on the project's
virtual host match the names the chassis gives that service's resources:

- its event queue (``<service>``), dead-letter and retry queues
  (``<service>.dead-letter``, ``<service>.retry.<n>s``) and the direct exchange
  the consumer hands events back to them through (``<service>.redelivery``);
- Celery's: its task queue and exchange (``<service>.tasks``), its remote
  control (``<service>.pidbox`` and ``reply.<service>.pidbox``, with the
  workers' ``<service>@<host>.<service>.pidbox`` queues and the callers'
  ``<id>.reply.<service>.pidbox``: ``celery inspect ping`` is the workers'
  health check) and its events (``<service>.celeryev``, for gossip);
- on the shared events exchange: write, limited by a topic permission to the
  routing keys of its own events (an event's type starts with the name of the
  service that publishes it: ``orders.order.placed.v1`` is orders'), and read,
  to bind its queue to any type it subscribes to.

Nobody but the provisioning (an administrator: ``scripts/provision.py`` natively,
the definitions RabbitMQ loads at boot in Compose and Kubernetes) declares the
shared topology, :func:`shared_topology`: services only check it is there.

Standard library only: the scripts that provision each runtime read it without Django.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

EVENTS_EXCHANGE = "events"
# How long a sent outbox row is kept, and so how long an event nobody was bound for waits.
OUTBOX_RETENTION_DAYS = 7
# The hash RabbitMQ's definitions carry instead of a password.
HASHING_ALGORITHM = "rabbit_password_hashing_sha256"
_SALT_BYTES = 4


def user(project: str, service: str) -> str:
    """The broker user of `service` in `project`."""
    return f"{project}.{service}"


def source(service: str) -> str:
    """The CloudEvents ``source`` of what `service` publishes."""
    return f"/{service}"


def publisher_of(event_type: str) -> str:
    """The service that publishes events of `event_type`: its first word."""
    return event_type.split(".", 1)[0]


def unroutable(exchange: str) -> str:
    """The alternate exchange of `exchange`, and the queue of what it could not route."""
    return f"{exchange}.unroutable"


@dataclass(frozen=True)
class Permissions:
    """A user's permissions on the virtual host (regular expressions over resource names), and
    its topic permissions on the events exchange (over routing keys)."""

    configure: str
    write: str
    read: str
    topic_write: str
    topic_read: str


def permissions(service: str, exchange: str = EVENTS_EXCHANGE) -> Permissions:
    """What `service` may do: everything on its own names, publish its own events, bind to any."""
    name = re.escape(service)
    # Its queue; every other name of its own starts with "<service>." or "<service>@"
    # (service names have neither); and the reply queues of its remote-control calls.
    own = [name, f"{name}[.@].*", rf"reply\.{name}\.pidbox", rf"[0-9a-f-]+\.reply\.{name}\.pidbox"]
    own_names = "^(" + "|".join(own) + ")$"
    with_events = "^(" + "|".join([*own, re.escape(exchange)]) + ")$"
    return Permissions(
        configure=own_names,
        # Writing to a queue is what binding it takes; to the events exchange, publishing.
        write=with_events,
        read=with_events,
        topic_write=rf"^{name}\.",
        topic_read=".*",
    )


def shared_topology(
    vhost: str,
    exchange: str = EVENTS_EXCHANGE,
    retention_seconds: int = OUTBOX_RETENTION_DAYS * 86_400,
) -> dict[str, list[dict[str, Any]]]:
    """The events exchange, with the alternate exchange and queue of what it cannot route, as
    RabbitMQ's definitions give them (and chassis.events.broker declares them in tests)."""
    aside = unroutable(exchange)
    return {
        "exchanges": [
            _exchange(vhost, aside, "fanout", {}),
            _exchange(vhost, exchange, "topic", {"alternate-exchange": aside}),
        ],
        "queues": [
            {
                "name": aside,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "arguments": {"x-message-ttl": retention_seconds * 1000},
            }
        ],
        "bindings": [
            {
                "source": aside,
                "vhost": vhost,
                "destination": aside,
                "destination_type": "queue",
                "routing_key": "",
                "arguments": {},
            }
        ],
    }


def _exchange(vhost: str, name: str, kind: str, arguments: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "vhost": vhost,
        "type": kind,
        "durable": True,
        "auto_delete": False,
        "internal": False,
        "arguments": arguments,
    }


@dataclass(frozen=True)
class Grant:
    """A user of the virtual host: its name, its password's hash, what it may do."""

    name: str
    password_hash: str
    permissions: Permissions
    administrator: bool = False


EVERYTHING = Permissions(".*", ".*", ".*", ".*", ".*")


def service_grants(vhost: str, password_hashes: dict[str, str]) -> list[Grant]:
    """Each service's user (`password_hashes`: service -> hash), with its own rights."""
    return [
        Grant(user(vhost, service), hashed, permissions(service))
        for service, hashed in password_hashes.items()
    ]


def definitions(vhost: str, grants: list[Grant]) -> dict[str, Any]:
    """What RabbitMQ imports (at boot, or from provisioning): the virtual host, its users and
    what each may do, and the shared topology."""
    users = [
        {
            "name": grant.name,
            "password_hash": grant.password_hash,
            "hashing_algorithm": HASHING_ALGORITHM,
            "tags": ["administrator"] if grant.administrator else [],
        }
        for grant in grants
    ]
    every_permission = [
        {
            "user": grant.name,
            "vhost": vhost,
            "configure": grant.permissions.configure,
            "write": grant.permissions.write,
            "read": grant.permissions.read,
        }
        for grant in grants
    ]
    # An administrator's topic rights are the default: every routing key.
    topic_permissions = [
        {
            "user": grant.name,
            "vhost": vhost,
            "exchange": EVENTS_EXCHANGE,
            "write": grant.permissions.topic_write,
            "read": grant.permissions.topic_read,
        }
        for grant in grants
        if not grant.administrator
    ]
    return {
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": every_permission,
        "topic_permissions": topic_permissions,
        **shared_topology(vhost),
    }


def password_hash(password: str, salt: bytes | None = None) -> str:
    """`password` as RabbitMQ stores it: base64 of a salt and SHA-256 of salt and password."""
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def hash_matches(password: str, hashed: str) -> bool:
    """Whether `hashed` (from :func:`password_hash`) is the hash of `password`."""
    try:
        salt = base64.b64decode(hashed, validate=True)[:_SALT_BYTES]
    except ValueError:
        return False
    return hmac.compare_digest(password_hash(password, salt), hashed)
