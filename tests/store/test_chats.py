"""The everyday operations: create, append, load, list, rename, pin, settings, regenerate,
edit-and-resend, duplicate, delete/restore, drafts, and the errors they raise."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from desktop_chat.store import ChatSettings, ChatStore, Message, StoreError
from tests.store.helpers import add_turns, chat_path, open_store


def test_create_append_load_round_trip(store: ChatStore) -> None:
    chat = store.create_chat("Первый чат", ChatSettings(system_prompt="Будь краток", model="yandexgpt",
                                                        temperature=0.5, max_tokens=100))
    user = Message.new("user", "Привет!\nКак дела? 👋")
    reply = Message.new("assistant", "Хорошо", status="truncated", usage={"input": 3, "completion": 2, "total": 5},
                        model_version="23.10.2024", model="yandexgpt")
    store.append_message(chat.id, user)
    store.append_message(chat.id, reply)
    loaded = store.load_chat(chat.id)
    assert loaded.messages == [user, reply]
    assert loaded.settings == ChatSettings("Будь краток", "yandexgpt", 0.5, 100)
    assert loaded.summary.title == "Первый чат"
    assert loaded.summary.message_count == 2
    assert not loaded.summary.read_only
    # and the same after reopening
    store.close()
    again = open_store(store.data_dir)
    assert again.load_chat(chat.id).messages == [user, reply]
    again.close()


def test_list_chats_pinned_first_then_newest(store: ChatStore) -> None:
    a = store.create_chat("a")
    b = store.create_chat("b")
    c = store.create_chat("c")
    add_turns(store, a.id, 1)  # a is now the most recently active
    assert [s.id for s in store.list_chats()][:1] == [a.id]
    store.set_pinned(c.id, True)
    order = [s.id for s in store.list_chats()]
    assert order[0] == c.id and order[1] == a.id and b.id in order
    assert store.list_chats()[0].pinned


def test_rename_pin_settings_survive_reopen(store: ChatStore, data_dir: Path) -> None:
    chat = store.create_chat()
    store.rename_chat(chat.id, "Новое имя")
    store.set_pinned(chat.id, True)
    store.set_chat_settings(chat.id, ChatSettings(system_prompt="sys", temperature=0.1))
    store.close()
    s2 = open_store(data_dir)
    summary = s2.list_chats()[0]
    assert (summary.title, summary.pinned) == ("Новое имя", True)
    assert s2.load_chat(chat.id).settings == ChatSettings(system_prompt="sys", temperature=0.1)
    s2.close()


def test_regenerate_and_edit_and_resend(store: ChatStore) -> None:
    chat = store.create_chat()
    u1, a1, u2, a2 = add_turns(store, chat.id, 4)
    # regenerate: drop the last reply, append a new one
    store.truncate_from(chat.id, a2.id)
    a2b = Message.new("assistant", "another reply")
    store.append_message(chat.id, a2b)
    assert [m.id for m in store.load_chat(chat.id).messages] == [u1.id, a1.id, u2.id, a2b.id]
    # edit-and-resend: drop the user's message and everything after, append the edited one
    store.truncate_from(chat.id, u2.id)
    u2b = Message.new("user", "edited question")
    store.append_message(chat.id, u2b)
    loaded = store.load_chat(chat.id)
    assert [m.text for m in loaded.messages] == ["msg 0", "msg 1", "edited question"]
    assert loaded.summary.message_count == 3
    # the truncated message id may come back (e.g. a retried append)
    store.append_message(chat.id, a2)
    with pytest.raises(StoreError) as err:
        store.truncate_from(chat.id, "nope")
    assert err.value.kind == "not_found"


def test_duplicate_message_id_is_refused(store: ChatStore) -> None:
    chat = store.create_chat()
    m = Message.new("user", "x")
    store.append_message(chat.id, m)
    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, m)
    assert err.value.kind == "duplicate"


@pytest.mark.parametrize("bad", [
    Message(id="", role="user", text="x", created_at=1.0),
    Message(id="a/b", role="user", text="x", created_at=1.0),
    Message(id="ok", role="system", text="x", created_at=1.0),
    Message(id="ok", role="user", text=None, created_at=1.0),  # type: ignore[arg-type]
    Message(id="ok", role="user", text="x", created_at=float("nan")),
    Message(id="ok", role="user", text="x", created_at=1.0, usage={"a": "b"}),  # type: ignore[dict-item]
])
def test_invalid_messages_are_refused(store: ChatStore, bad: Message) -> None:
    chat = store.create_chat()
    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, bad)
    assert err.value.kind == "invalid"
    assert store.load_chat(chat.id).messages == []


def test_errors_for_unknown_chat_and_closed_store(store: ChatStore, data_dir: Path) -> None:
    for call in (lambda: store.load_chat("missing"), lambda: store.append_message("missing", Message.new("user", "x")),
                 lambda: store.rename_chat("missing", "t"), lambda: store.delete_chat("missing")):
        with pytest.raises(StoreError) as err:
            call()
        assert err.value.kind == "not_found"
        assert str(err.value)
    closed = ChatStore(data_dir)
    with pytest.raises(StoreError) as err:
        closed.list_chats()
    assert err.value.kind == "not_open"


def test_duplicate_chat(store: ChatStore) -> None:
    chat = store.create_chat("Orig", ChatSettings(system_prompt="p"))
    msgs = add_turns(store, chat.id, 3)
    copy = store.duplicate_chat(chat.id)
    assert copy.id != chat.id and copy.title == "Orig" and copy.message_count == 3
    loaded = store.load_chat(copy.id)
    assert loaded.messages == msgs and loaded.settings.system_prompt == "p"
    named = store.duplicate_chat(chat.id, title="Копия")
    assert named.title == "Копия"
    # the copy is independent
    store.truncate_from(copy.id, msgs[0].id)
    assert len(store.load_chat(chat.id).messages) == 3


def test_delete_and_restore(store: ChatStore, data_dir: Path) -> None:
    chat = store.create_chat("Удалить меня")
    msgs = add_turns(store, chat.id, 2, prefix="уникальное")
    store.delete_chat(chat.id)
    assert chat.id not in {s.id for s in store.list_chats()}
    assert not chat_path(data_dir, chat.id).exists()
    assert store.search("уникальное") == []
    with pytest.raises(StoreError):
        store.load_chat(chat.id)
    restored = store.restore_chat(chat.id)
    assert restored.title == "Удалить меня"
    assert store.load_chat(chat.id).messages == msgs
    assert {h.message_id for h in store.search("уникальное")} == {m.id for m in msgs}
    with pytest.raises(StoreError) as err:
        store.restore_chat(chat.id)
    assert err.value.kind == "duplicate"


def test_restore_works_after_restart_and_trash_is_purged_after_30_days(data_dir: Path) -> None:
    store = open_store(data_dir)
    keep = store.create_chat("recent")
    old = store.create_chat("old")
    store.delete_chat(keep.id)
    store.delete_chat(old.id)
    store.set_draft(old.id, "draft of a purged chat")
    store.close()
    # pretend `old` was deleted 31 days ago
    trash = data_dir / "trash"
    old_file = next(trash.glob(f"{old.id}.*.jsonl"))
    old_file.rename(trash / f"{old.id}.{int(time.time() - 31 * 86400)}.jsonl")
    store = open_store(data_dir)
    assert not list(trash.glob(f"{old.id}.*"))
    assert store.get_draft(old.id) == ""
    assert store.restore_chat(keep.id).title == "recent"
    with pytest.raises(StoreError) as err:
        store.restore_chat(old.id)
    assert err.value.kind == "not_found"
    store.close()


def test_drafts(store: ChatStore, data_dir: Path) -> None:
    chat = store.create_chat()
    assert store.get_draft(chat.id) == ""
    store.set_draft(chat.id, "недописанное\nсообщение")
    store.set_draft("new-chat", "draft before the chat exists")
    assert store.get_draft(chat.id) == "недописанное\nсообщение"
    doc = json.loads((data_dir / "drafts.json").read_text("utf-8"))
    assert doc["format"] == "desktop-chat/drafts" and doc["version"] == 1
    store.close()
    s2 = open_store(data_dir)
    assert s2.get_draft(chat.id) == "недописанное\nсообщение"
    s2.set_draft(chat.id, "")
    assert s2.get_draft(chat.id) == ""
    assert chat.id not in json.loads((data_dir / "drafts.json").read_text("utf-8"))["drafts"]
    s2.close()


def test_drafts_from_a_newer_version_are_not_overwritten(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    original = json.dumps({"format": "desktop-chat/drafts", "version": 9, "drafts": {"c1": "keep"}, "x": 1})
    (data_dir / "drafts.json").write_text(original, "utf-8")
    store = open_store(data_dir)
    assert store.get_draft("c1") == "keep"
    store.set_draft("c1", "changed this session")
    assert store.get_draft("c1") == "changed this session"
    store.close()
    assert (data_dir / "drafts.json").read_text("utf-8") == original


def test_list_chats_does_not_read_chat_files(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(data_dir)
    ids = {store.create_chat(f"chat {i}").id for i in range(20)}
    store.close()
    import desktop_chat.store.recovery as recovery_module

    def no_reading(*a: object, **k: object) -> None:
        raise AssertionError("a chat file was read at open")

    monkeypatch.setattr(recovery_module, "read_chat_file", no_reading)
    s2 = open_store(data_dir)
    assert {s.id for s in s2.list_chats()} == ids
    s2.close()


def test_index_is_rebuilt_when_missing_broken_or_stale(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("t")
    add_turns(store, chat.id, 3)
    store.close()
    index = data_dir / "index.v1.json"
    assert json.loads(index.read_text("utf-8"))["chats"][chat.id]["message_count"] == 3
    # stale: the chat grew behind the index's back (a crash before the index was saved)
    line = chat_path(data_dir, chat.id).read_bytes().splitlines(keepends=True)[-1]
    with open(chat_path(data_dir, chat.id), "ab") as f:
        f.write(line.replace(b'"id":"', b'"id":"x', 1))
    store = open_store(data_dir)
    assert store.list_chats()[0].message_count == 4
    store.close()
    for broken in (b"", b"{not json", b'{"format":"desktop-chat/index","version":1,"chats":{"x":{}}}'):
        index.write_bytes(broken)
        store = open_store(data_dir)
        assert store.list_chats()[0].message_count == 4
        assert "rebuilt" in " ".join(store.report.notes)
        store.close()
    index.unlink()
    store = open_store(data_dir)
    assert store.list_chats()[0].message_count == 4
    store.close()


def test_append_does_not_reread_the_file(store: ChatStore, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = store.create_chat()
    add_turns(store, chat.id, 5)
    import desktop_chat.store.recovery as recovery_module

    def no_reading(*a: object, **k: object) -> None:
        raise AssertionError("append re-read the chat file")

    monkeypatch.setattr(recovery_module, "read_chat_file", no_reading)
    later = add_turns(store, chat.id, 5)
    store.truncate_from(chat.id, later[-1].id)
    store.rename_chat(chat.id, "renamed")
    assert store.list_chats()[0].message_count == 9


def test_a_file_changed_by_someone_else_is_reread_before_appending(store: ChatStore, data_dir: Path) -> None:
    chat = store.create_chat()
    add_turns(store, chat.id, 2)
    # another writer adds a message behind the store's back
    other = open_store(data_dir)
    foreign = Message.new("user", "from the other writer")
    other.append_message(chat.id, foreign)
    other.close()
    mine = Message.new("user", "mine")
    store.append_message(chat.id, mine)
    texts = [m.text for m in store.load_chat(chat.id).messages]
    assert texts[-2:] == ["from the other writer", "mine"]


def test_chat_files_are_plain_json_lines(store: ChatStore, data_dir: Path) -> None:
    chat = store.create_chat("Заголовок")
    add_turns(store, chat.id, 2)
    lines = chat_path(data_dir, chat.id).read_text("utf-8").splitlines()
    header = json.loads(lines[0])
    assert header == {"format": "desktop-chat/chat", "version": 1, "id": chat.id,
                      "created_at": header["created_at"]}
    assert [json.loads(x)["type"] for x in lines[1:]] == ["rename", "message", "message"]
    assert "Заголовок" in lines[1]  # readable UTF-8, not \\u escapes
    assert os.path.getsize(chat_path(data_dir, chat.id)) == len("\n".join(lines).encode()) + 1


def test_compaction_keeps_the_chat_exactly(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.store.chatfile as chatfile

    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 1000)
    store = open_store(data_dir)
    chat = store.create_chat("до", ChatSettings(system_prompt="p1"))
    kept = add_turns(store, chat.id, 3, prefix="живое сообщение")
    for i in range(20):  # regenerations and renames leave dead events behind
        reply = Message.new("assistant", "старый ответ " * 20)
        store.append_message(chat.id, reply)
        store.truncate_from(chat.id, reply.id)
        store.rename_chat(chat.id, f"имя {i}")
    store.set_pinned(chat.id, True)
    store.set_chat_settings(chat.id, ChatSettings(system_prompt="p2", model="yandexgpt", max_tokens=10))
    path = chat_path(data_dir, chat.id)
    size_before = path.stat().st_size
    before = store.load_chat(chat.id)  # reading a mostly dead file compacts it
    store.close()
    store = open_store(data_dir)
    after = store.load_chat(chat.id)
    assert path.stat().st_size < size_before / 3
    assert after.messages == kept == before.messages
    assert after.settings == before.settings == ChatSettings(system_prompt="p2", model="yandexgpt", max_tokens=10)
    assert (after.summary.title, after.summary.pinned, after.summary.message_count) == ("имя 19", True, 3)
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == 1 + 3 + 3  # header, rename + pin + settings, three messages
    store.append_message(chat.id, Message.new("user", "после сжатия"))
    assert len(store.load_chat(chat.id).messages) == 4
    store.close()


def test_append_replacing_drops_the_old_tail_in_one_write(tmp_path) -> None:
    from desktop_chat.store import ChatStore, Message, StoreError

    store = ChatStore(tmp_path)
    store.open()
    chat = store.create_chat("replace")
    question, old_reply = Message.new("user", "q"), Message.new("assistant", "old")
    store.append_message(chat.id, question)
    store.append_message(chat.id, old_reply)
    size = (tmp_path / "chats" / f"{chat.id}.jsonl").stat().st_size
    new_reply = Message.new("assistant", "new")
    store.append_message(chat.id, new_reply, replaces=old_reply.id)
    assert [m.text for m in store.load_chat(chat.id).messages] == ["q", "new"]
    # One line was added: the replacement and the cut cannot be separated by a crash.
    added = (tmp_path / "chats" / f"{chat.id}.jsonl").read_bytes()[size:]
    assert added.count(b"\n") == 1
    import pytest

    with pytest.raises(StoreError):
        store.append_message(chat.id, Message.new("assistant", "x"), replaces=old_reply.id)
    store.close()
    again = ChatStore(tmp_path)
    again.open()
    assert [m.text for m in again.load_chat(chat.id).messages] == ["q", "new"]
    again.close()


def test_a_failed_draft_save_is_not_remembered_as_saved(tmp_path, monkeypatch) -> None:
    from desktop_chat.store import ChatStore, StoreError
    from desktop_chat.store import drafts as drafts_module

    store = ChatStore(tmp_path)
    store.open()

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts_module, "atomic_write", disk_full)
    import pytest

    with pytest.raises(StoreError):
        store.set_draft("new", "important draft")
    assert store.get_draft("new") == ""  # so the app tries again
    monkeypatch.undo()
    store.set_draft("new", "important draft")
    store.close()
    again = ChatStore(tmp_path)
    again.open()
    assert again.get_draft("new") == "important draft"
    again.close()
