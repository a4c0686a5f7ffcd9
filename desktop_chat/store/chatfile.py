"""One chat on disk: a JSON Lines event log (see docs/store-format.md).

Line 1 is a header {"format": "desktop-chat/chat", "version": 1, "id": ..., "created_at": ...};
every later line is one event. Replaying the events in order gives the chat. Appending a message
is one short write + fsync, whatever the chat's length.

This module only reads and encodes; deciding what to do with a damaged file is the store's job.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import NOFOLLOW, file_id
from desktop_chat.store.model import ChatSettings, ChatSummary, Message, clamp_time

CHAT_FORMAT = "desktop-chat/chat"
# 2: messages may carry `attachments` (files in attachments/). A file is written as version 2 only once it
# holds an attachment; until then it stays version 1, which older apps read and write (see migrations.py).
# 3: messages may carry `versions` (answer versions, store/versions.py); written as 3 only once it holds some.
CHAT_VERSION = 3
ATTACHMENTS_VERSION = 2
VERSIONS_VERSION = 3
CHAT_SUFFIX = ".jsonl"
# No real message comes near this; a longer line is garbage (and we refuse to write one).
MAX_LINE_BYTES = 8 * 1024 * 1024
# Compaction: rewrite a file when more than half of its events are superseded, and it is big
# enough for that to matter (small files are cheap to replay whatever is in them).
COMPACT_MIN_BYTES = 64 * 1024
COMPACT_DEAD_FRACTION = 0.5

EVENT_TYPES = ("message", "truncate_from", "rename", "pin", "settings")


class CorruptChatFile(Exception):
    """The file cannot be read as a chat at all (its header is unusable): quarantine it."""


class BadLine(Exception):
    """One line cannot be used; the reason is in plain words."""


def encode_line(obj: dict[str, Any]) -> bytes:
    """One JSON object as one line of UTF-8 with a trailing newline.

    JSON escapes newlines inside strings, so an event is always exactly one line. Readable UTF-8
    is preferred; text with a lone surrogate (not encodable) falls back to \\u escapes.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def parse_line(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_LINE_BYTES:
        raise BadLine(f"is too long ({len(raw)} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadLine("is not valid UTF-8 text") from None
    try:
        obj = safe_json.loads(text)
    except safe_json.UnsafeJson as exc:
        raise BadLine(f"is not usable JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise BadLine("is not a JSON object")
    return obj


def header_line(chat_id: str, created_at: float, version: int = 1) -> bytes:
    return encode_line({"format": CHAT_FORMAT, "version": version, "id": chat_id, "created_at": created_at})


def version_for(messages: list[Message]) -> int:
    """The lowest format version that can hold these messages."""
    if any(m.versions for m in messages):
        return VERSIONS_VERSION
    return ATTACHMENTS_VERSION if any(m.attachments for m in messages) else 1


def needs_version(event: dict[str, Any]) -> int:
    """The format version a file must have before this event is appended to it."""
    message = event.get("message")
    if isinstance(message, dict) and message.get("versions"):
        return VERSIONS_VERSION
    return ATTACHMENTS_VERSION if isinstance(message, dict) and message.get("attachments") else 1


def message_event(message: Message, at: float | None = None, replaces: str | None = None) -> dict[str, Any]:
    """A message added at the end; with `replaces`, that message and all later ones are dropped first.
    One line, so a crash keeps either the old messages or the new one, never neither."""
    event: dict[str, Any] = {"type": "message", "at": time.time() if at is None else at,
                             "message": message.to_dict()}
    if replaces is not None:
        event["replaces"] = replaces
    return event


def truncate_event(message_id: str) -> dict[str, Any]:
    return {"type": "truncate_from", "at": time.time(), "message_id": message_id}


def rename_event(title: str) -> dict[str, Any]:
    return {"type": "rename", "at": time.time(), "title": title}


def pin_event(pinned: bool) -> dict[str, Any]:
    return {"type": "pin", "at": time.time(), "pinned": pinned}


def settings_event(settings: ChatSettings) -> dict[str, Any]:
    return {"type": "settings", "at": time.time(), "settings": settings.to_dict()}


@dataclass
class ChatLog:
    """What the store keeps in memory about one chat file: enough to append, truncate and list it
    without reading the file again. Message texts are not kept (load_chat reads them)."""

    path: Path
    chat_id: str
    version: int
    created_at: float
    updated_at: float
    title: str = ""
    pinned: bool = False
    settings: ChatSettings = field(default_factory=ChatSettings)
    message_ids: list[str] = field(default_factory=list)
    event_count: int = 0
    size: int = 0  # bytes of the file we have seen (the next append goes here)
    mtime_ns: int = 0
    file_id: tuple[int, int] | None = None  # (device, inode) of the file read: a compaction changes it

    @property
    def read_only(self) -> bool:
        return self.version > CHAT_VERSION

    def summary(self) -> ChatSummary:
        return ChatSummary(id=self.chat_id, title=self.title, created_at=self.created_at,
                           updated_at=self.updated_at, pinned=self.pinned,
                           message_count=len(self.message_ids), read_only=self.read_only)

    def has_message(self, message_id: str) -> bool:
        return message_id in self._id_set

    def dead_fraction(self) -> float:
        """Share of events that replay but no longer matter (truncated messages, old titles…)."""
        if not self.event_count:
            return 0.0
        live = len(self.message_ids) + 3  # + at most one rename, pin and settings event
        return max(0, self.event_count - live) / self.event_count

    def should_compact(self) -> bool:
        return (not self.read_only and self.size > COMPACT_MIN_BYTES
                and self.dead_fraction() > COMPACT_DEAD_FRACTION)

    def apply(self, event: dict[str, Any], messages: list[Message] | None = None) -> None:
        """Applies one event (validating it; raises BadLine). `messages` is kept in step when given."""
        kind = event.get("type")
        at = event.get("at")
        if type(at) is not float and (not isinstance(at, int | float) or isinstance(at, bool)):
            raise BadLine(f"has an event ({kind!r}) without a valid time")
        at = clamp_time(at)
        if kind == "message":
            try:
                message = Message.from_dict(event.get("message"))
            except StoreError as exc:
                raise BadLine(f"has a message that cannot be used: {exc}") from None
            if "replaces" in event:
                self._truncate(event.get("replaces"), messages)
            if message.id in self._id_set:
                raise BadLine(f"repeats the id of message {message.id}")
            self.message_ids.append(message.id)
            self._id_set.add(message.id)
            if messages is not None:
                messages.append(message)
            self.updated_at = max(self.updated_at, float(at))
        elif kind == "truncate_from":
            self._truncate(event.get("message_id"), messages)
            self.updated_at = max(self.updated_at, float(at))
        elif kind == "rename":
            if not isinstance(event.get("title"), str):
                raise BadLine("renames the chat to something that is not text")
            self.title = event["title"]
        elif kind == "pin":
            if not isinstance(event.get("pinned"), bool):
                raise BadLine("pins the chat with a value that is not true/false")
            self.pinned = event["pinned"]
        elif kind == "settings":
            try:
                self.settings = ChatSettings.from_dict(event.get("settings"))
            except StoreError as exc:
                raise BadLine(f"has settings that cannot be used: {exc}") from None
        else:
            raise BadLine(f"has an unknown event type {kind!r}")
        self.event_count += 1

    def _truncate(self, target: object, messages: list[Message] | None) -> None:
        if target not in self._id_set:
            raise BadLine(f"cuts the chat at a message that is not there ({target!r})")
        index = self.message_ids.index(str(target))
        for dropped in self.message_ids[index:]:
            self._id_set.discard(dropped)
        del self.message_ids[index:]
        if messages is not None:
            del messages[index:]

    def __post_init__(self) -> None:
        # The same ids as message_ids, for O(1) duplicate checks.
        self._id_set: set[str] = set(self.message_ids)


@dataclass
class ChatRead:
    """The result of reading one chat file."""

    log: ChatLog
    messages: list[Message]
    damage: list[str]  # one plain-words reason per unusable line in the middle of the file
    good_end: int  # bytes up to the end of the last usable line
    file_size: int
    torn_tail: bool  # the last line was cut off mid-write (a crash): bytes after good_end are junk
    unterminated: bool  # the last line is complete JSON but lacks its newline


def parse_header(data: bytes, chat_id: str) -> tuple[dict[str, Any], int]:
    """The header dict and where the events start; raises CorruptChatFile."""
    if not data:
        raise CorruptChatFile("the file is empty")
    if not data.strip(b"\0"):
        raise CorruptChatFile("the file holds only zero bytes (probably a power loss while it was written)")
    end = data.find(b"\n")
    if end < 0:
        raise CorruptChatFile("the first line (the header) is incomplete")
    try:
        header = parse_line(data[:end])
    except BadLine as exc:
        raise CorruptChatFile(f"the header {exc}") from None
    if header.get("format") != CHAT_FORMAT:
        raise CorruptChatFile("the header does not say it is a Desktop Chat chat file")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CorruptChatFile("the header has no valid format version")
    if version <= CHAT_VERSION:
        if "id" not in header:
            raise CorruptChatFile("the header has no chat id")
        if header["id"] != chat_id:
            raise CorruptChatFile(
                f"the chat id in the header ({header['id']!r}) does not match the file name")
    header["created_at"] = clamp_time(header.get("created_at"))
    return header, end + 1


def read_chat_file(path: Path, chat_id: str) -> ChatRead:
    """Reads and replays one chat file. Raises CorruptChatFile (unusable header) or OSError
    (ELOOP for a symlink: links are never followed)."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        data = f.read()
    read = replay(data, path, chat_id)
    read.log.file_id = file_id(st)
    read.log.mtime_ns = st.st_mtime_ns
    return read


def replay(data: bytes, path: Path, chat_id: str) -> ChatRead:
    header, pos = parse_header(data, chat_id)
    created = float(header["created_at"])
    log = ChatLog(path=path, chat_id=chat_id, version=header["version"], created_at=created,
                  updated_at=created)
    messages: list[Message] = []
    damage: list[str] = []
    good_end = pos
    torn = unterminated = False
    for line_no, _start, end, raw in iter_lines(data, pos):
        terminated = end < len(data) or data.endswith(b"\n")
        if not raw or raw.isspace():  # blank lines are harmless (isspace: no copy of every line, as strip made)
            good_end = end
            continue
        try:
            log.apply(parse_line(raw), messages)
        except BadLine as exc:
            if not terminated:
                torn = True  # a write cut off by a crash: never acknowledged, safe to drop
                break
            if not log.read_only:  # a newer version may write events we do not know: not damage
                damage.append(f"line {line_no} {exc}")
        else:
            unterminated = not terminated
        good_end = end
    log.size = len(data)
    return ChatRead(log=log, messages=messages, damage=damage, good_end=good_end,
                    file_size=len(data), torn_tail=torn, unterminated=unterminated)


def iter_lines(data: bytes, pos: int, first_line_no: int = 2) -> Iterator[tuple[int, int, int, bytes]]:
    """(line number, start, end, raw line) from `pos`; `end` is past the newline. Splits on b"\\n"
    only: str.splitlines would also split on U+2028 and other characters that are valid in JSON."""
    line_no = first_line_no
    while pos < len(data):
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        yield line_no, pos, end, data[pos:nl if nl >= 0 else len(data)]
        pos = end
        line_no += 1


def chat_file_bytes(chat_id: str, created_at: float, title: str, pinned: bool, settings: ChatSettings,
                    messages: list[Message], event_time: float | None = None) -> bytes:
    """A whole chat file holding only live events: used for new chats, compaction and repair.

    Event times (which give the chat's updated_at) are `event_time` for a new chat, or, when
    rewriting an existing one, the messages' own times.
    """
    parts = [header_line(chat_id, created_at, version_for(messages))]
    meta_time = created_at if event_time is None else event_time
    if title:
        parts.append(encode_line({**rename_event(title), "at": meta_time}))
    if pinned:
        parts.append(encode_line({**pin_event(True), "at": meta_time}))
    if settings != ChatSettings():
        parts.append(encode_line({**settings_event(settings), "at": meta_time}))
    for message in messages:
        at = message.created_at if event_time is None else event_time
        parts.append(encode_line(message_event(message, at=at)))
    return b"".join(parts)
