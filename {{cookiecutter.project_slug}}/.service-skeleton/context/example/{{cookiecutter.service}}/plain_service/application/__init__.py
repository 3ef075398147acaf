"""The use cases of the {{ cookiecutter.service }} service: one command and one handler each.

The ports they need (repositories, unit of work and the rest) are in ports.py.
"""
