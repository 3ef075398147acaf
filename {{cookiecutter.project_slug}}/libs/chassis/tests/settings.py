"""A minimal service, for testing the chassis on its own."""

import os
import secrets
from pathlib import Path

from chassis.settings import service_settings

# Tests sign nothing that outlives them: each run makes its own key up.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))

globals().update(
    service_settings(name="sample", base_dir=Path(__file__).resolve().parent.parent, apps=["tests"])
)

ROOT_URLCONF = "tests.urls"
