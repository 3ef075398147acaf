"""Django Q expires orders left pending on the schedule every release installs, in a real
cluster, and leaves alone a schedule an operator changed."""

import pytest
from django.core.management import call_command
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
