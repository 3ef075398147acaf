from django.apps import AppConfig


class ChassisConfig(AppConfig):
    name = "chassis"
    verbose_name = "Chassis"
