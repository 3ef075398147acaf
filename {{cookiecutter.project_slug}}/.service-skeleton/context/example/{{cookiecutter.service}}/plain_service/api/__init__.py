"""HTTP in, command out: the {{ cookiecutter.service }} service's REST API."""
