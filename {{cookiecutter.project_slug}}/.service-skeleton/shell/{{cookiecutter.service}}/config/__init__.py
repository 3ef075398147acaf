{%- if cookiecutter.use_celery == "yes" and cookiecutter.service in cookiecutter._celery_services -%}
"""Loads the Celery app with Django, so that every ``@shared_task`` belongs to it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
{% endif -%}
