"""Helpers shared by the store tests."""

from __future__ import annotations

from pathlib import Path

from desktop_chat.store import ChatStore, Message


def open_store(data_dir: Path, **kw: object) -> ChatStore:
    """A store as tests want it: no background threads, so results are deterministic."""
    kw.setdefault("auto_backup", False)
    kw.setdefault("search_in_background", False)
    store = ChatStore(data_dir, **kw)  # type: ignore[arg-type]
    store.open()
    return store


def add_turns(store: ChatStore, chat_id: str, count: int, prefix: str = "msg") -> list[Message]:
    """Appends `count` alternating user/assistant messages; returns them."""
    added = []
    for i in range(count):
        m = Message.new("user" if i % 2 == 0 else "assistant", f"{prefix} {i}")
        store.append_message(chat_id, m)
        added.append(m)
    return added


def chat_path(data_dir: Path, chat_id: str) -> Path:
    return data_dir / "chats" / f"{chat_id}.jsonl"
