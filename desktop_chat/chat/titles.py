"""A new chat's name from its first exchange, asked of a cheap model in the background. No Qt here.

The first line of the first question stays the name whenever this cannot run (offline, no key, an
error, the setting off) or the person renamed the chat meanwhile. It costs a few hundred tokens of
YandexGPT Lite (well under 0.01 ₽), once per chat.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desktop_chat.chat import conversation

if TYPE_CHECKING:
    from desktop_chat.api.client import CancelToken
    from desktop_chat.providers.registry import Providers
    from desktop_chat.store import ChatStore, Message

log = logging.getLogger(__name__)

TITLE_MODEL = "yandexgpt-lite"
EXCERPT = 1500  # characters of the question and of the answer the model is shown
INSTRUCTION = ("Придумай короткое название для этого разговора: от двух до шести слов, на языке разговора, "
               "без кавычек и без точки в конце. Ответь только названием.")


def clean_title(text: str) -> str:
    """One line, no quotes or trailing period, at most TITLE_LENGTH characters; "" if nothing usable."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    quotes = " \"'«»“”„*#"
    line = line.strip(quotes).rstrip(".").strip(quotes)
    return conversation.title_from_text(line) if line else ""


def name_chat(store: ChatStore, providers: Providers, chat_id: str, cancel: CancelToken) -> str:
    """Asks for a name after the chat's first exchange and renames the chat; returns the name or ""."""
    from desktop_chat.api.client import ChatMessage, CompletionOptions

    messages: list[Message] = store.load_chat(chat_id).messages
    if len(messages) != 2 or messages[1].status != "final" or not messages[1].text.strip():
        return ""
    question, answer = messages
    first_line_title = conversation.title_from_text(question.text)
    if store.get_chat_summary(chat_id).title != first_line_title:
        return ""  # renamed by the person: their name stays
    provider, uri = providers.resolve(TITLE_MODEL, timeout=15.0, max_retries=0)
    try:
        request = [ChatMessage("system", INSTRUCTION), ChatMessage("user", question.text[:EXCERPT]),
                   ChatMessage("assistant", answer.text[:EXCERPT]),
                   ChatMessage("user", "Название этого разговора?")]
        text = ""
        for completion in provider.stream(uri, request, CompletionOptions(temperature=0.2, max_tokens=30), cancel):
            text = completion.text
    finally:
        provider.close()
    if cancel.cancelled:
        return ""  # the app is closing: half a name is no name
    title = clean_title(text)
    if title and store.get_chat_summary(chat_id).title == first_line_title:
        store.rename_chat(chat_id, title)
        return title
    return ""
