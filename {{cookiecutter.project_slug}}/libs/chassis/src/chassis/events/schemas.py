"""Each event type's contract: a JSON Schema next to its producer, checked when the event is produced.

A service keeps the schemas of what it publishes in ``<app>/event_schemas/<type>.json``;
publishing a type without a schema, or data its schema refuses, is a programming
error and raises before anything is written.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SCHEMA_DIRECTORY = "event_schemas"


class UnknownEventType(LookupError):
    """No installed app publishes this event type."""


class EventDataInvalid(ValueError):
    """The data breaks its event type's schema."""


@cache
def validator(event_type: str) -> Draft202012Validator:
    for app in apps.get_app_configs():
        path = Path(app.path) / SCHEMA_DIRECTORY / f"{event_type}.json"
        if path.is_file():
            schema = json.loads(path.read_text())
            Draft202012Validator.check_schema(schema)
            return Draft202012Validator(schema)
    raise UnknownEventType(f"no {SCHEMA_DIRECTORY}/{event_type}.json in any installed app")


def validate(event_type: str, data: dict[str, Any]) -> None:
    try:
        validator(event_type).validate(data)
    except ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "data"
        raise EventDataInvalid(f"{event_type}: {where}: {error.message}") from error
