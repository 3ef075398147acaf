from django.apps import AppConfig


class {{ cookiecutter.service | capitalize }}Config(AppConfig):
    name = "{{ cookiecutter.service }}"
