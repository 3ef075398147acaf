"""Django Q's schedule for expiring stale orders, there from the first boot.

It is a row: an operator may change its interval or pause it in the admin.
"""

from django.db import migrations

SCHEDULE = "expire stale orders"


def create_schedule(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    schedule.objects.update_or_create(
        name=SCHEDULE,
        defaults={
            "func": "orders.tasks.expire_stale_orders",
            "schedule_type": "I",  # every `minutes` minutes
            "minutes": 1,
            "repeats": -1,  # for ever
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
