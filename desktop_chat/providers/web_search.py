"""Answers from the web through the Responses API with the `web_search` tool. No Qt here.

A ChatProvider like the others: `stream` yields Completions carrying the WHOLE text so far, plus the
sources (`Completion.sources`, URLs in order of first citation) and, in the last one, the number of
searches the model ran (`Completion.web_searches`, billed per call). The model decides whether to search.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_chat.api.responses import ResponsesClient
    from desktop_chat.api.types import CancelToken, ChatMessage, Completion, CompletionOptions, WebSearchOptions
    from desktop_chat.providers.base import Account


class WebSearchProvider:
    def __init__(self, account: Account, options: WebSearchOptions | None = None, **client_options: Any) -> None:
        from desktop_chat.api.responses import ResponsesClient

        client_options.pop("poll_interval", None)
        self.client: ResponsesClient = ResponsesClient(account.credentials(), account.api_base, **client_options)
        self.options = options

    def stream(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions,
               cancel: CancelToken) -> Iterator[Completion]:
        return self.client.stream(model_uri, messages, options, self.options, cancel)

    def count_tokens(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int | None:
        return None  # the Responses API has no tokenizer; the pages read are not known before the answer

    def list_models(self) -> list[str]:
        return []

    def close(self) -> None:
        self.client.close()
