"""The tests' subscriber: records each effect, and fails when the event says to."""

from collections import Counter

from chassis.events import Event, subscriber

from tests.models import Effect

failures: Counter[str] = Counter()
# Events whose cause of failure a test has put right (``fail="until-fixed"``).
fixed: set[str] = set()


@subscriber("sample.widget.shipped.v1")
def record_shipment(event: Event) -> None:
    Effect.objects.create(event_id=event.id, number=event.data["number"])
    fail = event.data.get("fail", "never")
    if (
        fail == "always"
        or (fail == "once" and not failures[event.id])
        or (fail == "until-fixed" and event.id not in fixed)
    ):
        failures[event.id] += 1
        raise RuntimeError(f"refusing widget #{event.data['number']}")
