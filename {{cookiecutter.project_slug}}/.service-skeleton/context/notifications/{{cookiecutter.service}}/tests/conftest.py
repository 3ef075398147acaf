"""What the tests of notifications share: where its mail arrives."""

import pytest
from django.conf import settings

from chassis_testing import MailServer


@pytest.fixture
def outbox(mailbox: MailServer, request: pytest.FixtureRequest) -> MailServer:
    """The mail server the service sends to: through a real Celery worker, where it runs one."""
    if settings.SERVICE_INFO.runs_celery:
        request.getfixturevalue("celery_worker")
    return mailbox
