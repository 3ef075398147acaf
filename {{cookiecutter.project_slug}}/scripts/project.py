"""What the tools know about the project, read from the project itself: its folders, its name,
its services, and who issues its tokens. Only the standard library, so that every tool (and
the post-generation hook) may use it."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVICES_DIR = PROJECT_DIR / "services"
# Everything a native run's processes printed (`make dev`), which `make trace` reads.
RUN_LOG = PROJECT_DIR / ".run" / "logs" / "dev.log"


def services() -> list[str]:
    """Every service: a folder of services/ with a manage.py."""
    return sorted(path.parent.name for path in SERVICES_DIR.glob("*/manage.py"))


def project_name() -> str:
    """The project's slug, which names its Compose project, databases, images and vhost."""
    compose = (PROJECT_DIR / "docker-compose.yml").read_text()
    return re.search(r"^name: (\S+)$", compose, re.MULTILINE).group(1)


def plain_services() -> list[str]:
    """The services made from the plain skeleton: those with its example resource, items."""
    return [
        name for name in services() if (SERVICES_DIR / name / name / "domain" / "items.py").exists()
    ]


def identity_issues_tokens() -> bool:
    """Whether the identity service issues the tokens (else Keycloak does)."""
    return "identity" in services()


def has_frontend() -> bool:
    return (PROJECT_DIR / "frontend").is_dir()


def example_settings() -> dict[str, str]:
    """The settings `.env.example` gives, secrets left empty."""
    settings = {}
    for line in (PROJECT_DIR / ".env.example").read_text().splitlines():
        name, separator, value = line.partition("=")
        if separator and not line.startswith("#"):
            settings[name] = value
    return settings
