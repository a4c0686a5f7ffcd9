"""HTTP client for the Yandex AI Studio (Foundation Models) text generation API. No Qt here.

Wire facts this code relies on (see docs/contracts.md and the team's API notes):
- A completion reply is newline-delimited JSON, one `{"result": CompletionResponse}` per line; with
  stream=false there is exactly one line. Each line carries the WHOLE text so far, and that text may
  change anywhere, not only grow (a content filter replaces it), so callers replace, never append.
- int64 numbers (usage, token ids) arrive as strings.
- Tokenizer replies have no `result` wrapper; operations live on operation.api.cloud.yandex.net.

Headers: `x-folder-id` is sent only with IAM tokens. The docs say an API key (a service account) works
in the folder of its service account and tell you NOT to send a folder header with it; the folder is in
the model URI anyway. A user's IAM token needs the header to say which folder to bill.

Threading: a client may be shared by threads. `stream()` waits for the reply headers on a helper
thread and reads the body itself; `CancelToken.cancel()` ends it at once either way (see `_stream`).
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from .errors import (
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CancelledError,
    ConnectionLostError,
    MalformedResponseError,
    NetworkError,
    ServerError,
    StreamError,
    error_from_payload,
    error_from_response,
)
from .models import DEFAULT_API_BASE, OPERATIONS_API_BASE

log = logging.getLogger("desktop_chat.api")

_LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
# Hosts of the real service whose operations are served by OPERATIONS_API_BASE.
_YANDEX_HOST_SUFFIX = ".api.cloud.yandex.net"
_CONNECT_TIMEOUT = 10.0
_RETRY_STATUSES = {429, 503}


# --- public data types --------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    kind: Literal["api_key", "iam_token"]
    secret: str = field(repr=False)  # never shown by repr()
    folder_id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("api_key", "iam_token"):
            raise ValueError(f"Credentials.kind must be 'api_key' or 'iam_token', not {self.kind!r}")


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    text: str


@dataclass(frozen=True)
class CompletionOptions:
    temperature: float = 0.3
    max_tokens: int = 2000


class Status(enum.Enum):
    PARTIAL = "ALTERNATIVE_STATUS_PARTIAL"
    FINAL = "ALTERNATIVE_STATUS_FINAL"
    TRUNCATED = "ALTERNATIVE_STATUS_TRUNCATED_FINAL"  # stopped at max_tokens
    CONTENT_FILTER = "ALTERNATIVE_STATUS_CONTENT_FILTER"
    TOOL_CALLS = "ALTERNATIVE_STATUS_TOOL_CALLS"
    UNSPECIFIED = "ALTERNATIVE_STATUS_UNSPECIFIED"

    @classmethod
    def from_wire(cls, value: Any) -> Status:
        try:
            return cls(value)
        except ValueError:
            return cls.UNSPECIFIED

    @property
    def is_final(self) -> bool:
        return self is not Status.PARTIAL


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    completion_tokens: int
    total_tokens: int
    reasoning_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    text: str  # the WHOLE text so far: replace what you show, never append
    status: Status
    usage: Usage | None
    model_version: str


@dataclass(frozen=True)
class Token:
    id: int
    text: str
    special: bool = False


@dataclass(frozen=True)
class Operation:
    id: str
    done: bool
    completion: Completion | None = None  # set when done without error
    error: ApiError | None = None  # set when done with an error


class CancelToken:
    """Set once, from any thread; whoever waits on it wakes up at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # a failing callback must not stop the others
                log.exception("cancel callback failed")

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep up to `timeout` seconds; True (early) if cancelled."""
        return self._event.wait(timeout)

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` (on the cancelling thread) when cancelled; returns a function that removes it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return lambda: None

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)


# --- helpers ------------------------------------------------------------------------------------


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


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in _LOOPBACK_HOSTS


def operations_base_for(base_url: str) -> str:
    """Yandex serves operations on their own host; any other server (a fake, a proxy) serves them itself."""
    host = (urlsplit(base_url).hostname or "").lower()
    if base_url == DEFAULT_API_BASE or host.endswith(_YANDEX_HOST_SUFFIX):
        return OPERATIONS_API_BASE
    return base_url


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _parse_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    details = raw.get("completionTokensDetails")
    return Usage(
        input_tokens=_as_int(raw.get("inputTextTokens")),
        completion_tokens=_as_int(raw.get("completionTokens")),
        total_tokens=_as_int(raw.get("totalTokens")),
        reasoning_tokens=_as_int(details.get("reasoningTokens")) if isinstance(details, dict) else 0,
    )


def parse_completion(result: Any) -> Completion:
    """A CompletionResponse object (the value of `result`) to a Completion."""
    if not isinstance(result, dict):
        raise MalformedResponseError("completion result is not an object")
    alternatives = result.get("alternatives")
    if not isinstance(alternatives, list) or not alternatives or not isinstance(alternatives[0], dict):
        raise MalformedResponseError("completion result has no alternatives")
    alternative = alternatives[0]
    message = alternative.get("message")
    text = message.get("text", "") if isinstance(message, dict) else ""
    if not isinstance(text, str):
        raise MalformedResponseError("completion text is not a string")
    model_version = result.get("modelVersion", "")
    return Completion(
        text=text,
        status=Status.from_wire(alternative.get("status")),
        usage=_parse_usage(result.get("usage")),
        model_version=model_version if isinstance(model_version, str) else "",
    )


def _shutdown_socket(response: requests.Response) -> None:
    """Wake a thread blocked reading `response` (close() alone does not interrupt a blocked recv)."""
    with contextlib.suppress(Exception):
        sock = response.raw.connection.sock  # type: ignore[union-attr]  # urllib3 2.x
        # socket.socket.shutdown, not SSLSocket.shutdown: this only stops the OS-level socket and
        # leaves the TLS object alone, which the reading thread may still be using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        response.close()


def _reason_is(exc: BaseException, cls: type[BaseException]) -> bool:
    """`requests` wraps urllib3 errors (sometimes twice, in MaxRetryError): look inside."""
    inner = exc.args[0] if exc.args else None
    return isinstance(inner, cls) or isinstance(getattr(inner, "reason", None), cls)


def _is_connect_failure(exc: BaseException) -> bool:
    """Connection refused or host not found: the request never left this computer."""
    return isinstance(exc, requests.exceptions.ConnectionError) and _reason_is(exc, NewConnectionError)


_END = object()  # wakes a stream waiting for its reply headers: cancelled


class _ReaderThreads:
    """Daemon threads that open streams, reused: starting a thread costs more than a local request.

    Not a ThreadPoolExecutor: its threads are joined at exit, and one left blocked by a stalled
    server would hold up quitting the app. A new thread starts whenever none is idle, so a reader
    stuck on a dead connection never delays the next stream.
    """

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self.busy = 0  # tasks queued or running (tests check that readers finish)

    def run(self, task: Callable[[], None]) -> None:
        with self._lock:
            self.busy += 1
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name="yandexgpt-stream", daemon=True).start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            finally:
                with self._lock:
                    self.busy -= 1
                    self._idle += 1


_readers = _ReaderThreads()


class _StreamState:
    """What the consumer and the helper thread of one stream share."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.response: requests.Response | None = None
        self.stopped = False

    def attach(self, response: requests.Response) -> bool:
        """Remember the open response; False if the consumer already left (then close it)."""
        with self.lock:
            if not self.stopped:
                self.response = response
                return True
        _shutdown_socket(response)
        return False

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            response, self.response = self.response, None
        if response is not None:
            _shutdown_socket(response)


# --- the client ---------------------------------------------------------------------------------


class YandexGptClient:
    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_API_BASE,
        *,
        data_logging: bool = False,
        timeout: float = 60.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        operations_base_url: str | None = None,
    ) -> None:
        """`timeout`: seconds without a byte from the server; `backoff`: first retry delay (doubles)."""
        self.credentials = credentials
        self.base_url = check_base_url(base_url)
        self.operations_base_url = check_base_url(operations_base_url or operations_base_for(self.base_url))
        self.data_logging = data_logging
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self._secrets = (credentials.secret, credentials.secret.strip())
        self._session = requests.Session()
        # Honour the system proxy settings, except for a server on this computer (a proxy would
        # not reach it). trust_env only adds proxies and CA bundles: verification stays on.
        self._session.trust_env = not _is_loopback(self.base_url)
        self._session.verify = True  # TLS verification is never turned off

    def __repr__(self) -> str:
        return f"YandexGptClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> YandexGptClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public calls ---

    def complete(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> Completion:
        body = self._completion_body(model_uri, messages, options, stream=False)
        response = self._send("POST", self._url("/foundationModels/v1/completion"), body)
        last: Completion | None = None
        for line in response.content.splitlines():
            if line.strip():
                last = self._parse_line(line, seen_text=last is not None)
        if last is None:
            raise MalformedResponseError("empty completion reply", status=response.status_code)
        return last

    def stream(
        self,
        model_uri: str,
        messages: Sequence[ChatMessage],
        options: CompletionOptions | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[Completion]:
        """Yield a Completion per chunk, each with the WHOLE text so far. Cancelling just ends it."""
        body = self._completion_body(model_uri, messages, options, stream=True)
        if cancel is None:
            return self._stream_uncancellable(body)  # nobody can cancel: no helper thread needed
        return self._stream(body, cancel)

    def complete_async(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> str:
        """Start a background completion; returns the operation id for get_operation/wait_operation."""
        body = self._completion_body(model_uri, messages, options, stream=False)
        del body["completionOptions"]["stream"]  # async mode does not accept stream
        payload = self._json(self._send("POST", self._url("/foundationModels/v1/completionAsync"), body))
        op_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(op_id, str) or not op_id:
            raise MalformedResponseError("operation reply has no id")
        return op_id

    def get_operation(self, op_id: str) -> Operation:
        url = f"{self.operations_base_url}/operations/{quote(op_id, safe='')}"
        payload = self._json(self._send("GET", url, None))
        if not isinstance(payload, dict):
            raise MalformedResponseError("operation reply is not an object")
        if not payload.get("done"):
            return Operation(id=op_id, done=False)
        if "error" in payload:
            return Operation(id=op_id, done=True, error=error_from_payload(payload, secrets=self._secrets))
        return Operation(id=op_id, done=True, completion=parse_completion(payload.get("response")))

    def wait_operation(
        self,
        op_id: str,
        *,
        poll_interval: float = 1.0,
        timeout: float = 600,
        cancel: CancelToken | None = None,
    ) -> Completion:
        """Poll until done. Raises the operation's error, ApiTimeoutError, or CancelledError."""
        cancel = cancel or CancelToken()
        deadline = time.monotonic() + timeout
        while True:
            if cancel.cancelled:
                raise CancelledError("operation wait cancelled")
            operation = self.get_operation(op_id)
            if operation.done:
                if operation.error is not None:
                    raise operation.error
                assert operation.completion is not None
                return operation.completion
            if time.monotonic() + poll_interval > deadline:
                raise ApiTimeoutError(f"operation not done after {timeout} s")
            cancel.wait(poll_interval)

    def tokenize(self, model_uri: str, text: str) -> list[Token]:
        body = {"modelUri": model_uri, "text": text}
        return self._tokens(self._send("POST", self._url("/foundationModels/v1/tokenize"), body))

    def tokenize_completion(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> list[Token]:
        """Tokens of a whole request as the model sees it (to count the context used)."""
        body = self._completion_body(model_uri, messages, options, stream=False)
        return self._tokens(self._send("POST", self._url("/foundationModels/v1/tokenizeCompletion"), body))

    def check_connection(self, model_uri: str) -> None:
        """A tiny free request (tokenize "ping") that proves address, key and model URI work."""
        self.tokenize(model_uri, "ping")

    # --- request building ---

    def _url(self, path: str) -> str:
        return self.base_url + path

    def _headers(self) -> dict[str, str]:
        secret = self.credentials.secret.strip()
        # A newline or non-ASCII character would make `requests` raise an error quoting the header,
        # i.e. the secret; refuse here with a message that does not contain it.
        if not secret or not secret.isascii() or not secret.isprintable() or " " in secret:
            raise AuthenticationError("the key or token contains characters a key cannot have")
        scheme = "Api-Key" if self.credentials.kind == "api_key" else "Bearer"
        headers = {
            "Authorization": f"{scheme} {secret}",
            "x-client-request-id": str(uuid.uuid4()),
            "Content-Type": "application/json",
        }
        if self.credentials.kind == "iam_token" and self.credentials.folder_id:
            headers["x-folder-id"] = self.credentials.folder_id.strip()
        if not self.data_logging:
            headers["x-data-logging-enabled"] = "false"
        return headers

    @staticmethod
    def _completion_body(
        model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None, *, stream: bool
    ) -> dict[str, Any]:
        options = options or CompletionOptions()
        if not model_uri:
            raise ValueError("model_uri is empty")
        if not messages:
            raise ValueError("a completion needs at least one message")
        return {
            "modelUri": model_uri,
            "completionOptions": {
                "stream": stream,
                "temperature": options.temperature,
                "maxTokens": str(options.max_tokens),  # int64 travels as a string
            },
            "messages": [{"role": m.role, "text": m.text} for m in messages],
        }

    # --- sending, with retries only where it is safe ---

    def _send(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        *,
        stream: bool = False,
        cancel: CancelToken | None = None,
    ) -> requests.Response:
        """One call, retried on 429/503 or a refused connection (nothing of a reply arrived yet).

        Returns a 200 response (for `stream=True` still unread); raises ApiError otherwise.
        """
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        attempt = 0
        while True:
            headers = self._headers()
            request_id = headers["x-client-request-id"]
            path = urlsplit(url).path
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    data=data,
                    headers=headers,
                    stream=stream,
                    timeout=(min(_CONNECT_TIMEOUT, self.timeout), self.timeout),
                )
            except requests.exceptions.RequestException as exc:
                error = self._transport_error(exc, request_id)
                # Only a refused/failed connect is safe to repeat: the request never left.
                if _is_connect_failure(exc) and self._may_retry(attempt, cancel):
                    attempt += 1
                    self._backoff(attempt, cancel, f"{path}: connect failed")
                    continue
                raise error from None
            log.debug(
                "%s %s -> %s in %.0f ms (request id %s)",
                method, path, response.status_code, (time.monotonic() - started) * 1000, request_id,
            )  # fmt: skip
            if response.status_code == 200:
                return response
            try:
                content = response.content  # error bodies are small
            except requests.exceptions.RequestException:
                content = b""
            response.close()
            error = error_from_response(response.status_code, content, secrets=self._secrets, request_id=request_id)
            if response.status_code in _RETRY_STATUSES and self._may_retry(attempt, cancel):
                attempt += 1
                self._backoff(attempt, cancel, f"{path}: HTTP {response.status_code}")
                continue
            log.info("%s %s failed: %s (%s)", method, path, error.kind, error.detail)
            raise error

    def _may_retry(self, attempt: int, cancel: CancelToken | None) -> bool:
        return attempt < self.max_retries and not (cancel and cancel.cancelled)

    def _backoff(self, attempt: int, cancel: CancelToken | None, why: str) -> None:
        delay = min(self.backoff * 2 ** (attempt - 1), 30.0)
        log.warning("%s; retry %d/%d in %.2f s", why, attempt, self.max_retries, delay)
        if cancel is None:
            time.sleep(delay)
        elif cancel.wait(delay):
            raise CancelledError("cancelled while waiting to retry")

    def _transport_error(self, exc: requests.exceptions.RequestException, request_id: str) -> ApiError:
        """Map a `requests` exception to an ApiError. Its text is scrubbed like any server text."""
        detail = f"{type(exc).__name__}: {exc}"
        kw: dict[str, Any] = {"secrets": self._secrets, "request_id": request_id}
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

    # --- reading replies ---

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise MalformedResponseError(
                f"not JSON: {response.text[:200]}", status=response.status_code, secrets=self._secrets
            ) from None

    def _tokens(self, response: requests.Response) -> list[Token]:
        payload = self._json(response)
        raw_tokens = payload.get("tokens") if isinstance(payload, dict) else None
        if not isinstance(raw_tokens, list):
            raise MalformedResponseError("tokenizer reply has no tokens")
        return [
            Token(id=_as_int(t.get("id")), text=str(t.get("text", "")), special=bool(t.get("special", False)))
            for t in raw_tokens
            if isinstance(t, dict)
        ]

    def _parse_line(self, line: bytes, *, seen_text: bool) -> Completion:
        """One NDJSON line: a `{"result": …}` chunk, or an `{"error": …}` line."""
        try:
            payload = json.loads(line)
        except ValueError:
            raise MalformedResponseError(
                f"not JSON: {line[:200].decode('utf-8', 'replace')}", secrets=self._secrets
            ) from None
        if isinstance(payload, dict) and "result" in payload:
            return parse_completion(payload["result"])
        if isinstance(payload, dict) and "error" in payload:
            if not seen_text:
                # Nothing shown yet: report it like an HTTP error (e.g. context too long, quota).
                raise error_from_payload(payload, secrets=self._secrets)
            message = error_from_payload(payload, secrets=self._secrets)
            raise StreamError(message.detail, status=message.status, secrets=self._secrets)
        raise MalformedResponseError("line has neither result nor error")

    def _stream(self, body: dict[str, Any], cancel: CancelToken) -> Iterator[Completion]:
        # Cancelling must end this iterator within 200 ms whatever the server does:
        # - Until the reply headers arrive, a helper thread sends the request and we wait on a queue
        #   that cancel() also writes to, so a server that sends nothing cannot hold us.
        # - Then we read the body right here (no per-chunk thread hand-off), and cancel() shuts the
        #   socket down from the cancelling thread, which wakes our blocked read at once.
        handoff: queue.SimpleQueue[Any] = queue.SimpleQueue()
        state = _StreamState()

        def on_cancel() -> None:
            handoff.put(_END)
            state.stop()

        _readers.run(lambda: self._open_stream(body, handoff, state, cancel))
        remove_callback = cancel.add_callback(on_cancel)
        try:
            item = handoff.get()
            if cancel.cancelled or item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            try:
                for completion in self._iter_completions(item):
                    if cancel.cancelled:
                        return  # lines already received after a cancel are dropped
                    yield completion
            except ApiError:
                if cancel.cancelled:
                    return  # the read failed because cancel() shut the socket
                raise
        finally:
            remove_callback()
            state.stop()  # also when the consumer stops iterating early

    def _stream_uncancellable(self, body: dict[str, Any]) -> Iterator[Completion]:
        response = self._send("POST", self._url("/foundationModels/v1/completion"), body, stream=True)
        try:
            yield from self._iter_completions(response)
        finally:
            _shutdown_socket(response)  # a no-op once the reply was read to the end

    def _open_stream(
        self, body: dict[str, Any], handoff: queue.SimpleQueue[Any], state: _StreamState, cancel: CancelToken
    ) -> None:
        """Helper thread: send the request and hand over the open response (or the ApiError)."""
        try:
            if cancel.cancelled:
                return
            response = self._send(
                "POST", self._url("/foundationModels/v1/completion"), body, stream=True, cancel=cancel
            )
            if state.attach(response):  # False: the consumer already left, the response is closed
                handoff.put(response)
        except ApiError as exc:
            handoff.put(exc)
        except BaseException as exc:  # a bug must not leave the consumer waiting forever
            log.exception("opening the stream failed")
            handoff.put(ServerError(f"client error: {type(exc).__name__}"))

    def _iter_completions(self, response: requests.Response) -> Iterator[Completion]:
        """Split the chunked body into lines and parse each; detect a reply that ended too early."""
        pending = b""
        last: Completion | None = None
        try:
            for data in response.iter_content(chunk_size=None):
                pending += data
                if b"\n" not in data:
                    continue
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        last = self._parse_line(line, seen_text=last is not None)
                        yield last
        except requests.exceptions.RequestException as exc:
            if isinstance(exc, requests.exceptions.Timeout) or _reason_is(exc, ReadTimeoutError):
                raise ApiTimeoutError(f"no data for {self.timeout} s", secrets=self._secrets) from None
            raise ConnectionLostError(f"{type(exc).__name__}: {exc}", secrets=self._secrets) from None
        finally:
            response.close()
        if pending.strip():
            # The server may omit the last newline; a line that does not parse was cut off.
            try:
                json.loads(pending)
            except ValueError:
                raise ConnectionLostError("reply ended in the middle of a line") from None
            last = self._parse_line(pending, seen_text=last is not None)
            yield last
        if last is None:
            raise MalformedResponseError("empty completion reply", status=200)
        if not last.status.is_final:
            raise ConnectionLostError("reply ended before the final chunk")
