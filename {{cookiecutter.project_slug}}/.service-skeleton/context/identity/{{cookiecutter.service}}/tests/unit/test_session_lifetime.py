"""A login's sessions: refreshed as often as wanted, never past the login's own lifetime."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from identity.domain.sessions import SIGN_IN_LIFETIME, RefreshSession, SessionState

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
REFRESH = timedelta(days=14)


def test_refreshing_every_day_keeps_a_login_no_longer_than_its_lifetime():
    session = RefreshSession.start(user_id=uuid4(), token_hash="0", now=NOW, lifetime=REFRESH)
    day = 0
    while session.state(NOW + timedelta(days=day)) is SessionState.USABLE:
        session = session.successor(
            token_hash=str(day), now=NOW + timedelta(days=day), lifetime=REFRESH
        )
        day += 1

    assert session.expires_at == NOW + SIGN_IN_LIFETIME
    assert day == SIGN_IN_LIFETIME.days
    assert session.signed_in_at == NOW
