"""What the system says to people: one template per occasion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from chassis.domain import RuleViolation

SIGNATURE = "The {{ cookiecutter.project_name }} team"
# A value someone typed (a name, say) goes into a message as one line of at most this many
# characters: a newline in it could start a header or fake a paragraph, and a long one
# would bury the message. Identity takes names of at most 150.
VALUE_MAX_LENGTH = 200
# Headers hold one line; the subject column holds this much.
SUBJECT_MAX_LENGTH = 200
# Characters that break a line or control the terminal: control characters (newlines
# among them) and the Unicode line and paragraph separators.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


@dataclass(frozen=True)
class Message:
    template: str
    subject: str
    body: str


TEMPLATES = {
    "welcome": (
        "Welcome to {{ cookiecutter.project_name }}",
        "Hello $name,\n\nyour account is ready. Sign in with $email.\n\n" + SIGNATURE,
    ),
    "registration_repeated": (
        "Someone tried to register with your address",
        "Hello,\n\nsomeone tried to create an account with $email, which has one already. "
        "Your account is as it was. If it was you, sign in with your password. If it was "
        "not, there is nothing to do.\n\n" + SIGNATURE,
    ),
    "order_confirmed": (
        "Your order is confirmed",
        "Hello,\n\nyour order $order_id of $total is confirmed.\n\n" + SIGNATURE,
    ),
    "order_rejected": (
        "Your order could not be accepted",
        "Hello,\n\nwe could not accept your order $order_id: $reason\n\n" + SIGNATURE,
    ),
}


def compose(template: str, values: Mapping[str, str]) -> Message:
    """The message a template makes with these values; every placeholder must have one."""
    if template not in TEMPLATES:
        raise RuleViolation(
            f"There is no template {template!r}.", field="template", code="unknown_template"
        )
    subject, body = TEMPLATES[template]
    values = {name: one_line(value, VALUE_MAX_LENGTH) for name, value in values.items()}
    try:
        return Message(
            template,
            one_line(Template(subject).substitute(values), SUBJECT_MAX_LENGTH),
            Template(body).substitute(values),
        )
    except KeyError as missing:
        raise RuleViolation(
            f"The {template} template needs a value for {missing}.",
            field="values",
            code="missing_value",
        ) from missing


def one_line(text: str, limit: int) -> str:
    """The text on one line (what breaks a line is a space; runs of spaces are one), cut to
    at most `limit` characters, the last an ellipsis where it was cut."""
    text = "".join(" " if unicodedata.category(c) in _LINE_BREAKING else c for c in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
