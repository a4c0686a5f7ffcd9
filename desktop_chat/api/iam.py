"""IAM tokens: an OAuth token from Yandex ID exchanged for IAM tokens, and IAM tokens that expire.

Yandex Cloud's IAM tokens live at most 12 hours. Two sources hand the app a valid one:

- `OAuthTokenSource(oauth_token, iam_base, clock)`: exchanges the long-lived OAuth token
  (`POST {iam_base}/iam/v1/tokens` with `{"yandexPassportOauthToken": …}` → `{"iamToken", "expiresAt"}`)
  and renews it once less than `REFRESH_BEFORE` (1 h) is left, well before it ends. IAM tokens stay in
  this object's memory only.
- `StaticIamToken(token, expires_at, clock)`: a token a person pasted. Its expiry is what we know
  (12 h after it was entered at the latest); `current()` refuses it once that time has come.

`current()` never returns a token that has expired by the source's clock (with a safety margin), so no
request goes out with an expired token; it raises `IamTokenExpiredError` or `OAuthTokenRevokedError`
instead, whose messages never contain a secret. TLS verification is always on.

No Qt here. `current()` may block on the network: call it off the GUI thread.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_IAM_BASE = "https://iam.api.cloud.yandex.net"
TOKENS_PATH = "/iam/v1/tokens"
IAM_TOKEN_LIFETIME = 12 * 3600  # the longest an IAM token lives, seconds
REFRESH_BEFORE = 3600  # renew an exchanged token once less than this is left
SAFETY_MARGIN = 60  # a token with less than this left counts as expired (clock skew, slow requests)
WARN_BEFORE = 3600  # a pasted IAM token: warn once less than this is left

Clock = Callable[[], float]


class IamError(Exception):
    """Getting an IAM token failed. `kind`: "revoked", "expired", "network", "server", "malformed"."""

    kind = "server"


class OAuthTokenRevokedError(IamError):
    """Yandex ID refused the OAuth token: it was revoked, has expired, or was copied wrong."""

    kind = "revoked"


class IamTokenExpiredError(IamError):
    """The IAM token has expired (or is about to) and there is no way to renew it here."""

    kind = "expired"


class IamNetworkError(IamError):
    kind = "network"


class IamMalformedError(IamError):
    kind = "malformed"


@dataclass(frozen=True)
class IamToken:
    token: str = field(repr=False)
    expires_at: float  # seconds since the epoch (UTC)


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch for "2026-12-01T15:30:00.123456789Z" (nanoseconds are cut to micro)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text.strip())
    if m is None:
        raise ValueError("not an RFC 3339 time")
    base, fraction, zone = m.groups()
    fraction = (fraction or ".0")[:7]
    zone = "+00:00" if zone == "Z" else zone
    moment = datetime.fromisoformat(base + fraction + zone)
    if moment.tzinfo is None:  # pragma: no cover - the pattern always has a zone
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def exchange_oauth_token(oauth_token: str, iam_base: str = DEFAULT_IAM_BASE, *,
                         timeout: float = 30.0) -> IamToken:
    """One exchange of an OAuth token for an IAM token. Raises IamError (never quoting the token)."""
    import requests

    from desktop_chat.api.transport import check_base_url, is_loopback

    oauth_token = oauth_token.strip()
    if not oauth_token or not oauth_token.isascii() or not oauth_token.isprintable() or " " in oauth_token:
        raise OAuthTokenRevokedError("the OAuth token contains characters a token cannot have")
    base = check_base_url(iam_base)
    with requests.Session() as session:
        session.trust_env = not is_loopback(base)
        session.verify = True  # TLS verification is never turned off
        try:
            response = session.post(base + TOKENS_PATH, json={"yandexPassportOauthToken": oauth_token},
                                    timeout=timeout)
        except requests.RequestException as exc:
            raise IamNetworkError(f"could not reach the IAM service ({type(exc).__name__})") from None
    if response.status_code in (400, 401, 403):
        raise OAuthTokenRevokedError(f"the IAM service refused the OAuth token (HTTP {response.status_code})")
    if response.status_code != 200:
        raise IamError(f"the IAM service answered HTTP {response.status_code}")
    try:
        payload: Any = response.json()
        token = payload["iamToken"]
        expires_at = parse_rfc3339(payload["expiresAt"])
    except (ValueError, KeyError, TypeError):
        raise IamMalformedError("the IAM service's answer could not be read") from None
    if not isinstance(token, str) or not token:
        raise IamMalformedError("the IAM service's answer has no token")
    return IamToken(token=token, expires_at=expires_at)


class OAuthTokenSource:
    """A valid IAM token from an OAuth token, renewed automatically well before it expires.

    Thread-safe: several requests may ask at once; one exchange runs, the others wait for it.
    """

    def __init__(self, oauth_token: str, iam_base: str = DEFAULT_IAM_BASE, clock: Clock = time.time, *,
                 timeout: float = 30.0, refresh_before: float = REFRESH_BEFORE) -> None:
        self._oauth_token = oauth_token
        self.iam_base = iam_base
        self._clock = clock
        self._timeout = timeout
        self._refresh_before = refresh_before
        self._lock = threading.Lock()
        self._token: IamToken | None = None
        self.exchanges = 0  # how many times the OAuth token was exchanged (for tests and diagnostics)

    def __repr__(self) -> str:
        return f"OAuthTokenSource(iam_base={self.iam_base!r}, expires_at={self.expires_at!r})"

    @property
    def expires_at(self) -> float | None:
        token = self._token
        return token.expires_at if token is not None else None

    def needs_refresh(self) -> bool:
        token = self._token
        return token is None or token.expires_at - self._clock() < self._refresh_before

    def current(self) -> str:
        """An IAM token with more than SAFETY_MARGIN seconds left; renewed when less than 1 h is left.

        A failed renewal keeps using the old token while it is still valid; after that the failure
        is raised. A refused OAuth token always raises OAuthTokenRevokedError.
        """
        with self._lock:
            token = self._token
            now = self._clock()
            if token is None or token.expires_at - now < self._refresh_before:
                try:
                    fresh = exchange_oauth_token(self._oauth_token, self.iam_base, timeout=self._timeout)
                except OAuthTokenRevokedError:
                    self._token = None
                    raise
                except IamError:
                    if token is not None and token.expires_at - self._clock() > SAFETY_MARGIN:
                        return token.token  # try again at the next request
                    raise
                self.exchanges += 1
                token = self._token = fresh
                now = self._clock()
            if token.expires_at - now <= SAFETY_MARGIN:
                raise IamTokenExpiredError("the IAM service gave a token that has already expired")
            return token.token


class StaticIamToken:
    """An IAM token a person pasted, with the expiry we know (12 h after it was entered at the latest)."""

    def __init__(self, token: str, expires_at: float, clock: Clock = time.time) -> None:
        self._token = token
        self.expires_at = expires_at
        self._clock = clock

    def __repr__(self) -> str:
        return f"StaticIamToken(expires_at={self.expires_at!r})"

    def seconds_left(self) -> float:
        return self.expires_at - self._clock()

    def expiring_soon(self) -> bool:
        return self.seconds_left() < WARN_BEFORE

    def expired(self) -> bool:
        return self.seconds_left() <= SAFETY_MARGIN

    def current(self) -> str:
        if self.expired():
            raise IamTokenExpiredError("the IAM token has expired; paste a new one")
        return self._token


def expiry_for_new_token(clock: Clock = time.time) -> float:
    """The expiry we can promise for an IAM token entered now: 12 hours at most."""
    return clock() + IAM_TOKEN_LIFETIME
