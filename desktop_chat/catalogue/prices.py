"""What a request or a reply costs in ₽, from its token counts and the table, and how to show it. No Qt.

Prices are the table's (`table.TABLE`, dated `table.PRICES_DATE`): ₽ per 1,000 tokens, VAT included.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from desktop_chat.catalogue.resolve import ModelRef, find
from desktop_chat.catalogue.table import PICTURE_PRICE, PRICES_DATE, WEB_SEARCH_CALL_PRICE, Mode

_THOUSAND = Decimal(1000)
_CENT = Decimal("0.01")
NBSP = "\u00a0"  # between the number and "₽", so a line never breaks inside an amount


class UsageLike(Protocol):
    """What a reply reports (api.client.Usage has these; reasoning_tokens and total_tokens may be absent)."""

    input_tokens: int
    completion_tokens: int


def cost(model: ModelRef, input_tokens: int, output_tokens: int = 0, mode: Mode = "sync") -> Decimal | None:
    """₽ for this many input and output tokens; None where the model has no price in this mode
    (a model the table does not know, a fine-tune, async for a model without async)."""
    entry = find(model)
    rates = entry.price(mode) if entry is not None else None
    if rates is None:
        return None
    return (rates.input * max(0, input_tokens) + rates.output * max(0, output_tokens)) / _THOUSAND


def billed_output(usage: UsageLike) -> int:
    """Output tokens to bill: the completion plus its reasoning, counted once.

    Reasoning is a part of `completion_tokens` where the API follows OpenAI's usage (total = input +
    completion). Where the numbers show it was reported beside the completion (total = input + completion +
    reasoning, or more reasoning than completion), it is added: either way it is billed as output.
    """
    completion = max(0, int(usage.completion_tokens))
    reasoning = max(0, int(getattr(usage, "reasoning_tokens", 0) or 0))
    total = int(getattr(usage, "total_tokens", 0) or 0)
    if reasoning and (total >= usage.input_tokens + completion + reasoning or reasoning > completion):
        return completion + reasoning
    return completion


def price(model: ModelRef, usage: UsageLike, mode: Mode = "sync") -> Decimal | None:
    """₽ a reply with this usage cost (reasoning billed as output); None where the model has no price."""
    return cost(model, int(usage.input_tokens), billed_output(usage), mode)


def web_search_cost(calls: int) -> Decimal:
    """₽ for the web searches a web answer ran (billed on top of its tokens; dated TOOL_PRICES_DATE)."""
    return WEB_SEARCH_CALL_PRICE * max(0, int(calls))


def picture_cost(pictures: int = 1) -> Decimal:
    """₽ for pictures drawn by YandexART (dated TOOL_PRICES_DATE)."""
    return PICTURE_PRICE * max(0, int(pictures))


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def format_rub(amount: Decimal, language: str = "ru") -> str:
    """An amount of roubles for the UI: Russian "1 234,50 ₽", English "₽1,234.50".

    English puts the sign first, as with "$1.20". Rounded to kopecks (half up); a positive amount that
    rounds to zero shows as "<0,01 ₽" / "<₽0.01".
    """
    russian = language.lower().startswith("ru")
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    below = amount > 0 and rounded == 0  # "<0,01 ₽", not a misleading zero
    whole, _, cents = f"{_CENT if below else rounded:f}".partition(".")
    text = f"{_group(whole, NBSP)},{cents}{NBSP}₽" if russian else f"₽{_group(whole, ',')}.{cents}"
    return f"<{text}" if below else sign + text


def format_date(day: date, language: str = "ru") -> str:
    """A date for the UI: Russian "16.03.2026", English "2026-03-16"."""
    return day.strftime("%d.%m.%Y") if language.lower().startswith("ru") else day.isoformat()


def prices_date(language: str = "ru") -> str:
    """The date of the price table, ready to show next to a price ("prices of 16.03.2026")."""
    return format_date(PRICES_DATE, language)
