"""OAuth → IAM exchange and renewal against a fake IAM service over real HTTP, with a clock we control."""

from __future__ import annotations

import threading

import pytest
import requests

from desktop_chat.api.iam import (
    IAM_TOKEN_LIFETIME,
    IamError,
    IamTokenExpiredError,
    OAuthTokenRevokedError,
    OAuthTokenSource,
    StaticIamToken,
    exchange_oauth_token,
    expiry_for_new_token,
    parse_rfc3339,
)
from tests.fakes.iam_server import FakeIamServer

OAUTH = "y0_" + "AgAAAAB" + "x" * 50


class Clock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def iam(clock):
    server = FakeIamServer({OAUTH}, clock=clock).start()
    try:
        yield server
    finally:
        server.stop()


def api_call(server: FakeIamServer, token: str) -> int:
    """A request as the app sends one: the IAM token as a Bearer header, checked by the fake's clock."""
    return requests.get(server.url + "/check", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code


def test_exchange_returns_a_token_and_its_expiry(iam, clock):
    token = exchange_oauth_token(OAUTH, iam.url)
    assert token.token.startswith("t1.")
    assert token.expires_at == pytest.approx(clock() + IAM_TOKEN_LIFETIME, abs=1)
    assert OAUTH not in repr(token) and token.token not in repr(token)


def test_rfc3339_with_nanoseconds():
    assert parse_rfc3339("2026-12-01T12:00:00.123456789Z") == pytest.approx(1796126400.123456)
    assert parse_rfc3339("2026-12-01T15:00:00+03:00") == 1796126400.0
    with pytest.raises(ValueError):
        parse_rfc3339("tomorrow")


def test_no_request_ever_goes_out_with_an_expired_token(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    # Three days of requests every 7 minutes: every one is accepted by the IAM service's own clock.
    statuses = []
    for _ in range(3 * 24 * 60 // 7):
        token = source.current()
        statuses.append(api_call(iam, token))
        clock.advance(7 * 60)
    assert set(statuses) == {200}
    assert all(status == 200 for _, _, status in iam.checks)
    # Renewed well before the end: each exchange came once less than an hour was left, never after.
    gaps = [b - a for a, b in zip(iam.exchange_times, iam.exchange_times[1:], strict=False)]
    assert gaps and all(IAM_TOKEN_LIFETIME - 3600 <= gap <= IAM_TOKEN_LIFETIME - 3600 + 7 * 60 for gap in gaps)
    assert source.exchanges == len(iam.issued) == 7  # one per 11 hours, not one per request


def test_a_token_is_reused_until_an_hour_is_left(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    first = source.current()
    clock.advance(IAM_TOKEN_LIFETIME - 3601)
    assert source.current() == first and source.exchanges == 1
    clock.advance(2)
    second = source.current()
    assert second != first and source.exchanges == 2


def test_revoked_oauth_token_has_its_own_error(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    source.current()
    iam.revoke(OAUTH)
    clock.advance(IAM_TOKEN_LIFETIME - 1800)  # renewal is due
    with pytest.raises(OAuthTokenRevokedError) as info:
        source.current()
    assert info.value.kind == "revoked"
    assert OAUTH not in str(info.value)


def test_unknown_oauth_token_is_refused(iam, clock):
    with pytest.raises(OAuthTokenRevokedError):
        OAuthTokenSource("y0_" + "z" * 56, iam.url, clock=clock).current()


def test_a_failed_renewal_keeps_the_old_token_while_it_is_valid(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    first = source.current()
    clock.advance(IAM_TOKEN_LIFETIME - 1800)
    iam.fail_next_status = 503
    assert source.current() == first  # still 30 minutes left: used, renewal tried again next time
    assert source.current() != first  # the service is back: renewed


def test_a_failed_renewal_never_hands_out_an_expired_token(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    source.current()
    clock.advance(IAM_TOKEN_LIFETIME - 30)  # 30 s left: too little for a request
    iam.fail_next_status = 503
    with pytest.raises(IamError):
        source.current()


def test_network_failure_is_an_iam_error_without_the_token(clock):
    source = OAuthTokenSource(OAUTH, "http://127.0.0.1:9", clock=clock, timeout=2)
    with pytest.raises(IamError) as info:
        source.current()
    assert info.value.kind == "network" and OAUTH not in str(info.value)


def test_plain_http_is_refused_for_a_remote_iam_address():
    with pytest.raises(ValueError):
        exchange_oauth_token(OAUTH, "http://iam.example.com")


def test_pasted_iam_token_expires_by_the_clock(clock):
    token = StaticIamToken("t1.abc", expiry_for_new_token(clock), clock)
    assert token.current() == "t1.abc" and not token.expiring_soon()
    clock.advance(IAM_TOKEN_LIFETIME - 3000)
    assert token.expiring_soon() and token.current() == "t1.abc"
    clock.advance(3000)
    assert token.expired()
    with pytest.raises(IamTokenExpiredError):
        token.current()
    assert "t1.abc" not in repr(token)


def test_concurrent_requests_share_one_exchange(iam, clock):
    source = OAuthTokenSource(OAUTH, iam.url, clock=clock)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(source.current())) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(set(tokens)) == 1 and source.exchanges == 1
