"""The Celery app of the {{ cookiecutter.service }} service, which ``celery --app config worker`` runs."""

import os

from chassis.tasks import create_celery_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = create_celery_app("{{ cookiecutter.service }}")
