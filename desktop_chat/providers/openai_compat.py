"""DeepSeek, Qwen3, gpt-oss, Gemma (and YandexGPT/Alice) through AI Studio's OpenAI-compatible API. No Qt here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_chat.api.openai_compat import OpenAICompatClient
    from desktop_chat.api.types import CancelToken, ChatMessage, Completion, CompletionOptions
    from desktop_chat.providers.base import Account


class OpenAICompatProvider:
    """The ChatProvider of `/v1/chat/completions`: the client already adds the deltas up, so every
    Completion it yields carries the whole text so far (and the whole reasoning text so far)."""

    def __init__(self, account: Account, **client_options: Any) -> None:
        from desktop_chat.api.openai_compat import OpenAICompatClient

        self.client: OpenAICompatClient = OpenAICompatClient(account.credentials(), account.api_base, **client_options)

    def stream(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions,
               cancel: CancelToken, *, reasoning_effort: str | None = None) -> Iterator[Completion]:
        return self.client.stream(model_uri, messages, options, cancel=cancel, reasoning_effort=reasoning_effort)

    def count_tokens(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int | None:
        return None  # this surface has no tokenizer: callers estimate, corrected by each reply's usage

    def list_models(self) -> list[str]:
        return self.client.list_models()

    def close(self) -> None:
        self.client.close()
