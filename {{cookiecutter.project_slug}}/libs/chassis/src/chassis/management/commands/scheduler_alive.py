"""Succeed if this host's Django Q cluster reported in the last SECONDS (60 unless given).

The scheduler's container HEALTHCHECK and Kubernetes liveness probe: the
cluster saves its status every cycle, so a cluster that stopped turning is
found out and restarted.
"""

import socket
from argparse import ArgumentParser

from django.core.management.base import CommandError
from django.utils import timezone
from django_q.status import Stat

from chassis.management import ProcessCommand


class Command(ProcessCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("seconds", type=float, nargs="?", default=60)

    def handle(self, *args: object, seconds: float, **options: object) -> None:
        host = socket.gethostname()
        reported = [
            (timezone.now() - stat.timestamp).total_seconds()
            for stat in Stat.get_all()
            if stat.host == host
        ]
        if not reported or min(reported) > seconds:
            raise CommandError(f"no Django Q cluster on {host} reported in the last {seconds:g} s")
