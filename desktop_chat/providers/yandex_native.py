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

    def __init__(self, account: Account, *, poll_interval: float = 1.0, **client_options: Any) -> None:
        from desktop_chat.api.yandex_native import YandexGptClient

        self.client: YandexGptClient = YandexGptClient(account.credentials(), account.api_base, **client_options)
        self.poll_interval = poll_interval

    def stream(self, model: str, messages: Sequence[ChatMessage], options: CompletionOptions,
               cancel: CancelToken) -> Iterator[Completion]:
        return self.client.stream(model, messages, options, cancel=cancel)

    def count_tokens(self, model: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int | None:
        return len(self.client.tokenize_completion(model, messages, options))

    def start_async(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> str:
        """Economy mode: asks for the reply in the background; returns the operation id to wait for."""
        return self.client.complete_async(model_uri, messages, options)

    def wait_async(self, operation_id: str, cancel: CancelToken) -> Completion:
        """Polls until the background reply is ready (hours at most); raises CancelledError on cancel."""
        return self.client.wait_operation(operation_id, poll_interval=self.poll_interval, timeout=2 * 3600,
                                          cancel=cancel)

    def list_models(self) -> list[str]:
        return []  # the native API has no catalogue; the OpenAI-compatible one lists every model

    def close(self) -> None:
        self.client.close()
