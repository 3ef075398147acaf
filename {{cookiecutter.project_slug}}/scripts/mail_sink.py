"""Catch the system's e-mail on this machine: `make dev` runs it as the services' SMTP server.

It listens on 127.0.0.1:MAIL_PORT (from .env), keeps every message in the
Maildir .run/mail/ (any mail client reads it, as does Python's `mailbox`), and
logs one line per message. Nothing leaves the machine; Compose runs Mailpit
for the same purpose.
"""

from __future__ import annotations

import logging
import os
import sys
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from scripts.native import PROJECT_DIR, stop_requested

MAILDIR = PROJECT_DIR / ".run" / "mail"

logger = logging.getLogger("mail")


class LoggingMailbox(Mailbox):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        message = message_from_bytes(envelope.content, policy=policy.default)
        logger.info("To %s: %s", ", ".join(envelope.rcpt_tos), message["Subject"])
        return reply


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    port = int(os.environ.get("MAIL_PORT", "1025"))
    MAILDIR.parent.mkdir(parents=True, exist_ok=True)
    stopping = stop_requested()
    controller = Controller(LoggingMailbox(MAILDIR), hostname="127.0.0.1", port=port)
    controller.start()
    logger.info("Catching mail on 127.0.0.1:%d into %s", port, MAILDIR.relative_to(PROJECT_DIR))
    try:
        stopping.wait()
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
