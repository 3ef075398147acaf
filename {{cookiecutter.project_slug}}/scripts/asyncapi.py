"""Write docs/asyncapi.json: every event of the system, who publishes it and who handles it;
and docs/events.md, the same as a page for people.

What a service publishes is the schemas in services/<name>/<name>/event_schemas/;
what it handles is the ``@subscriber("...")`` decorators of its subscribers.py,
read without importing it. Run it after changing either (`make asyncapi`);
``--check`` fails if either file is out of date.
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib

from scripts.project import PROJECT_DIR, SERVICES_DIR, project_name, services

PROJECT_NAME = "{{ cookiecutter.project_name }}"
DOCUMENT = PROJECT_DIR / "docs" / "asyncapi.json"
CATALOG_PAGE = PROJECT_DIR / "docs" / "events.md"


def exchange() -> dict:
    """The events exchange, in the project's own virtual host (named like the project)."""
    return {
        "name": "events",
        "type": "topic",
        "durable": True,
        "autoDelete": False,
        "vhost": project_name(),
    }


def servers() -> dict[str, dict]:
    """Where the broker is, in each runtime; every one serves the project's own virtual host."""
    where = {
        "native": ("127.0.0.1:5672", "make dev: this machine's RabbitMQ"),
        "compose": ("rabbitmq:5672", "make run: the rabbitmq container"),
        "kubernetes": ("rabbitmq:5672", "the rabbitmq Service of deploy/k8s"),
    }
    return {
        name: {
            "host": host,
            "protocol": "amqp",
            "pathname": f"/{project_name()}",
            "description": f"{description}, virtual host {project_name()}.",
        }
        for name, (host, description) in where.items()
    }


def published(service: str) -> dict[str, dict]:
    schemas = (SERVICES_DIR / service / service / "event_schemas").glob("*.json")
    return {path.stem: json.loads(path.read_text()) for path in sorted(schemas)}


def subscribed(service: str) -> list[str]:
    module = SERVICES_DIR / service / service / "subscribers.py"
    if not module.exists():
        return []
    types = []
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", None) == "subscriber"
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    types.append(decorator.args[0].value)
    return sorted(set(types))


def envelope(event_type: str, data: dict) -> dict:
    """The CloudEvents envelope every message is, with this type's data."""
    attributes = {
        "specversion": {"const": "1.0"},
        "id": {"type": "string", "format": "uuid"},
        "source": {"type": "string", "description": "/<the publishing service>"},
        "type": {"const": event_type},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"const": "application/json"},
        "correlationid": {
            "type": ["string", "null"],
            "description": "The X-Request-ID that caused it.",
        },
        # CloudEvents' distributed tracing extension, where tracing is on.
        "traceparent": {
            "type": "string",
            "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            "description": "The W3C trace context of the event's creation.",
        },
        "tracestate": {"type": "string", "description": "Its W3C trace state, if any."},
    }
    schema = {key: value for key, value in data.items() if key not in ("$schema", "title")}
    return {
        "type": "object",
        "properties": {**attributes, "data": schema},
        "required": ["specversion", "id", "source", "type", "time", "data"],
    }


def document() -> dict:
    version = tomllib.loads((PROJECT_DIR / "libs" / "chassis" / "pyproject.toml").read_text())[
        "project"
    ]["version"]
    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    for service in services():
        for event_type, schema in published(service).items():
            messages[event_type] = {
                "name": event_type,
                "title": event_type,
                "summary": schema.get("description", ""),
                "contentType": "application/cloudevents+json",
                "payload": envelope(event_type, schema),
            }
            channels[event_type] = {
                "address": event_type,
                "description": f"Published by {service}; the routing key on the events exchange.",
                "messages": {event_type: {"$ref": f"#/components/messages/{event_type}"}},
                "bindings": {"amqp": {"is": "routingKey", "exchange": exchange()}},
            }
            operations[f"{service}.sends.{event_type}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{event_type}"},
            }
    for service in services():
        for event_type in subscribed(service):
            if event_type not in channels:
                continue  # its publisher is not part of this system
            operations[f"{service}.receives.{event_type}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{event_type}"},
                "bindings": {"amqp": {"ack": True}},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"{PROJECT_NAME} events",
            "version": version,
            "description": "Every event between the services: CloudEvents on one durable topic exchange, "
            "routed by type. Written by scripts/asyncapi.py.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": servers(),
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def services_that(verb: str, event_type: str, asyncapi: dict) -> str:
    """The services with the operation `<service>.<verb>.<event_type>`."""
    suffix = f".{verb}.{event_type}"
    found = [name.removesuffix(suffix) for name in asyncapi["operations"] if name.endswith(suffix)]
    return ", ".join(found) or "none yet"


def catalog_page(asyncapi: dict) -> str:
    """One row per event type: its publisher, its handlers, what it says."""
    rows = [
        f"| `{event_type}` | {services_that('sends', event_type, asyncapi)} "
        f"| {services_that('receives', event_type, asyncapi)} | {message['summary']} |"
        for event_type, message in sorted(asyncapi["components"]["messages"].items())
    ]
    return "\n".join(
        [
            "# Events",
            "",
            "Every event between the services, written by `make asyncapi` from their event",
            "schemas and subscribers, like `asyncapi.json` beside it (the full schemas).",
            "Each is a CloudEvent on the `events` topic exchange, its type the routing key.",
            "",
            "| Event | Published by | Handled by | What it says |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )


def main() -> int:
    asyncapi = document()
    outputs = {
        DOCUMENT: json.dumps(asyncapi, indent=2) + "\n",
        CATALOG_PAGE: catalog_page(asyncapi),
    }
    if "--check" in sys.argv[1:]:
        stale = [
            path for path, text in outputs.items() if not path.exists() or path.read_text() != text
        ]
        for path in stale:
            print(
                f"{path.relative_to(PROJECT_DIR)} is out of date: run `make asyncapi`.",
                file=sys.stderr,
            )
        return 1 if stale else 0
    DOCUMENT.parent.mkdir(exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text)
        print(f"Wrote {path.relative_to(PROJECT_DIR)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
