"""Yandex AI Studio API client (no Qt). See docs/contracts.md for the public surface.

Names are loaded on first use (PEP 562): `desktop_chat.api.models` is needed to paint the window,
while the HTTP client pulls in `requests`, which costs a tenth of a second at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    **dict.fromkeys(
        ["CancelToken", "ChatMessage", "Completion", "CompletionOptions", "Credentials", "Operation", "Status",
         "Token", "Usage", "YandexGptClient", "check_base_url"], "client"),
    **dict.fromkeys(
        ["ApiError", "ApiTimeoutError", "AuthenticationError", "BadRequestError", "CancelledError",
         "ConnectionLostError", "ContextTooLongError", "GatewayTimeoutError", "MalformedResponseError",
         "NetworkError", "PermissionDeniedError", "RateLimitError", "ServerError", "StreamError"], "errors"),
    **dict.fromkeys(
        ["DEFAULT_API_BASE", "DEFAULT_CONTEXT_TOKENS", "MODELS", "ModelInfo", "context_window", "model_uri"],
        "models"),
    **dict.fromkeys(["OpenAICompatClient"], "openai_compat"),
}
__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_CONTEXT_TOKENS",
    "MODELS",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CancelToken",
    "CancelledError",
    "ChatMessage",
    "Completion",
    "CompletionOptions",
    "ConnectionLostError",
    "ContextTooLongError",
    "Credentials",
    "GatewayTimeoutError",
    "MalformedResponseError",
    "ModelInfo",
    "NetworkError",
    "OpenAICompatClient",
    "Operation",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "Status",
    "StreamError",
    "Token",
    "Usage",
    "YandexGptClient",
    "check_base_url",
    "context_window",
    "model_uri",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


if TYPE_CHECKING:
    from .client import (
        CancelToken,
        ChatMessage,
        Completion,
        CompletionOptions,
        Credentials,
        Operation,
        Status,
        Token,
        Usage,
        YandexGptClient,
        check_base_url,
    )
    from .errors import (
        ApiError,
        ApiTimeoutError,
        AuthenticationError,
        BadRequestError,
        CancelledError,
        ConnectionLostError,
        ContextTooLongError,
        GatewayTimeoutError,
        MalformedResponseError,
        NetworkError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        StreamError,
    )
    from .models import DEFAULT_API_BASE, DEFAULT_CONTEXT_TOKENS, MODELS, ModelInfo, context_window, model_uri
    from .openai_compat import OpenAICompatClient
