"""The rules of the {{ cookiecutter.service }} service, in plain Python: no Django here."""
