"""The native Yandex AI Studio text API: completion, stream, completionAsync + operations, tokenizer.

Wire facts this code relies on (see docs/contracts.md and /work/shared/reference/yandex-api.md):
- A completion reply is newline-delimited JSON, one `{"result": CompletionResponse}` per line; with
  stream=false there is exactly one line. Each line carries the WHOLE text so far, and that text may
  change anywhere, not only grow (a content filter replaces it), so callers replace, never append.
- int64 numbers (usage, token ids) arrive as strings.
- Tokenizer replies have no `result` wrapper; operations live on operation.api.cloud.yandex.net.

Headers: `x-folder-id` is sent only with IAM tokens. The docs say an API key (a service account) works
in the folder of its service account and tell you NOT to send a folder header with it; the folder is in
the model URI anyway. A user's IAM token needs the header to say which folder to bill.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import requests

from .errors import (
    ApiError,
    ApiTimeoutError,
    CancelledError,
    ConnectionLostError,
    MalformedResponseError,
    StreamError,
    error_from_payload,
)
from .models import DEFAULT_API_BASE, OPERATIONS_API_BASE
from .transport import Tail, Transport, check_base_url, folder_header, loads
from .types import CancelToken, ChatMessage, Completion, CompletionOptions, Credentials, Operation, Status, Token, Usage

# Hosts of the real service whose operations are served by OPERATIONS_API_BASE.
_YANDEX_HOST_SUFFIX = ".api.cloud.yandex.net"
_COMPLETION = "/foundationModels/v1/completion"
_INT64_MAX = 2**63 - 1


def operations_base_for(base_url: str) -> str:
    """Yandex serves operations on their own host; any other server (a fake, a proxy) serves them itself."""
    host = (urlsplit(base_url).hostname or "").lower()
    if base_url == DEFAULT_API_BASE or host.endswith(_YANDEX_HOST_SUFFIX):
        return OPERATIONS_API_BASE
    return base_url


def as_count(value: Any) -> int:
    """A count or id from the wire (int64 may come as a string). Junk is 0; an impossible number is malformed."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        if len(value) > 25:
            raise MalformedResponseError("a number with too many digits")
        try:
            value = int(value)
        except ValueError:
            return 0
    if not isinstance(value, int):
        return 0
    if not -_INT64_MAX <= value <= _INT64_MAX:
        raise MalformedResponseError("a number out of range")
    return value


def _parse_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    details = raw.get("completionTokensDetails")
    return Usage(
        input_tokens=as_count(raw.get("inputTextTokens")),
        completion_tokens=as_count(raw.get("completionTokens")),
        total_tokens=as_count(raw.get("totalTokens")),
        reasoning_tokens=as_count(details.get("reasoningTokens")) if isinstance(details, dict) else 0,
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


def parse_line(line: bytes, *, seen_text: bool, secrets: Iterable[str] = ()) -> Completion:
    """One NDJSON line: a `{"result": …}` chunk, or an `{"error": …}` line."""
    payload = loads(line, "completion line", secrets=secrets)
    if isinstance(payload, dict) and "result" in payload:
        return parse_completion(payload["result"])
    if isinstance(payload, dict) and "error" in payload:
        error = error_from_payload(payload, secrets=secrets)
        if not seen_text:
            raise error  # nothing shown yet: report it like an HTTP error (e.g. context too long, quota)
        raise StreamError(error.detail, status=error.status)
    raise MalformedResponseError("line has neither result nor error")


def parse_ndjson_stream(lines: Iterable[bytes], secrets: Iterable[str] = ()) -> Iterator[Completion]:
    """The native stream: each line's text REPLACES the previous one (it is the whole text so far)."""
    last: Completion | None = None
    for line in lines:
        if not line.strip():
            continue
        try:
            last = parse_line(line, seen_text=last is not None, secrets=secrets)
        except MalformedResponseError:
            if isinstance(line, Tail):  # the reply ended in the middle of a line: the connection was cut
                raise ConnectionLostError("reply ended in the middle of a line") from None
            raise
        yield last
    if last is None:
        raise MalformedResponseError("empty completion reply", status=200)
    if not last.status.is_final:
        raise ConnectionLostError("reply ended before the final chunk")


class PicturesNotSupportedError(ApiError):
    """A picture for a model of the native API, which reads text only. Raised before anything is sent."""

    kind = "cannot_see"
    retryable_default = False
    messages: ClassVar[dict[str, str]] = {
        "en": "This model reads text only and cannot see pictures ({detail}). Send the message to a model "
              "that can, such as Gemma 3 27B (gemma-3-27b-it), or remove the pictures.",
        "ru": "Эта модель читает только текст и не видит картинки ({detail}). Отправьте сообщение модели, "
              "которая их видит, например Gemma 3 27B (gemma-3-27b-it), или уберите картинки.",
    }

    def _format_args(self) -> dict[str, Any]:
        return {"detail": self.detail}


class YandexGptClient:
    def __init__(self, credentials: Credentials, base_url: str = DEFAULT_API_BASE, *,
                 operations_base_url: str | None = None, **options: Any) -> None:
        """`options` go to the Transport: data_logging, timeout (seconds without a byte), total_timeout
        (the longest a whole call may take), max_retries, backoff (first retry delay, doubles), limits."""
        self._transport = Transport(credentials, base_url, headers=folder_header(credentials), **options)
        self.credentials = credentials
        self.base_url = self._transport.base_url
        self.operations_base_url = check_base_url(operations_base_url or operations_base_for(self.base_url))
        self._session: requests.Session = self._transport.session
        self._secrets = self._transport.secrets

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    def __repr__(self) -> str:
        return f"YandexGptClient(base_url={self.base_url!r}, credentials={self.credentials!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> YandexGptClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public calls ---

    def complete(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> Completion:
        body = self._completion_body(model_uri, messages, options, stream=False)
        response = self._transport.send("POST", self._url(_COMPLETION), body)
        content = self._transport.read_body(response)
        last: Completion | None = None
        for line in content.splitlines():
            if line.strip():
                last = parse_line(line, seen_text=last is not None, secrets=self._secrets)
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
        secrets = self._secrets
        return self._transport.stream(
            "POST", self._url(_COMPLETION), body, lambda lines: parse_ndjson_stream(lines, secrets), cancel
        )

    def complete_async(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> str:
        """Start a background completion; returns the operation id for get_operation/wait_operation."""
        body = self._completion_body(model_uri, messages, options, stream=False)
        del body["completionOptions"]["stream"]  # async mode does not accept stream
        payload = self._json("POST", self._url("/foundationModels/v1/completionAsync"), body)
        op_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(op_id, str) or not op_id:
            raise MalformedResponseError("operation reply has no id")
        return op_id

    def get_operation(self, op_id: str) -> Operation:
        url = f"{self.operations_base_url}/operations/{quote(op_id, safe='')}"
        payload = self._json("GET", url, None)
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
        return self._tokens(self._json("POST", self._url("/foundationModels/v1/tokenize"), body))

    def tokenize_completion(
        self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None = None
    ) -> list[Token]:
        """Tokens of a whole request as the model sees it (to count the context used)."""
        body = self._completion_body(model_uri, messages, options, stream=False)
        return self._tokens(self._json("POST", self._url("/foundationModels/v1/tokenizeCompletion"), body))

    def check_connection(self, model_uri: str) -> None:
        """A tiny free request (tokenize "ping") that proves address, key and model URI work."""
        self.tokenize(model_uri, "ping")

    # --- helpers ---

    def _url(self, path: str) -> str:
        return self.base_url + path

    def _json(self, method: str, url: str, body: dict[str, Any] | None) -> Any:
        return self._transport.json(self._transport.send(method, url, body))

    @staticmethod
    def _completion_body(
        model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions | None, *, stream: bool
    ) -> dict[str, Any]:
        options = options or CompletionOptions()
        if not model_uri:
            raise ValueError("model_uri is empty")
        if not messages:
            raise ValueError("a completion needs at least one message")
        pictures = [image.name or "?" for m in messages for image in m.images]
        if pictures:
            raise PicturesNotSupportedError(", ".join(pictures))
        completion_options: dict[str, Any] = {
            "stream": stream,
            "temperature": options.temperature,
            "maxTokens": str(options.max_tokens),  # int64 travels as a string
        }
        if options.reasoning:
            completion_options["reasoningOptions"] = {"mode": "ENABLED_HIDDEN"}
        return {
            "modelUri": model_uri,
            "completionOptions": completion_options,
            "messages": [{"role": m.role, "text": m.text} for m in messages],
        }

    @staticmethod
    def _tokens(payload: Any) -> list[Token]:
        raw_tokens = payload.get("tokens") if isinstance(payload, dict) else None
        if not isinstance(raw_tokens, list):
            raise MalformedResponseError("tokenizer reply has no tokens")
        return [
            Token(id=as_count(t.get("id")), text=str(t.get("text", "")), special=bool(t.get("special", False)))
            for t in raw_tokens
            if isinstance(t, dict)
        ]


__all__ = ["ApiError", "PicturesNotSupportedError", "YandexGptClient",
           "operations_base_for", "parse_completion", "parse_ndjson_stream"]
