"""Orders' schedules, which Django Q keeps in the database (see chassis.schedules): every release
makes sure each exists, and an operator may then change or pause it in the admin."""

SCHEDULES = [
    {
        "name": "expire stale orders",
        # The command an operator runs by hand, or cron where there is no Django Q.
        "func": "django.core.management.call_command",
        "args": "'expire_stale_orders'",
        "schedule_type": "I",  # every `minutes` minutes
        "minutes": 1,
        "repeats": -1,  # for ever
    },
]
