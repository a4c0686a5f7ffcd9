"""A fake Yandex AI Studio (Foundation Models) server: real HTTP on 127.0.0.1, no internet.

It follows the team's API contract (/work/shared/reference/yandex-api.md, summarised in the client's
docstring): NDJSON `{"result": …}` lines with CUMULATIVE text, int64 numbers as strings, the
grpc-gateway error bodies, async operations, the tokenizer. It replays the real recorded samples in
tests/fakes/samples/ on request, and can break in every way the client must survive (fault injection).

In tests use the `fake_server` fixture (tests/fixtures/fake_server.py). By hand:

    python -m tests.fakes.yandex_server --port 8765 [--api-key KEY] [--chunk-delay 0.05]

prints the URL as its first line; point the app's API address at it. Typing "/long 20000" in a chat
streams a 20,000-token reply; "/fail 429" answers with that HTTP error; "/stall" stalls mid-stream;
"/filter" ends with a content-filter reply. Web answers (`/v1/responses`) and YandexART pictures
(`imageGenerationAsync`) are served too (web_art_routes.py); a drawing prompt with "/refuse" is refused.
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import ssl
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fakes.fake_text import ChunkPlan, completion_tokens, count_tokens, long_text, split_tokens
from tests.fakes.fake_wire import (
    CONTENT_FILTER_TEXT,
    FAULT_KINDS,
    FILTERED,
    FINAL,
    HTML_502,
    NATIVE_COMPLETION,
    PARTIAL,
    REAL_ERRORS,
    TRUNCATED,
    BadRequest,
    Fault,
    RecordedRequest,
    as_bytes,
    error_body,
    openai_error_body,
)
from tests.fakes.native_routes import NativeRoutes
from tests.fakes.openai_routes import ChatScript, OpenAIRoutes, OpenAIScripts, sample_bytes
from tests.fakes.web_art_routes import WebArtRoutes, WebArtScripts

__all__ = [  # what tests import from here (the parts live in the modules beside this one)
    "CONTENT_FILTER_TEXT",
    "FILTERED",
    "FINAL",
    "PARTIAL",
    "TRUNCATED",
    "ChatScript",
    "ChunkPlan",
    "FakeYandexServer",
    "Fault",
    "RecordedRequest",
    "completion_tokens",
    "count_tokens",
    "error_body",
    "long_text",
    "openai_error_body",
    "sample_bytes",
    "split_tokens",
]  # fmt: skip

SAMPLES_DIR = Path(__file__).parent / "samples"
MODEL_VERSION = "07.03.2024"  # what the real samples carry
_COMPLETION_RESPONSE_TYPE = "type.googleapis.com/yandex.cloud.ai.foundation_models.v1.CompletionResponse"


@dataclass
class ScriptedReply:
    """The next completion's reply: planned chunks, or raw CompletionResponse objects to replay."""

    plan: ChunkPlan | None = None
    results: list[dict[str, Any]] | None = None
    delay: float | None = None
    status: str = FINAL



class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6



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


class FakeYandexServer(OpenAIScripts, WebArtScripts):
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
        self.expired_tokens: set[str] = set()  # IAM tokens (Bearer) that get 401 "Token is invalid or has expired."
        self.disconnects = 0  # replies cut short because the client closed the connection
        self.samples = _load_samples()
        self._init_openai()
        self._init_web_art()
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

    def fail_with(self, kind: str, *, times: int = 1, path: str | None = None) -> Fault:
        """The next `times` requests get one of Yandex's real errors (REAL_ERRORS) in their surface's body
        shape, with fixed `x-request-id: req-<kind>` / `x-server-trace-id: trace-<kind>` headers."""
        status, message = REAL_ERRORS[kind]
        headers = {"x-request-id": f"req-{kind}", "x-server-trace-id": f"trace-{kind}"}
        return self.inject("status", times=times, path=path, status=status, message=message, headers=headers)

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

    def _check_auth(self, headers: dict[str, str], error: Callable[..., dict[str, Any]]) -> None:
        value = headers.get("authorization", "")
        scheme, _, secret = value.partition(" ")
        secret = secret.strip()
        if scheme not in ("Api-Key", "Bearer") or not secret:
            raise BadRequest(401, error(401, "Authorization header is missing or malformed"))
        if scheme == "Bearer" and secret in self.expired_tokens:
            raise BadRequest(401, error(401, REAL_ERRORS["iam_expired"][1]))
        if self.api_key is not None and secret != self.api_key:
            # The real service echoes the rejected key: the client must scrub it.
            text = f"Unknown api key '{secret}'" if scheme == "Api-Key" else "The token is invalid or has expired"
            raise BadRequest(401, error(401, text))

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


class _Handler(NativeRoutes, OpenAIRoutes, WebArtRoutes, BaseHTTPRequestHandler):
    _bytewise = False
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
        self._bytewise = False

        fault = self.fake._take_fault(path)
        if fault and fault.kind == "delay":
            self.fake._sleep(fault.seconds)
            fault = None
        if fault and fault.kind == "stall" and fault.after_chunks <= 0:
            self.fake._stall(fault.seconds)  # not a single byte
            fault = None
        if fault and self._apply_response_fault(fault):
            return

        try:
            self.fake._check_auth(headers, self._error)
            if raw and body is None:
                text = "invalid character looking for beginning of value"
                if path.startswith("/v1/"):
                    raise BadRequest(400, openai_error_body(400, text))
                raise BadRequest(400, {"error": text, "code": 3, "message": text, "details": []})
            self._route(self.command, path, body if isinstance(body, dict) else {}, fault)
        except BadRequest as exc:
            self._send_json(exc.status, exc.body)

    def _apply_response_fault(self, fault: Fault) -> bool:
        """Faults that replace the whole reply. True if the reply was sent."""
        if fault.kind == "status":
            if fault.body is not None:
                self._send_bytes(fault.status, as_bytes(fault.body), "application/json", fault.headers)
            else:
                secret = self._request_headers.get("authorization", "").partition(" ")[2].strip()
                message = fault.message.replace("{key}", secret) if fault.message else None
                body = self._error(fault.status, message, fault.error_type)
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
            self._send_bytes(200, as_bytes(fault.body or '{"result": {"alternatives": [{"mess'), "application/json")
            return True
        if fault.kind == "bytewise":
            self._bytewise = True  # every byte of the reply in its own chunk: lines split across reads
        return False

    def _is_stream_request(self) -> bool:
        body = self._request_body
        if self.path.startswith("/v1/"):
            return isinstance(body, dict) and bool(body.get("stream"))
        options = body.get("completionOptions") if isinstance(body, dict) else None
        return isinstance(options, dict) and bool(options.get("stream"))

    def _error(self, status: int, message: str | None = None, error_type: str = "") -> dict[str, Any]:
        """The error body this path's surface uses: OpenAI-compatible, native stream, or unary."""
        path = self.path.split("?", 1)[0]
        if path.startswith("/v1/"):
            return openai_error_body(status, message, error_type)
        return error_body(status, message, unary=not path.startswith(NATIVE_COMPLETION))

    def _flood(self, fault: Fault) -> None:
        """`total_bytes` of `fill` in `chunk_size` pieces (`interval` apart), then the end of the body."""
        piece = (fault.fill * (fault.chunk_size // max(1, len(fault.fill)) + 1))[: fault.chunk_size]
        sent = 0
        while sent < fault.total_bytes and not self.fake._stop.is_set():
            data = piece[: fault.total_bytes - sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            sent += len(data)
            if fault.interval:
                self.wfile.flush()
                self.fake._sleep(fault.interval)
        self._end_chunked()

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

    def _start_chunked(self, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if content_type == "text/event-stream":
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in self._response_headers().items():
            self.send_header(name, value)
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        if self._bytewise:
            for i in range(len(data)):
                self.wfile.write(b"1\r\n%s\r\n" % data[i : i + 1])
                self.wfile.flush()
            return
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
        elif self._openai_route(method, path, body, fault) or self._web_art_route(method, path, body, fault):
            pass
        elif method == "GET" and path.startswith("/operations/"):
            op = self.fake._poll_operation(path.rsplit("/", 1)[1])
            if op is None:
                self._send_json(404, error_body(404, "Operation not found", unary=True))
            else:
                self._send_json(200, op)
        else:
            self._send_json(404, error_body(404, f"unknown method {method} {path}", unary=True))




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fake Yandex AI Studio server for offline runs and tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any non-empty one)")
    parser.add_argument("--chunk-delay", type=float, default=0.05, help="seconds between stream chunks")
    parser.add_argument("--chunks", type=int, default=6, help="chunks per generated reply")
    parser.add_argument("--tokens-per-chunk", type=int, default=None, help="fixed chunk size instead")
    parser.add_argument("--context-limit", type=int, default=None, help="override the model's context window")
    parser.add_argument("--polls-until-done", type=int, default=1, help="operation polls answered 'not done'")
    args = parser.parse_args(argv)
    server = FakeYandexServer(
        host=args.host, port=args.port, api_key=args.api_key, chunk_delay=args.chunk_delay,
        chunks=args.chunks, tokens_per_chunk=args.tokens_per_chunk, context_limit=args.context_limit,
        polls_until_done=args.polls_until_done,
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
