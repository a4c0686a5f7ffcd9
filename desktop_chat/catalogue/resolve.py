"""From what people and servers write (an id, a short name, a `gpt://` URI, the live `/v1/models` list)
to catalogue entries; model URIs, context windows and the offline token estimate. No Qt, no I/O.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from desktop_chat.catalogue.table import (
    ALIASES,
    BY_ID,
    DEFAULT_CHARS_PER_TOKEN,
    DEFAULT_CONTEXT_TOKENS,
    TABLE,
    YANDEX,
    Api,
    Entry,
)

GPT_SCHEME = "gpt://"
DS_SCHEME = "ds://"  # DataSphere fine-tunes: native API only, the URI is used as it is
URI_SCHEMES = (GPT_SCHEME, DS_SCHEME)
LATEST = "latest"

_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
_PATH_RE = re.compile(rf"(?P<name>{_NAME})(?:/(?P<version>{_NAME}))?(?:@(?P<suffix>{_NAME}))?")
_FOLDER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_YANDEX_NAMES = ("yandexgpt", "aliceai")  # an unknown model with such a name is still Yandex's: sort it first
_INDEX = {entry.id: i for i, entry in enumerate(TABLE)}

ModelRef = str | Entry  # what the functions below accept: an id, alias, URI, or an entry itself


@dataclass(frozen=True)
class ModelPath:
    """`gpt://<folder>/<name>[/<version>][@<suffix>]` taken apart; folder is "" for a bare `name/version`."""

    folder: str
    name: str
    version: str
    suffix: str = ""

    @property
    def key(self) -> str:
        """The catalogue id this path would have: `name` for latest, else `name/version`."""
        return self.name if self.version == LATEST else f"{self.name}/{self.version}"


def parse(text: str) -> ModelPath | None:
    """A `gpt://` URI or a bare `name[/version][@suffix]` taken apart; None if it is neither."""
    text = text.strip()
    folder = ""
    if text.startswith(GPT_SCHEME):
        folder, sep, text = text[len(GPT_SCHEME):].partition("/")
        if not sep or not _FOLDER_RE.fullmatch(folder):
            return None
    m = _PATH_RE.fullmatch(text)
    if m is None:
        return None
    return ModelPath(folder, m["name"], m["version"] or LATEST, m["suffix"] or "")


def _table_entry(key: str) -> Entry | None:
    key = key.lower()
    return BY_ID.get(key) or (BY_ID[ALIASES[key]] if key in ALIASES else None)


def _unknown(path: ModelPath) -> Entry:
    """Safe defaults for a model the table does not know: the OpenAI-compatible API (it serves every chat
    model of AI Studio), the smallest context window, no pictures, no reasoning switch, no price."""
    key = f"{path.key}@{path.suffix}" if path.suffix else path.key
    vendor = YANDEX if path.name.lower().startswith(_YANDEX_NAMES) else ""
    return Entry(id=key, name=path.name, version=path.version, title_ru=key, title_en=key, vendor=vendor,
                 api="openai", context_tokens=DEFAULT_CONTEXT_TOKENS, suffix=path.suffix, known=False)


def _fine_tune(base: Entry, path: ModelPath) -> Entry:
    """A fine-tune (`…@<suffix>`) of a known model: its base's abilities, but no price we could vouch for."""
    key = f"{path.key}@{path.suffix}"
    return dataclasses.replace(
        base, id=key, version=path.version, suffix=path.suffix, price_sync=None, price_async=None,
        title_ru=f"{base.title_ru} (дообученная, {path.suffix})",
        title_en=f"{base.title_en} (fine-tuned, {path.suffix})")


def _datasphere(uri: str) -> Entry:
    return Entry(id=uri, name=uri, version="", title_ru=uri, title_en=uri, vendor="", api="native",
                 context_tokens=DEFAULT_CONTEXT_TOKENS, known=False)


def _from_path(path: ModelPath) -> Entry:
    base = _table_entry(path.key)
    if base is None:
        return _unknown(path)
    return _fine_tune(base, path) if path.suffix else base


def find(model: ModelRef, live: Iterable[Entry] = ()) -> Entry | None:
    """The entry for a catalogue id (`yandexgpt/rc`), an alias (`yandexgpt-lite/rc`), a `name/version`,
    or a URI (`gpt://<folder>/<name>[/<version>][@<suffix>]`, `ds://…`).

    A URI always yields an entry: one the table does not know gets safe defaults (`known=False`). A bare
    name the table does not know is looked up in `live` (a merged `/v1/models` list); otherwise None,
    so a typo is reported instead of being sent.
    """
    if isinstance(model, Entry):
        return model
    text = model.strip()
    if not text:
        return None
    if text.startswith(DS_SCHEME):
        return _datasphere(text)
    path = parse(text)
    if path is None:
        return None
    if path.folder or _table_entry(path.key) is not None:
        return _from_path(path)
    wanted = f"{path.key}@{path.suffix}" if path.suffix else path.key
    return next((entry for entry in live if entry.id == wanted), None)


def entries() -> list[Entry]:
    """The built-in table, in picker order (what to offer before the live list is known)."""
    return list(TABLE)


def model_uri(folder_id: str, model: ModelRef, version: str | None = None) -> str:
    """`gpt://<folder>/<name>/<version>` (`latest` unless the model or `version` names another).

    A full `gpt://` or `ds://` URI is returned as it is (its folder and fine-tune suffix are kept).
    Raises ValueError for a model nobody knows, a malformed URI or an empty folder ID.
    """
    if isinstance(model, str) and model.strip().startswith(URI_SCHEMES):
        uri = model.strip()
        if parse(uri) is None if uri.startswith(GPT_SCHEME) else uri == DS_SCHEME:
            raise ValueError(f"{uri!r} is not a model URI: gpt://<folder>/<name>[/<version>]")
        return uri
    entry = find(model)
    if entry is None:
        names = ", ".join(e.id for e in TABLE)
        raise ValueError(f"Unknown model {model!r}: use one of {names} or a gpt:// URI")
    if entry.id.startswith(URI_SCHEMES):
        return entry.id
    folder_id = folder_id.strip()
    if not folder_id:
        raise ValueError("The folder ID is empty: it is needed to build the model URI")
    uri = f"{GPT_SCHEME}{folder_id}/{entry.name}/{version or entry.version or LATEST}"
    return f"{uri}@{entry.suffix}" if entry.suffix else uri


def api_of(model: ModelRef) -> Api:
    """Which API the app uses for the model ("openai" for one it does not know)."""
    entry = find(model)
    return entry.api if entry is not None else "openai"


def context_window(model: ModelRef) -> int:
    """The model's context window in tokens (DEFAULT_CONTEXT_TOKENS for one the table does not know)."""
    entry = find(model)
    return entry.context_tokens if entry is not None else DEFAULT_CONTEXT_TOKENS


# --- the offline token estimate ------------------------------------------------------------------

# Tokens are counted a little high on purpose (~9 %): a request that overflows the window fails, while one
# a few hundred tokens short of it loses nothing. The measured ratios are of plain prose.
CAUTION = 0.92
_CYRILLIC = re.compile(r"[\u0400-\u04FF]+")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]+")
# Other scripts (CJK, Arabic…), emoji and typographic symbols: about a token each in every tokenizer we know.
_OTHER = re.compile(r"[^\x00-\u024F\u0400-\u04FF\s]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len(text) - len(pattern.sub("", text))


# The same counts from the text's UTF-8 bytes, where that is exact: U+0400-U+04FF are exactly the characters
# whose first byte is D0-D3, U+00C0-U+023F those whose first byte is C3-C8. Counting bytes is several times
# quicker than the patterns, and the meter counts hundreds of messages as a long chat opens.
_CYRILLIC_LEADS = b"\xd0\xd1\xd2\xd3"
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))
_NOT_LATIN_LEADS = bytes(b for b in range(256) if not 0xC3 <= b <= 0xC8)
_UP_TO_U023F = bytes(range(0xC9)) + _CYRILLIC_LEADS  # deleted, what is left starts a character past U+023F


@lru_cache(maxsize=256)
def _scripts(text: str) -> tuple[int, int, int]:
    """(Cyrillic, Latin, other scripts): how many characters of each the three patterns above match.
    Cached: the meter estimates every message of the chat again after each reply, on the window's thread."""
    if text.isascii():
        return 0, _count(_LATIN, text), 0
    data = text.encode("utf-8", "surrogatepass")
    cyrillic = len(data) - len(data.translate(None, _CYRILLIC_LEADS))
    if data.translate(None, _UP_TO_U023F):  # other scripts, emoji, dashes, U+0240-U+024F: the patterns
        return cyrillic, _count(_LATIN, text), _count(_OTHER, text)
    return cyrillic, len(data.translate(None, _NOT_ASCII_LETTERS)) + len(data.translate(None, _NOT_LATIN_LEADS)), 0


def chars_per_token(text: str, model: ModelRef | None = None, scripts: tuple[int, int, int] | None = None) -> float:
    """Characters per token for this text and model: the model's Russian and English ratios mixed by the
    text's share of Cyrillic among its Cyrillic and Latin letters (no letters: the smaller ratio).
    `scripts`: the text's _scripts(), when the caller has them."""
    entry = find(model) if model is not None else None
    ru = entry.chars_per_token_ru if entry else DEFAULT_CHARS_PER_TOKEN
    en = entry.chars_per_token_en if entry else DEFAULT_CHARS_PER_TOKEN
    cyrillic, latin, _other = scripts or _scripts(text)
    if cyrillic + latin == 0:
        return min(ru, en)
    share = cyrillic / (cyrillic + latin)
    return 1.0 / (share / ru + (1.0 - share) / en)  # tokens add up, so ratios mix harmonically


def estimate_tokens(text: str, model: ModelRef | None = None) -> int:
    """A slightly cautious count of the tokens `text` takes for `model`, with no network.

    Only the text: a request adds a few tokens per message (role, separators), which the caller knows.
    Real counts (the native tokenizer, a reply's usage) beat this wherever they exist.
    """
    if not text:
        return 0
    scripts = _scripts(text)
    other = scripts[2]
    tokens = (len(text) - other) / chars_per_token(text, model, scripts) + other
    return math.ceil(tokens / CAUTION)


# --- the live catalogue --------------------------------------------------------------------------

def _order(entry: Entry) -> tuple[int, int, int, str]:
    return (0 if entry.is_yandex else 1, 0 if entry.known else 1, _INDEX.get(entry.id, len(_INDEX)), entry.id)


def merge(live_ids: Iterable[object]) -> list[Entry]:
    """The chat models of a `GET /v1/models` list (its `data[].id` values), as catalogue entries.

    `gpt://<folder>/<name>/<version>` ids keep the table's knowledge (an alias such as `yandexgpt-lite/rc`
    becomes its entry, once); ids the table does not know appear by their name with safe defaults.
    Embeddings (`emb://`) and anything that is not a chat model URI are left out. Order: Yandex's own
    first, known before unknown, then the table's order, then by id.
    """
    found: dict[str, Entry] = {}
    for live_id in live_ids:
        if not isinstance(live_id, str) or not live_id.startswith(GPT_SCHEME):
            continue
        path = parse(live_id)
        if path is None:
            continue
        entry = _from_path(path)
        found.setdefault(entry.id, entry)
    return sorted(found.values(), key=_order)


def catalogue(live_ids: Iterable[object] | None) -> list[Entry]:
    """What to offer: the merged live list when there is one (fetched or cached), else the built-in table."""
    merged = merge(live_ids) if live_ids is not None else []
    return merged or entries()
