"""Format versions: files from a newer app open read-only and are never rewritten; old (v0)
files are upgraded after a backup copy is made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_chat.store import ChatSettings, Message, StoreError
from tests.store.helpers import add_turns, chat_path, open_store

NEWER_ID = "f" * 32


def newer_chat_file() -> bytes:
    lines = [
        {"format": "desktop-chat/chat", "version": 4, "id": NEWER_ID, "created_at": 10.0, "new_field": [1]},
        {"type": "rename", "at": 11.0, "title": "Из будущего"},
        {"type": "message", "at": 12.0, "message": {"id": "m1", "role": "user", "text": "привет",
                                                    "created_at": 12.0, "stickers": ["x.png"]}},
        {"type": "reaction", "at": 13.0, "message_id": "m1", "emoji": "👍"},  # unknown to v1
        {"type": "message", "at": 14.0, "message": {"id": "m2", "role": "assistant", "text": "здравствуйте",
                                                    "created_at": 14.0}},
    ]
    return b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in lines) + b"{torn"


def test_a_newer_chat_file_opens_read_only_and_is_never_rewritten(data_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.store.chatfile as chatfile

    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 10)  # it would be compacted if it were ours
    store = open_store(data_dir)
    store.close()
    original = newer_chat_file()
    path = chat_path(data_dir, NEWER_ID)
    path.write_bytes(original)
    store = open_store(data_dir)
    assert store.report.read_only == [NEWER_ID]
    assert store.report.quarantined == [] and store.report.repaired == []
    summary = store.list_chats()[0]
    assert summary.read_only and summary.title == "Из будущего" and summary.message_count == 2
    chat = store.load_chat(NEWER_ID)
    assert [m.text for m in chat.messages] == ["привет", "здравствуйте"]
    assert [h.message_id for h in store.search("привет")] == ["m1"]
    for change in (lambda: store.append_message(NEWER_ID, Message.new("user", "x")),
                   lambda: store.rename_chat(NEWER_ID, "x"), lambda: store.set_pinned(NEWER_ID, True),
                   lambda: store.set_chat_settings(NEWER_ID, ChatSettings(model="x")),
                   lambda: store.truncate_from(NEWER_ID, "m1"),
                   lambda: store.append_message(NEWER_ID, Message.new("assistant", "x"), replaces="m2"),
                   lambda: store.switch_version(NEWER_ID, "m2", 0),
                   lambda: store.delete_messages(NEWER_ID, ["m2"])):
        with pytest.raises(StoreError) as err:
            change()
        assert err.value.kind == "read_only"
        assert "newer version" in str(err.value)
    store.close()
    assert path.read_bytes() == original  # not compacted, not repaired, torn tail not cut
    # it can still be exported, duplicated (as a v1 chat) and deleted
    store = open_store(data_dir)
    copy = store.duplicate_chat(NEWER_ID)
    assert not copy.read_only and copy.message_count == 2
    store.close()


def legacy_doc(chat_id: str) -> dict[str, object]:
    return {"id": chat_id, "title": "Старый чат", "created_at": 100.0, "pinned": True, "model": "yandexgpt",
            "messages": [{"role": "system", "content": "Ты помощник"},
                         {"role": "user", "content": "Привет", "timestamp": 101.0},
                         {"role": "assistant", "content": "Здравствуйте!", "timestamp": 102.0}]}


def test_v0_chat_is_migrated_after_a_backup(data_dir: Path) -> None:
    chat_id = "0123456789abcdef0123456789abcdef"
    (data_dir / "chats").mkdir(parents=True)
    old = data_dir / "chats" / f"{chat_id}.json"
    old_bytes = json.dumps(legacy_doc(chat_id), ensure_ascii=False).encode()
    old.write_bytes(old_bytes)
    store = open_store(data_dir)
    assert store.report.migrated == [chat_id]
    assert not old.exists()
    backups = list((data_dir / "migrations").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == old_bytes
    chat = store.load_chat(chat_id)
    assert chat.summary.title == "Старый чат" and chat.summary.pinned
    assert chat.settings == ChatSettings(system_prompt="Ты помощник", model="yandexgpt")
    assert [(m.role, m.text, m.created_at) for m in chat.messages] == [
        ("user", "Привет", 101.0), ("assistant", "Здравствуйте!", 102.0)]
    assert json.loads(chat_path(data_dir, chat_id).read_text("utf-8").splitlines()[0])["version"] == 1
    store.append_message(chat_id, Message.new("user", "new"))
    store.close()
    again = open_store(data_dir)
    assert again.report.migrated == [] and len(again.load_chat(chat_id).messages) == 3
    again.close()


def test_migration_interrupted_after_writing_the_new_file_finishes(data_dir: Path) -> None:
    """A crash between writing the new file and removing the old: the next open removes the old one
    (its backup was made before anything else) and keeps the new one."""
    chat_id = "1123456789abcdef0123456789abcdef"
    store = open_store(data_dir)
    store.close()
    old = data_dir / "chats" / f"{chat_id}.json"
    old.write_text(json.dumps(legacy_doc(chat_id)), "utf-8")
    store = open_store(data_dir)
    store.close()
    old.write_text(json.dumps(legacy_doc(chat_id)), "utf-8")  # as if never removed
    store = open_store(data_dir)
    assert not old.exists() and store.report.migrated == []
    assert len(store.load_chat(chat_id).messages) == 2
    store.close()


def test_unreadable_v0_file_is_quarantined(data_dir: Path) -> None:
    (data_dir / "chats").mkdir(parents=True)
    (data_dir / "chats" / ("2" * 32 + ".json")).write_text('{"id": "x", "messages": 5}', "utf-8")
    store = open_store(data_dir)
    assert store.report.migrated == [] and "messages" in store.report.quarantined[0][1]
    assert store.list_chats() == []
    store.close()


def test_every_file_carries_a_version(store_dir_with_everything: Path) -> None:
    d = store_dir_with_everything
    chat_file = next((d / "chats").glob("*.jsonl"))
    assert json.loads(chat_file.read_text("utf-8").splitlines()[0])["version"] == 1
    for name, fmt in (("index.v1.json", "desktop-chat/index"), ("drafts.json", "desktop-chat/drafts")):
        doc = json.loads((d / name).read_text("utf-8"))
        assert (doc["format"], doc["version"]) == (fmt, 1)
    import sqlite3

    with sqlite3.connect(d / "search.v1.sqlite3") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("1",)


@pytest.fixture
def store_dir_with_everything(data_dir: Path) -> Path:
    store = open_store(data_dir)
    chat = store.create_chat("t")
    add_turns(store, chat.id, 2)
    store.set_draft(chat.id, "d")
    store.close()
    return data_dir
