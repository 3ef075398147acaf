"""Sending e-mail on Django's mail backend (the Mailer port of notifications.application.ports)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail

from notifications.application.ports import DeliveryError, DeliveryRefused


class DjangoMailer:
    def send(self, to: str, subject: str, body: str) -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryRefused(_describe(error)) from error
        except smtplib.SMTPResponseException as error:
            # 5xx is the server's final word; 4xx asks to come back later.
            failure = DeliveryRefused if error.smtp_code >= 500 else DeliveryError
            raise failure(_describe(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(_describe(error)) from error
        except ValueError as error:  # an address or header Django's mail layer cannot write
            raise DeliveryRefused(_describe(error)) from error


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__
