"""How often an address may be tried (identity.domain.sign_in): plain values, no clock."""

from datetime import UTC, datetime, timedelta

from identity.domain.sign_in import FORGET_AFTER, FREE_TRIES, LOCK_MAX, LOCK_STEP, SignInTries

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def tried(times: int) -> SignInTries:
    tries = SignInTries("ada@example.com")
    for _ in range(times):
        tries = tries.tried(NOW)
    return tries


def test_the_free_tries_lock_nothing_until_the_last():
    assert tried(FREE_TRIES - 1).locked_for(NOW) is None
    assert tried(FREE_TRIES).locked_for(NOW) == LOCK_STEP


def test_each_try_after_locks_twice_as_long_up_to_the_most():
    locks = [tried(FREE_TRIES + extra).locked_for(NOW) for extra in range(8)]

    assert locks[:4] == [LOCK_STEP, 2 * LOCK_STEP, 4 * LOCK_STEP, 8 * LOCK_STEP]
    assert max(locks) == LOCK_MAX


def test_a_lock_ends_when_its_time_is_up():
    tries = tried(FREE_TRIES)

    assert tries.locked_for(NOW + LOCK_STEP - timedelta(seconds=1)) == timedelta(seconds=1)
    assert tries.locked_for(NOW + LOCK_STEP) is None


def test_tries_are_forgotten_after_a_quiet_while():
    tries = tried(FREE_TRIES + 3)

    again = tries.tried(NOW + FORGET_AFTER)

    assert (again.failed, again.locked_for(NOW + FORGET_AFTER)) == (1, None)
    assert FORGET_AFTER > LOCK_MAX
