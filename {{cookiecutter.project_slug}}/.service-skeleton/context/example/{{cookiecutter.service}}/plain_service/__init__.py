"""The {{ cookiecutter.service }} bounded context.

It starts with one example resource, items, laid out the way every service of
the system is: ``domain/`` (plain Python rules), ``application/`` (one command
and handler per use case), ``infrastructure/`` (repositories) and ``api/``
(HTTP in, command out). Replace items with the service's own domain.
"""
