"""YandexGPT and Alice AI through the native API (`/foundationModels/v1/completion`). No Qt here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_chat.api.types import CancelToken, ChatMessage, Completion, CompletionOptions
    from desktop_chat.api.yandex_native import YandexGptClient
    from desktop_chat.providers.base import Account


class YandexNativeProvider:
    """The ChatProvider of the native API; the stream already carries the whole text so far."""

    def __init__(self, account: Account, **client_options: Any) -> None:
        from desktop_chat.api.yandex_native import YandexGptClient

        self.client: YandexGptClient = YandexGptClient(account.credentials(), account.api_base, **client_options)

    def stream(self, model: str, messages: Sequence[ChatMessage], options: CompletionOptions,
               cancel: CancelToken) -> Iterator[Completion]:
        return self.client.stream(model, messages, options, cancel=cancel)

    def count_tokens(self, model: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int | None:
        return len(self.client.tokenize_completion(model, messages, options))

    def list_models(self) -> list[str]:
        return []  # the native API has no catalogue; the OpenAI-compatible one lists every model

    def close(self) -> None:
        self.client.close()
