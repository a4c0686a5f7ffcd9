"""A fake Yandex Cloud IAM service over real HTTP on 127.0.0.1: the OAuth → IAM token exchange.

`POST /iam/v1/tokens` with `{"yandexPassportOauthToken": "<token>"}` answers `{"iamToken": "t1.…",
"expiresAt": "<RFC 3339>"}` for a known OAuth token, 401 with a gRPC-style body for a revoked or unknown
one. Time comes from `clock` (a test controls it), tokens live `lifetime` seconds (12 h like the real
ones). `GET /check` with `Authorization: Bearer <iam token>` answers 200 while the token is valid by
that clock and 401 once it has expired, so a test can prove no request goes out with an expired token.

    server = FakeIamServer(oauth_tokens={"y0_…"}, clock=clock).start()
    source = OAuthTokenSource("y0_…", server.url, clock=clock)
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

IAM_LIFETIME = 12 * 3600


@dataclass
class Issued:
    token: str
    expires_at: float
    oauth_token: str


class FakeIamServer:
    def __init__(self, oauth_tokens: set[str] | None = None, clock: Callable[[], float] = time.time, *,
                 lifetime: float = IAM_LIFETIME, host: str = "127.0.0.1") -> None:
        self.oauth_tokens = set(oauth_tokens or ())
        self.revoked: set[str] = set()
        self.clock = clock
        self.lifetime = lifetime
        self.fail_next_status: int | None = None  # one 5xx (or any status) on the next exchange
        self.issued: list[Issued] = []
        self.checks: list[tuple[str, float, int]] = []  # (token, time, status) per /check
        self.exchange_times: list[float] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeIamServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-iam", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def revoke(self, oauth_token: str) -> None:
        self.revoked.add(oauth_token)

    # --- used by the handler --------------------------------------------------------------------

    def exchange(self, body: Any) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.fail_next_status is not None:
                status, self.fail_next_status = self.fail_next_status, None
                return status, {"code": 14, "message": "Service unavailable", "details": []}
            oauth = body.get("yandexPassportOauthToken") if isinstance(body, dict) else None
            if not isinstance(oauth, str) or oauth not in self.oauth_tokens or oauth in self.revoked:
                return 401, {"code": 16, "message": "The token is invalid", "details": []}
            now = self.clock()
            self.exchange_times.append(now)
            token = "t1." + secrets.token_urlsafe(16) + "." + secrets.token_urlsafe(64)[:86]
            issued = Issued(token=token, expires_at=now + self.lifetime, oauth_token=oauth)
            self.issued.append(issued)
            stamp = datetime.fromtimestamp(issued.expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"
            return 200, {"iamToken": token, "expiresAt": stamp}

    def check(self, authorization: str) -> int:
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            now = self.clock()
            match = next((i for i in self.issued if i.token == token), None)
            status = 200 if match is not None and now < match.expires_at else 401
            self.checks.append((token, now, status))
            return status


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet; never print tokens
        pass

    @property
    def fake(self) -> FakeIamServer:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path != "/iam/v1/tokens":
            self._reply(404, {"code": 5, "message": "Not found"})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._reply(400, {"code": 3, "message": "Bad JSON"})
            return
        self._reply(*self.fake.exchange(body))

    def do_GET(self) -> None:
        if self.path != "/check":
            self._reply(404, {"code": 5, "message": "Not found"})
            return
        status = self.fake.check(self.headers.get("Authorization", ""))
        self._reply(status, {} if status == 200 else {"code": 16, "message": "The token has expired"})
