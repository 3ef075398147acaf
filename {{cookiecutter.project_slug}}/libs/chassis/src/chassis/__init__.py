"""The microservice chassis: what every service of the system shares.

- :mod:`chassis.settings`: settings built from the environment.
- :mod:`chassis.logging`: JSON log lines with the request's correlation id.
- :mod:`chassis.problems`: one problem+json shape for every error.
- :mod:`chassis.admin`: read-only admin pages.
- :mod:`chassis.api`: what views share (``valid(serializer)``).
- :mod:`chassis.auth`: bearer JWTs verified against the issuer's keys; the caller's principal.
- :mod:`chassis.domain`: the errors a domain layer raises, free of Django.
- :mod:`chassis.health`: ``/health/live`` and ``/health/ready``.
- :mod:`chassis.openapi`: each service's Swagger UI, ReDoc and schema.
- :mod:`chassis.pagination`: bounded page-number pagination.
- :mod:`chassis.persistence`: helpers for repositories built on the Django ORM.
- :mod:`chassis.urls`: the URL layout every service shares.

Tests use ``chassis_testing`` (libs/testing): pytest fixtures, fakes of these
ports, and the contract every service keeps. No image installs it.
"""
