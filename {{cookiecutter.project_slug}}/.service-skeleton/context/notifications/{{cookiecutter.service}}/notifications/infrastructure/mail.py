"""Sending e-mail: the Mailer port and its implementation on Django's mail backend."""

from __future__ import annotations

import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class DeliveryError(Exception):
    """The message could not be handed to the mail server; trying again may work."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None:
        """Hand the message over for delivery; :class:`DeliveryError` if that fails."""


class DjangoMailer:
    def send(self, to: str, subject: str, body: str) -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(str(error) or type(error).__name__) from error
