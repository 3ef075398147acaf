"""Check every answer before anything is generated.

Each rule names the answer, the value given and what is allowed, in one line.
The first broken rule stops generation with exit status 1; Cookiecutter then
removes the folder it had started, so a bad answer leaves nothing behind.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# Text that ends up inside quoted strings of TOML, YAML and Python files.
PLAIN_TEXT = re.compile(r"[^\"'\\{}<>`$\x00-\x1f]+")
SLUG = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
SLUG_MAX = 30
# A service name becomes a folder, a Python package, a database, a Compose
# service and a Kubernetes object: letters and digits are valid in all of them.
SERVICE_NAME = re.compile(r"[a-z][a-z0-9]+")
SERVICE_NAME_MAX = 24
RESERVED_SERVICE_NAMES = frozenset(
    {
        # folders and processes of the generated project
        "admin", "api", "chassis", "config", "deploy", "docs", "frontend",
        "gateway", "health", "libs", "registry", "scripts", "services",
        "static", "test", "tests",
        # infrastructure containers
        "keycloak", "mailpit", "postgres", "rabbitmq", "redis",
        # import names of the libraries every service depends on
        "celery", "django", "environ", "gunicorn", "jwt", "kombu", "pika",
        "psycopg", "pytest", "whitenoise",
    }
)  # fmt: skip
# The sample services read state that another sample service publishes.
SAMPLE_NEEDS = {"orders": ("catalog",)}
# The frontend's pages are those of the sample shop.
FRONTEND_NEEDS = ("catalog", "orders", "notifications")
# The identity service is the identity provider: it is listed exactly when chosen.
IDENTITY_SERVICE = "identity"
DOMAIN_NAME = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
EMAIL = re.compile(r"[^@\s\"'\\<>]+@[^@\s\"'\\<>]+\.[a-z]{2,63}", re.IGNORECASE)
VERSION = re.compile(r"\d+\.\d+\.\d+")


class InvalidAnswer(Exception):
    def __init__(self, answer: str, given: object, allowed: str) -> None:
        super().__init__(f"{answer}: {given!r} is not valid; {allowed}")


def service_names(services: str) -> list[str]:
    return [name.strip() for name in services.split(",") if name.strip()]


def check_plain_text(answer: str, max_length: int) -> None:
    value = ANSWERS[answer]
    if not PLAIN_TEXT.fullmatch(value) or len(value) > max_length or not value.strip():
        raise InvalidAnswer(
            answer,
            value,
            f"use 1 to {max_length} characters without quotes, backslashes, "
            "braces, angle brackets, backticks or dollar signs",
        )


def check_slug() -> None:
    slug = ANSWERS["project_slug"]
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX:
        raise InvalidAnswer(
            "project_slug",
            slug,
            f"use up to {SLUG_MAX} lowercase letters, digits and single underscores, "
            "starting with a letter (e.g. acme_shop)",
        )


def check_services() -> None:
    given = ANSWERS["services"]
    names = service_names(given)
    if not names:
        raise InvalidAnswer("services", given, "name at least one service, e.g. catalog")
    for name in names:
        check_service_name(given, name)
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidAnswer("services", given, f"name each service once ({', '.join(duplicates)} repeats)")
    for service, needs in SAMPLE_NEEDS.items():
        missing = [need for need in needs if service in names and need not in names]
        if missing:
            raise InvalidAnswer("services", given, f"{service} needs {', '.join(missing)} in the list too")
    provider = ANSWERS["auth_provider"]
    if provider == IDENTITY_SERVICE and IDENTITY_SERVICE not in names:
        raise InvalidAnswer(
            "services", given, "auth_provider identity needs the identity service in the list (or choose keycloak)"
        )
    if provider != IDENTITY_SERVICE and IDENTITY_SERVICE in names:
        raise InvalidAnswer(
            "services", given, f"with auth_provider {provider}, leave identity out: {provider} issues the tokens"
        )


def check_frontend() -> None:
    if ANSWERS["frontend"] != "react":
        return
    missing = [need for need in FRONTEND_NEEDS if need not in service_names(ANSWERS["services"])]
    if missing:
        raise InvalidAnswer(
            "frontend",
            "react",
            f"the React frontend shows the sample shop: add {', '.join(missing)} to services (or choose none)",
        )


def check_service_name(given: str, name: str) -> None:
    if not SERVICE_NAME.fullmatch(name) or len(name) > SERVICE_NAME_MAX:
        raise InvalidAnswer(
            "services",
            given,
            f"{name!r} must be 2 to {SERVICE_NAME_MAX} lowercase letters and digits, starting with a letter",
        )
    if name in RESERVED_SERVICE_NAMES or keyword.iskeyword(name) or name in sys.stdlib_module_names:
        raise InvalidAnswer(
            "services",
            given,
            f"{name!r} is reserved (a project folder, an infrastructure container "
            "or a Python module name); choose another name",
        )


def check_pattern(answer: str, pattern: re.Pattern[str], allowed: str) -> None:
    if not pattern.fullmatch(ANSWERS[answer]):
        raise InvalidAnswer(answer, ANSWERS[answer], allowed)


def main() -> None:
    check_plain_text("project_name", max_length=60)
    check_slug()
    check_plain_text("description", max_length=200)
    check_plain_text("author_name", max_length=80)
    check_pattern("email", EMAIL, "use an address such as team@example.com")
    check_pattern("domain_name", DOMAIN_NAME, "use a lowercase host name such as shop.example.com")
    check_pattern("version", VERSION, "use MAJOR.MINOR.PATCH, e.g. 0.1.0")
    check_services()
    check_frontend()


if __name__ == "__main__":
    try:
        main()
    except InvalidAnswer as error:
        print(f"ERROR: {error}", file=sys.stderr)
        sys.exit(1)
