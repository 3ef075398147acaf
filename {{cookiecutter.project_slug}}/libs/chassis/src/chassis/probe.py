"""Exit 0 when a URL answers 2xx, 1 otherwise.

Container images carry no curl: ``python -m chassis.probe URL`` is the
HEALTHCHECK of every image and what scripts use to wait for a service.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m chassis.probe URL", file=sys.stderr)
        return 2
    url = argv[0]
    if not url.startswith(("http://", "https://")):
        print(f"{url}: only http and https URLs can be probed", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(url, timeout=3):  # noqa: S310 - the scheme is checked above
            return 0
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
