"""The schemathesis check test_contracts.py adds to the built-in ones (SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import schemathesis
from schemathesis.specs.openapi.checks import content_type_conformance


@schemathesis.check
def content_type_conformance_unless_no_content(ctx, response, case):
    """content_type_conformance, except that a 204 with no body needs no media type.

    Swagger 2.0, which drf-yasg writes, has one `produces` for every response of an
    operation: it cannot say that a 204 has no body, and so no Content-Type.
    """
    if response.status_code == 204 and not response.content:
        return None
    return content_type_conformance(ctx, response, case)
