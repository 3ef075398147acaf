from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def date_each_session_by_its_login(apps, schema_editor):
    """A login began when the first session of its family did."""
    sessions = apps.get_model("identity", "RefreshSession").objects
    first = (
        sessions.filter(family_id=OuterRef("family_id"))
        .values("family_id")
        .annotate(start=Min("created_at"))
        .values("start")
    )
    sessions.update(signed_in_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_sign_in_tries"),
    ]

    operations = [
        migrations.AddField(
            model_name="refreshsession",
            name="signed_in_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(date_each_session_by_its_login, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="refreshsession",
            name="signed_in_at",
            field=models.DateTimeField(db_index=True),
        ),
    ]
