"""The model catalogue: one table of what the app knows about each model AI Studio serves, merged with
the live `/v1/models` list, plus prices and the offline token estimate. No Qt.

    find(text, live=())                 -> Entry | None   id, alias, name/version or gpt:// / ds:// URI
    entries()                           -> list[Entry]    the built-in table, in picker order
    merge(live_ids)                     -> list[Entry]    the chat models of a /v1/models list
    catalogue(live_ids | None)          -> list[Entry]    merged list, or the table when there is none
    model_uri(folder, model, version=None) -> str         gpt://<folder>/<name>/<version>
    api_of(model) -> "native" | "openai";  context_window(model) -> int
    estimate_tokens(text, model=None)   -> int            calibrated offline count
    price(model, usage, mode="sync")    -> Decimal | None ₽; cost(model, input, output, mode)
    format_rub(amount, language)        -> str            "1,20 ₽" / "₽1.20"
    PRICES_DATE                                          the date of the price table (show it)
    web_search_cost(calls), picture_cost(n) -> Decimal    tools billed per use (dated TOOL_PRICES_DATE)
    CatalogueCache(path).load() / .save(live_ids, fetched_at)

`model` everywhere is an Entry or anything `find` accepts.
"""

from desktop_chat.catalogue.cache import CachedList, CatalogueCache
from desktop_chat.catalogue.prices import (
    billed_output,
    cost,
    format_date,
    format_rub,
    picture_cost,
    price,
    prices_date,
    web_search_cost,
)
from desktop_chat.catalogue.resolve import (
    URI_SCHEMES,
    ModelPath,
    ModelRef,
    api_of,
    catalogue,
    chars_per_token,
    context_window,
    entries,
    estimate_tokens,
    find,
    merge,
    model_uri,
    parse,
)
from desktop_chat.catalogue.table import (
    ALIASES,
    DEFAULT_CHARS_PER_TOKEN,
    DEFAULT_CONTEXT_TOKENS,
    PICTURE_PRICE,
    PRICES_DATE,
    TABLE,
    TOOL_PRICES_DATE,
    WEB_SEARCH_CALL_PRICE,
    Api,
    Entry,
    Mode,
    Price,
    Reasoning,
)

__all__ = [
    "ALIASES",
    "DEFAULT_CHARS_PER_TOKEN",
    "DEFAULT_CONTEXT_TOKENS",
    "PICTURE_PRICE",
    "PRICES_DATE",
    "TABLE",
    "TOOL_PRICES_DATE",
    "URI_SCHEMES",
    "WEB_SEARCH_CALL_PRICE",
    "Api",
    "CachedList",
    "CatalogueCache",
    "Entry",
    "Mode",
    "ModelPath",
    "ModelRef",
    "Price",
    "Reasoning",
    "api_of",
    "billed_output",
    "catalogue",
    "chars_per_token",
    "context_window",
    "cost",
    "entries",
    "estimate_tokens",
    "find",
    "format_date",
    "format_rub",
    "merge",
    "model_uri",
    "parse",
    "picture_cost",
    "price",
    "prices_date",
    "web_search_cost",
]
