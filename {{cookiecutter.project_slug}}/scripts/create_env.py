"""Write `.env` from `.env.example`, giving every secret a fresh value.

`.env` is git-ignored, so each checkout makes its own: `make setup` runs this.
An empty value in `.env.example` is a secret when its name says so:
``*_SECRET_KEY`` gets a random token, ``*_PASSWORD`` a random run of letters
and digits, ``*_SIGNING_KEY`` an
RSA private key (made by openssl, base64 of its PEM), ``*_SIGNING_KEY_ID`` a
name for it, and ``*_PASSWORD_HASH`` the hash of the ``*_PASSWORD`` before it
as RabbitMQ keeps it (the definitions the broker loads in Compose carry hashes,
not passwords). An existing `.env` keeps every value it has, and gains the
settings it lacks (a service added since, say), secrets made the same way. Needs
Python's standard library and, for a signing key, the openssl command.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import string
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "libs" / "chassis" / "src"))

from chassis.broker_access import hash_matches, password_hash  # noqa: E402

# Passwords travel inside URLs and on command lines (rabbitmqctl reads one that
# starts with "-" as an option), so they keep to letters and digits; 48 of them
# hold about 285 bits.
PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 48


def rsa_private_key() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        sys.exit(
            "error: openssl is needed to make the token signing key: install it, then run this again."
        )
    pem = subprocess.run(
        [openssl, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(pem).decode()


def secret_for(name: str) -> str | None:
    """A fresh value for the setting `name` if it is a secret, else ``None``."""
    if name.endswith("_SIGNING_KEY"):
        return rsa_private_key()
    if name.endswith("_SIGNING_KEY_ID"):
        return f"key-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
    if name.endswith("_PASSWORD"):
        return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    if name.endswith("_SECRET_KEY"):
        return secrets.token_urlsafe(48)
    return None


HASH_SUFFIX = "_HASH"


def env_from_example(example: str, known: dict[str, str] | None = None) -> str:
    """`example` with its secrets filled in; a hash is of the password of that name, from what
    this fills in or from `known` (the settings a `.env` has already)."""
    values = dict(known or {})
    lines = []
    for line in example.splitlines():
        name, separator, value = line.partition("=")
        if separator and not value:
            if name.endswith("_PASSWORD" + HASH_SUFFIX):
                line = f"{name}={password_hash(values[name.removesuffix(HASH_SUFFIX)])}"
            elif (secret := secret_for(name)) is not None:
                line = f"{name}={secret}"
                values[name] = secret
        lines.append(line)
    return "\n".join(lines) + "\n"


def settings_of(text: str) -> dict[str, str]:
    return {
        name: line.partition("=")[2]
        for line in text.splitlines()
        if (name := setting_name(line)) is not None
    }


def setting_name(line: str) -> str | None:
    name, separator, _ = line.partition("=")
    return name if separator and not line.startswith("#") else None


def add_missing_settings(env_file: Path, example: str) -> None:
    present = settings_of(env_file.read_text())
    stale = stale_hashes(present)
    if stale:
        # A password changed by hand: its hash follows it.
        text = "\n".join(
            f"{name}={password_hash(present[name.removesuffix(HASH_SUFFIX)])}"
            if (name := setting_name(line)) in stale
            else line
            for line in env_file.read_text().splitlines()
        )
        env_file.write_text(text + "\n")
        print(f"Hashed again in {env_file.name} the passwords changed: {', '.join(stale)}.")
    missing = [
        line
        for line in example.splitlines()
        if (name := setting_name(line)) is not None and name not in present
    ]
    if not missing:
        print(f"{env_file.name} has every setting of .env.example; leaving it as it is.")
        return
    with env_file.open("a") as handle:
        added = env_from_example("\n".join(missing), known=present)
        handle.write("\n# Added from .env.example\n" + added)
    names = ", ".join(setting_name(line) or "" for line in missing)
    print(f"Added to {env_file.name} what it lacked: {names}.")


def stale_hashes(settings: dict[str, str]) -> list[str]:
    """The hashes in `settings` that are not of their password."""
    return [
        name
        for name, value in settings.items()
        if name.endswith("_PASSWORD" + HASH_SUFFIX)
        and value
        and not hash_matches(settings.get(name.removesuffix(HASH_SUFFIX), ""), value)
    ]


def main() -> int:
    env_file = PROJECT_DIR / ".env"
    example = (PROJECT_DIR / ".env.example").read_text()
    if env_file.exists():
        add_missing_settings(env_file, example)
        return 0
    content = env_from_example(example)
    # Created readable by its owner only: it holds every secret of the system.
    descriptor = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    print(f"Wrote {env_file.name} with fresh secrets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
