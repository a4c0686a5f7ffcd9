"""Compatibility layer: the old model table's names, answered by the model catalogue.

New code should use `desktop_chat.catalogue` (find, entries, merge, model_uri, context_window, api_of,
estimate_tokens, price). This module keeps the names existing callers import working:

- `MODELS` lists what the native client can send today: the catalogue's native-API entries (YandexGPT Pro
  5.1, Pro 5, Lite 5, Alice AI LLM), so pickers built from it offer nothing the client cannot reach.
  Looking a name up (`in`, `[]`, `.get`, `.keys()`, `dict(MODELS)`) also accepts the catalogue's other
  models and old keys such as `yandexgpt-lite/rc` or `yandexgpt/deprecated`, which resolve to the current
  entry, so old settings and chats stay valid.
- `model_uri`, `context_window` accept anything `catalogue.find` does.

The endpoint URLs stay here: they are the API's facts, not the catalogue's.
"""

from __future__ import annotations

from collections.abc import Iterator, KeysView, Mapping
from dataclasses import dataclass

from desktop_chat import catalogue
from desktop_chat.catalogue import DEFAULT_CONTEXT_TOKENS, Entry

DEFAULT_API_BASE = "https://llm.api.cloud.yandex.net"
# Operations (async completions) live on a different host in Yandex Cloud.
OPERATIONS_API_BASE = "https://operation.api.cloud.yandex.net"

CUSTOM_URI_SCHEMES = catalogue.URI_SCHEMES  # ("gpt://", "ds://")

__all__ = ["CUSTOM_URI_SCHEMES", "DEFAULT_API_BASE", "DEFAULT_CONTEXT_TOKENS", "MODELS", "OPERATIONS_API_BASE",
           "ModelInfo", "context_window", "is_custom_uri", "model_uri"]


@dataclass(frozen=True)
class ModelInfo:
    key: str  # what the app stores in settings: the catalogue id
    title: str  # what the user sees (English title; the catalogue entry has both languages)
    path: str  # the part of the URI after the folder: gpt://<folder>/<path>
    context_tokens: int


def _info(entry: Entry) -> ModelInfo:
    return ModelInfo(key=entry.id, title=entry.title_en, path=entry.path, context_tokens=entry.context_tokens)


class _Models(Mapping[str, ModelInfo]):
    """Iterates the native entries; looks up every catalogue id and alias (see the module's docstring)."""

    def __init__(self) -> None:
        self._offered = {e.id: _info(e) for e in catalogue.TABLE if e.api == "native"}
        self._all = {e.id: _info(e) for e in catalogue.TABLE}
        self._names = [*self._all, *catalogue.ALIASES]

    def __getitem__(self, key: str) -> ModelInfo:
        entry = catalogue.find(key) if isinstance(key, str) and "://" not in key else None
        if entry is None or not entry.known or entry.id not in self._all or entry.suffix:
            raise KeyError(key)
        return self._all[entry.id]

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._offered)

    def __len__(self) -> int:
        return len(self._offered)

    def keys(self) -> KeysView[str]:
        """Every name that resolves (ids and aliases): `dict(MODELS)` then accepts old keys too."""
        return _Names(self, self._names)


class _Names(KeysView[str]):
    def __init__(self, mapping: _Models, names: list[str]) -> None:
        super().__init__(mapping)
        self._list = names

    def __iter__(self) -> Iterator[str]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)


MODELS: Mapping[str, ModelInfo] = _Models()


def is_custom_uri(model: str) -> bool:
    return model.strip().startswith(CUSTOM_URI_SCHEMES)


def model_uri(folder_id: str, model: str) -> str:
    """`gpt://<folder>/<name>/<version>` for a catalogue id or alias; a gpt:// or ds:// URI is passed through.
    Raises ValueError for an unknown model or an empty folder ID."""
    return catalogue.model_uri(folder_id, model)


def context_window(model: str) -> int:
    """Context window in tokens for a catalogue id, alias or URI (DEFAULT_CONTEXT_TOKENS if unknown)."""
    return catalogue.context_window(model)
