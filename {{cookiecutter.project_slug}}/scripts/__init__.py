"""The project's own tools: each runs as ``python -m scripts.<name>`` from the project's root,
and the Makefile names every one (``make help``)."""
