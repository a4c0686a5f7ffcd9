"""The built-in table: what the app knows about each model AI Studio serves. No Qt, no I/O.

This is the ONE place that knows a model's titles, context window, API, abilities and prices.
To bring prices up to date, edit `PRICES_DATE` and the price columns of `TABLE` together (one commit):
the date is shown next to every price, so a stale table says so.

Sources: docs `ai-studio/concepts/generation/models.md` (names, URIs, context windows), the pricing pages
compiled on 2026-03-16 (prices, ₽ per 1,000 tokens incl. VAT), the tokens page (characters per token:
a 501-character Russian and a 477-character English text). See shared/reference/yandex-api.md §8, §9, §12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Api = Literal["native", "openai"]  # native: /foundationModels/v1/completion; openai: /v1/chat/completions
Reasoning = Literal["none", "native", "effort"]  # native: reasoningOptions.mode; effort: reasoning_effort
Mode = Literal["sync", "async"]

# The date of the pricing pages the price columns below were copied from. Keep it visible in the UI.
PRICES_DATE = date(2026, 3, 16)

# Tools billed per use, ₽ incl. VAT (yandex-api.md §12, from the 2026 price lists as gathered in December 2026):
# one web search the model runs for a web answer (on top of its tokens), and one picture drawn by YandexART.
TOOL_PRICES_DATE = date(2026, 12, 1)
WEB_SEARCH_CALL_PRICE = Decimal("0.90")
PICTURE_PRICE = Decimal("2.20")

DEFAULT_CONTEXT_TOKENS = 32768  # YandexGPT, Alice, and what an unknown model is assumed to have
DEFAULT_CHARS_PER_TOKEN = 4.5  # a model we have no measurement for (Russian and English alike)
YANDEX = "Yandex"


@dataclass(frozen=True)
class Price:
    """₽ per 1,000 tokens, VAT included. Reasoning tokens are billed as output."""

    input: Decimal
    output: Decimal


def _price(input_rub: str, output_rub: str) -> Price:
    return Price(Decimal(input_rub), Decimal(output_rub))


@dataclass(frozen=True)
class Entry:
    """One chat model as the app knows it.

    `id` is the short name the app stores (settings, chats): `name` when the version is `latest`,
    else `name/version` (`yandexgpt/rc`). The model's URI is `gpt://<folder>/<name>/<version>`
    (plus `@<suffix>` for a fine-tune), built by `catalogue.model_uri`.
    """

    id: str
    name: str  # the URI's model name: yandexgpt, deepseek-v32
    version: str  # latest | rc | deprecated | …
    title_ru: str
    title_en: str
    vendor: str  # who made it: "Yandex" sorts first
    api: Api  # which API the app uses for it
    context_tokens: int
    vision: bool = False  # accepts pictures
    image_tokens: int = 0  # what one picture costs in the context window (0: no pictures)
    reasoning: Reasoning = "none"  # how to ask it to think longer
    can_count_tokens: bool = False  # the native tokenizer (/tokenizeCompletion) counts for it
    chars_per_token_ru: float = DEFAULT_CHARS_PER_TOKEN  # offline estimate, Russian text
    chars_per_token_en: float = DEFAULT_CHARS_PER_TOKEN  # offline estimate, English text
    price_sync: Price | None = None  # None: no known price (show none)
    price_async: Price | None = None  # None: no async mode (completionAsync) for this model
    suffix: str = ""  # fine-tune id after "@" in the URI
    known: bool = True  # False: built from a URI or a live id the table does not know (safe defaults)

    @property
    def path(self) -> str:
        """What follows the folder in the URI: `yandexgpt/rc`, `deepseek-v32/latest`, `…/latest@<id>`."""
        path = f"{self.name}/{self.version}" if self.version else self.name
        return f"{path}@{self.suffix}" if self.suffix else path

    @property
    def is_yandex(self) -> bool:
        return self.vendor == YANDEX

    @property
    def has_async(self) -> bool:
        return self.price_async is not None

    def title(self, language: str = "en") -> str:
        """The name people see, in the UI's language ("ru" or anything else for English)."""
        return self.title_ru if language.lower().startswith("ru") else self.title_en

    def price(self, mode: Mode = "sync") -> Price | None:
        if mode not in ("sync", "async"):
            raise ValueError(f"mode must be 'sync' or 'async', not {mode!r}")
        return self.price_sync if mode == "sync" else self.price_async


def _yandex(id_: str, name: str, version: str, title: str, *, sync: Price, async_: Price,
            reasoning: Reasoning = "none") -> Entry:
    # Measured: YandexGPT Pro 5.2 chars/token on Russian, Alice AI 5.36 on English. Yandex's models share
    # the tokenizer family, so each fills the other's gap (the Cyrillic detection decides which is used).
    return Entry(id=id_, name=name, version=version, title_ru=title, title_en=title, vendor=YANDEX, api="native",
                 context_tokens=32768, reasoning=reasoning, can_count_tokens=True,
                 chars_per_token_ru=5.2, chars_per_token_en=5.36, price_sync=sync, price_async=async_)


def _open(id_: str, title: str, vendor: str, context_tokens: int, *, sync: Price, ru: float, en: float,
          vision: bool = False, reasoning: Reasoning = "none") -> Entry:
    return Entry(id=id_, name=id_, version="latest", title_ru=title, title_en=title, vendor=vendor, api="openai",
                 context_tokens=context_tokens, vision=vision, image_tokens=256 if vision else 0,
                 reasoning=reasoning, chars_per_token_ru=ru, chars_per_token_en=en, price_sync=sync)


# In the order the model picker shows them: Yandex's own first, newest first; then the others.
# YandexGPT and Alice are also served by the OpenAI-compatible API; the app uses the native one for them
# (tokenizer, async "economy" mode, reasoningOptions).
TABLE: tuple[Entry, ...] = (
    _yandex("yandexgpt/rc", "yandexgpt", "rc", "YandexGPT Pro 5.1",
            sync=_price("0.80", "0.80"), async_=_price("0.41", "0.41"), reasoning="native"),
    _yandex("yandexgpt", "yandexgpt", "latest", "YandexGPT Pro 5",
            sync=_price("1.20", "1.20"), async_=_price("0.61", "0.61"), reasoning="native"),
    _yandex("yandexgpt-lite", "yandexgpt-lite", "latest", "YandexGPT Lite 5",
            sync=_price("0.20", "0.20"), async_=_price("0.10", "0.10")),
    _yandex("aliceai-llm", "aliceai-llm", "latest", "Alice AI LLM",
            sync=_price("0.50", "1.20"), async_=_price("0.25", "1.02")),
    # Not measured: DeepSeek's tokenizer is taken to be as thrifty with Russian as Qwen's (3.6), the worst we know.
    _open("deepseek-v32", "DeepSeek V3.2", "DeepSeek", 131072, sync=_price("0.50", "0.80"), ru=3.6, en=5.0),
    _open("qwen3-235b-a22b-fp8", "Qwen3 235B", "Alibaba", 262144, sync=_price("0.50", "0.50"), ru=3.6, en=5.48),
    _open("gpt-oss-120b", "gpt-oss-120b", "OpenAI", 131072, sync=_price("0.30", "0.30"), ru=4.6, en=5.48,
          reasoning="effort"),
    _open("gpt-oss-20b", "gpt-oss-20b", "OpenAI", 131072, sync=_price("0.10", "0.10"), ru=4.6, en=5.48,
          reasoning="effort"),
    # Not measured: Gemma 3's 262k-token vocabulary covers Russian well; 4.0 sits between Qwen and gpt-oss.
    _open("gemma-3-27b-it", "Gemma 3 27B", "Google", 131072, sync=_price("0.40", "0.40"), ru=4.0, en=4.5,
          vision=True),
)

# Names that are not entries but still resolve, so old chats and settings keep working: the app's old keys
# (Yandex moves `rc` to `latest` and `latest` to `deprecated` a month later; Lite 5 is every Lite version
# and Pro 5 the deprecated Pro), plus short names people type.
ALIASES: dict[str, str] = {
    "yandexgpt-lite/rc": "yandexgpt-lite",
    "yandexgpt-lite/deprecated": "yandexgpt-lite",
    "yandexgpt/deprecated": "yandexgpt",
    "yandexgpt-pro": "yandexgpt",
    "yandexgpt-pro/rc": "yandexgpt/rc",
    "aliceai": "aliceai-llm",
    "alice": "aliceai-llm",
    "deepseek": "deepseek-v32",
    "deepseek-v3.2": "deepseek-v32",
    "qwen3-235b": "qwen3-235b-a22b-fp8",
    "qwen3": "qwen3-235b-a22b-fp8",
    "gemma-3-27b": "gemma-3-27b-it",
    "gemma3": "gemma-3-27b-it",
}

BY_ID: dict[str, Entry] = {entry.id: entry for entry in TABLE}
