"""The start-up index: one summary per chat, so the chat list appears without reading every chat.

It is derived data. Each entry remembers the chat file's size and mtime; at open the store stats the
chat files (cheap) and re-reads only those that differ. A missing, unreadable or foreign index is
simply rebuilt. The file name carries the version, so an older and a newer app never fight over it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_chat.store.fileio import atomic_write, json_bytes
from desktop_chat.store.model import ChatSummary, is_valid_id

INDEX_FORMAT = "desktop-chat/index"
INDEX_VERSION = 1
INDEX_NAME = f"index.v{INDEX_VERSION}.json"


@dataclass(frozen=True)
class IndexEntry:
    summary: ChatSummary
    size: int
    mtime_ns: int


def load_index(path: Path) -> dict[str, IndexEntry] | None:
    """The entries, or None when the file is missing or cannot be trusted (then rebuild)."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if (not isinstance(doc, dict) or doc.get("format") != INDEX_FORMAT
            or doc.get("version") != INDEX_VERSION or not isinstance(doc.get("chats"), dict)):
        return None
    entries: dict[str, IndexEntry] = {}
    try:
        for chat_id, item in doc["chats"].items():
            if not is_valid_id(chat_id):
                return None
            summary = ChatSummary(
                id=chat_id, title=str(item["title"]), created_at=float(item["created_at"]),
                updated_at=float(item["updated_at"]), pinned=bool(item["pinned"]),
                message_count=int(item["message_count"]), read_only=bool(item["read_only"]))
            entries[chat_id] = IndexEntry(summary, int(item["size"]), int(item["mtime_ns"]))
    except (KeyError, TypeError, ValueError):
        return None
    return entries


def save_index(path: Path, entries: dict[str, IndexEntry]) -> None:
    chats: dict[str, Any] = {}
    for chat_id, entry in entries.items():
        item = asdict(entry.summary)
        del item["id"]
        chats[chat_id] = {**item, "size": entry.size, "mtime_ns": entry.mtime_ns}
    doc = {"format": INDEX_FORMAT, "version": INDEX_VERSION, "chats": chats}
    # Not fsynced: if a crash loses it, the next open rebuilds it from the chat files.
    atomic_write(path, json_bytes(doc, indent=1), durable=False)
