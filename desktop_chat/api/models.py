"""The YandexGPT models the app offers, and how a model choice becomes a model URI.

This table is the ONE place that knows each model's context window: the UI, the token counter and the
fake server all ask `context_window()` instead of keeping their own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_BASE = "https://llm.api.cloud.yandex.net"
# Operations (async completions) live on a different host in Yandex Cloud.
OPERATIONS_API_BASE = "https://operation.api.cloud.yandex.net"

# Context window of every current YandexGPT / Alice model (docs, models table, 2025-2026).
DEFAULT_CONTEXT_TOKENS = 32768

CUSTOM_URI_SCHEMES = ("gpt://", "ds://")


@dataclass(frozen=True)
class ModelInfo:
    key: str  # what the app stores in settings
    title: str  # what the user sees
    path: str  # the part of the URI after the folder: gpt://<folder>/<path>
    context_tokens: int


def _model(key: str, title: str, path: str, context_tokens: int = DEFAULT_CONTEXT_TOKENS) -> ModelInfo:
    return ModelInfo(key=key, title=title, path=path, context_tokens=context_tokens)


MODELS: dict[str, ModelInfo] = {
    m.key: m
    for m in (
        _model("yandexgpt-lite", "YandexGPT Lite", "yandexgpt-lite/latest"),
        _model("yandexgpt-lite/rc", "YandexGPT Lite (RC)", "yandexgpt-lite/rc"),
        _model("yandexgpt", "YandexGPT Pro", "yandexgpt/latest"),
        _model("yandexgpt/rc", "YandexGPT Pro (RC)", "yandexgpt/rc"),
        _model("yandexgpt/deprecated", "YandexGPT Pro (previous)", "yandexgpt/deprecated"),
        _model("yandexgpt-lite/deprecated", "YandexGPT Lite (previous)", "yandexgpt-lite/deprecated"),
        _model("aliceai-llm", "Alice AI LLM", "aliceai-llm/latest"),
    )
}


def is_custom_uri(model: str) -> bool:
    return model.startswith(CUSTOM_URI_SCHEMES)


def model_uri(folder_id: str, model: str) -> str:
    """`gpt://<folder>/<path>` for a key of MODELS; a custom gpt:// or ds:// URI is passed through."""
    model = model.strip()
    if is_custom_uri(model):
        return model
    info = MODELS.get(model)
    if info is None:
        raise ValueError(f"Unknown model {model!r}: use one of {', '.join(MODELS)} or a gpt:// / ds:// URI")
    folder_id = folder_id.strip()
    if not folder_id:
        raise ValueError("The folder ID is empty: it is needed to build the model URI")
    return f"gpt://{folder_id}/{info.path}"


def _path_of_uri(uri: str) -> str:
    # gpt://<folder>/yandexgpt/latest -> yandexgpt/latest; gpt://<folder>/yandexgpt -> yandexgpt/latest
    rest = uri.split("://", 1)[1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    path = path.split("@", 1)[0]  # fine-tune suffix: yandexgpt-lite/latest@<id>
    if path and "/" not in path:
        path += "/latest"
    return path


def context_window(model: str) -> int:
    """Context window in tokens for a MODELS key or a model URI (DEFAULT_CONTEXT_TOKENS if unknown)."""
    info = MODELS.get(model)
    if info is not None:
        return info.context_tokens
    if is_custom_uri(model):
        path = _path_of_uri(model)
        for info in MODELS.values():
            if info.path == path:
                return info.context_tokens
    return DEFAULT_CONTEXT_TOKENS
