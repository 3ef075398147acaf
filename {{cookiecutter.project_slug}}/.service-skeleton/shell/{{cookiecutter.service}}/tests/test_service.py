"""The service keeps the contract every service keeps: health, the error shape, API docs that
list its API, and no operation that takes a bad token (see chassis_testing.contract)."""

from chassis_testing.contract import *  # noqa: F403
