"""The HTTP transport both API surfaces share. No Qt here.

- TLS is always verified; plain http only for this computer (a fake server, a local proxy).
- Retries only where nothing of a reply arrived: a refused connection, 429, 503 (with backoff).
- Every reply is untrusted input: a line is at most `max_line_bytes`, a whole body (or a streamed
  reply's text) at most `max_reply_bytes`; bytes are buffered once (a bytearray, newlines searched
  only in new data); besides `timeout` (seconds without a byte) the whole call has `total_timeout`,
  so a server trickling bytes forever still fails. JSON goes through `safe_json.loads`; anything
  unreadable becomes MalformedResponseError ("the server sent something unreadable").
- Cancel: `stream()` ends within 200 ms of `CancelToken.cancel()`, whatever the server does (streams.py).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from desktop_chat import safe_json

from .errors import (
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CancelledError,
    ConnectionLostError,
    MalformedResponseError,
    NetworkError,
    error_from_response,
)
from .types import CancelToken, Completion, Credentials

log = logging.getLogger("desktop_chat.api")

_LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
_CONNECT_TIMEOUT = 10.0
_RETRY_STATUSES = {429, 503}
_READ_SIZE = 64 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024  # one NDJSON/SSE line; real chunks are a few KB
MAX_REPLY_BYTES = 16 * 1024 * 1024  # a whole non-streamed body, or the text of a streamed reply
MAX_ERROR_BODY_BYTES = 64 * 1024  # error bodies are a few hundred bytes
TOTAL_TIMEOUT = 1260.0  # the service stops a sync generation after 20 minutes; a little more

# A parser turns the lines of a reply into Completions (each with the whole text so far).
Parser = Callable[[Iterator[bytes]], Iterator[Completion]]


class Tail(bytes):
    """The last piece of a body that did not end with a newline: if it does not parse, it was cut off."""


def split_lines(chunks: Iterable[bytes], max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines out of a body arriving in pieces: one bytearray, newlines searched only in new data, so
    the work is linear in the body however it is cut; a line longer than the cap is refused."""
    buf = bytearray()
    scan = 0  # everything before this offset is known to hold no newline
    for data in chunks:
        buf += data
        start = 0
        newline = buf.find(b"\n", scan)
        while newline >= 0:
            yield bytes(buf[start:newline])
            start = newline + 1
            newline = buf.find(b"\n", start)
        if start:
            del buf[:start]  # O(1) amortised in CPython: the bytearray moves its start
        scan = len(buf)
        if scan > max_line_bytes:
            raise MalformedResponseError(f"a line longer than {max_line_bytes} bytes", status=200)
    if buf:
        yield Tail(buf)


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; plain http only for this computer (loopback)."""
    base_url = base_url.strip().rstrip("/")
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return base_url
    if parts.scheme == "http" and host in _LOOPBACK_HOSTS:
        return base_url
    if parts.scheme == "http":
        raise ValueError(
            f"Refusing plain http:// for {host or base_url!r}: the API key would travel unencrypted. "
            "Use https://, or http:// only with 127.0.0.1, ::1 or localhost."
        )
    raise ValueError(f"The API address must start with https:// (got {base_url!r})")


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in _LOOPBACK_HOSTS


def loads(data: bytes | str, what: str = "reply", **kw: Any) -> Any:
    """JSON from the server; anything unreadable becomes MalformedResponseError."""
    try:
        return safe_json.loads(data)
    except ValueError as exc:
        head = data[:200].decode("utf-8", "replace") if isinstance(data, bytes) else data[:200]
        raise MalformedResponseError(f"{what}: {exc}: {head}", **kw) from None


def _shutdown_socket(response: requests.Response) -> None:
    """Wake a thread blocked reading `response` (close() alone does not interrupt a blocked recv)."""
    with contextlib.suppress(Exception):
        sock = response.raw.connection.sock  # type: ignore[union-attr]  # urllib3 2.x
        # socket.socket.shutdown, not SSLSocket.shutdown: this only stops the OS-level socket and
        # leaves the TLS object alone, which the reading thread may still be using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        response.close()



def _with_ids(error: ApiError, response: requests.Response) -> ApiError:
    """An error found inside a 200 reply keeps that reply's ids (what support asks for)."""
    headers = response.headers
    error.server_request_id = error.server_request_id or headers.get("x-request-id", "")[:200]
    error.server_trace_id = error.server_trace_id or headers.get("x-server-trace-id", "")[:200]
    if not error.request_id and response.request is not None:
        error.request_id = str(response.request.headers.get("x-client-request-id", ""))
    return error



def _reason_is(exc: BaseException, cls: type[BaseException]) -> bool:
    """`requests` wraps urllib3 errors (sometimes twice, in MaxRetryError): look inside."""
    inner = exc.args[0] if exc.args else None
    return isinstance(inner, cls) or isinstance(getattr(inner, "reason", None), cls)


def _is_connect_failure(exc: BaseException) -> bool:
    """Connection refused or host not found: the request never left this computer."""
    return isinstance(exc, requests.exceptions.ConnectionError) and _reason_is(exc, NewConnectionError)



def folder_header(credentials: Credentials) -> dict[str, str]:
    """The native API's `x-folder-id`: sent only with IAM tokens. An API key (a service account) works
    in its own folder, and the docs say not to send the header with it; the folder is in the model URI."""
    folder = credentials.folder_id.strip()
    return {"x-folder-id": folder} if credentials.kind == "iam_token" and folder else {}


class Transport:
    """One HTTP session with its credentials, limits and retry policy. Thread-safe for requests."""

    def __init__(
        self,
        credentials: Credentials,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        data_logging: bool = False,
        timeout: float = 60.0,
        total_timeout: float = TOTAL_TIMEOUT,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_line_bytes: int = MAX_LINE_BYTES,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        on_retry: Callable[[float, ApiError], None] | None = None,
    ) -> None:
        """`on_retry(delay, error)`: told before each wait to retry (the window says "retrying in N s")."""
        self.credentials = credentials
        self.on_retry = on_retry
        self.base_url = check_base_url(base_url)
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self.max_line_bytes = max_line_bytes
        self.max_reply_bytes = max_reply_bytes
        self.secrets = (credentials.secret, credentials.secret.strip())
        self._fixed = dict(headers or {})
        if not data_logging:
            self._fixed["x-data-logging-enabled"] = "false"
        self.session = requests.Session()
        # Honour the system proxy settings, except for a server on this computer (a proxy would
        # not reach it). trust_env only adds proxies and CA bundles: verification stays on.
        self.session.trust_env = not is_loopback(self.base_url)
        self.session.verify = True  # TLS verification is never turned off

    def close(self) -> None:
        self.session.close()

    # --- requests ---

    def headers(self) -> dict[str, str]:
        secret = self.credentials.secret.strip()
        # A newline or non-ASCII character would make `requests` raise an error quoting the header,
        # i.e. the secret; refuse here with a message that does not contain it.
        if not secret or not secret.isascii() or not secret.isprintable() or " " in secret:
            raise AuthenticationError("the key or token contains characters a key cannot have")
        scheme = "Api-Key" if self.credentials.kind == "api_key" else "Bearer"
        return {
            "Authorization": f"{scheme} {secret}",
            "x-client-request-id": str(uuid.uuid4()),
            "Content-Type": "application/json",
            **self._fixed,
        }

    def send(
        self, method: str, url: str, body: dict[str, Any] | None, *, cancel: CancelToken | None = None
    ) -> requests.Response:
        """One call, retried on 429/503 or a refused connection (nothing of a reply arrived yet).

        Returns a 200 response with its body still unread (read it with `lines()`/`read_body()`);
        raises ApiError otherwise.
        """
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        attempt = 0
        while True:
            headers = self.headers()
            request_id = headers["x-client-request-id"]
            path = urlsplit(url).path
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, data=data, headers=headers, stream=True,
                    timeout=(min(_CONNECT_TIMEOUT, self.timeout), self.timeout),
                )  # fmt: skip
            except requests.exceptions.RequestException as exc:
                error = self._transport_error(exc, request_id)
                # Only a refused/failed connect is safe to repeat: the request never left.
                if _is_connect_failure(exc) and self._may_retry(attempt, cancel):
                    attempt += 1
                    self._backoff(attempt, cancel, f"{path}: connect failed", error)
                    continue
                raise error from None
            response.request_started = started  # type: ignore[attr-defined]  # the total deadline
            log.debug(
                "%s %s -> %s in %.0f ms (request id %s)",
                method, path, response.status_code, (time.monotonic() - started) * 1000, request_id,
            )  # fmt: skip
            if response.status_code == 200:
                return response
            try:
                content = self.read_body(response, MAX_ERROR_BODY_BYTES, truncate=True)
            except ApiError:
                content = b""
            error = error_from_response(
                response.status_code, content, secrets=self.secrets, request_id=request_id,
                server_request_id=response.headers.get("x-request-id", ""),
                server_trace_id=response.headers.get("x-server-trace-id", ""),
            )  # fmt: skip
            if response.status_code in _RETRY_STATUSES and self._may_retry(attempt, cancel):
                attempt += 1
                self._backoff(attempt, cancel, f"{path}: HTTP {response.status_code}", error)
                continue
            log.info("%s %s failed: %s (%s)", method, path, error.kind, error.detail)
            raise error

    def _may_retry(self, attempt: int, cancel: CancelToken | None) -> bool:
        return attempt < self.max_retries and not (cancel and cancel.cancelled)

    def _backoff(self, attempt: int, cancel: CancelToken | None, why: str, error: ApiError) -> None:
        delay = min(self.backoff * 2 ** (attempt - 1), 30.0)
        log.warning("%s; retry %d/%d in %.2f s", why, attempt, self.max_retries, delay)
        if self.on_retry is not None:
            try:
                self.on_retry(delay, error)
            except Exception:  # a listener's failure must not change what the request does
                log.exception("on_retry failed")
        if cancel is None:
            time.sleep(delay)
        elif cancel.wait(delay):
            raise CancelledError("cancelled while waiting to retry")

    def _transport_error(self, exc: requests.exceptions.RequestException, request_id: str) -> ApiError:
        """Map a `requests` exception to an ApiError. Its text is scrubbed like any server text."""
        detail = f"{type(exc).__name__}: {exc}"
        kw: dict[str, Any] = {"secrets": self.secrets, "request_id": request_id}
        if isinstance(exc, requests.exceptions.InvalidHeader):
            return BadRequestError("invalid header", **kw)  # its text would quote the header value
        if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
            return NetworkError(detail, **kw)
        if isinstance(exc, requests.exceptions.Timeout) or _reason_is(exc, ReadTimeoutError):
            return ApiTimeoutError(detail, **kw)
        if _is_connect_failure(exc):
            return NetworkError(detail, **kw)
        if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError):
            # The connection was open and broke: the server may have started on the request.
            return ConnectionLostError(detail, **kw)
        return NetworkError(detail, **kw)

    # --- reading replies: capped, linear, with an overall deadline ---

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        """The body as it arrives (never waiting to fill a buffer), with read errors as ApiErrors."""
        raw = response.raw
        deadline = getattr(response, "request_started", time.monotonic()) + self.total_timeout
        try:
            if raw.chunked and raw.supports_chunked_reads():
                reads: Iterator[bytes] = raw.read_chunked(_READ_SIZE, decode_content=True)
            else:
                reads = iter(lambda: raw.read1(_READ_SIZE, decode_content=True), b"")
            for data in reads:
                if time.monotonic() > deadline:
                    raise ApiTimeoutError(
                        f"the reply took longer than {self.total_timeout:g} s", secrets=self.secrets
                    )
                if data:
                    yield data
        except (ReadTimeoutError, TimeoutError) as exc:
            raise ApiTimeoutError(f"no data for {self.timeout} s ({type(exc).__name__})") from None
        except urllib3.exceptions.DecodeError as exc:
            raise MalformedResponseError(f"undecodable body: {exc}", secrets=self.secrets) from None
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError, AttributeError) as exc:
            # (AttributeError: urllib3 reading a response that cancel() closed from another thread)
            raise ConnectionLostError(f"{type(exc).__name__}: {exc}", secrets=self.secrets) from None

    def read_body(self, response: requests.Response, limit: int | None = None, *, truncate: bool = False) -> bytes:
        """The whole body, at most `limit` bytes (MalformedResponseError beyond, or cut if `truncate`)."""
        limit = self.max_reply_bytes if limit is None else limit
        body = bytearray()
        complete = False
        try:
            for data in self._chunks(response):
                body += data
                if len(body) > limit:
                    if truncate:
                        return bytes(body[:limit])
                    raise MalformedResponseError(f"a reply larger than {limit} bytes", status=response.status_code)
            complete = True
            return bytes(body)
        finally:
            self._finish(response, complete)

    def lines(self, response: requests.Response) -> Iterator[bytes]:
        """The body's lines (without the newline; a last line without one as a Tail), capped and linear."""
        complete = False
        try:
            yield from split_lines(self._chunks(response), self.max_line_bytes)
            complete = True
        finally:
            self._finish(response, complete)

    @staticmethod
    def _finish(response: requests.Response, complete: bool) -> None:
        if complete:
            with contextlib.suppress(Exception):
                response.raw.release_conn()  # read to the end: the connection may be reused
        else:
            _shutdown_socket(response)  # stopped early: never reuse a half-read connection

    def json(self, response: requests.Response, what: str = "reply") -> Any:
        try:
            return loads(self.read_body(response), what, status=response.status_code, secrets=self.secrets)
        except ApiError as error:
            raise _with_ids(error, response) from None

    def stream(
        self, method: str, url: str, body: dict[str, Any], parse: Parser, cancel: CancelToken | None
    ) -> Iterator[Completion]:
        """`parse(lines of the reply)`, as an iterator; with a token, cancel ends it within 200 ms (streams.py)."""
        from . import streams  # it builds on this module

        return streams.stream(self, method, url, body, parse, cancel)
