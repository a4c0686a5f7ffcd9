"""AI Studio's OpenAI-compatible API: `/v1/chat/completions` (streaming and not) and `/v1/models`. No Qt.

Wire facts (yandex-api.md §8 and §12, real samples 04–09):
- `POST {base}/v1/chat/completions`, `model: gpt://<folder>/<model>/<version>`; auth `Api-Key <key>` or
  `Bearer <IAM token>`, plus `OpenAI-Project: <folder>`.
- Streaming is SSE: `data: {chunk}` events whose `choices[0].delta.content` is a DELTA (unlike the native
  API) and is appended here; `delta.reasoning_content` likewise into a separate reasoning text; a chunk with
  `finish_reason`; maybe a chunk with empty `choices` and `usage`; then `data: [DONE]`.
- Errors are `{"error": {"message", "type"}}`, as the body of an HTTP error or as an event inside a stream.
- `GET {base}/v1/models` lists the folder's models; `emb://` entries are embeddings, not chat models.

Every Completion handed out carries the WHOLE text so far, like the native client's, so callers replace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import ConnectionLostError, MalformedResponseError, StreamError, error_from_payload
from .models import DEFAULT_API_BASE
from .transport import MAX_REPLY_BYTES, Tail, Transport, loads
from .types import CancelToken, ChatMessage, Completion, CompletionOptions, Credentials, Status, Usage
from .yandex_native import as_count

FINISH_REASONS = {
    "stop": Status.FINAL,
    "length": Status.TRUNCATED,
    "content_filter": Status.CONTENT_FILTER,
    "tool_calls": Status.TOOL_CALLS,
    "function_call": Status.TOOL_CALLS,
}
# Models whose OpenAI-compatible surface takes `reasoning_effort` (Yandex docs: gpt-oss). A caller that
# knows better (the model catalogue) passes `reasoning_effort=` itself.
REASONING_EFFORT_MODELS = ("gpt-oss-",)


def accepts_reasoning_effort(model_uri: str) -> bool:
    rest = model_uri.split("://", 1)[-1]
    name = rest.split("/")[1] if rest.count("/") >= 1 else rest
    return name.startswith(REASONING_EFFORT_MODELS)


def _status(finish_reason: Any) -> Status | None:
    if finish_reason is None:
        return None
    if not isinstance(finish_reason, str):
        return Status.UNSPECIFIED
    return FINISH_REASONS.get(finish_reason, Status.UNSPECIFIED)


def parse_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    details = raw.get("completion_tokens_details")
    return Usage(
        input_tokens=as_count(raw.get("prompt_tokens")),
        completion_tokens=as_count(raw.get("completion_tokens")),
        total_tokens=as_count(raw.get("total_tokens")),
        reasoning_tokens=as_count(details.get("reasoning_tokens")) if isinstance(details, dict) else 0,
    )


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedResponseError(f"{what} is not a string")
    return value


def parse_chat_completion(payload: Any, secrets: Iterable[str] = ()) -> Completion:
    """A non-streamed `chat.completion` object to a Completion."""
    if isinstance(payload, dict) and "error" in payload:
        raise error_from_payload(payload, secrets=secrets)
    choices = payload.get("choices") if isinstance(payload, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise MalformedResponseError("chat completion has no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise MalformedResponseError("chat completion has no message")
    return Completion(
        text=_text(message.get("content"), "content"),
        status=_status(choices[0].get("finish_reason")) or Status.FINAL,
        usage=parse_usage(payload.get("usage")),
        model_version="",
        reasoning_text=_text(message.get("reasoning_content"), "reasoning_content"),
    )


class _Reply:
    """What the SSE events of one reply add up to."""

    def __init__(self, secrets: Iterable[str], max_reply_bytes: int) -> None:
        self.size = 0
        self.text = ""
        self.reasoning = ""
        self.status: Status | None = None
        self.usage: Usage | None = None
        self.events = 0
        self.done = False
        self.secrets = secrets
        self.max_reply_bytes = max_reply_bytes

    def feed(self, data: bytes) -> bool:
        """One event's data; True if the text or reasoning grew."""
        if data.strip() == b"[DONE]":
            self.done = True
            return False
        payload = loads(data, "stream event", secrets=self.secrets)
        if not isinstance(payload, dict):
            raise MalformedResponseError("stream event is not an object")
        if "error" in payload:
            error = error_from_payload(payload, secrets=self.secrets)
            if not self.text and not self.reasoning:
                raise error  # nothing shown yet: report it like an HTTP error
            raise StreamError(error.detail, status=error.status)
        self.events += 1
        grew = False
        choices = payload.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            choice = choices[0]
            delta = choice.get("delta")
            if isinstance(delta, dict):
                content = _text(delta.get("content"), "delta.content")
                reasoning = _text(delta.get("reasoning_content"), "delta.reasoning_content")
                if content or reasoning:
                    self.size += len(content) + len(reasoning)
                    if self.size > self.max_reply_bytes:
                        raise MalformedResponseError(f"a reply longer than {self.max_reply_bytes} characters")
                    if content:
                        self.text += content  # a DELTA: appended (the native API's text is replaced instead)
                    if reasoning:
                        self.reasoning += reasoning
                    grew = True
            status = _status(choice.get("finish_reason"))
            if status is not None:
                self.status = status
        elif choices is not None and not isinstance(choices, list):
            raise MalformedResponseError("choices is not a list")
        usage = parse_usage(payload.get("usage"))
        if usage is not None:
            self.usage = usage
        return grew

    def completion(self, status: Status) -> Completion:
        return Completion(self.text, status, self.usage, "", self.reasoning)


def parse_sse_stream(
    lines: Iterable[bytes], secrets: Iterable[str] = (), max_reply_bytes: int = MAX_REPLY_BYTES
) -> Iterator[Completion]:
    """The OpenAI-compatible stream: deltas added up; each Completion carries the whole text so far."""
    reply = _Reply(secrets, max_reply_bytes)
    data: list[bytes] = []
    tail = False

    def dispatch() -> bool:
        event = b"\n".join(data)
        data.clear()
        try:
            return reply.feed(event)
        except MalformedResponseError:
            if tail:  # the reply ended in the middle of an event: the connection was cut
                raise ConnectionLostError("reply ended in the middle of a line") from None
            raise

    for line in lines:
        if reply.done:
            continue  # read on to the end, so the connection can be reused
        tail = isinstance(line, Tail)
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:  # a blank line ends an event
            if data and dispatch():
                yield reply.completion(Status.PARTIAL)
            continue
        name, _, value = line.partition(b":")
        if name == b"data":
            data.append(value[1:] if value.startswith(b" ") else value)
        # comments (":…"), "event:", "id:" and "retry:" lines carry nothing we use
    if data and not reply.done and dispatch():
        yield reply.completion(Status.PARTIAL)
    if reply.events == 0 and not reply.done:
        raise MalformedResponseError("empty completion reply", status=200)
    if reply.status is None and not reply.done:
        raise ConnectionLostError("reply ended before the final chunk")
    yield reply.completion(reply.status or Status.FINAL)


def message_content(message: ChatMessage) -> str | list[dict[str, Any]]:
    """A message's `content`: its text, or, with pictures, a list of one `text` part and one `image_url`
    part per picture with a `data:` URL (real sample 10, Gemma 3)."""
    if not message.images:
        return message.text
    parts: list[dict[str, Any]] = [{"type": "text", "text": message.text}] if message.text else []
    parts += [{"type": "image_url", "image_url": {"url": image.data_url()}} for image in message.images]
    return parts


class OpenAICompatClient:
    """AI Studio's OpenAI-compatible surface (DeepSeek, Qwen3, gpt-oss, Gemma, and YandexGPT/Alice too)."""

    def __init__(self, credentials: Credentials, base_url: str = DEFAULT_API_BASE, **options: Any) -> None:
        """`options` go to the Transport, as for YandexGptClient; `base_url` may end with `/v1` or not."""
        headers = {"OpenAI-Project": credentials.folder_id.strip()} if credentials.folder_id.strip() else {}
        base_url = base_url.strip().rstrip("/")
        base_url = base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url
        self._transport = Transport(credentials, base_url, headers=headers, **options)
        self.credentials = credentials
        self.base_url = self._transport.base_url
        self._session = self._transport.session
        self._secrets = self._transport.secrets

    def __repr__(self) -> str:
        return f"OpenAICompatClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OpenAICompatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def complete(
        self,
        model_uri: str,
        messages: Sequence[ChatMessage],
        options: CompletionOptions | None = None,
        *,
        reasoning_effort: str | None = None,
    ) -> Completion:
        body = self._body(model_uri, messages, options, stream=False, reasoning_effort=reasoning_effort)
        payload = self._transport.json(self._transport.send("POST", self.base_url + "/v1/chat/completions", body))
        return parse_chat_completion(payload, self._secrets)

    def stream(
        self,
        model_uri: str,
        messages: Sequence[ChatMessage],
        options: CompletionOptions | None = None,
        cancel: CancelToken | None = None,
        *,
        reasoning_effort: str | None = None,
    ) -> Iterator[Completion]:
        """Yield a Completion per delta, each with the WHOLE text so far; the last one is final, with
        usage if the server sent it. Cancelling just ends the iterator (within 200 ms)."""
        body = self._body(model_uri, messages, options, stream=True, reasoning_effort=reasoning_effort)
        secrets, cap = self._secrets, self._transport.max_reply_bytes
        return self._transport.stream(
            "POST", self.base_url + "/v1/chat/completions", body,
            lambda lines: parse_sse_stream(lines, secrets, cap), cancel,
        )  # fmt: skip

    def list_models(self) -> list[str]:
        """The ids of the folder's chat models (`gpt://<folder>/<name>/<version>`), as the server lists them."""
        payload = self._transport.json(self._transport.send("GET", self.base_url + "/v1/models", None), "model list")
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            raise MalformedResponseError("model list has no data")
        ids = [item.get("id") for item in data if isinstance(item, dict)]
        return [i for i in ids if isinstance(i, str) and i and not i.startswith("emb://")]

    def check_connection(self) -> None:
        """A free request (the model list) that proves address, key and folder work."""
        self.list_models()

    @staticmethod
    def _body(
        model_uri: str,
        messages: Sequence[ChatMessage],
        options: CompletionOptions | None,
        *,
        stream: bool,
        reasoning_effort: str | None,
    ) -> dict[str, Any]:
        options = options or CompletionOptions()
        if not model_uri:
            raise ValueError("model_uri is empty")
        if not messages:
            raise ValueError("a completion needs at least one message")
        body: dict[str, Any] = {
            "model": model_uri,
            "messages": [{"role": m.role, "content": message_content(m)} for m in messages],
            "temperature": options.temperature,
            "max_tokens": options.max_tokens,
            "stream": stream,
        }
        if reasoning_effort is None and options.reasoning and accepts_reasoning_effort(model_uri):
            reasoning_effort = "high"
        if reasoning_effort:
            body["reasoning_effort"] = reasoning_effort
        return body
