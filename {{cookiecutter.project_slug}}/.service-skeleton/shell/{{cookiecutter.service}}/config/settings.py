"""Settings of the {{ cookiecutter.service }} service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about {{ cookiecutter.service }}.
"""

from pathlib import Path

from chassis.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="{{ cookiecutter.service }}",
        base_dir=BASE_DIR,
        apps=["{{ cookiecutter.service }}"],
    ),
)
