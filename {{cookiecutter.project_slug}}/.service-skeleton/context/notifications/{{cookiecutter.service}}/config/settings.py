"""Settings of the notifications service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about notifications
{%- if cookiecutter.use_celery == "yes" %}: the sweep for deliveries lost on the way{% endif %}.
"""

from pathlib import Path
{%- if cookiecutter.use_celery == "yes" %}

import environ
{%- endif %}

from chassis.settings import service_settings
{%- if cookiecutter.use_celery == "yes" %}
from chassis.tasks import celery_settings
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="notifications",
        base_dir=BASE_DIR,
        apps=["notifications"],
    ),
)
{%- if cookiecutter.use_celery == "yes" %}
globals().update(celery_settings(name="notifications"))

env = environ.Env()

# A notification pending this long with no attempt lost its delivery task on the
# way; longer than the longest wait between two attempts.
NOTIFICATIONS_STALLED_MINUTES = env.int("NOTIFICATIONS_STALLED_MINUTES", default=15)

CELERY_BEAT_SCHEDULE = {
    "redispatch-stalled-notifications": {
        "task": "notifications.tasks.redispatch_stalled_notifications",
        "schedule": 5 * 60,
    },
}
{%- endif %}
