"""Django Q expires orders left pending on the schedule every release installs, in a real
cluster, and leaves alone a schedule an operator changed; in the admin an operator changes when a
schedule runs, never what it runs."""

import pytest
from django.core.management import call_command
from django.forms import BaseForm, MultiWidget
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from chassis.schedules import install_schedules
from chassis_testing import ServiceProcess, eventually

from tests.integration.test_expiry import expiry_announced, placed, statuses

EXPIRY = "expire stale orders"


@pytest.mark.django_db
def test_a_release_installs_the_schedule_and_keeps_an_operators_change():
    assert install_schedules() == [EXPIRY]
    schedule = Schedule.objects.get(name=EXPIRY)
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    Schedule.objects.filter(name=EXPIRY).update(minutes=5)

    assert install_schedules() == []
    assert Schedule.objects.get(name=EXPIRY).minutes == 5


@pytest.mark.django_db(transaction=True)
def test_a_real_cluster_expires_a_stale_order_on_schedule(tmp_path):
    install_schedules()
    stale, fresh = placed(minutes_ago=45), placed(minutes_ago=5)
    Schedule.objects.filter(name=EXPIRY).update(next_run=timezone.now())

    cluster = ServiceProcess(["manage.py", "qcluster"], tmp_path / "qcluster.log")
    try:
        eventually(lambda: statuses(stale) == ["expired"], 90, "the cluster never expired it")
        call_command("scheduler_alive", "30")  # its health check
    finally:
        cluster.stop()

    assert statuses(fresh) == ["pending"]
    assert expiry_announced(stale)


def as_posted(form: BaseForm) -> dict[str, object]:
    """What a browser posts back for `form` unchanged."""
    data: dict[str, object] = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, MultiWidget):
            parts = field.field.widget.decompress(value)
            data.update({f"{field.html_name}_{n}": part or "" for n, part in enumerate(parts)})
        elif value is not None:
            data[field.html_name] = value
    return data


@pytest.mark.django_db
def test_in_the_admin_an_operator_retimes_a_schedule_but_cannot_change_what_it_runs(admin_client):
    install_schedules()
    schedule = Schedule.objects.get(name=EXPIRY)
    assert admin_client.get(reverse("admin:django_q_schedule_add")).status_code == 403

    url = reverse("admin:django_q_schedule_change", args=[schedule.pk])
    form = admin_client.get(url).context["adminform"].form
    assert {"func", "args", "kwargs", "hook"}.isdisjoint(form.fields)
    posted = {**as_posted(form), "minutes": 5, "func": "os.system", "args": "'touch /tmp/owned'"}
    assert admin_client.post(url, posted).status_code == 302

    changed = Schedule.objects.get(pk=schedule.pk)
    assert changed.minutes == 5
    assert (changed.func, changed.args) == (schedule.func, schedule.args)
