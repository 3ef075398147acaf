"""`make load` calls a loss a loss: each way the end state can be wrong (an order never settled or
missing, stock that does not add up, events unsent, in flight or parked, a 5xx) is named, and a
clean end state is called held. The boots run it on a system that held (test_boot,
test_generated_project); this feeds it the end states a faulty system would leave."""

from __future__ import annotations

import json

import pytest

from tests.conftest import project_libraries, run
from tests.variants import VARIANTS

# What scripts.load finds wrong with each end state, by name: in one process for all of them.
VERDICTS = """
import json, sys
from scripts.load import end_state, stock_discrepancies
verdicts = {}
for name, case in json.loads(sys.argv[1]).items():
    stock = stock_discrepancies(case["before"], case["after"], case["ledger"], case["statuses"])
    _, verdicts[name] = end_state(case["ledger"], 60, case["statuses"], stock, case["bus"], case["errors"])
print(json.dumps(verdicts))
"""

LAMP, DESK = "lamp-id", "desk-id"
LEDGER = {
    "orders": {
        "o1": {"email": "a@example.com", "product_id": LAMP, "quantity": 2},
        "o2": {"email": "a@example.com", "product_id": DESK, "quantity": 1},
    },
    "restocked": {LAMP: 5},
}
AT_REST = {"outbox": {"unsent": 0, "oldest_unsent_seconds": None}, "queue": None}
QUEUE = {"name": "catalog", "waiting": 0, "retrying": 0, "dead_letters": 0}
HELD = {
    "before": {LAMP: 10, DESK: 3},
    "after": {LAMP: 13, DESK: 3},  # 10 + 5 restocked - 2 confirmed; the desk's order cancelled
    "ledger": LEDGER,
    "statuses": {"o1": "confirmed", "o2": "cancelled"},
    "bus": {"orders": AT_REST, "catalog": {**AT_REST, "queue": QUEUE}},
    "errors": [],
}
FAULTS = {
    "an order left pending": ({"statuses": {"o1": "confirmed", "o2": "pending"}}, "1 orders not settled"),
    "an order nobody can find": ({"statuses": {"o1": "confirmed", "o2": "missing"}}, "1 orders not settled"),
    "a reservation lost": ({"after": {LAMP: 14, DESK: 3}}, f"product {LAMP}: 14 available, 13 expected"),
    "a release applied twice": (
        {"after": {LAMP: 13, DESK: 4}},
        f"product {DESK}: 4 available, 3 expected",
    ),
    "an event never published": (
        {"bus": {"orders": {"outbox": {"unsent": 3, "oldest_unsent_seconds": 61.0}, "queue": None}}},
        "events still in flight after 60 s",
    ),
    "an event still retrying": (
        {"bus": {"catalog": {**AT_REST, "queue": {**QUEUE, "retrying": 1}}}},
        "events still in flight after 60 s",
    ),
    "an event parked": (
        {"bus": {"catalog": {**AT_REST, "queue": {**QUEUE, "dead_letters": 2}}}},
        "events parked in dead-letter queues",
    ),
    "a 5xx": (
        {"errors": [{"status": 504, "uri": "/api/identity/tokens/"}]},
        "the gateway answered 1 requests with 5xx, e.g. 504 /api/identity/tokens/",
    ),
}


@pytest.fixture(scope="module")
def verdicts(bakery) -> dict[str, list[str]]:
    cases = {"held": HELD, **{name: {**HELD, **fault} for name, (fault, _) in FAULTS.items()}}
    project = bakery.project(VARIANTS[0])
    result = run(["python", "-c", VERDICTS, json.dumps(cases)], cwd=project, env=project_libraries(project))
    return json.loads(result.stdout)


def test_a_clean_end_state_held(verdicts):
    assert verdicts["held"] == []


@pytest.mark.parametrize("fault", FAULTS)
def test_each_loss_is_named(verdicts, fault):
    named = FAULTS[fault][1]

    assert any(named in line for line in verdicts[fault]), verdicts[fault]
