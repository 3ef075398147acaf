"""Where the {{ cookiecutter.service }} service keeps its state: the database behind the application's ports."""
