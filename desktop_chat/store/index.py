"""The start-up index: one summary per chat, so the chat list appears without reading every chat.

It is derived data. Each entry remembers the chat file's size and mtime; at open the store stats the
chat files (cheap) and re-reads only those that differ. A missing, unreadable or foreign index is
simply rebuilt. The file name carries the version, so an older and a newer app never fight over it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.fileio import atomic_write, json_bytes, read_nofollow
from desktop_chat.store.model import ChatSummary, clamp_time, is_count, is_valid_id

INDEX_FORMAT = "desktop-chat/index"
INDEX_VERSION = 1
INDEX_NAME = f"index.v{INDEX_VERSION}.json"


@dataclass(frozen=True)
class IndexEntry:
    summary: ChatSummary
    size: int
    mtime_ns: int


def load_index(path: Path) -> dict[str, IndexEntry] | None:
    """The entries, or None when the file is missing or cannot be trusted (then rebuild).
    Every value is checked: the file is input like any other (a crafted one must not stop a start)."""
    try:
        doc = safe_json.loads(read_nofollow(path))
    except (OSError, ValueError):
        return None
    if (not isinstance(doc, dict) or doc.get("format") != INDEX_FORMAT
            or doc.get("version") != INDEX_VERSION or not isinstance(doc.get("chats"), dict)):
        return None
    entries: dict[str, IndexEntry] = {}
    try:
        for chat_id, item in doc["chats"].items():
            if not is_valid_id(chat_id):
                return None
            if not isinstance(item, dict) or not isinstance(item["title"], str):
                return None
            counts = (item["message_count"], item["size"], item["mtime_ns"])
            flags = (item["pinned"], item["read_only"])
            if not all(is_count(v) for v in counts) or not all(isinstance(v, bool) for v in flags):
                return None
            times = (item["created_at"], item["updated_at"])
            if any(clamp_time(v, -1.0) != v for v in times):
                return None
            summary = ChatSummary(
                id=chat_id, title=item["title"], created_at=float(item["created_at"]),
                updated_at=float(item["updated_at"]), pinned=item["pinned"],
                message_count=item["message_count"], read_only=item["read_only"])
            entries[chat_id] = IndexEntry(summary, item["size"], item["mtime_ns"])
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
