"""Answer versions: regenerate and edit-and-resend keep what they replace (see docs/store-format.md).

A turn is a message and everything after it in the chat. Replacing it (a new reply for the last question,
an edited question) makes the new message the newest version of that turn; the old message, with the
messages that followed it, becomes an earlier version. The message on screen carries the others in
`Message.versions` (oldest first) and its own place among them all in `Message.version`, so the chat
as shown (and as sent to the model) is always a plain list of messages.

Switching versions swaps the tail of the chat: the chosen version's messages come on screen, and the
ones that were shown go into `versions` in their place. Nothing is dropped either way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from desktop_chat.store.errors import StoreError
from desktop_chat.store.model import Message


def bare(message: Message) -> Message:
    """The message without its other versions (as it is kept inside a version)."""
    return dataclasses.replace(message, versions=[], version=0) if message.versions else message


def turn_versions(tail: Sequence[Message]) -> list[list[Message]]:
    """Every version of the turn whose messages on screen are `tail` (from its message to the chat's
    end), oldest first; the one on screen is among them at `tail[0].version`."""
    head = tail[0]
    shown = [bare(head), *tail[1:]]
    return [*head.versions[:head.version], shown, *head.versions[head.version:]]


def shown_as(versions: list[list[Message]], index: int) -> list[Message]:
    """The messages on screen when version `index` of a turn is shown: its first carries the others."""
    chosen = versions[index]
    others = [v for i, v in enumerate(versions) if i != index]
    return [dataclasses.replace(chosen[0], versions=others, version=index if others else 0), *chosen[1:]]


def _worth_keeping(version: list[Message]) -> bool:
    """A failed reply with no text is not an answer: a retry replaces it without keeping it."""
    only = version[0]
    return not (len(version) == 1 and only.role == "assistant" and only.status == "error"
                and not only.text.strip() and not only.attachments)


def add_version(tail: Sequence[Message], new: Message) -> Message:
    """`new`, replacing the turn whose messages are `tail`, as that turn's newest version."""
    if not tail or tail[0].role != new.role:
        return new
    versions = [v for v in turn_versions(tail) if _worth_keeping(v)]
    return shown_as([*versions, [bare(new)]], len(versions))[0] if versions else bare(new)


def continued(old: Message, new: Message) -> Message:
    """A continued reply takes the stopped one's place among its versions (it is the same answer, longer)."""
    return dataclasses.replace(new, versions=old.versions, version=old.version)


def switch(messages: Sequence[Message], message_id: str, index: int) -> list[Message]:
    """The chat with version `index` of the turn at `message_id` on screen. StoreError("not_found") when
    there is no such message or version."""
    at = next((i for i, m in enumerate(messages) if m.id == message_id), None)
    if at is None:
        raise StoreError("not_found", "that message is not in this chat (any more)")
    versions = turn_versions(messages[at:])
    if not 0 <= index < len(versions):
        raise StoreError("not_found", "that version of the message is not there (any more)")
    result = [*messages[:at], *shown_as(versions, index)]
    if len({m.id for m in result}) != len(result):  # only a hand-made file could do this
        raise StoreError("invalid", "that version repeats the id of another message")
    return result


@dataclass(frozen=True)
class Removed:
    """Messages taken out of a chat by delete_messages, and where they were (for Undo)."""

    chat_id: str
    messages: list[Message]
    after: str | None  # the message they followed (None: they were the first)
    before: str | None  # the message that followed them (None: they were the last)
    position: int  # their index, when both of those are gone too


def remove(chat_id: str, messages: Sequence[Message], ids: Sequence[str]) -> tuple[list[Message], Removed]:
    """The chat without the messages `ids` (next to each other, in the chat's order), and what went."""
    places = [i for i, m in enumerate(messages) if m.id in set(ids)]
    if not ids or len(places) != len(set(ids)):
        raise StoreError("not_found", "that message is not in this chat (any more)")
    if places != list(range(places[0], places[0] + len(places))):
        raise StoreError("invalid", "only messages next to each other are deleted together")
    first = places[0]
    end = first + len(places)
    removed = Removed(chat_id, list(messages[first:end]), messages[first - 1].id if first else None,
                      messages[end].id if end < len(messages) else None, first)
    return [*messages[:first], *messages[first + len(places):]], removed


def put_back(messages: Sequence[Message], removed: Removed) -> list[Message]:
    """Undoes `remove`: the messages go back after the one they followed (or before the one that followed
    them, or where they were)."""
    present = {m.id for m in messages}
    if any(m.id in present for m in removed.messages):
        raise StoreError("duplicate", "these messages are in the chat already")
    ids = [m.id for m in messages]
    if removed.after is None or removed.after in ids:
        at = 0 if removed.after is None else ids.index(removed.after) + 1
    elif removed.before in ids:  # the message they followed was deleted too: before the one after them
        at = ids.index(removed.before)
    else:
        at = min(removed.position, len(messages))
    return [*messages[:at], *removed.messages, *messages[at:]]


def every_message(messages: Sequence[Message]) -> Iterator[Message]:
    """The messages and, depth first, those inside their other versions (their files, for export)."""
    for message in messages:
        yield message
        for version in message.versions:
            yield from every_message(version)
