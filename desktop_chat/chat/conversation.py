"""The conversation's rules, without Qt: what history goes with a request and what a reply changes.

The model keeps no memory, so every request carries the system prompt and as many earlier turns as
fit the model's context window. The newest turns win; the system prompt and the new user message are
never left out. The chat view marks where the cut is, so people know what the model no longer sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop_chat import catalogue
from desktop_chat.store import ChatSettings, Message
from desktop_chat.store.model import Attachment

if TYPE_CHECKING:
    # The client's types are imported where they are used: the module pulls in `requests`,
    # which the window does not need to paint (see docs/decisions.md, start-up).
    from desktop_chat.api.client import ChatMessage, Completion, CompletionOptions
    from desktop_chat.api.types import WebSearchOptions
    from desktop_chat.settings import Settings

# The stored status of a reply, by the API's status name. Replies with these statuses carry text the
# person saw, so later requests include it as history; failed replies are left out (the person
# retries them, and half an error is no context).
STATUS_BY_API: dict[str, str] = {
    "FINAL": "final",
    "TRUNCATED": "truncated",
    "CONTENT_FILTER": "content_filter",
    "TOOL_CALLS": "final",
    "PARTIAL": "stopped",
    "UNSPECIFIED": "final",
}
_NOT_HISTORY = {"error"}

# Each message costs a few tokens of its own (role markers) besides its text.
TOKENS_PER_MESSAGE = 4
TITLE_LENGTH = 60
DEFAULT_CONTEXT_TOKENS = 32768


def estimate_tokens(text: str, model: str | None = None) -> int:
    """A slightly cautious token count for one message when the tokenizer cannot be asked, from the
    model's measured characters per token (the catalogue's, for Russian and English)."""
    return TOKENS_PER_MESSAGE + catalogue.estimate_tokens(text, model)


@dataclass(frozen=True)
class Defaults:
    """The app-wide defaults a chat falls back to where its own settings are empty."""

    model: str = "yandexgpt-lite"
    temperature: float = 0.3
    max_tokens: int = 2000

    @classmethod
    def of(cls, settings: Settings) -> Defaults:
        """The defaults the app's settings give (the window's and the terminal command's alike)."""
        return cls(model=settings.model, temperature=settings.temperature, max_tokens=settings.max_tokens)


@dataclass(frozen=True)
class RequestPlan:
    """What one completion request sends, and what it had to leave out."""

    model: str
    options: CompletionOptions
    messages: list[ChatMessage]
    # Id of the oldest stored message that is sent; None when nothing was left out.
    first_sent_id: str | None
    left_out: int
    estimated_tokens: int
    context_tokens: int

    @property
    def prompt_budget(self) -> int:
        return self.context_tokens - self.options.max_tokens


def chat_model(settings: ChatSettings, defaults: Defaults) -> str:
    return settings.model or defaults.model


def chat_options(settings: ChatSettings, defaults: Defaults) -> CompletionOptions:
    from desktop_chat.api.client import CompletionOptions

    temperature = defaults.temperature if settings.temperature is None else settings.temperature
    max_tokens = defaults.max_tokens if settings.max_tokens is None else settings.max_tokens
    entry = catalogue.find(chat_model(settings, defaults))
    reasoning = settings.reasoning and entry is not None and entry.reasoning != "none"
    return CompletionOptions(temperature=temperature, max_tokens=max_tokens, reasoning=reasoning)


def has_economy(model: str) -> bool:
    """The model has the cheaper, slower asynchronous mode (Yandex's own models)."""
    entry = catalogue.find(model)
    return entry is not None and entry.has_async


def history_messages(messages: Sequence[Message]) -> list[Message]:
    """The stored messages that count as conversation history.

    Left out: failed and empty replies, and a whole turn the content filter ended (its question and
    the refusal): sent again, it can keep every later reply of the chat filtered. The turn stays on
    screen, marked, and can be edited and resent. Drawing turns (a prompt for YandexART and the picture)
    are not conversation either: the text model never sees them.
    """
    kept: list[Message] = []
    for message in messages:
        if message.drawing is not None:
            continue
        if message.role == "assistant" and message.status == "content_filter":
            if kept and kept[-1].role == "user":
                kept.pop()
            continue
        if (message.text.strip() or message.attachments) and message.status not in _NOT_HISTORY:
            kept.append(message)
    return kept


def request_text(message: Message, model: str, pictures_sent: bool = True) -> str:
    """A stored message's text as the model reads it: its documents as <file> blocks (the stored text,
    never parsed again) before the question, and a note for each picture that is not sent."""
    if not message.attachments:
        return message.text
    documents = [(a.name, a.text, a.cut) for a in message.attachments if a.kind == "document"]
    notes = [] if pictures_sent else [
        f"[picture “{a.name}” not shown: this model cannot see pictures]"
        for a in message.attachments if a.kind == "image"]
    from desktop_chat import attachments  # loaded when a message has files, not to paint the window

    return attachments.compose("\n".join([*notes, message.text]).strip(), documents)


def _can_see(model: str) -> bool:
    from desktop_chat import attachments

    return attachments.can_see(model)


def pictures_of(message: Message) -> list[Attachment]:
    return [a for a in message.attachments if a.kind == "image"]


def _request_message(message: Message, model: str, load: Callable[[Attachment], bytes] | None) -> ChatMessage:
    from desktop_chat.api.types import ChatMessage, ImagePart

    role = "user" if message.role == "user" else "assistant"
    pictures = pictures_of(message)
    sees = bool(pictures) and _can_see(model)
    text = request_text(message, model, pictures_sent=sees or not pictures)
    parts: list[ImagePart] = []
    if sees and load is not None:
        missing = []
        for ref in pictures:
            try:
                parts.append(ImagePart(ref.mime, load(ref), ref.name))
            except Exception:  # deleted from the data folder by hand: say so rather than fail the chat
                missing.append(f"[picture “{ref.name}” is missing from the data folder]")
        if missing:
            text = "\n".join([*missing, text])
    return ChatMessage(role, text, tuple(parts))  # type: ignore[arg-type]


def message_tokens(message: Message, model: str, count_tokens: Callable[[str], int] | None = None) -> int:
    """The offline estimate of one stored message in a request to `model`, its files included."""
    pictures = pictures_of(message)
    sees = bool(pictures) and _can_see(model)
    text = request_text(message, model, pictures_sent=sees or not pictures)
    count = count_tokens or (lambda t: estimate_tokens(t, model))
    from desktop_chat import attachments

    return count(text) + (len(pictures) * attachments.image_tokens(model) if sees else 0)


def plan_request(messages: Sequence[Message], settings: ChatSettings, defaults: Defaults,
                 count_tokens: Callable[[str], int] | None = None,
                 load: Callable[[Attachment], bytes] | None = None) -> RequestPlan:
    """Builds the request for a chat whose last message is the user's new one.

    `count_tokens(text)` counts one message's tokens; the default is the model's offline estimate.
    `load(attachment)` gives a stored picture's bytes (the store's read_attachment); without it pictures
    are counted but not attached (the context meter).
    """
    from desktop_chat.api.client import ChatMessage

    model = chat_model(settings, defaults)
    options = chat_options(settings, defaults)
    window = catalogue.context_window(model) if catalogue.find(model) is not None else DEFAULT_CONTEXT_TOKENS
    if count_tokens is None:
        def count_tokens(text: str) -> int:
            return estimate_tokens(text, model)
    history = history_messages(messages)
    budget = window - options.max_tokens

    system = [ChatMessage("system", settings.system_prompt)] if settings.system_prompt.strip() else []
    used = sum(count_tokens(m.text) for m in system)
    kept: list[Message] = []
    # Newest first; the newest message (the user's question) is always kept, even when it alone is
    # over the budget: the server then says how much too long it is, which is the clearest message.
    for index, message in enumerate(reversed(history)):
        cost = message_tokens(message, model, count_tokens)
        if index > 0 and used + cost > budget:
            break
        kept.append(message)
        used += cost
    kept.reverse()
    left_out = len(history) - len(kept)
    return RequestPlan(
        model=model,
        options=options,
        messages=system + [_request_message(m, model, load) for m in kept],
        first_sent_id=kept[0].id if kept and left_out else None,
        left_out=left_out,
        estimated_tokens=used,
        context_tokens=window,
    )


def reply_message(completion: Completion | None, partial_text: str, *, model: str,
                  status: str | None = None, error: str = "", error_details: str = "", web: bool = False,
                  sources: Sequence[str] = ()) -> Message:
    """The assistant message to store for a finished, stopped or failed reply.

    The partial text is kept in every case: a reply is never thrown away because the stream broke. A web
    answer keeps its sources (so far) and, in `usage["web_searches"]`, the searches billed with it.
    """
    message = _reply_message(completion, partial_text, model=model, status=status, error=error,
                             error_details=error_details)
    if web:
        message.web = True
        message.sources = list(completion.sources if completion is not None else sources)
        searches = completion.web_searches if completion is not None else 0
        if searches:
            message.usage = {**(message.usage or {}), "web_searches": searches}
    return message


def _reply_message(completion: Completion | None, partial_text: str, *, model: str,
                   status: str | None, error: str, error_details: str) -> Message:
    if completion is not None:
        text = completion.text
        usage = None
        if completion.usage is not None:
            usage = {"input": completion.usage.input_tokens,
                     "completion": completion.usage.completion_tokens,
                     "total": completion.usage.total_tokens}
            if completion.usage.reasoning_tokens:
                usage["reasoning"] = completion.usage.reasoning_tokens
        return Message.new("assistant", text, status=status or STATUS_BY_API.get(completion.status.name, "final"),
                           usage=usage, model_version=completion.model_version, model=model, error=error)
    return Message.new("assistant", partial_text, status=status or "error", model=model, error=error,
                       error_details=error_details)


def title_from_text(text: str) -> str:
    """A chat title from its first message: the first non-empty line, shortened at a word."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH].rsplit(" ", 1)[0] or line[:TITLE_LENGTH]
    return cut.rstrip(" ,.;:-") + "…"


def last_reply(messages: Sequence[Message]) -> Message | None:
    """The reply that "regenerate" replaces: the last message, when it is the assistant's."""
    if messages and messages[-1].role == "assistant":
        return messages[-1]
    return None


def awaiting_reply(messages: Sequence[Message]) -> bool:
    """True when the chat ends with the user's message, or a failed reply to it: Retry can resend."""
    if not messages:
        return False
    last = messages[-1]
    return last.role == "user" or (last.role == "assistant" and last.status == "error")


@dataclass
class _StoredUsage:
    input_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    total_tokens: int


def message_cost(message: Message) -> Decimal | None:
    """₽ a stored reply cost, from its usage and the catalogue's prices (a web answer's searches and a
    drawn picture included); None when unknown."""
    if message.role != "assistant":
        return None
    if message.drawing is not None:
        return catalogue.picture_cost(1) if message.attachments else None
    usage = message.usage
    if not usage:
        return None
    tokens = catalogue.price(message.model or "", _StoredUsage(
        usage.get("input", 0), usage.get("completion", 0), usage.get("reasoning", 0), usage.get("total", 0)))
    searches = usage.get("web_searches", 0)
    if not searches:
        return tokens
    return (tokens or Decimal(0)) + catalogue.web_search_cost(searches)


def web_options(settings: ChatSettings) -> WebSearchOptions:
    """The chat's web search options (a damaged value falls back to the default)."""
    from desktop_chat.api.types import WebSearchOptions

    size = settings.search_context if settings.search_context in ("low", "medium", "high") else "medium"
    domains = tuple(d.strip() for d in settings.search_domains if d.strip())[:5]
    return WebSearchOptions(size, domains, settings.search_region.strip())  # type: ignore[arg-type]


def is_drawing_turn(messages: Sequence[Message]) -> bool:
    """The turn "retry"/"regenerate" would redo is a drawing (its question asked YandexART)."""
    question = next((m for m in reversed(messages) if m.role == "user"), None)
    return question is not None and question.drawing is not None


def chat_cost(messages: Sequence[Message]) -> Decimal:
    """What the replies of a chat cost together, the earlier versions of its answers too (they were paid
    for); replies without a known price count as nothing."""
    from desktop_chat.store.versions import every_message

    return sum((c for m in every_message(messages) if (c := message_cost(m)) is not None), Decimal(0))


# Replies that can be continued: stopped by the person, or cut at the length limit.
CONTINUABLE = ("stopped", "truncated")
CONTINUE_PROMPT = ("Продолжи свой предыдущий ответ с того места, где он оборвался, без повторов и без "
                   "вступления. / Continue your previous answer exactly where it stopped, without repeating.")


def continue_request() -> Message:
    """The user turn that asks the model to go on (sent, never stored)."""
    return Message.new("user", CONTINUE_PROMPT)


def join_continued(prefix: str, continuation: str) -> str:
    """A stopped reply and its continuation as one text (a space where neither side has one)."""
    if not prefix:
        return continuation
    if not continuation or prefix[-1].isspace() or continuation[0].isspace() or continuation[0] in ".,;:!?)»":
        return prefix + continuation
    return prefix + " " + continuation
