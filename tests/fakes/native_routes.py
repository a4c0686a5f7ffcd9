"""The fake server's native endpoints: completion (stream and not), completionAsync, tokenize, tokenizeCompletion."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_chat.api.models import context_window
from tests.fakes.fake_text import ChunkPlan, completion_tokens, long_text, split_tokens, token_json
from tests.fakes.fake_wire import (
    CONTENT_FILTER_TEXT,
    DEFAULT_ERROR_TEXT,
    FILTERED,
    FINAL,
    HTTP_TO_GRPC,
    PARTIAL,
    TRUNCATED,
    BadRequest,
    Fault,
    as_bytes,
    error_body,
    number,
)

if TYPE_CHECKING:
    from tests.fakes.yandex_server import FakeYandexServer


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


class NativeRoutes:
    """The request handler's native endpoints (mixed into the fake's handler)."""

    if TYPE_CHECKING:  # provided by the handler
        fake: FakeYandexServer
        wfile: Any
        connection: socket.socket
        close_connection: bool

        def _send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None: ...
        def _start_chunked(self, content_type: str = "application/json") -> None: ...
        def _write_chunk(self, data: bytes) -> None: ...
        def _end_chunked(self) -> None: ...
        def _flood(self, fault: Fault) -> None: ...
        def _apply_response_fault(self, fault: Fault) -> bool: ...
        def send_response(self, code: int, message: str | None = None) -> None: ...
        def send_header(self, keyword: str, value: str) -> None: ...
        def end_headers(self) -> None: ...

    def _validate(self, body: dict[str, Any], *, unary: bool = False) -> tuple[list[dict[str, Any]], int]:
        """Check a CompletionRequest like the service does; returns (messages, input token count)."""
        uri = body.get("modelUri")
        if not isinstance(uri, str) or not uri.startswith(("gpt://", "ds://")):
            raise BadRequest(400, error_body(400, f"invalid model_uri: {uri!r}", unary=unary))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest(400, error_body(400, "messages must not be empty", unary=unary))
        for message in messages:
            role = message.get("role") if isinstance(message, dict) else None
            if role not in ("system", "user", "assistant"):
                raise BadRequest(400, error_body(400, f"invalid message role '{role}'", unary=unary))
        options = body.get("completionOptions") or {}
        if "maxTokens" in options:
            number(options["maxTokens"], "maxTokens", integer=True)
        if "temperature" in options:
            temperature = number(options["temperature"], "temperature", integer=False)
            if not 0 <= temperature <= 1:
                raise BadRequest(400, error_body(400, "temperature must be in [0, 1]", unary=unary))
        input_tokens = len(completion_tokens(messages))
        limit = self.fake.context_limit or context_window(uri)
        if input_tokens > limit:
            text = (
                f"Error in session internal_id={uuid.uuid4()}&request_id={uuid.uuid4()}: "
                f"number of input tokens must be no more than {limit}, got {input_tokens}"
            )
            raise BadRequest(400, error_body(400, text, unary=unary))
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
        cut = plan.cut_at(int(number(options.get("maxTokens", 2000), "maxTokens", integer=True)))
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
        if fault and fault.kind == "flood" and (not stream or fault.after_chunks <= 0):
            self._start_chunked()
            self._flood(fault)
            return
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
                    message = fault.message or DEFAULT_ERROR_TEXT.get(fault.status, "error")
                    self._write_chunk(json.dumps(error_body(fault.status, message)).encode() + b"\n")
                    self._end_chunked()
                    return
                elif fault.kind == "malformed":
                    self._write_chunk(as_bytes(fault.body or '{"result": {"alternatives": [}}') + b"\n")
                    self._end_chunked()
                    return
                elif fault.kind == "flood":
                    self._flood(fault)  # e.g. a line that never ends
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
            message = fault.message or DEFAULT_ERROR_TEXT.get(fault.status, "error")
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
            raise BadRequest(400, error_body(400, "stream is not supported in async mode"))
        messages, input_tokens = self._validate(body)
        lines, _ = self._reply_lines(body, messages, input_tokens, fault)
        reply: dict[str, Any] = lines[-1]
        if fault and fault.kind == "error_line":
            code = fault.grpc_code or HTTP_TO_GRPC.get(fault.status, 13)
            reply = {"error": {"code": code, "message": fault.message or "failed", "details": []}}
        self._send_json(200, self.fake._new_operation(reply))

    def _tokenize(self, body: dict[str, Any]) -> None:
        uri = body.get("modelUri")
        if not isinstance(uri, str) or not uri.startswith(("gpt://", "ds://")):
            raise BadRequest(400, error_body(400, f"invalid model_uri: {uri!r}", unary=True))
        tokens = [token_json(p) for p in split_tokens(str(body.get("text", "")))]
        self._send_json(200, {"tokens": tokens, "modelVersion": self.fake.model_version})

    def _tokenize_completion(self, body: dict[str, Any]) -> None:
        messages, _ = self._validate(body, unary=True)
        self._send_json(200, {"tokens": completion_tokens(messages), "modelVersion": self.fake.model_version})
