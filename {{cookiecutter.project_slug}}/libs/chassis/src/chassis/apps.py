from django.apps import AppConfig
from django.conf import settings

from chassis import tracing


class ChassisConfig(AppConfig):
    name = "chassis"
    verbose_name = "Chassis"

    def ready(self) -> None:
        service = settings.SERVICE_INFO
        tracing.start(
            service=service.name, version=service.version, runs_celery=service.runs_celery
        )
        if service.runs_celery:
            # The service's Celery app, so that every task queued here goes through it.
            import chassis.celery_app  # noqa: F401
