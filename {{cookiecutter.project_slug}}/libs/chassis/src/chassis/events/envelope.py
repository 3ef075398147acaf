"""The CloudEvents 1.0 envelope every event travels in, with the request's correlation id and,
where tracing is on, the trace context of the event's creation (CloudEvents' distributed
tracing extension: ``traceparent`` and ``tracestate``, absent when there is none).

The type names the event and its version, ``<service>.<entity>.<what happened>.v<n>``,
and is the routing key on the events exchange.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from chassis.tracing import TRACE_CONTEXT

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
EVENT_TYPE = re.compile(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+\.v[0-9]+")


class InvalidEvent(ValueError):
    """A message that is not an event this system can read."""


@dataclass(frozen=True)
class Event:
    type: str
    source: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    specversion: str = SPEC_VERSION
    datacontenttype: str = "application/json"
    # CloudEvents extension attributes are lower-case letters and digits only.
    correlationid: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None

    def __post_init__(self) -> None:
        if not EVENT_TYPE.fullmatch(self.type):
            raise InvalidEvent(f"{self.type!r} is not an event type such as orders.order.placed.v1")
        # Consumers' inboxes are keyed by it.
        try:
            uuid.UUID(self.id)
        except (ValueError, TypeError, AttributeError) as error:
            raise InvalidEvent(f"id {self.id!r} is not a UUID") from error

    def to_json(self) -> bytes:
        attributes = asdict(self)
        for name in TRACE_CONTEXT:
            if attributes[name] is None:
                del attributes[name]
        return json.dumps(attributes, cls=DjangoJSONEncoder, separators=(",", ":")).encode()

    @property
    def trace_context(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in TRACE_CONTEXT}

    @classmethod
    def from_json(cls, body: bytes) -> Event:
        try:
            attributes = json.loads(body)
            if attributes.get("specversion") != SPEC_VERSION:
                raise InvalidEvent(
                    f"specversion {attributes.get('specversion')!r} is not {SPEC_VERSION}"
                )
            return cls(
                **{
                    name: attributes[name]
                    for name in cls.__dataclass_fields__
                    if name in attributes
                }
            )
        except (ValueError, TypeError, AttributeError) as error:
            raise InvalidEvent(f"not a CloudEvent: {error}") from error


def json_ready(data: Any) -> Any:
    """The data as JSON will carry it: UUIDs, decimals and times as strings."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
