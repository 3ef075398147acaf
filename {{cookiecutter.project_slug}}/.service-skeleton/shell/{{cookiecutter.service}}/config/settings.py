{%- set service = cookiecutter.service %}
{%- set celery = cookiecutter.use_celery == "yes" and service in cookiecutter._celery_services %}
{%- set django_q = cookiecutter.use_django_q == "yes" and service in cookiecutter._django_q_services %}
{#- What only this service has: a sample's own settings, from templates/settings/. #}
{%- set own_settings %}{% include "settings/" ~ service ~ ".py" ignore missing %}{% endset %}
{%- set own_settings = own_settings | trim -%}
"""Settings of the {{ service }} service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about {{ service }}.
"""

from pathlib import Path
{%- if own_settings %}

import environ
{%- endif %}

{% if django_q -%}
from chassis.schedules import django_q_settings
{% endif -%}
from chassis.settings import service_settings
{%- if celery %}
from chassis.tasks import celery_settings
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="{{ service }}",
        base_dir=BASE_DIR,
        apps=["{{ service }}"{{ ', "django_q"' if django_q }}],
    ),
)
{%- if celery %}
globals().update(celery_settings(name="{{ service }}"))
{%- endif %}
{%- if django_q %}
globals().update(django_q_settings(name="{{ service }}"))
{%- endif %}
{%- if own_settings %}

env = environ.Env()

{{ own_settings }}
{%- endif %}
