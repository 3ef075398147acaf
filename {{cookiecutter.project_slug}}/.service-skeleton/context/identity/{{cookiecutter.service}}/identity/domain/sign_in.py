"""How often an e-mail address may be tried: a guard against guessing one account's password.

The gateway limits each client; this limits each account, whoever tries it from
wherever. Every address has FREE_TRIES tries; from the last of them on, each try
locks the address for a while, twice as long as the try before (LOCK_STEP first,
at most LOCK_MAX), and tries while it is locked are refused unchecked. Signing in
forgets every try before, as does a quiet FORGET_AFTER since the last. An
address nobody has is tried and locked alike, so that being locked tells
nothing of who has an account.

A try counts as failed from the moment it is made until it succeeds, so tries
made at the same time count each other: however many arrive together, no more
than the free ones reach the password check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

FREE_TRIES = 5
LOCK_STEP = timedelta(seconds=30)
LOCK_MAX = timedelta(minutes=15)
# Longer than any lock: tries forgotten this long after the last one lock nothing.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class SignInTries:
    """The tries of one address since it last signed in."""

    email: str
    failed: int = 0
    locked_until: datetime | None = None
    last_tried_at: datetime | None = None

    def locked_for(self, now: datetime) -> timedelta | None:
        """How long tries are still refused; None when one may be made."""
        if self.locked_until is None or self.locked_until <= now:
            return None
        return self.locked_until - now

    def tried(self, now: datetime) -> SignInTries:
        """With one more try, failed until it succeeds."""
        forgotten = self.last_tried_at is not None and self.last_tried_at <= now - FORGET_AFTER
        failed = 1 if forgotten else self.failed + 1
        locked_until = None
        if failed >= FREE_TRIES:
            locked_until = now + min(LOCK_STEP * 2 ** (failed - FREE_TRIES), LOCK_MAX)
        return replace(self, failed=failed, locked_until=locked_until, last_tried_at=now)
