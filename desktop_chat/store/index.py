"""The start-up index: one summary per chat, so the chat list appears without reading every chat.

It is derived data. Each entry remembers the chat file's size and mtime; at open the store stats the
chat files (cheap) and re-reads only those that differ. A missing, unreadable or foreign index is
simply rebuilt. The file name carries the version, so an older and a newer app never fight over it.

Beside it, the head (`index-head.v1.json`) holds the first HEAD_SIZE summaries in the chat list's
order (pinned, then most recently active) and the number of chats. It is written with the index and
is just as derived: with thousands of chats the window paints the head at once and the full index
is read in the background (see ChatCatalog.open_head). A missing, damaged or stale head only costs
that speed: the store then reads the full index before returning from open().
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
HEAD_FORMAT = "desktop-chat/index-head"
HEAD_VERSION = 1
HEAD_NAME = f"index-head.v{HEAD_VERSION}.json"
# Summaries in the head: a tall first screen of the list (about 25 rows) with room to spare.
HEAD_SIZE = 100


@dataclass(frozen=True)
class IndexEntry:
    summary: ChatSummary
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class IndexHead:
    entries: list[IndexEntry]  # in the list's order
    total: int  # chats in the full index when the head was written


def list_order(summary: ChatSummary) -> tuple[bool, float, str]:
    """The chat list's order: pinned first, then the most recently active."""
    return (not summary.pinned, -summary.updated_at, summary.id)


def _entry(chat_id: object, item: object) -> IndexEntry | None:
    """One checked entry, or None when any value is wrong (then the whole file is not trusted)."""
    if not is_valid_id(chat_id) or not isinstance(item, dict):
        return None
    try:
        if not isinstance(item["title"], str):
            return None
        counts = (item["message_count"], item["size"], item["mtime_ns"])
        flags = (item["pinned"], item["read_only"])
        if not all(is_count(v) for v in counts) or not all(isinstance(v, bool) for v in flags):
            return None
        times = (item["created_at"], item["updated_at"])
        if any(clamp_time(v, -1.0) != v for v in times):
            return None
        summary = ChatSummary(
            id=str(chat_id), title=item["title"], created_at=float(item["created_at"]),
            updated_at=float(item["updated_at"]), pinned=item["pinned"],
            message_count=item["message_count"], read_only=item["read_only"])
    except (KeyError, TypeError, ValueError):
        return None
    return IndexEntry(summary, item["size"], item["mtime_ns"])


def _item(entry: IndexEntry) -> dict[str, Any]:
    item = asdict(entry.summary)
    del item["id"]
    return {**item, "size": entry.size, "mtime_ns": entry.mtime_ns}


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
    for chat_id, item in doc["chats"].items():
        entry = _entry(chat_id, item)
        if entry is None:
            return None
        entries[chat_id] = entry
    return entries


def save_index(path: Path, entries: dict[str, IndexEntry]) -> None:
    chats = {chat_id: _item(entry) for chat_id, entry in entries.items()}
    doc = {"format": INDEX_FORMAT, "version": INDEX_VERSION, "chats": chats}
    # Not fsynced: if a crash loses it, the next open rebuilds it from the chat files.
    atomic_write(path, json_bytes(doc, indent=1), durable=False)


def load_head(path: Path) -> IndexHead | None:
    """The head, or None when it is missing or cannot be trusted (then the full index is read)."""
    try:
        doc = safe_json.loads(read_nofollow(path))
    except (OSError, ValueError):
        return None
    if (not isinstance(doc, dict) or doc.get("format") != HEAD_FORMAT or doc.get("version") != HEAD_VERSION
            or not isinstance(doc.get("chats"), list) or not is_count(doc.get("total"))):
        return None
    entries: list[IndexEntry] = []
    seen: set[str] = set()
    for item in doc["chats"]:
        entry = _entry(item.get("id") if isinstance(item, dict) else None, item)
        if entry is None or entry.summary.id in seen:
            return None
        seen.add(entry.summary.id)
        entries.append(entry)
    if len(entries) > doc["total"]:
        return None
    return IndexHead(entries, doc["total"])


def save_head(path: Path, entries: dict[str, IndexEntry]) -> None:
    first = sorted(entries.values(), key=lambda e: list_order(e.summary))[:HEAD_SIZE]
    doc = {"format": HEAD_FORMAT, "version": HEAD_VERSION, "total": len(entries),
           "chats": [{"id": e.summary.id, **_item(e)} for e in first]}
    atomic_write(path, json_bytes(doc, indent=1), durable=False)
