from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInTries",
            fields=[
                ("email", models.CharField(max_length=254, primary_key=True, serialize=False)),
                ("failed", models.PositiveIntegerField()),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
                ("last_tried_at", models.DateTimeField(db_index=True, null=True)),
            ],
            options={
                "verbose_name_plural": "sign-in tries",
            },
        ),
    ]
