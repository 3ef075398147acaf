"""Sending e-mail on Django's mail backend (the Mailer port of notifications.application.ports).

A message goes out as its text and, for the mail programs that show HTML, the same text as
HTML: escaped by Django's own filters, so that what someone typed (a name) is shown as text,
never run as markup.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html

from notifications.application.ports import DeliveryError, DeliveryRefused


def html_body(subject: str, body: str) -> str:
    """The message as an HTML page: every value escaped, paragraphs as the text has them."""
    return format_html(
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{}</title></head>'
        "\n<body>\n{}\n</body>\n</html>\n",
        subject,
        linebreaks_filter(body, autoescape=True),
    )


class DjangoMailer:
    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        message.attach_alternative(html_body(subject, body), "text/html")
        try:
            message.send(fail_silently=False)
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
