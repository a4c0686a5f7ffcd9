"""Upgrades of chat files written by older versions of the app.

Version 0 is the prototype's format: one JSON document per chat in `chats/<id>.json`, rewritten
whole on every message (see docs/store-format.md). Version 1 is the JSON Lines event log. Version 2 is
the same log whose messages may carry `attachments`; a version-1 file is upgraded (`upgrade_to_v2`)
the first time a message with attachments is added to it: only its header line changes. Version 3 adds
answer versions (`versions` in messages); a file is upgraded the same way (`upgrade_to`) when it first
holds one.
A migration backs the old file up first (into `migrations/`), then writes the new file atomically,
then removes the old one; a crash at any step leaves a state the next open finishes.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.chatfile import ATTACHMENTS_VERSION, chat_file_bytes, header_line, parse_header
from desktop_chat.store.errors import StoreError
from desktop_chat.store.model import ChatSettings, Message, clamp_time, is_valid_id, new_id

LEGACY_SUFFIX = ".json"


def _number(value: Any, default: float) -> float:
    return clamp_time(value, default)


def convert_v0(data: bytes, chat_id: str) -> bytes:
    """The v1 chat file for a v0 document; raises StoreError("corrupt") when it cannot be read."""
    try:
        doc = safe_json.loads(data)
    except ValueError as exc:
        raise StoreError("corrupt", f"the old-format chat file is not usable JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise StoreError("corrupt", "the old-format chat file has no list of messages")
    if doc.get("id", chat_id) != chat_id:
        raise StoreError("corrupt", "the chat id in the old-format file does not match its name")
    created = _number(doc.get("created_at"), clamp_time(time.time()))
    messages: list[Message] = []
    seen: set[str] = set()
    for number, item in enumerate(doc["messages"], 1):
        if not isinstance(item, dict):
            raise StoreError("corrupt", f"message {number} of the old-format file is not an object")
        text = item.get("content", item.get("text"))
        role = item.get("role")
        if role == "system":  # v0 kept the system prompt as a first message
            doc.setdefault("system_prompt", text if isinstance(text, str) else "")
            continue
        message_id = item.get("id")
        if not is_valid_id(message_id) or message_id in seen:
            message_id = new_id()
        seen.add(str(message_id))
        try:
            message = Message.from_dict({
                "id": message_id, "role": role, "text": text,
                "created_at": _number(item.get("timestamp", item.get("created_at")), created),
                "status": item.get("status", "final"), "model": item.get("model", "")})
        except StoreError as exc:
            raise StoreError("corrupt", f"message {number} of the old-format file: {exc}") from None
        messages.append(message)
    prompt, model, title = (doc.get(key) for key in ("system_prompt", "model", "title"))
    settings = ChatSettings(system_prompt=prompt if isinstance(prompt, str) else "",
                            model=model if isinstance(model, str) else "")
    title = title if isinstance(title, str) else ""
    return chat_file_bytes(chat_id, created, title, doc.get("pinned") is True, settings, messages)


def legacy_chat_files(chats_dir: Path) -> list[Path]:
    # One scan with a suffix test: a glob builds a Path per file (10 ms with 10,000 chats, at every start).
    try:
        with os.scandir(chats_dir) as entries:
            names = [e.name for e in entries if e.name.endswith(LEGACY_SUFFIX)
                     and (e.is_file() or e.is_symlink())]
    except OSError:
        return []
    return sorted(chats_dir / name for name in names)


def upgrade_to_v2(data: bytes, chat_id: str) -> bytes:
    """A version-1 chat file's bytes with a version-2 header; every event line stays as it was."""
    return upgrade_to(data, chat_id, ATTACHMENTS_VERSION)


def upgrade_to(data: bytes, chat_id: str, version: int) -> bytes:
    """A chat file's bytes with a header of `version` (if lower); every event line stays as it was."""
    header, start = parse_header(data, chat_id)
    if header["version"] >= version:
        return data
    return header_line(chat_id, header["created_at"], version) + data[start:]
