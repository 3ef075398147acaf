"""The use cases of the {{ cookiecutter.service }} service: one command and one handler each."""
