"""The event the chassis's tests publish."""

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID


@dataclass(frozen=True)
class WidgetShipped:
    TYPE: ClassVar[str] = "sample.widget.shipped.v1"

    widget_id: UUID
    number: int
    fail: str = "never"
