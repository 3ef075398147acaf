from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chassis", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inboxmessage",
            index=models.Index(fields=["handled_at"], name="inbox_handled_age"),
        ),
    ]
