"""What the system says to people: one template per occasion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from chassis.domain import RuleViolation

SIGNATURE = "The {{ cookiecutter.project_name }} team"


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
    try:
        return Message(
            template, Template(subject).substitute(values), Template(body).substitute(values)
        )
    except KeyError as missing:
        raise RuleViolation(
            f"The {template} template needs a value for {missing}.",
            field="values",
            code="missing_value",
        ) from missing
