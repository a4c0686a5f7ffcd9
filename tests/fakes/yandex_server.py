"""A fake Yandex AI Studio (Foundation Models) server: real HTTP on 127.0.0.1, no internet.

It follows the team's API contract (/work/shared/reference/yandex-api.md, summarised in the client's
docstring): NDJSON `{"result": …}` lines with CUMULATIVE text, int64 numbers as strings, the
grpc-gateway error bodies, async operations, the tokenizer. It replays the real recorded samples in
tests/fakes/samples/ on request, and can break in every way the client must survive (fault injection).

In tests use the `fake_server` fixture (tests/fixtures/fake_server.py). By hand:

    python -m tests.fakes.yandex_server --port 8765 [--api-key KEY] [--chunk-delay 0.05]

prints the URL as its first line; point the app's API address at it. Typing "/long 20000" in a chat
streams a 20,000-token reply; "/fail 429" answers with that HTTP error; "/stall" stalls mid-stream;
"/filter" ends with a content-filter reply.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from desktop_chat.api.models import context_window

SAMPLES_DIR = Path(__file__).parent / "samples"
MODEL_VERSION = "07.03.2024"  # what the real samples carry
_COMPLETION_RESPONSE_TYPE = "type.googleapis.com/yandex.cloud.ai.foundation_models.v1.CompletionResponse"
CONTENT_FILTER_TEXT = "К сожалению, я не могу ничего сказать об этом. Давайте сменим тему?"

# Statuses as they appear on the wire.
PARTIAL = "ALTERNATIVE_STATUS_PARTIAL"
FINAL = "ALTERNATIVE_STATUS_FINAL"
TRUNCATED = "ALTERNATIVE_STATUS_TRUNCATED_FINAL"
FILTERED = "ALTERNATIVE_STATUS_CONTENT_FILTER"

_HTTP_TO_GRPC = {400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4}
_HTTP_STATUS_TEXT = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip
_DEFAULT_ERROR_TEXT = {
    400: "invalid message role 'robot'",
    401: "Unknown api key",
    403: "Permission denied",
    429: "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests",
    500: "Fatal internal error in TextGenerationService.Completion",
    503: "Service is unavailable, try again later",
    504: "Deadline exceeded",
}
HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

# Faults that change how a completion is generated; they only match completion requests.
_COMPLETION_FAULTS = {"torn", "error_line", "prefix_change", "content_filter", "truncated"}
FAULT_KINDS = {"status", "delay", "stall", "drop", "malformed", "html_502"} | _COMPLETION_FAULTS


# --- the fake tokenizer -------------------------------------------------------------------------

# A token is a word or one punctuation mark with the whitespace before it; joined back, the pieces
# give the exact text. Roughly what a real tokenizer does for Russian and English prose.
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+")


def split_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(split_tokens(text))


def _token_json(piece: str, special: bool = False) -> dict[str, Any]:
    token_id = {"<s>": 1, "</s>": 2, "[NL]": 3}.get(piece) if special else None
    if token_id is None:
        token_id = 100 + zlib.crc32(piece.encode("utf-8")) % 120000  # deterministic across runs
    out: dict[str, Any] = {"id": str(token_id), "text": piece.replace(" ", "▁")}
    if special:
        out["special"] = True
    return out


_ROLE_NAMES = {"system": "Система", "user": "Пользователь", "assistant": "Ассистент"}


def completion_tokens(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tokens of a whole request, shaped like the real tokenizeCompletion reply."""
    tokens = [_token_json("<s>", special=True)]
    for message in messages:
        role = _ROLE_NAMES.get(str(message.get("role")), "Пользователь")
        tokens += [_token_json(p) for p in split_tokens(f" {role}: {message.get('text', '')}")]
        tokens.append(_token_json("[NL]", special=True))
    return tokens


_LONG_SENTENCES = (
    "Это длинный ответ для проверки интерфейса.",
    "Он содержит **жирный текст**, `код` и обычные слова, чтобы отрисовка была похожа на настоящую.",
    "Каждый абзац повторяет одни и те же фразы, зато длина ответа точно известна.",
    "Markdown here is mixed with English sentences, numbers like 42 and 3.14, and punctuation!",
)


def long_text(n_tokens: int) -> str:
    """Deterministic Markdown prose of exactly `n_tokens` fake tokens (for long-reply tests and benches)."""
    parts: list[str] = []
    tokens = 0
    i = 0
    while tokens < n_tokens:
        sentence = _LONG_SENTENCES[i % len(_LONG_SENTENCES)]
        parts.append(("\n\n" if i % 8 == 0 else " ") + sentence if parts else sentence)
        tokens += count_tokens(parts[-1])
        i += 1
    return "".join(split_tokens("".join(parts))[:n_tokens])


# --- configuration objects ----------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any  # parsed JSON, or None if there was none / it did not parse
    raw: bytes
    time: float


@dataclass
class Fault:
    """One way to misbehave, used for the next `times` requests that match `path` (a substring)."""

    kind: str
    times: int = 1
    path: str | None = None
    status: int = 500  # "status": HTTP status; "error_line": httpCode of the error line
    body: str | bytes | None = None  # "status"/"malformed": exact body (default: the contract's)
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 30.0  # "delay": how long; "stall": longest stall (release_stalls() ends it early)
    after_chunks: int = 1  # mid-stream faults: how many good chunks go out first (stall: 0 = no headers)
    message: str = ""  # "error_line"/"status": the error message

    def matches(self, path: str) -> bool:
        if self.kind in _COMPLETION_FAULTS and "/foundationModels/v1/completion" not in path:
            return False
        return self.path is None or self.path in path


class ChunkPlan:
    """The cumulative texts of one reply, built on demand.

    A 20,000-token reply has over a thousand prefixes, so generated replies keep only the token
    pieces and where each chunk ends; scripted replies may instead list any texts at all.
    """

    def __init__(
        self,
        *,
        texts: list[str] | None = None,
        tokens: list[str] | None = None,
        ends: list[int] | None = None,
    ) -> None:
        self.texts = texts
        self.tokens = tokens or []
        self.ends = ends or []

    @classmethod
    def from_text(cls, text: str, chunks: int | None = None, tokens_per_chunk: int | None = None) -> ChunkPlan:
        tokens = split_tokens(text) or [""]
        per_chunk = tokens_per_chunk or -(-len(tokens) // max(1, chunks or 4))  # ceil(tokens / chunks)
        size = max(1, per_chunk)
        return cls(tokens=tokens, ends=[*range(size, len(tokens), size), len(tokens)])

    def __len__(self) -> int:
        return len(self.texts) if self.texts is not None else len(self.ends)

    def text(self, i: int) -> str:
        return self.texts[i] if self.texts is not None else "".join(self.tokens[: self.ends[i]])

    def count(self, i: int) -> int:
        return count_tokens(self.texts[i]) if self.texts is not None else self.ends[i]

    def head(self, n: int) -> ChunkPlan:
        if self.texts is not None:
            return ChunkPlan(texts=self.texts[:n])
        return ChunkPlan(tokens=self.tokens, ends=self.ends[:n])

    def cut_at(self, max_tokens: int) -> ChunkPlan | None:
        """The reply stopped at `max_tokens`, or None if it fits."""
        if self.count(len(self) - 1) <= max_tokens:
            return None
        if self.texts is None:
            return ChunkPlan(tokens=self.tokens, ends=[e for e in self.ends if e < max_tokens] + [max_tokens])
        cut = "".join(split_tokens(self.texts[-1])[:max_tokens])
        return ChunkPlan(texts=[t for t in self.texts if count_tokens(t) < max_tokens and cut.startswith(t)] + [cut])


@dataclass
class ScriptedReply:
    """The next completion's reply: planned chunks, or raw CompletionResponse objects to replay."""

    plan: ChunkPlan | None = None
    results: list[dict[str, Any]] | None = None
    delay: float | None = None
    status: str = FINAL


class _Results:
    """The CompletionResponse objects of a planned reply, built when sent (a sequence)."""

    def __init__(self, plan: ChunkPlan, status: str, input_tokens: int, model_version: str) -> None:
        self.plan, self.status, self.input_tokens, self.model_version = (
            plan,
            status,
            input_tokens,
            model_version,
        )

    def __len__(self) -> int:
        return len(self.plan)

    def __getitem__(self, i: int) -> dict[str, Any]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        completion = self.plan.count(i)
        return {
            "alternatives": [{
                "message": {"role": "assistant", "text": self.plan.text(i)},
                "status": self.status if i == len(self) - 1 else PARTIAL,
            }],
            "usage": {
                "inputTextTokens": str(self.input_tokens),
                "completionTokens": str(completion),
                "totalTokens": str(self.input_tokens + completion),
            },
            "modelVersion": self.model_version,
        }  # fmt: skip


def error_body(status: int, message: str | None = None, *, unary: bool = False) -> dict[str, Any]:
    """The contract's error body: grpc-gateway stream shape, or the unary shape for unary calls."""
    message = message if message is not None else _DEFAULT_ERROR_TEXT.get(status, "error")
    grpc = _HTTP_TO_GRPC.get(status, 2)
    if unary:
        return {"code": grpc, "message": message, "details": []}
    return {
        "error": {
            "grpcCode": grpc,
            "httpCode": status,
            "message": message,
            "httpStatus": _HTTP_STATUS_TEXT.get(status, "Error"),
            "details": [],
        }
    }


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _BadRequest(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _load_samples() -> dict[str, Any]:
    sync = json.loads((SAMPLES_DIR / "01-native-completion-sync.grpc-json.json").read_text("utf-8"))
    stream_lines = (SAMPLES_DIR / "02-native-completion-stream.grpc-json.ndjson").read_text("utf-8")
    operations = json.loads((SAMPLES_DIR / "03-native-async-operation-sequence.grpc-json.json").read_text("utf-8"))
    return {
        "sync": [sync],
        "stream": [json.loads(line) for line in stream_lines.splitlines() if line.strip()],
        "async": [operations[-1]["response"]["response"]],
        "operation": operations,
    }


# --- the server ---------------------------------------------------------------------------------


class FakeYandexServer:
    """Start with `start()` (or `with`); `url` is the base URL to give the client."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        chunk_delay: float = 0.02,
        chunks: int = 4,
        tokens_per_chunk: int | None = None,
        polls_until_done: int = 1,
        context_limit: int | None = None,
        model_version: str = MODEL_VERSION,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`ssl_context`: serve https (tests of the client's TLS paths) instead of plain http."""
        self.api_key = api_key  # None: any non-empty key or token is accepted
        self.chunk_delay = chunk_delay  # seconds between stream chunks (0.01 = 100 chunks/s)
        self.chunks = chunks  # chunks per generated reply ...
        self.tokens_per_chunk = tokens_per_chunk  # ... or a fixed chunk size, if set
        self.polls_until_done = polls_until_done  # operation polls answered with done=false
        self.context_limit = context_limit  # None: the model's real window
        self.model_version = model_version
        self.requests: list[RecordedRequest] = []
        self.disconnects = 0  # replies cut short because the client closed the connection
        self.samples = _load_samples()
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._scripts: list[ScriptedReply] = []
        self._operations: dict[str, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._release = threading.Event()
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self._httpd = server_class((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._scheme = "http"
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
            self._scheme = "https"
        self._thread: threading.Thread | None = None

    # --- life cycle ---

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"{self._scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> FakeYandexServer:
        # A short poll interval makes stop() quick (shutdown waits for the serving loop to notice).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-yandex", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes stalled and sleeping handlers
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeYandexServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting ---

    def script_reply(
        self,
        text: str | None = None,
        *,
        chunks: int | list[str] | None = None,
        tokens_per_chunk: int | None = None,
        delay: float | None = None,
        status: str = FINAL,
    ) -> None:
        """Queue the text of the next completion reply.

        `chunks`: how many stream chunks (int), or the exact cumulative texts (list; the last one is
        the final text, and they need not extend each other). `delay`: seconds between chunks.
        `status`: the final chunk's wire status (e.g. ALTERNATIVE_STATUS_TRUNCATED_FINAL).
        """
        if isinstance(chunks, list):
            plan = ChunkPlan(texts=list(chunks) or [""])
        else:
            plan = ChunkPlan.from_text(text or "", chunks or self.chunks, tokens_per_chunk or self.tokens_per_chunk)
        with self._lock:
            self._scripts.append(ScriptedReply(plan=plan, delay=delay, status=status))

    def replay_sample(self, name: str = "stream", *, delay: float | None = None) -> None:
        """Queue a real recorded reply: "stream" (21 chunks), "sync" or "async" (Russian, from polling)."""
        with self._lock:
            self._scripts.append(ScriptedReply(results=list(self.samples[name]), delay=delay))

    def inject(self, kind: str, *, times: int = 1, path: str | None = None, **params: Any) -> Fault:
        """Queue a fault for the next `times` matching requests. Kinds:

        status (status=, body=, message=, headers=), delay (seconds=), stall (after_chunks=, seconds=),
        drop (close the connection without a reply), malformed (body=; in a stream after_chunks=),
        html_502, torn (after_chunks=: connection closed mid-line), error_line (after_chunks=, status=,
        message=), prefix_change (after_chunks=), content_filter (after_chunks=), truncated (after_chunks=).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {sorted(FAULT_KINDS)}")
        fault = Fault(kind=kind, times=times, path=path, **params)
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail_next(
        self, status: int, message: str | None = None, *, times: int = 1, path: str | None = None,
        body: str | bytes | None = None, headers: dict[str, str] | None = None,
    ) -> Fault:  # fmt: skip
        """The next `times` requests get HTTP `status` with the contract's error body."""
        return self.inject(
            "status", times=times, path=path, status=status, message=message or "", body=body,
            headers=headers or {},
        )  # fmt: skip

    def stall_next(self, after_chunks: int = 1, *, seconds: float = 30.0, path: str | None = None) -> Fault:
        """Send `after_chunks` chunks, then nothing (no bytes) until release_stalls(), stop() or `seconds`."""
        return self.inject("stall", after_chunks=after_chunks, seconds=seconds, path=path)

    def release_stalls(self) -> None:
        self._release.set()

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._scripts.clear()

    # --- recorded requests ---

    def completion_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith("/foundationModels/v1/completion")]

    @property
    def last_request(self) -> RecordedRequest:
        return self.requests[-1]

    # --- used by the handler ---

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.matches(path):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _take_script(self) -> ScriptedReply | None:
        with self._lock:
            return self._scripts.pop(0) if self._scripts else None

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(seconds)

    def _stall(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stop.is_set() and not self._release.is_set() and time.monotonic() < deadline:
            self._stop.wait(0.02)

    def _check_auth(self, headers: dict[str, str], unary: bool) -> None:
        value = headers.get("authorization", "")
        scheme, _, secret = value.partition(" ")
        secret = secret.strip()
        if scheme not in ("Api-Key", "Bearer") or not secret:
            raise _BadRequest(401, error_body(401, "Authorization header is missing or malformed", unary=unary))
        if self.api_key is not None and secret != self.api_key:
            # The real service echoes the rejected key: the client must scrub it.
            text = f"Unknown api key '{secret}'" if scheme == "Api-Key" else "The token is invalid or has expired"
            raise _BadRequest(401, error_body(401, text, unary=unary))

    def _new_operation(self, reply: dict[str, Any]) -> dict[str, Any]:
        op_id = "d7q" + "".join(secrets.choice("abcdefghijklmnopqrstuv0123456789") for _ in range(17))
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        op = {
            "id": op_id, "description": "Async GPT Completion", "createdAt": now,
            "createdBy": "ajeekrpmo1m7njrfoak2", "modifiedAt": now, "done": False, "metadata": None,
        }  # fmt: skip
        with self._lock:
            self._operations[op_id] = {"op": op, "reply": reply, "polls": 0}
        return op

    def _poll_operation(self, op_id: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._operations.get(op_id)
            if entry is None:
                return None
            entry["polls"] += 1
            op = dict(entry["op"])
            if entry["polls"] > self.polls_until_done:
                op.pop("metadata", None)
                op["done"] = True
                reply = entry["reply"]
                if "error" in reply:
                    op["error"] = reply["error"]
                else:
                    op["response"] = {"@type": _COMPLETION_RESPONSE_TYPE, **reply}
            return op


def _number(value: Any, name: str, *, integer: bool) -> float:
    """proto3 JSON: int64/double may come as a number or a numeric string."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise _BadRequest(400, error_body(400, f"invalid value for {name}: {value!r}")) from None
    return number


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streams, like the real service
    server_version = "ycalb"
    sys_version = ""

    @property
    def fake(self) -> FakeYandexServer:
        return self.server.fake  # type: ignore[attr-defined, no-any-return]

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm holds back small chunks for ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests assert on `fake.requests` instead

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    # --- plumbing ---

    def _serve(self) -> None:
        try:
            self._serve_unsafe()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            self.close_connection = True  # the client went away (e.g. it cancelled)
            with self.fake._lock:
                self.fake.disconnects += 1

    def _serve_unsafe(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?", 1)[0]
        self.fake._record(RecordedRequest(self.command, path, headers, body, raw, time.time()))
        self._request_headers = headers
        self._request_body = body

        fault = self.fake._take_fault(path)
        if fault and fault.kind == "delay":
            self.fake._sleep(fault.seconds)
            fault = None
        if fault and fault.kind == "stall" and fault.after_chunks <= 0:
            self.fake._stall(fault.seconds)  # not a single byte
            fault = None
        if fault and self._apply_response_fault(fault):
            return

        unary = not path.startswith("/foundationModels/v1/completion")
        try:
            self.fake._check_auth(headers, unary)
            if raw and body is None:
                text = "invalid character looking for beginning of value"
                raise _BadRequest(400, {"error": text, "code": 3, "message": text, "details": []})
            self._route(self.command, path, body if isinstance(body, dict) else {}, fault)
        except _BadRequest as exc:
            self._send_json(exc.status, exc.body)

    def _apply_response_fault(self, fault: Fault) -> bool:
        """Faults that replace the whole reply. True if the reply was sent."""
        if fault.kind == "status":
            if fault.body is not None:
                self._send_bytes(fault.status, _as_bytes(fault.body), "application/json", fault.headers)
            else:
                unary = not self.path.startswith("/foundationModels/v1/completion")
                body = error_body(fault.status, fault.message or None, unary=unary)
                self._send_json(fault.status, body, fault.headers)
            return True
        if fault.kind == "html_502":
            self._send_bytes(502, HTML_502.encode(), "text/html")
            return True
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind == "malformed" and not self._is_stream_request():
            self._send_bytes(200, _as_bytes(fault.body or '{"result": {"alternatives": [{"mess'), "application/json")
            return True
        return False

    def _is_stream_request(self) -> bool:
        body = self._request_body
        options = body.get("completionOptions") if isinstance(body, dict) else None
        return isinstance(options, dict) and bool(options.get("stream"))

    def _response_headers(self) -> dict[str, str]:
        out = {"x-request-id": str(uuid.uuid4()), "x-server-trace-id": uuid.uuid4().hex}
        client_id = self._request_headers.get("x-client-request-id")
        if client_id:
            out["x-client-request-id"] = client_id
        return out

    def _send_bytes(self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**self._response_headers(), **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json", extra)

    def _start_chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in self._response_headers().items():
            self.send_header(name, value)
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")

    # --- endpoints ---

    def _route(self, method: str, path: str, body: dict[str, Any], fault: Fault | None) -> None:
        routes: dict[tuple[str, str], Callable[[], None]] = {
            ("POST", "/foundationModels/v1/completion"): lambda: self._completion(body, fault),
            ("POST", "/foundationModels/v1/completionAsync"): lambda: self._completion_async(body, fault),
            ("POST", "/foundationModels/v1/tokenize"): lambda: self._tokenize(body),
            ("POST", "/foundationModels/v1/tokenizeCompletion"): lambda: self._tokenize_completion(body),
        }
        handler = routes.get((method, path))
        if handler is not None:
            handler()
        elif method == "GET" and path.startswith("/operations/"):
            op = self.fake._poll_operation(path.rsplit("/", 1)[1])
            if op is None:
                self._send_json(404, error_body(404, "Operation not found", unary=True))
            else:
                self._send_json(200, op)
        else:
            self._send_json(404, error_body(404, f"unknown method {method} {path}", unary=True))

    def _validate(self, body: dict[str, Any], *, unary: bool = False) -> tuple[list[dict[str, Any]], int]:
        """Check a CompletionRequest like the service does; returns (messages, input token count)."""
        uri = body.get("modelUri")
        if not isinstance(uri, str) or not uri.startswith(("gpt://", "ds://")):
            raise _BadRequest(400, error_body(400, f"invalid model_uri: {uri!r}", unary=unary))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _BadRequest(400, error_body(400, "messages must not be empty", unary=unary))
        for message in messages:
            role = message.get("role") if isinstance(message, dict) else None
            if role not in ("system", "user", "assistant"):
                raise _BadRequest(400, error_body(400, f"invalid message role '{role}'", unary=unary))
        options = body.get("completionOptions") or {}
        if "maxTokens" in options:
            _number(options["maxTokens"], "maxTokens", integer=True)
        if "temperature" in options:
            temperature = _number(options["temperature"], "temperature", integer=False)
            if not 0 <= temperature <= 1:
                raise _BadRequest(400, error_body(400, "temperature must be in [0, 1]", unary=unary))
        input_tokens = len(completion_tokens(messages))
        limit = self.fake.context_limit or context_window(uri)
        if input_tokens > limit:
            text = (
                f"Error in session internal_id={uuid.uuid4()}&request_id={uuid.uuid4()}: "
                f"number of input tokens must be no more than {limit}, got {input_tokens}"
            )
            raise _BadRequest(400, error_body(400, text, unary=unary))
        return messages, input_tokens

    def _reply_lines(
        self, body: dict[str, Any], messages: list[dict[str, Any]], input_tokens: int, fault: Fault | None
    ) -> tuple[Sequence[dict[str, Any]], float]:
        """The CompletionResponse objects of a reply, in stream order (the last one is final)."""
        script = self.fake._take_script()
        delay = self.fake.chunk_delay if script is None or script.delay is None else script.delay
        if script is not None and script.results is not None:
            return [json.loads(json.dumps(r)) for r in script.results], delay

        if script is not None and script.plan is not None:
            plan, status = script.plan, script.status
        else:
            last_user = next((m.get("text", "") for m in reversed(messages) if m.get("role") == "user"), "")
            plan, status = self._default_plan(str(last_user), len(messages)), FINAL

        # maxTokens: cut the reply there, like the real model does.
        options = body.get("completionOptions") or {}
        cut = plan.cut_at(int(_number(options.get("maxTokens", 2000), "maxTokens", integer=True)))
        if cut is not None:
            plan, status = cut, TRUNCATED

        n = fault.after_chunks if fault else 0
        if fault and fault.kind == "prefix_change":
            # The model rewrites its beginning after chunk n: later texts no longer extend earlier ones.
            texts = [plan.text(i) for i in range(len(plan))]
            texts = texts[:n] + ["Точнее: " + t[len(t.split(" ", 1)[0]) :].lstrip() for t in texts[n:]]
            if len(texts) <= n:
                texts.append("Точнее: " + texts[-1])
            plan = ChunkPlan(texts=texts)
        elif fault and fault.kind == "content_filter":
            plan = ChunkPlan(texts=[plan.text(i) for i in range(min(n, len(plan)))] + [CONTENT_FILTER_TEXT])
            status = FILTERED
        elif fault and fault.kind == "truncated":
            plan, status = plan.head(max(n, 1)), TRUNCATED
        return _Results(plan, status, input_tokens, self.fake.model_version), delay

    def _default_plan(self, last_user: str, n_messages: int) -> ChunkPlan:
        """The reply when nothing is scripted: an echo, or a magic command for manual testing."""
        command = last_user.strip().split()
        if command[:1] == ["/long"] and len(command) > 1 and command[1].isdigit():
            return ChunkPlan.from_text(long_text(int(command[1])), None, self.fake.tokens_per_chunk or 15)
        quoted = last_user if len(last_user) <= 200 else last_user[:200] + "…"
        text = f"Вы написали: «{quoted}». Сообщений в запросе: {n_messages}."
        return ChunkPlan.from_text(text, self.fake.chunks, self.fake.tokens_per_chunk)

    def _magic_fault(self, messages: list[dict[str, Any]]) -> Fault | None:
        last = str(messages[-1].get("text", "")).strip().split()
        if last[:1] == ["/fail"] and len(last) > 1 and last[1].isdigit():
            return Fault("status", status=int(last[1]))
        if last[:1] == ["/stall"]:
            return Fault("stall", after_chunks=1)
        if last[:1] == ["/filter"]:
            return Fault("content_filter", after_chunks=1)
        return None

    def _completion(self, body: dict[str, Any], fault: Fault | None) -> None:
        messages, input_tokens = self._validate(body)
        fault = fault or self._magic_fault(messages)
        if fault and self._apply_response_fault(fault):
            return
        lines, delay = self._reply_lines(body, messages, input_tokens, fault)
        stream = bool((body.get("completionOptions") or {}).get("stream"))
        if not stream:
            self._completion_once(lines[-1], fault)
            return

        self._start_chunked()
        # Chunks go out on a fixed schedule (delay=0.01 is 100 chunks/s even for long, slow-to-encode texts).
        next_at = time.monotonic()
        for i, result in enumerate(lines):
            if fault and i == fault.after_chunks:
                if fault.kind == "stall":
                    self.fake._stall(fault.seconds)
                    next_at = time.monotonic()
                    fault = None  # then carry on
                elif fault.kind == "torn":
                    line = json.dumps({"result": result}, ensure_ascii=False).encode()
                    self._write_chunk(line[: len(line) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                elif fault.kind == "error_line":
                    message = fault.message or _DEFAULT_ERROR_TEXT.get(fault.status, "error")
                    self._write_chunk(json.dumps(error_body(fault.status, message)).encode() + b"\n")
                    self._end_chunked()
                    return
                elif fault.kind == "malformed":
                    self._write_chunk(_as_bytes(fault.body or '{"result": {"alternatives": [}}') + b"\n")
                    self._end_chunked()
                    return
            if i > 0:
                next_at += delay
                self.fake._sleep(next_at - time.monotonic())
            self._write_chunk(json.dumps({"result": result}, ensure_ascii=False).encode() + b"\n")
        self._end_chunked()

    def _completion_once(self, result: dict[str, Any], fault: Fault | None) -> None:
        """stream=false: one `{"result": …}` object (faults that need a stream act on it as a whole)."""
        if fault and fault.kind == "stall":
            self.fake._stall(fault.seconds)
        if fault and fault.kind == "error_line":
            message = fault.message or _DEFAULT_ERROR_TEXT.get(fault.status, "error")
            self._send_json(200, error_body(fault.status, message))
            return
        if fault and fault.kind == "torn":
            data = json.dumps({"result": result}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send_json(200, {"result": result})

    def _completion_async(self, body: dict[str, Any], fault: Fault | None) -> None:
        if (body.get("completionOptions") or {}).get("stream"):
            raise _BadRequest(400, error_body(400, "stream is not supported in async mode"))
        messages, input_tokens = self._validate(body)
        lines, _ = self._reply_lines(body, messages, input_tokens, fault)
        reply: dict[str, Any] = lines[-1]
        if fault and fault.kind == "error_line":
            code = _HTTP_TO_GRPC.get(fault.status, 13)
            reply = {"error": {"code": code, "message": fault.message or "failed", "details": []}}
        self._send_json(200, self.fake._new_operation(reply))

    def _tokenize(self, body: dict[str, Any]) -> None:
        uri = body.get("modelUri")
        if not isinstance(uri, str) or not uri.startswith(("gpt://", "ds://")):
            raise _BadRequest(400, error_body(400, f"invalid model_uri: {uri!r}", unary=True))
        tokens = [_token_json(p) for p in split_tokens(str(body.get("text", "")))]
        self._send_json(200, {"tokens": tokens, "modelVersion": self.fake.model_version})

    def _tokenize_completion(self, body: dict[str, Any]) -> None:
        messages, _ = self._validate(body, unary=True)
        self._send_json(200, {"tokens": completion_tokens(messages), "modelVersion": self.fake.model_version})


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake Yandex AI Studio server for offline runs and tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any non-empty one)")
    parser.add_argument("--chunk-delay", type=float, default=0.05, help="seconds between stream chunks")
    parser.add_argument("--chunks", type=int, default=6, help="chunks per generated reply")
    parser.add_argument("--tokens-per-chunk", type=int, default=None, help="fixed chunk size instead")
    parser.add_argument("--context-limit", type=int, default=None, help="override the model's context window")
    args = parser.parse_args(argv)
    server = FakeYandexServer(
        host=args.host, port=args.port, api_key=args.api_key, chunk_delay=args.chunk_delay,
        chunks=args.chunks, tokens_per_chunk=args.tokens_per_chunk, context_limit=args.context_limit,
    )  # fmt: skip
    print(server.url, flush=True)  # first line of stdout: callers read the URL from it
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._stop.set()
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
