"""A service's two roles on its own database: the owner, and the application's.

The owner (``<name>``) owns the database and every table in it: migrations run
as it (the release job, ``manage.py release``). Every other process of the
service runs as the application's role (``<name>_app``), which may connect to
that database alone and read and write rows, nothing more: it cannot change a
table, make one or drop one. Nobody else may connect at all (``CONNECT`` is
taken from ``PUBLIC``).

:func:`ensure_roles` makes both, or brings them up to date (their passwords
too, so that a changed password takes effect at the next release), as a
superuser of the database's server: the release job does where it is given
``DATABASE_ADMIN_URL`` (Compose, Kubernetes), native provisioning with the
machine's own. The roles, their passwords and the database are read from the
URLs the processes use, so each runtime states each of them once.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

ROW_PRIVILEGES = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
SEQUENCE_PRIVILEGES = sql.SQL("USAGE, SELECT")


def _role(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def ensure_roles(
    *, admin_url: str, owner_url: str, app_url: str, owner_creates_databases: bool = False
) -> None:
    """Make the owner's and the service's roles of the database both URLs name, and the
    database itself if it is missing. `owner_creates_databases` lets the owner make and drop
    databases of its own (a native run's tests make theirs)."""
    owner, owner_password = _role(owner_url)
    app, app_password = _role(app_url)
    name = urlsplit(owner_url).path.lstrip("/")
    database, owner_role, app_role = map(sql.Identifier, (name, owner, app))
    creates = sql.SQL("CREATEDB" if owner_creates_databases else "NOCREATEDB")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        _login_role(admin, owner, owner_password, creates)
        _login_role(admin, app, app_password, sql.SQL("NOCREATEDB"))
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        statement = "ALTER DATABASE {} OWNER TO {}" if exists else "CREATE DATABASE {} OWNER {}"
        admin.execute(sql.SQL(statement).format(database, owner_role))
        admin.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
        admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, app_role))
    in_database = urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(in_database, autocommit=True) as admin:
        # Before PostgreSQL 15 anyone could make tables in public; now only its owner does.
        admin.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner_role))
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        admin.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_role))
        for kind, privileges in (("TABLES", ROW_PRIVILEGES), ("SEQUENCES", SEQUENCE_PRIVILEGES)):
            # What exists already, and what migrations will make.
            admin.execute(
                sql.SQL("GRANT {} ON ALL {} IN SCHEMA public TO {}").format(
                    privileges, sql.SQL(kind), app_role
                )
            )
            admin.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT {} ON {} TO {}"
                ).format(owner_role, privileges, sql.SQL(kind), app_role)
            )


def _login_role(
    admin: psycopg.Connection, name: str, password: str, creates: sql.Composable
) -> None:
    exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
    statement = "ALTER ROLE {} LOGIN NOSUPERUSER {} PASSWORD {}"
    if not exists:
        statement = "CREATE ROLE {} LOGIN NOSUPERUSER {} PASSWORD {}"
    admin.execute(sql.SQL(statement).format(sql.Identifier(name), creates, sql.Literal(password)))
