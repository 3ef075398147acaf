import importlib.util
import os
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from chassis.environment import CELERY, CHASSIS, DJANGO_Q, RELEASE, Source
from chassis.settings import service_settings


@pytest.fixture
def service_dir(tmp_path: Path) -> Path:
    """A service folder with nothing but its pyproject.toml (no .env)."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1.2.3"\ndescription = "Test service."\n'
    )
    return tmp_path


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "CACHE_KEY_PREFIX",
        "DJANGO_SECURE_SSL_REDIRECT",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_missing_secret_key_stops_the_service(clean_env, service_dir):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        service_settings(name="sample", base_dir=service_dir, apps=[])


def test_defaults_are_safe_for_production(clean_env, service_dir):
    clean_env.setenv("DJANGO_SECRET_KEY", "k" * 50)

    settings = service_settings(name="sample", base_dir=service_dir, apps=["sample"])

    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert settings["INSTALLED_APPS"][-1] == "sample"
    assert settings["STATIC_URL"] == "/api/sample/static/"


def test_each_service_keeps_its_own_admin_cookies_to_its_own_paths(clean_env, service_dir):
    # Behind one gateway every service shares an origin: cookies of one name would be every one's.
    clean_env.setenv("DJANGO_SECRET_KEY", "k" * 50)
    orders, catalog = (
        service_settings(name=name, base_dir=service_dir, apps=[]) for name in ("orders", "catalog")
    )

    cookies = ("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME")
    assert {orders[name] for name in cookies}.isdisjoint(catalog[name] for name in cookies)
    for settings, name in ((orders, "orders"), (catalog, "catalog")):
        assert settings["SESSION_COOKIE_PATH"] == settings["CSRF_COOKIE_PATH"] == f"/api/{name}/"


def test_urls_from_the_environment(clean_env, service_dir):
    clean_env.setenv("DJANGO_SECRET_KEY", "k" * 50)
    clean_env.setenv("DATABASE_URL", "postgres://shop:pw@db.internal:5433/catalog")
    clean_env.setenv("REDIS_URL", "redis://cache.internal:6379/2")

    settings = service_settings(name="catalog", base_dir=service_dir, apps=[])

    database = settings["DATABASES"]["default"]
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5433,
        "catalog",
    )
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert settings["CACHES"]["default"]["KEY_PREFIX"] == "catalog"


def test_a_service_env_file_supplies_defaults_but_the_environment_wins(clean_env, service_dir):
    (service_dir / ".env").write_text("DJANGO_SECRET_KEY=from-file\nDJANGO_DEBUG=true\n")
    clean_env.setenv("DJANGO_DEBUG", "false")

    settings = service_settings(name="x", base_dir=service_dir, apps=[])

    assert settings["SECRET_KEY"] == "from-file"
    assert settings["DEBUG"] is False
    assert settings["SERVICE_INFO"].version == "1.2.3"


def test_the_database_gives_up_on_a_silent_server_and_an_endless_statement(clean_env, service_dir):
    clean_env.setenv("DJANGO_SECRET_KEY", "k" * 50)
    clean_env.setenv("DATABASE_URL", "postgres://shop:pw@db.internal/catalog?sslmode=require")
    clean_env.setenv("DATABASE_STATEMENT_TIMEOUT", "7")

    options = service_settings(name="catalog", base_dir=service_dir, apps=[])["DATABASES"][
        "default"
    ]["OPTIONS"]

    assert options == {
        "sslmode": "require",
        "connect_timeout": 5,
        "options": "-c statement_timeout=7s",
    }


@pytest.mark.django_db
def test_a_statement_that_outlasts_its_timeout_is_cancelled():
    from django.db import OperationalError, connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)
        cursor.execute("SET LOCAL statement_timeout = '100ms'")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(1)")


class RecordingEnviron(dict):
    """The environment, noting every name asked for."""

    def __init__(self, environment: dict[str, str]) -> None:
        super().__init__(environment)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return super().__contains__(name)

    def get(self, name: str, default: object = None) -> object:
        self.read.add(name)
        return super().get(name, default)


def test_the_settings_read_what_chassis_environment_declares_and_nothing_else(
    clean_env, service_dir, monkeypatch
):
    # Every process the chassis of this project can configure, so that all it reads is read.
    processes = ["web", "relay", "consumer"]
    if importlib.util.find_spec("chassis.tasks"):
        processes += ["worker", "beat"]
    if importlib.util.find_spec("chassis.schedules"):
        processes += ["scheduler"]
    (service_dir / "service.toml").write_text(f"processes = {processes!r}\n".replace("'", '"'))
    clean_env.setenv("DJANGO_SECRET_KEY", "k" * 50)
    recording = RecordingEnviron(dict(os.environ))
    monkeypatch.setattr(environ.Env, "ENVIRON", recording)

    service_settings(base_dir=service_dir)

    declared = {variable.name: variable for variable in (*CHASSIS, *RELEASE, *CELERY, *DJANGO_Q)}
    assert sorted(recording.read - declared.keys()) == []
    required = {name for name, v in declared.items() if v.source is not Source.TUNABLE}
    assert sorted(required - recording.read) == []
