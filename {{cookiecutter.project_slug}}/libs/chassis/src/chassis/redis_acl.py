"""Who may do what in Redis: one ACL user per service, confined to the service's key prefix.

Every runtime's Redis gets these users (native: ``scripts/provision.py`` over a
connection; Compose: a config file per service; Kubernetes: a Secret), and each
service's ``REDIS_URL`` names its own. A service can then neither read nor
write another's keys (so no service can plant a value another would load), nor
flush, reconfigure or list the whole server.

What a service writes is all under ``<prefix>:``: Django's cache (its
``KEY_PREFIX``, which chassis.caching's read caches share) and Celery's results
(``global_keyprefix``, which also names the channels results are announced on).
Django Q keeps its queue in the database and only its cluster's statistics in
the cache.

This module imports nothing but the standard library, so that the tools that
provision each runtime read it without Django.
"""

from __future__ import annotations

import hashlib

# The smallest set that Django's RedisCache, chassis.caching (its Lua scripts
# included: Redis checks what a script calls too) and Celery's Redis result
# backend (results, chords, and the pub/sub that announces results) use. Not
# FLUSHDB: Django's cache.clear() would wipe every service's keys.
COMMANDS = (
    # Django's cache, Celery's results.
    "get",
    "mget",
    "mset",
    "set",
    "setex",
    "del",
    "exists",
    "expire",
    "persist",
    "incrby",
    "multi",
    "exec",
    "discard",
    "ping",
    # chassis.caching's scripts.
    "evalsha",
    "script|load",
    "time",
    "unlink",
    "incr",
    "zadd",
    "zrem",
    "zcard",
    "zscore",
    "zcount",
    "zremrangebyscore",
    # Celery's chords and result announcements.
    "rpush",
    "llen",
    "lrange",
    "zrange",
    "publish",
    "subscribe",
    "unsubscribe",
)


def user_name(project: str, service: str) -> str:
    """The Redis user of `service` in `project` (and what ``REDIS_URL`` logs in as)."""
    return f"{project}_{service}"


def key_prefix(service: str, configured: str = "") -> str:
    """What every key of `service` starts with (before ``:``): ``CACHE_KEY_PREFIX`` if set, else
    the service's name (runtimes with a Redis of the project's own leave it unset)."""
    return configured or service


def acl_rules(prefix: str) -> list[str]:
    """The rules, after the password, that confine a user to the keys and channels under
    `prefix` and to :data:`COMMANDS`; `reset*` first, so that applying them again to an
    existing user leaves it with exactly these."""
    return [
        "on",
        "resetkeys",
        f"~{prefix}:*",
        "resetchannels",
        f"&{prefix}:*",
        "-@all",
        *(f"+{command}" for command in COMMANDS),
    ]


def password_rule(password: str, *, hashed: bool = True) -> str:
    """The ACL rule setting `password`: as its SHA-256 (``#``), so that the file or command that
    carries it does not hold the password; in plain (``>``) where Compose fills it in."""
    if hashed:
        return "#" + hashlib.sha256(password.encode()).hexdigest()
    return ">" + password


def config_line(user: str, password: str, prefix: str, *, hashed: bool = True) -> str:
    """The user as a ``user`` line of redis.conf (what Compose and Kubernetes give Redis)."""
    rules = ["resetpass", password_rule(password, hashed=hashed), *acl_rules(prefix)]
    return " ".join(["user", user, *rules])
