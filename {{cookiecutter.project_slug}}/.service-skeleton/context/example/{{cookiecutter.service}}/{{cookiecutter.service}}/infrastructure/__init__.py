"""Where the {{ cookiecutter.service }} service keeps its state: repositories behind Protocols."""
