"""Prepare a new version: migrate, declare its event queues and its schedules, run the service's
own release commands.

Everything that must happen once per deployment, before the new version takes
traffic, runs here: the Compose migrate job, the Kubernetes migration job and
native provisioning all call `manage.py release`, as the database's owner. Given
``DATABASE_ADMIN_URL``, it first makes the database's two roles (see
chassis.database_roles). Declaring a consuming service's queue here means an
event published before its consumer first starts waits for it instead of being
dropped. A service lists its extra steps in the
RELEASE_COMMANDS setting.
"""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from chassis.database_roles import ensure_roles
from chassis.events import broker
from chassis.events.broker import Topology
from chassis.events.subscribers import handlers


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Accepted for symmetry with migrate: a release never asks anything.
        parser.add_argument("--noinput", "--no-input", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        roles = settings.DATABASE_ROLES
        if roles["ADMIN_URL"]:
            ensure_roles(
                admin_url=roles["ADMIN_URL"], owner_url=roles["OWNER_URL"], app_url=roles["APP_URL"]
            )
        if connection.vendor == "postgresql":
            # A migration may rewrite a big table: the release waits for it, however long.
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        event_types = sorted(handlers())
        if settings.EVENTS["BROKER_URL"] and event_types:
            Topology.from_settings().declare_queues(broker.connection().channel(), event_types)
            broker.close()
        if settings.SERVICE_INFO.runs_django_q:
            from chassis.schedules import install_schedules

            for name in install_schedules():
                self.stdout.write(f"Scheduled {name}.")
        for command in settings.RELEASE_COMMANDS:
            call_command(command, verbosity=options["verbosity"])
