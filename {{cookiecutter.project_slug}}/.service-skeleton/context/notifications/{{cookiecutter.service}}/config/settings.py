"""Notifications' settings: the chassis's (see chassis.settings), then what only notifications has."""

from pathlib import Path

import environ

from chassis.settings import service_settings

globals().update(service_settings(base_dir=Path(__file__).resolve().parent.parent))

env = environ.Env()

# A notification pending this long with no attempt lost its delivery task on the
# way; longer than the longest wait between two attempts.
NOTIFICATIONS_STALLED_MINUTES = env.int("NOTIFICATIONS_STALLED_MINUTES", default=15)
