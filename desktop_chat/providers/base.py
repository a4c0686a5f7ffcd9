"""The seam between the conversation and an API that writes replies. No Qt here.

A provider streams a reply as `Completion` updates that each carry the WHOLE text so far (the native
API sends it that way; the OpenAI-compatible API sends deltas, which its provider adds up), so the
sessions and the views only ever replace text. Cancelling a `CancelToken` ends a stream within 200 ms.

The account (folder, how it signs in, the secret, the API address) is one value handed to providers;
nothing above this layer builds model URIs or HTTP clients.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from desktop_chat.api.client import CancelToken, ChatMessage, Completion, CompletionOptions, Credentials

AuthKind = Literal["api_key", "iam_token"]


@dataclass(frozen=True)
class Account:
    """Who talks to AI Studio, and where. The secret is never shown by repr()."""

    folder_id: str
    auth_kind: AuthKind
    secret: str = field(repr=False)
    api_base: str = "https://llm.api.cloud.yandex.net"

    def credentials(self) -> Credentials:
        from desktop_chat.api.client import Credentials

        return Credentials(self.auth_kind, self.secret, self.folder_id)


class ChatProvider(Protocol):
    """One API surface that writes chat replies."""

    def stream(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions,
               cancel: CancelToken) -> Iterator[Completion]:
        """Yields the reply so far (whole text each time); raises ApiError; a cancel just ends it."""
        ...

    def count_tokens(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int | None:
        """Tokens the request would use as the model counts them, or None where the API cannot count."""
        ...

    def list_models(self) -> list[str]:
        """The model URIs this account may use (`gpt://<folder>/<name>/<version>`)."""
        ...

    def close(self) -> None: ...
