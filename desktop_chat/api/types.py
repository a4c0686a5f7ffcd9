"""The values the API layer hands out and takes in. No Qt, no HTTP here.

`Completion.text` is always the WHOLE text so far: the native API sends it that way, and the
OpenAI-compatible client adds its deltas up before it hands a Completion out, so callers only ever
replace what they show.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .errors import ApiError

log = logging.getLogger("desktop_chat.api")


@dataclass(frozen=True)
class Credentials:
    kind: Literal["api_key", "iam_token"]
    secret: str = field(repr=False)  # never shown by repr()
    folder_id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("api_key", "iam_token"):
            raise ValueError(f"Credentials.kind must be 'api_key' or 'iam_token', not {self.kind!r}")


@dataclass(frozen=True)
class ImagePart:
    """A picture sent with a user message (OpenAI-compatible `image_url` part with a `data:` URL)."""

    mime: str  # image/png, image/jpeg, image/webp, image/gif
    data: bytes = field(repr=False)
    name: str = ""  # the file's name, for error messages

    def data_url(self) -> str:
        import base64

        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    text: str  # documents are already inside it, as <file name="…">…</file> blocks
    images: tuple[ImagePart, ...] = ()  # pictures: only for models that can see (the OpenAI-compatible API)


@dataclass(frozen=True)
class CompletionOptions:
    temperature: float = 0.3
    max_tokens: int = 2000
    # "Think longer": native `reasoningOptions.mode = ENABLED_HIDDEN` (YandexGPT Pro); OpenAI-compatible
    # `reasoning_effort: "high"` for the models that accept it (gpt-oss). Left out of the request when off.
    reasoning: bool = False


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
        except (ValueError, TypeError):
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
    # The model's reasoning so far, where it streams it (OpenAI-compatible `reasoning_content`), also whole.
    # Shown folded above the answer; never sent back as history.
    reasoning_text: str = ""
    # Web answers (the Responses API): the cited sites' URLs in order of first citation, and how many
    # searches the model ran (each is billed on top of the tokens).
    sources: tuple[str, ...] = ()
    web_searches: int = 0


SEARCH_CONTEXT_SIZES = ("low", "medium", "high")
MAX_SEARCH_DOMAINS = 5


@dataclass(frozen=True)
class WebSearchOptions:
    """The `web_search` tool's options: how much to read, up to five sites to keep to, a region."""

    context_size: Literal["low", "medium", "high"] = "medium"
    domains: tuple[str, ...] = ()  # e.g. ("ria.ru", "wikipedia.org"); empty: the whole web
    region: str = ""  # a Yandex region code ("213" is Moscow); empty: no region

    def __post_init__(self) -> None:
        if self.context_size not in SEARCH_CONTEXT_SIZES:
            raise ValueError(f"context_size must be one of {SEARCH_CONTEXT_SIZES}, not {self.context_size!r}")
        if len(self.domains) > MAX_SEARCH_DOMAINS:
            raise ValueError(f"at most {MAX_SEARCH_DOMAINS} sites may limit a search")


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
