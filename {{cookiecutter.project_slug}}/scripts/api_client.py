"""Regenerate the frontend's typed API client from the services' OpenAPI documents.

For each document the frontend keeps in frontend/openapi/<service>.json, the
service serves its current one (to Django's test client, in process); then
`npm run generate:api` turns the documents into TypeScript. Run it after changing
an API the frontend calls (`make api-client`); ``--check`` fails, and leaves the
files as they were, if the committed client is not what the services give today.
It needs each service's settings, so run `make provision` first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
FRONTEND_DIR = PROJECT_DIR / "frontend"
DOCUMENTS_DIR = FRONTEND_DIR / "openapi"
# What generation writes: the documents and the client made from them.
GENERATED = (DOCUMENTS_DIR, FRONTEND_DIR / "src" / "api" / "generated")


def snapshot() -> dict[Path, bytes]:
    return {
        path: path.read_bytes()
        for folder in GENERATED
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# Run by `manage.py shell` in the service's folder, with its settings.
SERVE_DOCUMENT = """
from pathlib import Path
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/api/{service}/swagger.json")
assert response.status_code == 200, response.content
Path({path!r}).write_bytes(response.content)
"""


def write_documents() -> None:
    for document in sorted(DOCUMENTS_DIR.glob("*.json")):
        code = SERVE_DOCUMENT.format(service=document.stem, path=str(document))
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--command", code],
            cwd=PROJECT_DIR / "services" / document.stem,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Indented and sorted, so that a change to an API reads as a small diff.
        text = json.dumps(json.loads(document.read_text()), indent=2, sort_keys=True)
        document.write_text(text + "\n")


def generate_client() -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("error: npm is missing: install Node.js 20.19 or newer (https://nodejs.org/).")
    subprocess.run([npm, "run", "--silent", "generate:api"], cwd=FRONTEND_DIR, check=True)


def restore(before: dict[Path, bytes]) -> None:
    for path in snapshot().keys() - before.keys():
        path.unlink()
    for path, content in before.items():
        path.write_bytes(content)


def main() -> int:
    before = snapshot()
    write_documents()
    generate_client()
    if "--check" not in sys.argv[1:]:
        print(f"Wrote the client from {len(list(DOCUMENTS_DIR.glob('*.json')))} OpenAPI documents.")
        return 0
    after = snapshot()
    changed = sorted(
        str(path.relative_to(PROJECT_DIR))
        for path in before.keys() | after.keys()
        if before.get(path) != after.get(path)
    )
    restore(before)
    if changed:
        print(
            "The frontend's API client is out of date: run `make api-client`. Differs: "
            + ", ".join(changed),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
