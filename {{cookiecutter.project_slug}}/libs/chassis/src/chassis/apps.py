from django.apps import AppConfig
from django.conf import settings


class ChassisConfig(AppConfig):
    name = "chassis"
    verbose_name = "Chassis"

    def ready(self) -> None:
        if settings.SERVICE_INFO.runs_celery:
            # The service's Celery app, so that every task queued here goes through it.
            import chassis.celery_app  # noqa: F401
