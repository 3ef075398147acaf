from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.UUIDField(editable=False, primary_key=True, serialize=False)),
                ("recipient_id", models.UUIDField()),
                ("channel", models.CharField(choices=[("email", "email")], max_length=10)),
                ("address", models.CharField(max_length=254)),
                ("template", models.CharField(max_length=50)),
                ("subject", models.CharField(max_length=200)),
                ("body", models.TextField()),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "pending"), ("sent", "sent"), ("failed", "failed")],
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["recipient_id", "-created_at"], name="notification_recipient_newest"
                    )
                ],
            },
        ),
    ]
