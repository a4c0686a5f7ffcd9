"""The fake server's OpenAI-compatible surface: `POST /v1/chat/completions` and `GET /v1/models`.

Follows yandex-api.md §8/§12 and the real samples 04–09: SSE `data: {chunk}` events with DELTA content,
`reasoning_content` deltas when the request asks for reasoning, a `finish_reason` chunk, a chunk with
empty `choices` and `usage`, then `data: [DONE]`; errors as `{"error": {"message", "type"}}` before the
stream (HTTP status) or inside it. Recorded samples replay byte for byte.

Pictures (real sample 10): `content` may be a list of `text` and `image_url` parts. Each `image_url` must be a
`data:image/…;base64,` URL that decodes (Pillow) to a picture of the type it names, else 400; pictures go only
to vision models (Gemma 3), else 400; each costs 256 prompt tokens. The default reply lists the pictures seen
("Картинки: PNG 120×80.").

Scripting (methods of FakeYandexServer, from `OpenAIScripts`):

    fake.script_chat("Привет, мир!", chunks=3)  # the next reply's text, in 3 deltas
    fake.script_chat(deltas=["Hel", "lo"], reasoning=["Let me think."], finish_reason="length", usage=False)
    fake.replay_openai_sample("09")  # "04", "05", "07" (models), "08" (turn=0..2), "09"
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat.api.models import context_window
from tests.fakes.fake_text import ChunkPlan, completion_tokens, count_tokens, split_tokens
from tests.fakes.fake_wire import CONTENT_FILTER_TEXT, BadRequest, Fault, RecordedRequest, as_bytes, openai_error_body

if TYPE_CHECKING:
    from tests.fakes.yandex_server import FakeYandexServer

SAMPLES_DIR = Path(__file__).parent / "samples"
OPENAI_SAMPLES = {
    "04": "04-openai-chat-completion-yandexgpt-latest.json",
    "05": "05-openai-chat-stream-yandexgpt-rc.sse",
    "06": "06-openai-error-400-invalid-tool-choice.json",
    "07": "07-openai-models-list.json",
    "08": "08-openai-chat-multiturn-system-qwen3.json",
    "09": "09-openai-chat-stream-qwen3-usage.sse",
}
# The chat models the fake serves (sample 07's gpt:// entries, plus YandexGPT RC and DeepSeek from the docs).
KNOWN_CHAT_MODELS = {
    "aliceai-llm/latest", "gpt-oss-120b/latest", "gpt-oss-20b/latest", "gemma-3-27b-it/latest",
    "qwen3-235b-a22b-fp8/latest", "yandexgpt-lite/latest", "yandexgpt-lite/rc", "yandexgpt/latest", "yandexgpt/rc",
    "deepseek-v32/latest", "yandexgpt/deprecated", "yandexgpt-lite/deprecated",
}  # fmt: skip
REASONING_EFFORT_MODELS = ("gpt-oss-120b/", "gpt-oss-20b/")
VISION_MODELS = ("gemma-3-27b-it/",)
IMAGE_TOKENS = 256  # what a picture cost Gemma 3 in real sample 10 (a 100×100 PNG)
DEFAULT_REASONING = ["Пользователь ", "просит ответ; ", "подумаю."]


def sample_bytes(name: str) -> bytes:
    return (SAMPLES_DIR / OPENAI_SAMPLES[name]).read_bytes()


def deltas_of(text: str, chunks: int) -> list[str]:
    """`text` in `chunks` pieces that add up to it."""
    plan = ChunkPlan.from_text(text, chunks)
    texts = [plan.text(i) for i in range(len(plan))]
    return [t[len(p) :] for p, t in zip(["", *texts], texts, strict=False)]


@dataclass
class ChatScript:
    """The next `/v1/chat/completions` reply: deltas to send, or a recorded body to send byte for byte."""

    deltas: list[str] | None = None
    reasoning: list[str] | None = None
    finish_reason: str = "stop"
    usage: bool = True
    raw: bytes | None = None
    delay: float | None = None
    headers: dict[str, str] = field(default_factory=dict)


def model_path(model: Any) -> str | None:
    """`gpt://<folder>/<name>[/<version>]` → `<name>/<version>`; None if it is not such a URI."""
    if not isinstance(model, str) or not model.startswith("gpt://"):
        return None
    parts = model[len("gpt://") :].split("/")
    if len(parts) not in (2, 3) or not all(parts):
        return None
    name, version = parts[1], parts[2] if len(parts) == 3 else "latest"
    return f"{name}/{version.split('@', 1)[0]}"


class OpenAIScripts:
    """FakeYandexServer's scripting of the OpenAI-compatible surface."""

    _lock: threading.Lock
    requests: list[RecordedRequest]

    def _init_openai(self) -> None:
        self._chat_scripts: list[ChatScript] = []

    def script_chat(
        self,
        text: str | None = None,
        *,
        deltas: list[str] | None = None,
        chunks: int | None = None,
        reasoning: list[str] | None = None,
        finish_reason: str = "stop",
        usage: bool = True,
        delay: float | None = None,
    ) -> None:
        """Queue the next chat reply: `text` split into `chunks` deltas, or the exact `deltas`."""
        if deltas is None:
            deltas = deltas_of(text or "", chunks or 4)
        with self._lock:
            self._chat_scripts.append(ChatScript(list(deltas), reasoning, finish_reason, usage, delay=delay))

    def replay_openai_sample(self, name: str, *, turn: int = 0, delay: float | None = None) -> None:
        """Queue a recorded reply: "04" (non-streamed), "05"/"09" (SSE), "08" (the `turn`-th of three)."""
        if name == "08":
            raw = json.dumps(json.loads(sample_bytes("08"))[turn]["response_body"], ensure_ascii=False).encode()
        else:
            raw = sample_bytes(name)
        with self._lock:
            self._chat_scripts.append(ChatScript(raw=raw, delay=delay))

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def _take_chat_script(self) -> ChatScript | None:
        with self._lock:
            return self._chat_scripts.pop(0) if self._chat_scripts else None


def _image_of(part: Any) -> tuple[str, int, int]:
    """An `image_url` part's picture: (format, width, height); BadRequest unless its data: URL decodes to one."""
    import base64
    import binascii
    import io

    from PIL import Image, UnidentifiedImageError

    url = part.get("image_url", {}).get("url") if isinstance(part.get("image_url"), dict) else None
    if not isinstance(url, str) or not url.startswith("data:image/") or ";base64," not in url:
        raise BadRequest(400, openai_error_body(400, "image_url.url must be a data:image/...;base64, URL"))
    mime, _, data = url[len("data:"):].partition(";base64,")
    try:
        image = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
        image.load()
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError):
        raise BadRequest(400, openai_error_body(400, "image_url does not hold a picture")) from None
    if f"image/{(image.format or '').lower()}".replace("jpg", "jpeg") != mime:
        raise BadRequest(400, openai_error_body(400, f"image_url says {mime} but holds {image.format}"))
    return image.format or "", image.size[0], image.size[1]


def _images_of(content: Any) -> list[tuple[str, int, int]]:
    if not isinstance(content, list):
        return []
    images = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in ("text", "image_url"):
            raise BadRequest(400, openai_error_body(400, f"unknown content part type {kind!r}"))
        if kind == "image_url":
            images.append(_image_of(part))
    return images


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


class OpenAIRoutes:
    """The request handler's OpenAI-compatible endpoints (mixed into the fake's handler)."""

    if TYPE_CHECKING:  # provided by the handler
        fake: FakeYandexServer
        wfile: Any
        connection: socket.socket
        close_connection: bool
        _request_headers: dict[str, str]

        def _send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None: ...
        def _send_bytes(
            self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None: ...
        def _start_chunked(self, content_type: str = "application/json") -> None: ...
        def _write_chunk(self, data: bytes) -> None: ...
        def _end_chunked(self) -> None: ...
        def _flood(self, fault: Fault) -> None: ...

    def _openai_route(self, method: str, path: str, body: dict[str, Any], fault: Fault | None) -> bool:
        if method == "GET" and path == "/v1/models":
            self._send_bytes(200, sample_bytes("07"), "application/json")  # byte for byte
            return True
        if method == "POST" and path == "/v1/chat/completions":
            self._chat(body, fault)
            return True
        return False

    def _validate_chat(self, body: dict[str, Any]) -> tuple[str, list[dict[str, Any]], int]:
        model = body.get("model")
        path = model_path(model)
        if path is None:
            raise BadRequest(400, openai_error_body(400, f"Failed to parse model URI: {model!r}"))
        if path not in KNOWN_CHAT_MODELS:
            raise BadRequest(400, openai_error_body(400, f"invalid model_uri: {model}"))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest(400, openai_error_body(400, "messages must not be empty"))
        for message in messages:
            role = message.get("role") if isinstance(message, dict) else None
            if role not in ("system", "user", "assistant", "tool"):
                raise BadRequest(400, openai_error_body(400, f"invalid message role '{role}'"))
        temperature = body.get("temperature", 0.3)
        if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            raise BadRequest(400, openai_error_body(400, f"invalid temperature: {temperature!r}"))
        max_tokens = body.get("max_tokens", 2000)
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens <= 0:
            raise BadRequest(400, openai_error_body(400, f"invalid max_tokens: {max_tokens!r}"))
        effort = body.get("reasoning_effort")
        if effort is not None and (
            effort not in ("low", "medium", "high") or not path.startswith(REASONING_EFFORT_MODELS)
        ):
            raise BadRequest(400, openai_error_body(400, f"reasoning_effort is not supported for {path}"))
        plain = [{"role": m["role"], "text": _text_of(m.get("content"))} for m in messages]
        images = [image for m in messages for image in _images_of(m.get("content"))]
        if images and not path.startswith(VISION_MODELS):
            raise BadRequest(400, openai_error_body(400, f"model {path} does not support image input"))
        input_tokens = len(completion_tokens(plain)) + IMAGE_TOKENS * len(images)
        limit = self.fake.context_limit or context_window(str(model))
        if input_tokens > limit:
            text = (
                f"Error in session internal_id={uuid.uuid4()}: "
                f"number of input tokens must be no more than {limit}, got {input_tokens}"
            )
            raise BadRequest(400, openai_error_body(400, text))
        return str(model), plain, input_tokens

    def _chat(self, body: dict[str, Any], fault: Fault | None) -> None:
        model, messages, input_tokens = self._validate_chat(body)
        images = [image for m in body["messages"] for image in _images_of(m.get("content"))]
        stream = bool(body.get("stream"))
        script = self.fake._take_chat_script()
        delay = self.fake.chunk_delay if script is None or script.delay is None else script.delay
        if script is not None and script.raw is not None:
            self._replay(script.raw, stream, delay)
            return
        if script is None:
            last_user = next((m["text"] for m in reversed(messages) if m["role"] == "user"), "")
            quoted = last_user if len(last_user) <= 200 else last_user[:200] + "…"
            text = f"Вы написали: «{quoted}». Сообщений в запросе: {len(messages)}."
            if images:
                text += " Картинки: " + ", ".join(f"{f} {w}×{h}" for f, w, h in images) + "."
            script = ChatScript(deltas_of(text, self.fake.chunks))
        deltas = list(script.deltas or [])
        reasoning = list(script.reasoning or (DEFAULT_REASONING if body.get("reasoning_effort") else []))
        finish = script.finish_reason
        # max_tokens: cut there, like the real model does.
        limit, used, kept = int(body.get("max_tokens", 2000)), 0, []
        for delta in deltas:
            if used + count_tokens(delta) > limit:
                kept.append("".join(split_tokens(delta)[: max(0, limit - used)]))
                finish = "length"
                break
            used += count_tokens(delta)
            kept.append(delta)
        deltas = kept
        n = fault.after_chunks if fault else 0
        if fault and fault.kind in ("content_filter", "truncated"):
            deltas = deltas[:n]
            finish = "content_filter" if fault.kind == "content_filter" else "length"
        text = "".join(deltas)
        completion = count_tokens(text) + count_tokens("".join(reasoning))
        usage: dict[str, Any] = {
            "prompt_tokens": input_tokens, "total_tokens": input_tokens + completion, "completion_tokens": completion,
        }  # fmt: skip
        if reasoning:
            usage["completion_tokens_details"] = {"reasoning_tokens": count_tokens("".join(reasoning))}
        cid = f"chatcmpl-{uuid.uuid4()}"
        if fault and fault.kind == "flood" and (not stream or fault.after_chunks <= 0):
            self._start_chunked("text/event-stream")
            self._flood(fault)
            return
        if not stream:
            self._chat_once(fault, cid, model, text, "".join(reasoning), finish, usage)
            return

        def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            obj = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                   "choices": choices, **extra}  # fmt: skip
            return b"data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

        events = [chunk([{"index": 0, "delta": {"role": "assistant", "reasoning_content": r} if i == 0 else
                          {"reasoning_content": r}}]) for i, r in enumerate(reasoning)]  # fmt: skip
        events += [chunk([{"index": 0, "delta": {"role": "assistant", "content": d} if not events and i == 0 else
                           {"content": d}}]) for i, d in enumerate(deltas)]  # fmt: skip
        events.append(chunk([{"index": 0, "delta": {}, "finish_reason": finish}]))
        if script.usage:
            events.append(chunk([], usage=usage))
        events.append(b"data: [DONE]\n\n")
        self._start_chunked("text/event-stream")
        next_at = time.monotonic()
        for i, event in enumerate(events):
            if fault and i == fault.after_chunks and self._stream_fault(fault, event):
                return
            if fault and i == fault.after_chunks and fault.kind == "stall":
                next_at = time.monotonic()
            if i > 0:
                next_at += delay
                self.fake._sleep(next_at - time.monotonic())
            self._write_chunk(event)
        self._end_chunked()

    def _stream_fault(self, fault: Fault, event: bytes) -> bool:
        """A fault at this point of the stream; True if the reply ended here."""
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
            error = openai_error_body(fault.status, fault.message or None, fault.error_type)
            self._write_chunk(b"data: " + json.dumps(error, ensure_ascii=False).encode() + b"\n\n")
            self._end_chunked()
            return True
        if fault.kind == "flood":
            self._write_chunk(b"data: ")  # an event that never ends
            self._flood(fault)
            return True
        if fault.kind == "malformed":
            self._write_chunk(b"data: " + as_bytes(fault.body or '{"choices": [{"delta": {"content": }}]}') + b"\n\n")
            self._end_chunked()
            return True
        return False

    def _chat_once(
        self, fault: Fault | None, cid: str, model: str, text: str, reasoning: str, finish: str, usage: dict[str, Any]
    ) -> None:
        if fault and fault.kind == "stall":
            self.fake._stall(fault.seconds)
        if fault and fault.kind == "error_line":
            self._send_json(200, openai_error_body(fault.status, fault.message or None, fault.error_type))
            return
        if fault and fault.kind == "content_filter":
            text = CONTENT_FILTER_TEXT
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if reasoning:
            message["reasoning_content"] = reasoning
        reply = {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
                 "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}  # fmt: skip
        data = json.dumps(reply, ensure_ascii=False).encode()
        if fault and fault.kind == "torn":
            self.send_response(200)  # type: ignore[attr-defined]
            self.send_header("Content-Type", "application/json")  # type: ignore[attr-defined]
            self.send_header("Content-Length", str(len(data)))  # type: ignore[attr-defined]
            self.end_headers()  # type: ignore[attr-defined]
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send_bytes(200, data, "application/json")

    def _replay(self, raw: bytes, stream: bool, delay: float) -> None:
        """A recorded body, byte for byte: SSE split into its events (one chunk each), JSON at once."""
        if not raw.startswith(b"data:"):
            self._send_bytes(200, raw, "application/json")
            return
        self._start_chunked("text/event-stream")
        events = [e + b"\n\n" for e in raw.split(b"\n\n") if e]
        rest = raw[sum(map(len, events)) :] if b"".join(events) != raw else b""
        for i, event in enumerate(events):
            if i and delay:
                self.fake._sleep(delay)
            self._write_chunk(event)
        if rest:
            self._write_chunk(rest)
        self._end_chunked()
