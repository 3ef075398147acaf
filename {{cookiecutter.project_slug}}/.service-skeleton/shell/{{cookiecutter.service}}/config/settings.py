{%- set celery = cookiecutter.use_celery == "yes" and cookiecutter.service in cookiecutter._celery_services -%}
"""Settings of the {{ cookiecutter.service }} service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about {{ cookiecutter.service }}.
"""

from pathlib import Path

from chassis.settings import service_settings
{%- if celery %}
from chassis.tasks import celery_settings
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="{{ cookiecutter.service }}",
        base_dir=BASE_DIR,
        apps=["{{ cookiecutter.service }}"],
    ),
)
{%- if celery %}
globals().update(celery_settings(name="{{ cookiecutter.service }}"))
{%- endif %}
