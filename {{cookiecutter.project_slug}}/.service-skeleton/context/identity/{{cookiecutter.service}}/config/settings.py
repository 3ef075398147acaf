"""Identity's settings: the chassis's (see chassis.settings), then what only identity has."""

from pathlib import Path

import environ

from chassis.settings import service_settings

globals().update(service_settings(base_dir=Path(__file__).resolve().parent.parent))

env = environ.Env()

AUTH_USER_MODEL = "identity.User"

# Every release makes sure the operators' account exists (see ensure_staff_user).
RELEASE_COMMANDS = ["ensure_staff_user"]

# The RSA key that signs access tokens (base64 of its PEM) and the id tokens
# name it by; see identity.infrastructure.tokens for rotating it.
IDENTITY_SIGNING_KEY = env.str("IDENTITY_SIGNING_KEY", default="")
IDENTITY_SIGNING_KEY_ID = env.str("IDENTITY_SIGNING_KEY_ID", default="")
IDENTITY_RETIRED_PUBLIC_KEYS = env.json("IDENTITY_RETIRED_PUBLIC_KEYS", default=[])
IDENTITY_ACCESS_TOKEN_SECONDS = env.int("IDENTITY_ACCESS_TOKEN_SECONDS", default=300)
