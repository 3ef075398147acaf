{%- if cookiecutter.use_celery == "yes" -%}
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
