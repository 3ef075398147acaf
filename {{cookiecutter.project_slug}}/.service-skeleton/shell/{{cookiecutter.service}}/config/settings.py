"""The service's settings.

Everything every service shares comes from the chassis, which names the
service after its folder and configures what its service.toml says it runs
(see chassis.settings; every variable it reads is in chassis.environment). A
service adds below only what is special about it.
"""

from pathlib import Path

from chassis.settings import service_settings

globals().update(service_settings(base_dir=Path(__file__).resolve().parent.parent))
