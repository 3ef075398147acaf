"""What the tests of notifications share: where its mail arrives."""

import pytest

from chassis_testing import MailServer
{%- if cookiecutter.use_celery == "yes" %}, ServiceProcess{% endif %}


@pytest.fixture
def outbox(mailbox: MailServer{% if cookiecutter.use_celery == "yes" %}, celery_worker: ServiceProcess{% endif %}) -> MailServer:
    """The mail server the service sends to{% if cookiecutter.use_celery == "yes" %}, through a real Celery worker{% endif %}."""
    return mailbox
