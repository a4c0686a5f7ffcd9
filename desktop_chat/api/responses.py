"""Answers from the web: AI Studio's Responses API with the `web_search` tool. No Qt here.

Wire facts (yandex-api.md §12; the events follow OpenAI's Responses API):
- `POST {base}/v1/responses`, auth like the OpenAI-compatible surface (`Api-Key <key>` or `Bearer <IAM token>`,
  plus `OpenAI-Project: <folder>`). The body:

      {"model": "gpt://<folder>/<model>/<version>", "instructions": "<system prompt>",
       "input": [{"role": "user"|"assistant", "content": "<text>"}, …],   (with pictures the content is
                 [{"type": "input_text", "text": …}, {"type": "input_image", "image_url": "data:image/…"}])
       "tools": [{"type": "web_search", "search_context_size": "low"|"medium"|"high",
                  "filters": {"allowed_domains": ["ria.ru"], "user_location": {"region": "213"}}}],
       "temperature": 0.3, "max_output_tokens": 2000, "stream": true, "store": false}

  `filters` (and each of its keys) only when set; `instructions` only with a system prompt. The whole history
  goes with every request (`store: false`: the service keeps no conversation state).
- The stream is SSE (`event: <type>` + `data: {"type": <type>, …}`): `response.created`, `response.output_item.added`
  (an item of type `web_search_call` is one search), `response.output_text.delta` (`delta`: a DELTA, added up
  here), `response.output_text.annotation.added` (`annotation`: `{"type": "url_citation", "url": …}`; only the
  URL is filled), `response.output_text.done` (`text`: the whole text), then one of `response.completed`
  (`response.output` and `response.usage`: `input_tokens`, `output_tokens`, `total_tokens`,
  `output_tokens_details.reasoning_tokens`), `response.incomplete` (`incomplete_details.reason`:
  `max_output_tokens` or `content_filter`), `response.failed` (`response.error`: `{code, message}`); or an
  `error` event (`{"type": "error", "code", "message"}`).
- A 403 here is the missing role `ai.assistants.editor` (`WebSearchRoleError`), whatever the body says.

Every Completion handed out carries the WHOLE text so far and the sources so far, so callers replace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .errors import (
    ApiError,
    ConnectionLostError,
    MalformedResponseError,
    PermissionDeniedError,
    StreamError,
    WebSearchRoleError,
    as_error,
    error_from_payload,
)
from .models import DEFAULT_API_BASE
from .openai_compat import OpenAICompatClient
from .transport import MAX_REPLY_BYTES, Tail, loads
from .types import (
    CancelToken,
    ChatMessage,
    Completion,
    CompletionOptions,
    Credentials,
    Status,
    Usage,
    WebSearchOptions,
)
from .yandex_native import as_count

RESPONSES_PATH = "/v1/responses"
MAX_SOURCES = 100  # a reply citing more sites than this is not one anybody reads to the end
_INCOMPLETE = {"max_output_tokens": Status.TRUNCATED, "content_filter": Status.CONTENT_FILTER}


def _content(message: ChatMessage) -> str | list[dict[str, Any]]:
    """A message's text, or (with pictures, for models that see) `input_text` and `input_image` parts."""
    images = getattr(message, "images", ())
    if not images:
        return message.text
    return [{"type": "input_text", "text": message.text},
            *({"type": "input_image", "image_url": image.data_url()} for image in images)]


def request_body(model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None,
                 web: WebSearchOptions | None, *, stream: bool) -> dict[str, Any]:
    options = options or CompletionOptions()
    web = web or WebSearchOptions()
    if not model_uri:
        raise ValueError("model_uri is empty")
    items = [{"role": m.role, "content": _content(m)} for m in messages if m.role != "system"]
    if not items:
        raise ValueError("a web answer needs at least one message")
    tool: dict[str, Any] = {"type": "web_search", "search_context_size": web.context_size}
    filters: dict[str, Any] = {}
    if web.domains:
        filters["allowed_domains"] = list(web.domains)
    if web.region:
        filters["user_location"] = {"region": web.region}
    if filters:
        tool["filters"] = filters
    body: dict[str, Any] = {"model": model_uri, "input": items, "tools": [tool],
                            "temperature": options.temperature, "max_output_tokens": options.max_tokens,
                            "stream": stream, "store": False}
    instructions = "\n\n".join(m.text for m in messages if m.role == "system" and m.text.strip())
    if instructions:
        body = {"model": model_uri, "instructions": instructions, **body}
    return body


def _usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    details = raw.get("output_tokens_details")
    return Usage(input_tokens=as_count(raw.get("input_tokens")), completion_tokens=as_count(raw.get("output_tokens")),
                 total_tokens=as_count(raw.get("total_tokens")),
                 reasoning_tokens=as_count(details.get("reasoning_tokens")) if isinstance(details, dict) else 0)


class _Answer:
    """What the events of one web answer add up to."""

    def __init__(self, secrets: Iterable[str], max_reply_bytes: int) -> None:
        self.text = ""
        # The text of each output_text part by (output_index, content_index): a model may write, search,
        # and write again (two message items); deltas and `done` texts go to their own part.
        self.parts: dict[tuple[int, int], str] = {}
        self.sources: list[str] = []
        self.searches: set[str] = set()  # web_search_call items, by id (or by position when they have none)
        self.usage: Usage | None = None
        self.status: Status | None = None
        self.events = 0
        self.secrets = secrets
        self.max_reply_bytes = max_reply_bytes

    def completion(self, status: Status) -> Completion:
        return Completion(self.text, status, self.usage, "", sources=tuple(self.sources),
                          web_searches=len(self.searches))

    def _set_part(self, payload: dict[str, Any], text: str, *, append: bool) -> bool:
        key = (as_count(payload.get("output_index")), as_count(payload.get("content_index")))
        old = self.parts.get(key, "")
        new = old + text if append else text
        if new == old:
            return False
        size = sum(len(t) for t in self.parts.values()) - len(old) + len(new)
        if size > self.max_reply_bytes:
            raise MalformedResponseError(f"a reply longer than {self.max_reply_bytes} characters")
        self.parts[key] = new
        items: list[str] = []
        last_item = None
        for (item, _content), part in sorted(self.parts.items()):
            if last_item is not None and item != last_item and items and part:
                items.append("\n\n")
            items.append(part)
            last_item = item
        self.text = "".join(items)
        return True

    def _cite(self, annotation: Any) -> bool:
        if not isinstance(annotation, dict) or annotation.get("type") != "url_citation":
            return False
        url = annotation.get("url")
        if not isinstance(url, str) or not url.strip() or url.strip() in self.sources:
            return False
        if len(self.sources) < MAX_SOURCES:
            self.sources.append(url.strip()[:2000])
        return True

    def _item(self, item: Any, index: Any) -> bool:
        """An output item (an event's, or the final response's): count a search; cite a message's sources."""
        if not isinstance(item, dict):
            return False
        if item.get("type") == "web_search_call":
            item_id = item.get("id")
            self.searches.add(item_id if isinstance(item_id, str) and item_id else f"#{as_count(index)}")
            return False
        cited = False
        if item.get("type") == "message" and isinstance(item.get("content"), list):
            for part in item["content"]:
                if isinstance(part, dict) and isinstance(part.get("annotations"), list):
                    for annotation in part["annotations"]:
                        cited = self._cite(annotation) or cited
        return cited

    def _fail(self, payload: Any) -> ApiError:
        error = error_from_payload({"error": payload} if isinstance(payload, dict) else payload,
                                   secrets=self.secrets)
        if isinstance(error, PermissionDeniedError):
            return as_error(WebSearchRoleError, error)
        if self.text:
            return StreamError(error.detail, status=error.status)
        return error

    def feed(self, payload: Any) -> bool:
        """One event; True if what the reader sees (text or sources) changed."""
        if not isinstance(payload, dict):
            raise MalformedResponseError("stream event is not an object")
        self.events += 1
        kind = payload.get("type")
        if kind == "response.output_text.delta":
            delta = payload.get("delta")
            if not isinstance(delta, str):
                raise MalformedResponseError("delta is not a string")
            return self._set_part(payload, delta, append=True)  # a DELTA: added up here
        if kind == "response.output_text.annotation.added":
            return self._cite(payload.get("annotation"))
        if kind == "response.output_text.done" and isinstance(payload.get("text"), str):
            return self._set_part(payload, payload["text"], append=False)
        if kind == "response.content_part.done" and isinstance(payload.get("part"), dict):
            return any([self._cite(a) for a in payload["part"].get("annotations") or []])
        if kind in ("response.output_item.added", "response.output_item.done"):
            return self._item(payload.get("item"), payload.get("output_index"))
        if kind in ("response.completed", "response.incomplete"):
            self._finish(payload.get("response"), kind)
        elif kind == "response.failed":
            response = payload.get("response")
            raise self._fail(response.get("error") if isinstance(response, dict) else None)
        elif kind == "error" or (kind is None and "error" in payload):
            raise self._fail(payload.get("error", payload))
        return False

    def _finish(self, response: Any, kind: str) -> None:
        if not isinstance(response, dict):
            raise MalformedResponseError(f"{kind} has no response")
        self.usage = _usage(response.get("usage")) or self.usage
        output = response.get("output")
        final: dict[tuple[int, int], str] = {}
        for index, item in enumerate(output if isinstance(output, list) else []):
            self._item(item, index)
            if not isinstance(item, dict) or item.get("type") != "message":
                continue
            for number, part in enumerate(item.get("content") or []):
                if isinstance(part, dict) and part.get("type") == "output_text" and isinstance(part.get("text"), str):
                    final[(index, number)] = part["text"]
        if final:  # the whole response is the last word on the text
            self.parts.clear()
            for (index, number), text in final.items():
                self._set_part({"output_index": index, "content_index": number}, text, append=False)
        if kind == "response.completed":
            self.status = Status.FINAL
        else:
            details = response.get("incomplete_details")
            reason = details.get("reason") if isinstance(details, dict) else None
            self.status = _INCOMPLETE.get(reason if isinstance(reason, str) else "", Status.TRUNCATED)


def parse_responses_stream(lines: Iterable[bytes], secrets: Iterable[str] = (),
                           max_reply_bytes: int = MAX_REPLY_BYTES) -> Iterator[Completion]:
    """The Responses API's SSE stream: each Completion carries the whole text and the sources so far."""
    answer = _Answer(secrets, max_reply_bytes)
    data: list[bytes] = []
    tail = False

    def dispatch() -> bool:
        event = b"\n".join(data)
        data.clear()
        if event.strip() == b"[DONE]":
            return False
        try:
            return answer.feed(loads(event, "stream event", secrets=secrets))
        except MalformedResponseError:
            if tail:  # the reply ended in the middle of an event: the connection was cut
                raise ConnectionLostError("reply ended in the middle of a line") from None
            raise

    for line in lines:
        if answer.status is not None:
            continue  # read on to the end, so the connection can be reused
        tail = isinstance(line, Tail)
        line = line[:-1] if line.endswith(b"\r") else line
        if not line:
            if data and dispatch():
                yield answer.completion(Status.PARTIAL)
            continue
        name, _, value = line.partition(b":")
        if name == b"data":
            data.append(value[1:] if value.startswith(b" ") else value)
    if data and answer.status is None and dispatch():
        yield answer.completion(Status.PARTIAL)
    if answer.events == 0:
        raise MalformedResponseError("empty web answer", status=200)
    if answer.status is None:
        raise ConnectionLostError("reply ended before the final event")
    yield answer.completion(answer.status)


def _role_errors(completions: Iterator[Completion]) -> Iterator[Completion]:
    """A 403 of the Responses API is the missing `ai.assistants.editor` role: say so."""
    try:
        yield from completions
    except WebSearchRoleError:
        raise
    except PermissionDeniedError as error:
        raise as_error(WebSearchRoleError, error) from None


class ResponsesClient:
    """`POST /v1/responses` with the `web_search` tool, on the OpenAI-compatible surface's transport (the same
    auth headers, TLS, retries, caps and cancel)."""

    def __init__(self, credentials: Credentials, base_url: str = DEFAULT_API_BASE, **options: Any) -> None:
        """As OpenAICompatClient (`timeout`, `backoff`, `max_retries`, `data_logging`, limits, `on_retry`)."""
        self._surface = OpenAICompatClient(credentials, base_url, **options)
        self._transport = self._surface._transport
        self.base_url = self._surface.base_url
        self.credentials = credentials

    def __repr__(self) -> str:
        return f"ResponsesClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        self._surface.close()

    def stream(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None,
               web: WebSearchOptions | None = None, cancel: CancelToken | None = None) -> Iterator[Completion]:
        """Yield a Completion per change, each with the WHOLE text and sources so far; the last one is final
        (status, usage, `web_searches`). Cancelling just ends the iterator (within 200 ms)."""
        body = request_body(model_uri, messages, options, web, stream=True)
        secrets, cap = self._transport.secrets, self._transport.max_reply_bytes
        return _role_errors(self._transport.stream(
            "POST", self.base_url + RESPONSES_PATH, body, lambda lines: parse_responses_stream(lines, secrets, cap),
            cancel))
