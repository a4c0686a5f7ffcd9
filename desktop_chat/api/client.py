"""The API client's public names, from where they now live (kept so that old imports work).

- `types.py`: Credentials, ChatMessage, CompletionOptions, Status, Usage, Completion, Token, Operation, CancelToken
- `transport.py`: the shared HTTP session (TLS, retries, caps, deadline, cancel), `check_base_url`
- `yandex_native.py`: YandexGptClient (completion, stream, completionAsync + operations, tokenizer)
- `openai_compat.py`: OpenAICompatClient (`/v1/chat/completions`, `/v1/models`)
"""

from __future__ import annotations

from .streams import _readers
from .transport import _shutdown_socket, check_base_url
from .types import (
    CancelToken,
    ChatMessage,
    Completion,
    CompletionOptions,
    Credentials,
    Operation,
    Status,
    Token,
    Usage,
)
from .yandex_native import YandexGptClient, operations_base_for, parse_completion

__all__ = [
    "CancelToken",
    "ChatMessage",
    "Completion",
    "CompletionOptions",
    "Credentials",
    "Operation",
    "Status",
    "Token",
    "Usage",
    "YandexGptClient",
    "_readers",
    "_shutdown_socket",
    "check_base_url",
    "operations_base_for",
    "parse_completion",
]
