"""What a chat session tells its listeners. Plain values, no Qt: the window's adapter carries them to
the GUI thread, the terminal command prints them.

A reply's life: QuestionSaved (the question is on disk) → ReplyStarted (the request went out) →
ReplyProgress… (the WHOLE text so far each time) → ReplyFinished (the reply is on disk, or nothing
was stored and an older reply stays). A question that could not be saved ends with QuestionFailed.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.store import ChatSummary, Message


@dataclass(frozen=True)
class QuestionSaved:
    ticket: int  # which send this was (the chat of a new chat is known only from here on)
    chat_id: str
    question: Message
    summary: ChatSummary
    replaced: str | None  # the message an edit replaced: it and all after it leave the screen (kept as an
    # earlier version in question.versions)


@dataclass(frozen=True)
class QuestionFailed:
    ticket: int
    chat_id: str | None  # None: a new chat that could not be created
    text: str
    editing: str | None
    error: BaseException


@dataclass(frozen=True)
class ReplyStarted:
    ticket: int
    chat_id: str
    model: str
    replaces: Message | None  # the reply being regenerated or retried (kept until the new one is stored)
    first_sent_id: str | None  # the oldest stored message sent; None when nothing was left out
    left_out: int
    waiting: bool = False  # economy mode or a picture: no text streams; the whole reply comes at the end
    web: bool = False  # the reply is an answer from the web (the view says so; sources follow)
    kind: str = "text"  # "text" | "picture" (YandexART is drawing: show progress, Stop)


@dataclass(frozen=True)
class ReplyProgress:
    ticket: int
    chat_id: str
    text: str  # the whole reply so far: replace what is shown, never append
    reasoning: str = ""
    retry_in: float = 0.0  # > 0: the server asked to wait; the next attempt starts in this many seconds
    retry_error: BaseException | None = None  # why it waits (a 429's words say which limit)
    sources: tuple[str, ...] = ()  # a web answer: the cited sites so far (URLs, numbered in this order)


@dataclass(frozen=True)
class ReplyFinished:
    ticket: int
    chat_id: str
    reply: Message | None  # what was stored (the reply it replaces is in its versions); None when nothing was
    replaces: Message | None
    summary: ChatSummary | None  # the chat after the write (None when nothing was written)
    error: BaseException | None = None  # why the reply failed (its words follow the UI language)
    save_error: BaseException | None = None  # the reply arrived but could not be saved


SessionEvent = QuestionSaved | QuestionFailed | ReplyStarted | ReplyProgress | ReplyFinished
