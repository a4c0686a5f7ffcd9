"""Answer versions and deleting messages in the store: kept, switched, reopened, upgraded, exported,
searched; deleted and put back. (Format versions of files are in test_versions.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore, Message, StoreError
from tests.store.helpers import add_turns, chat_path, open_store


def texts(versions: list[list[Message]]) -> list[list[str]]:
    return [[m.text for m in v] for v in versions]


def regenerated(store: ChatStore, chat_id: str, *answers: str) -> Message:
    """The last reply replaced by each of `answers` in turn (as regenerate does); returns the last stored."""
    reply = store.load_chat(chat_id).messages[-1]
    for answer in answers:
        reply = store.append_message(chat_id, Message.new("assistant", answer), replaces=reply.id)
    return reply


def test_replaced_replies_are_kept_as_versions_and_survive_reopening(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("v")
    add_turns(store, chat.id, 2, "первый")
    before = chat_path(data_dir, chat.id).read_bytes()
    reply = regenerated(store, chat.id, "второй", "третий")
    assert reply.text == "третий" and reply.version == 2 and texts(reply.versions) == [["первый 1"], ["второй"]]
    header = json.loads(chat_path(data_dir, chat.id).read_bytes().splitlines()[0])
    assert header["version"] == 3  # the first version upgraded the file, after a backup of it as it was
    [backup] = (data_dir / "migrations").iterdir()
    assert backup.name.startswith(f"{chat.id}.jsonl.v1.") and backup.read_bytes() == before
    assert chat.id in store.report.migrated
    store.close()

    store = open_store(data_dir)
    [_question, shown] = store.load_chat(chat.id).messages
    assert shown.text == "третий" and texts(shown.versions) == [["первый 1"], ["второй"]]
    assert store.get_chat_summary(chat.id).message_count == 2
    updated = store.get_chat_summary(chat.id).updated_at
    store.switch_version(chat.id, shown.id, 0)
    assert store.get_chat_summary(chat.id).updated_at == updated  # it keeps its place in the chat list
    store.close()

    store = open_store(data_dir)  # the switch was saved, in a file that still says it holds versions
    assert json.loads(chat_path(data_dir, chat.id).read_bytes().splitlines()[0])["version"] == 3
    shown = store.load_chat(chat.id).messages[-1]
    assert shown.text == "первый 1" and shown.version == 0 and texts(shown.versions) == [["второй"], ["третий"]]
    # Regenerating while an older version is on screen adds the newest; none is lost.
    newest = regenerated(store, chat.id, "четвёртый")
    assert newest.version == 3 and texts(newest.versions) == [["первый 1"], ["второй"], ["третий"]]
    with pytest.raises(StoreError):
        store.switch_version(chat.id, newest.id, 4)
    store.close()


def test_an_edit_keeps_the_old_question_with_everything_after_it(store: ChatStore) -> None:
    chat = store.create_chat()
    first, *_rest = add_turns(store, chat.id, 4, "старое")
    edited = store.append_message(chat.id, Message.new("user", "новое"), replaces=first.id)
    assert texts(edited.versions) == [["старое 0", "старое 1", "старое 2", "старое 3"]] and edited.version == 1
    store.append_message(chat.id, Message.new("assistant", "новый ответ"))
    back = store.switch_version(chat.id, edited.id, 0)
    assert [m.text for m in back] == ["старое 0", "старое 1", "старое 2", "старое 3"]
    assert texts(back[0].versions) == [["новое", "новый ответ"]]
    assert [m.text for m in store.load_chat(chat.id).messages] == [m.text for m in back]
    assert store.get_chat_summary(chat.id).message_count == 4


def test_a_failed_reply_without_text_is_not_kept_as_a_version(store: ChatStore) -> None:
    chat = store.create_chat()
    add_turns(store, chat.id, 1)
    failed = store.append_message(chat.id, Message.new("assistant", "", status="error", error="server"))
    retried = store.append_message(chat.id, Message.new("assistant", "получилось"), replaces=failed.id)
    assert retried.versions == []
    header = json.loads(chat_path(store.data_dir, chat.id).read_bytes().splitlines()[0])
    assert header["version"] == 1  # nothing a version-1 app could not read and write


def test_search_finds_the_version_on_screen(store: ChatStore) -> None:
    chat = store.create_chat()
    add_turns(store, chat.id, 2, "лисица")
    reply = regenerated(store, chat.id, "барсук")
    assert [h.message_id for h in store.search("барсук")] == [reply.id]
    assert [h.message_id for h in store.search("лисица") if h.message_id] == [store.load_chat(chat.id).messages[0].id]
    shown = store.switch_version(chat.id, reply.id, 0)
    assert [h.message_id for h in store.search("лисица") if h.message_id] == [m.id for m in shown][::-1]
    assert store.search("барсук") == []


def test_versions_are_exported_and_imported_back(store: ChatStore) -> None:
    chat = store.create_chat("экспорт")
    add_turns(store, chat.id, 2, "вопрос")
    regenerated(store, chat.id, "другой ответ")
    exported = json.loads(store.export_json(chat.id))
    assert exported["version"] == 3
    assert texts([[Message.from_dict(m) for m in v] for v in exported["chat"]["messages"][1]["versions"]]) == [
        ["вопрос 1"]]
    copy = store.import_json(store.export_json(chat.id))
    assert json.loads(chat_path(store.data_dir, copy.id).read_bytes().splitlines()[0])["version"] == 3
    reply = store.load_chat(copy.id).messages[-1]
    assert reply.text == "другой ответ" and texts(reply.versions) == [["вопрос 1"]] and reply.version == 1
    markdown = store.export_markdown(chat.id)
    assert "version 2 of 2" in markdown and "> **Version 1 of 2 (not shown in the chat)**" in markdown
    assert "> вопрос 1" in markdown
    page = store.export_html(chat.id, "ru")
    assert "вариант 2 из 2" in page and '<details class="version"><summary>Вариант 1 из 2' in page


def test_an_app_that_knows_only_version_2_opens_a_chat_with_versions_read_only(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    add_turns(store, chat.id, 2)
    regenerated(store, chat.id, "новый")
    store.close()
    data = chat_path(data_dir, chat.id).read_bytes()
    import desktop_chat.store.chatfile as chatfile

    monkeypatch.setattr(chatfile, "CHAT_VERSION", 2)
    old = open_store(data_dir)
    assert old.load_chat(chat.id).messages[-1].text == "новый"
    with pytest.raises(StoreError) as err:
        old.append_message(chat.id, Message.new("user", "из старой версии"))
    assert err.value.kind == "read_only"
    old.close()
    assert chat_path(data_dir, chat.id).read_bytes() == data


def test_versions_too_deep_for_a_file_are_refused_before_writing(store: ChatStore) -> None:
    from desktop_chat.store.model import MAX_VERSION_DEPTH

    chat = store.create_chat()
    message = Message.new("assistant", "x")
    for _ in range(MAX_VERSION_DEPTH + 1):
        message = Message.new("assistant", "x", versions=[[message]], version=1)
    add_turns(store, chat.id, 1)
    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, message)
    assert err.value.kind == "invalid"
    assert len(store.load_chat(chat.id).messages) == 1


def test_deleting_messages_and_putting_them_back(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    turns = add_turns(store, chat.id, 6, "ход")
    removed = store.delete_messages(chat.id, [turns[2].id, turns[3].id])
    assert [m.text for m in store.load_chat(chat.id).messages] == ["ход 0", "ход 1", "ход 4", "ход 5"]
    assert store.get_chat_summary(chat.id).message_count == 4
    assert [h.message_id for h in store.search("ход 2") if h.message_id] == []
    assert not [p for p in (data_dir / "chats").iterdir() if p.suffix != ".jsonl"]  # no temp file left
    with pytest.raises(StoreError):
        store.delete_messages(chat.id, [turns[0].id, turns[4].id])  # not next to each other
    store.close()

    store = open_store(data_dir)  # deleted for good on disk, until Undo
    assert len(store.load_chat(chat.id).messages) == 4
    store.restore_messages(removed)
    assert [m.text for m in store.load_chat(chat.id).messages] == [f"ход {i}" for i in range(6)]
    assert [h.message_id for h in store.search("ход 2") if h.message_id] == [turns[2].id]
    with pytest.raises(StoreError):
        store.restore_messages(removed)  # they are back already
    # The message they followed is gone too: they go back where they were.
    again = store.delete_messages(chat.id, [turns[2].id])
    store.delete_messages(chat.id, [turns[1].id])
    store.restore_messages(again)
    assert [m.text for m in store.load_chat(chat.id).messages] == ["ход 0", "ход 2", "ход 3", "ход 4", "ход 5"]
    store.close()


def test_a_message_appended_by_another_process_during_a_delete_is_kept(data_dir: Path) -> None:
    a = open_store(data_dir)
    chat = a.create_chat()
    turns = add_turns(a, chat.id, 2)
    b = open_store(data_dir)
    late = Message.new("user", "из другого окна")
    b.append_message(chat.id, late)
    a.delete_messages(chat.id, [turns[1].id])  # a has not seen `late`: the rewrite reads the file first
    assert [m.text for m in a.load_chat(chat.id).messages] == ["msg 0", "из другого окна"]
    a.close()
    b.close()


def test_deleting_the_last_versions_writes_the_lowest_version_and_undo_upgrades_after_a_backup(
        data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    add_turns(store, chat.id, 2)
    reply = regenerated(store, chat.id, "новый")
    path = chat_path(data_dir, chat.id)
    removed = store.delete_messages(chat.id, [reply.id])
    assert json.loads(path.read_bytes().splitlines()[0])["version"] == 1  # older apps may write it again
    before = path.read_bytes()
    backups = set((data_dir / "migrations").iterdir())
    store.restore_messages(removed)
    assert json.loads(path.read_bytes().splitlines()[0])["version"] == 3
    [backup] = set((data_dir / "migrations").iterdir()) - backups
    assert backup.read_bytes() == before
    assert texts(store.load_chat(chat.id).messages[-1].versions) == [["msg 1"]]
    store.close()


def test_a_regenerate_refuses_when_another_process_added_a_message_to_the_turn_meanwhile(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = open_store(data_dir)
    chat = a.create_chat()
    _question, answer = add_turns(a, chat.id, 2)
    b = open_store(data_dir)
    read = a.load_chat

    def read_then_another_window_writes(chat_id: str):
        chat = read(chat_id)
        b.append_message(chat_id, Message.new("user", "из другого окна"))
        return chat
    monkeypatch.setattr(a, "load_chat", read_then_another_window_writes)
    with pytest.raises(StoreError) as err:  # it would hide that message in a version nobody asked for
        a.append_message(chat.id, Message.new("assistant", "новый"), replaces=answer.id)
    assert err.value.kind == "not_found"
    monkeypatch.undo()
    assert [m.text for m in a.load_chat(chat.id).messages] == ["msg 0", "msg 1", "из другого окна"]
    a.close()
    b.close()


def test_after_rewrites_the_search_index_is_what_a_rebuild_makes(store: ChatStore) -> None:
    chat = store.create_chat()
    turns = add_turns(store, chat.id, 8, "слово")
    reply = store.append_message(chat.id, Message.new("assistant", "слово новое"), replaces=turns[-1].id)
    store.switch_version(chat.id, reply.id, 0)
    removed = store.delete_messages(chat.id, [turns[2].id, turns[3].id])
    store.restore_messages(removed)
    store.delete_messages(chat.id, [turns[5].id])

    def hits() -> list[str | None]:
        return sorted(h.message_id for h in store.search("слово", limit=100))
    on_screen = [m.id for m in store.load_chat(chat.id).messages]
    assert hits() == sorted(on_screen) and len(on_screen) == 7  # only what is on screen, each once
    store.truncate_from(chat.id, turns[3].id)  # the index keeps the chat's order after a restore
    assert hits() == sorted(m.id for m in turns[:3])
    store.rebuild_search_index()
    store.wait_for_search_index()
    assert hits() == sorted(m.id for m in turns[:3])


def test_after_a_delete_cutting_the_chat_forgets_only_what_was_cut(store: ChatStore) -> None:
    chat = store.create_chat()
    turns = add_turns(store, chat.id, 8, "слово")
    store.delete_messages(chat.id, [turns[0].id, turns[1].id])
    late = Message.new("user", "слово поздно")
    store.append_message(chat.id, late)  # the 7th message now: the index must know the 8th is not after it
    store.truncate_from(chat.id, late.id)
    assert sorted(h.message_id for h in store.search("слово", limit=100)) == sorted(m.id for m in turns[2:])
