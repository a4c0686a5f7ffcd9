"""The fake server's web answers (`POST /v1/responses`) and YandexART (`imageGenerationAsync` + operations).

Follows yandex-api.md §12 (OpenAI's Responses events; the YandexART request and operation shapes):
- `/v1/responses` with `stream: true` sends SSE `event: <type>` / `data: {…}` events: response.created, one
  web_search_call item per search (output_item.added / .done), the message's output_text deltas, one
  `response.output_text.annotation.added` per source (`url_citation`, only `url` filled), output_text.done,
  then response.completed with the whole response (output, usage) — or response.incomplete. Without
  `stream` the whole response object is sent. Errors are the OpenAI-compatible body; the faults work
  mid-stream too (stall, torn, error_line → an `error` event, malformed).
- `imageGenerationAsync` answers an Operation; polling it (`GET /operations/<id>`) answers done=false
  `polls_until_done` times, then `response.image` (base64 of a real 64×36 JPEG) and `modelVersion`. A prompt
  containing a word of `art_refuse_words` is refused: a 400 at once, or (`art_refuse_in_operation`) as the
  operation's error (gRPC 3).

Scripting (methods of FakeYandexServer, from `WebArtScripts`):

    fake.script_web("Ответ из сети.", sources=["ria.ru", "ru.wikipedia.org"], searches=2, chunks=3)
    fake.script_web("Обрезано", incomplete="max_output_tokens")
    fake.fail_next(403, path="/v1/responses")        # the missing ai.assistants.editor role
    fake.art_refuse_words = {"запрещённое"}
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.fakes.fake_text import count_tokens
from tests.fakes.fake_wire import BadRequest, Fault, RecordedRequest, as_bytes, error_body, openai_error_body
from tests.fakes.openai_routes import KNOWN_CHAT_MODELS, deltas_of, model_path

if TYPE_CHECKING:
    from tests.fakes.yandex_server import FakeYandexServer

RESPONSES = "/v1/responses"
ART_GENERATE = "/foundationModels/v1/imageGenerationAsync"
PICTURE = (Path(__file__).parent / "samples" / "yandexart-64x36.jpg").read_bytes()
ART_MODEL_VERSION = "yandex-art/5.0"
IMAGE_RESPONSE_TYPE = ("type.googleapis.com/yandex.cloud.ai.foundation_models.v1.image_generation."
                       "ImageGenerationResponse")
REFUSAL_TEXT = "it is not possible to generate an image from this request because it may violate the terms of use"
DEFAULT_SOURCES = ["ria.ru", "ru.wikipedia.org"]


@dataclass
class WebScript:
    """The next web answer: its text in deltas, the sources cited, the searches run, how it ends."""

    deltas: list[str]
    sources: list[str] = field(default_factory=lambda: list(DEFAULT_SOURCES))
    searches: int = 1
    incomplete: str | None = None  # "max_output_tokens" | "content_filter"
    delay: float | None = None


class WebArtScripts:
    """FakeYandexServer's scripting of web answers and pictures."""

    _lock: threading.Lock
    requests: list[RecordedRequest]

    def _init_web_art(self) -> None:
        self._web_scripts: list[WebScript] = []
        self.art_refuse_words: set[str] = {"/refuse"}
        self.art_refuse_in_operation = False

    def script_web(self, text: str = "", *, deltas: list[str] | None = None, chunks: int = 4,
                   sources: list[str] | None = None, searches: int = 1, incomplete: str | None = None,
                   delay: float | None = None) -> None:
        """Queue the next web answer (`sources` None: two default sites)."""
        script = WebScript(deltas if deltas is not None else deltas_of(text, chunks),
                           list(DEFAULT_SOURCES if sources is None else sources), searches, incomplete, delay)
        with self._lock:
            self._web_scripts.append(script)

    def web_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == RESPONSES]

    def art_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == ART_GENERATE]

    def _take_web_script(self) -> WebScript | None:
        with self._lock:
            return self._web_scripts.pop(0) if self._web_scripts else None


def _sse(payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return b"event: " + payload["type"].encode() + b"\ndata: " + data + b"\n\n"


class WebArtRoutes:
    """The request handler's `/v1/responses` and YandexART endpoints (mixed into the fake's handler)."""

    if TYPE_CHECKING:  # provided by the handler
        fake: FakeYandexServer
        wfile: Any
        connection: socket.socket
        close_connection: bool

        def _send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None: ...
        def _start_chunked(self, content_type: str = "application/json") -> None: ...
        def _write_chunk(self, data: bytes) -> None: ...
        def _end_chunked(self) -> None: ...

    def _web_art_route(self, method: str, path: str, body: dict[str, Any], fault: Fault | None) -> bool:
        if method == "POST" and path == RESPONSES:
            self._responses(body, fault)
            return True
        if method == "POST" and path == ART_GENERATE:
            self._art_generate(body)
            return True
        return False

    # --- /v1/responses ---

    def _validate_responses(self, body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        model = body.get("model")
        name = model_path(model)
        if name is None:
            raise BadRequest(400, openai_error_body(400, f"Failed to parse model URI: {model!r}"))
        if name not in KNOWN_CHAT_MODELS:
            raise BadRequest(400, openai_error_body(400, f"invalid model_uri: {model}"))
        items = body.get("input")
        if isinstance(items, str):
            items = [{"role": "user", "content": items}]
        if not isinstance(items, list) or not items or not all(
                isinstance(i, dict) and i.get("role") in ("user", "assistant", "system", "developer") for i in items):
            raise BadRequest(400, openai_error_body(400, "input must be a string or a list of messages"))
        for tool in body.get("tools") or []:
            if not isinstance(tool, dict) or tool.get("type") != "web_search":
                raise BadRequest(400, openai_error_body(400, f"unsupported tool: {tool!r}"))
            if tool.get("search_context_size", "medium") not in ("low", "medium", "high"):
                raise BadRequest(400, openai_error_body(400, "invalid search_context_size"))
            domains = (tool.get("filters") or {}).get("allowed_domains", [])
            if not isinstance(domains, list) or len(domains) > 5:
                raise BadRequest(400, openai_error_body(400, "allowed_domains: at most 5 domains"))
        return str(model), items

    def _responses(self, body: dict[str, Any], fault: Fault | None) -> None:
        model, items = self._validate_responses(body)
        script = self.fake._take_web_script()
        if script is None:
            last = next((str(i.get("content")) for i in reversed(items) if i.get("role") == "user"), "")
            script = WebScript(deltas_of(f"Нашлось в сети: «{last[:200]}». Сообщений: {len(items)}.",
                                         self.fake.chunks))
        delay = self.fake.chunk_delay if script.delay is None else script.delay
        rid, mid = f"resp_{uuid.uuid4().hex}", f"msg_{uuid.uuid4().hex}"
        text = "".join(script.deltas)
        annotations = [{"type": "url_citation", "url": url, "title": "", "start_index": 0, "end_index": 0}
                       for url in script.sources]
        searches = [{"id": f"ws_{uuid.uuid4().hex[:12]}", "type": "web_search_call", "status": "completed",
                     "action": {"type": "search", "query": "запрос"}} for _ in range(script.searches)]
        message = {"id": mid, "type": "message", "role": "assistant", "status": "completed",
                   "content": [{"type": "output_text", "text": text, "annotations": annotations}]}
        input_tokens = sum(count_tokens(str(i.get("content", ""))) for i in items) + 500 * script.searches
        usage = {"input_tokens": input_tokens, "output_tokens": count_tokens(text),
                 "total_tokens": input_tokens + count_tokens(text), "output_tokens_details": {"reasoning_tokens": 0}}
        status = "incomplete" if script.incomplete else "completed"
        response = {"id": rid, "object": "response", "created_at": int(time.time()), "model": model,
                    "status": status, "output": [*searches, message], "usage": usage}
        if script.incomplete:
            response["incomplete_details"] = {"reason": script.incomplete}
        if not body.get("stream"):
            self._send_json(200, response)
            return
        events = [_sse({"type": "response.created", "response": {**response, "status": "in_progress",
                                                                 "output": []}})]
        for index, item in enumerate(searches):
            events.append(_sse({"type": "response.output_item.added", "output_index": index,
                                "item": {**item, "status": "in_progress"}}))
            events.append(_sse({"type": "response.output_item.done", "output_index": index, "item": item}))
        where = {"item_id": mid, "output_index": len(searches), "content_index": 0}
        events.append(_sse({"type": "response.output_item.added", "output_index": len(searches),
                            "item": {**message, "status": "in_progress", "content": []}}))
        events += [_sse({"type": "response.output_text.delta", **where, "delta": d}) for d in script.deltas]
        events += [_sse({"type": "response.output_text.annotation.added", **where, "annotation_index": n,
                         "annotation": a}) for n, a in enumerate(annotations)]
        events.append(_sse({"type": "response.output_text.done", **where, "text": text}))
        events.append(_sse({"type": f"response.{status}", "response": response}))
        self._start_chunked("text/event-stream")
        for i, event in enumerate(events):
            if fault and i == fault.after_chunks and self._web_fault(fault, event):
                return
            if i > 0:
                self.fake._sleep(delay)
            self._write_chunk(event)
        self._end_chunked()

    def _web_fault(self, fault: Fault, event: bytes) -> bool:
        if fault.kind == "stall":
            self.fake._stall(fault.seconds)
            return False
        if fault.kind == "torn":
            self._write_chunk(event[: len(event) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind == "error_line":
            error = openai_error_body(fault.status, fault.message or None, fault.error_type)["error"]
            self._write_chunk(_sse({"type": "error", "code": error["type"], "message": error["message"],
                                    "param": None}))
            self._end_chunked()
            return True
        if fault.kind == "malformed":
            broken = as_bytes(fault.body or '{"type": "response.output_text.delta", "de')
            self._write_chunk(b"data: " + broken + b"\n\n")
            self._end_chunked()
            return True
        return False

    # --- YandexART ---

    def _art_generate(self, body: dict[str, Any]) -> None:
        uri = body.get("modelUri")
        if not isinstance(uri, str) or not uri.startswith("art://") or not uri.endswith("/yandex-art/latest"):
            raise BadRequest(400, error_body(400, f"invalid model_uri: {uri!r}", unary=True))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest(400, error_body(400, "messages must not be empty", unary=True))
        for message in messages:
            text = message.get("text") if isinstance(message, dict) else None
            if not isinstance(text, str) or not text or len(text) > 500:
                raise BadRequest(400, error_body(400, "message text must be 1..500 characters", unary=True))
            float(message.get("weight", "1"))
        options = body.get("generationOptions") or {}
        ratio = options.get("aspectRatio") or {}
        for key in ("widthRatio", "heightRatio"):
            if not str(ratio.get(key, "1")).isdigit():
                raise BadRequest(400, error_body(400, f"invalid {key}", unary=True))
        if not str(options.get("seed", "0")).lstrip("-").isdigit():
            raise BadRequest(400, error_body(400, "invalid seed", unary=True))
        prompt = " ".join(str(m.get("text")) for m in messages if float(m.get("weight", "1")) > 0)
        refused = any(word in prompt for word in self.fake.art_refuse_words)
        if refused and not self.fake.art_refuse_in_operation:
            raise BadRequest(400, error_body(400, REFUSAL_TEXT, unary=True))
        reply: dict[str, Any] = ({"error": {"code": 3, "message": REFUSAL_TEXT, "details": []}} if refused else
                                 {"@type": IMAGE_RESPONSE_TYPE, "image": base64.b64encode(PICTURE).decode(),
                                  "modelVersion": ART_MODEL_VERSION})
        op = self.fake._new_operation(reply)
        op["description"] = "Image generation"
        self._send_json(200, op)
