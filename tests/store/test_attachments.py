"""Attachments in the store: one file per content, the version-2 upgrade, export/import, backups, the trash."""

from __future__ import annotations

import base64
import json
import os
import time
import zipfile
from pathlib import Path

import pytest

from desktop_chat import attachments
from desktop_chat.store import ChatStore, Message, StoreError
from desktop_chat.store.model import Attachment
from tests.attachments import files
from tests.store.helpers import add_turns, chat_path, open_store


def _send(store: ChatStore, chat_id: str, text: str, *items: attachments.Prepared) -> Message:
    """What the sessions do: the files first, then the message that references them."""
    for item in items:
        store.put_attachment(item.data, item.mime, item.sha256)
    message = Message.new("user", text, attachments=[i.to_ref() for i in items])
    store.append_message(chat_id, message)
    return message


PICTURE = attachments.prepare_bytes(files.picture("PNG", (40, 30)), "кот.png")
DOCUMENT = attachments.prepare_bytes("Договор аренды № 5".encode(), "договор.txt")
OTHER = attachments.prepare_bytes(files.picture("JPEG", (20, 20), "blue"), "other.jpg")


def test_one_file_per_content_however_many_messages_and_chats_use_it(store: ChatStore) -> None:
    a, b = store.create_chat("a"), store.create_chat("b")
    _send(store, a.id, "1", PICTURE, DOCUMENT)
    _send(store, a.id, "2", PICTURE)
    _send(store, b.id, "3", PICTURE)
    assert sorted(p.name for p in store.attachments.all_files()) == sorted(
        [PICTURE.sha256 + ".png", DOCUMENT.sha256 + ".txt"])
    ref = store.load_chat(b.id).messages[0].attachments[0]
    assert store.read_attachment(ref) == PICTURE.data
    assert store.attachment_path(ref) == store.data_dir / "attachments" / PICTURE.sha256[:2] / (PICTURE.sha256 + ".png")


def test_a_message_cannot_reference_a_file_that_was_not_stored(store: ChatStore) -> None:
    chat = store.create_chat()
    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, Message.new("user", "x", attachments=[PICTURE.to_ref()]))
    assert err.value.kind == "not_found" and store.load_chat(chat.id).messages == []
    with pytest.raises(StoreError):
        store.put_attachment(b"other bytes", "image/png", PICTURE.sha256)


def test_a_damaged_or_missing_file_is_reported_not_returned(store: ChatStore) -> None:
    chat = store.create_chat()
    ref = _send(store, chat.id, "x", PICTURE).attachments[0]
    path = store.attachment_path(ref)
    path.write_bytes(b"changed")
    with pytest.raises(StoreError) as err:
        store.read_attachment(ref)
    assert err.value.kind == "corrupt"
    path.unlink()
    with pytest.raises(StoreError) as err:
        store.read_attachment(ref)
    assert err.value.kind == "not_found" and "кот.png" in str(err.value)


def test_a_version_1_chat_is_upgraded_when_its_first_attachment_arrives(data_dir: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("старый")
    add_turns(store, chat.id, 4)
    path = chat_path(data_dir, chat.id)
    before = path.read_bytes()
    assert json.loads(before.splitlines()[0])["version"] == 1  # plain chats stay readable by older apps
    message = _send(store, chat.id, "с файлом", DOCUMENT)
    after = path.read_bytes()
    header = json.loads(after.splitlines()[0])
    assert header["version"] == 2 and header["id"] == chat.id
    assert after.splitlines()[1:5] == before.splitlines()[1:5]  # the events are as they were
    [backup] = (data_dir / "migrations").iterdir()
    assert backup.name.startswith(f"{chat.id}.jsonl.v1.") and backup.read_bytes() == before
    assert chat.id in store.report.migrated
    store.close()
    store = open_store(data_dir)
    messages = store.load_chat(chat.id).messages
    assert len(messages) == 5 and messages[-1].attachments == message.attachments
    assert not store.list_chats()[0].read_only
    store.close()
    # an app that knows only version 1 opens it read-only and never rewrites it
    import desktop_chat.store.chatfile as chatfile

    monkeypatch.setattr(chatfile, "CHAT_VERSION", 1)
    old = open_store(data_dir)
    assert len(old.load_chat(chat.id).messages) == 5
    with pytest.raises(StoreError) as err:
        old.append_message(chat.id, Message.new("user", "из старой версии"))
    assert err.value.kind == "read_only"
    old.close()
    assert path.read_bytes() == after


def test_compaction_keeps_attachments(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.store.chatfile as chatfile

    store = open_store(data_dir)
    chat = store.create_chat()
    first = _send(store, chat.id, "x", PICTURE)
    for i in range(30):
        store.append_message(chat.id, Message.new("assistant", f"ответ {i} " + "слово " * 50))
        store.truncate_from(chat.id, store.load_chat(chat.id).messages[-1].id)
    store.close()
    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 100)
    store = open_store(data_dir)
    assert store.load_chat(chat.id).messages == [first]
    assert json.loads(chat_path(data_dir, chat.id).read_bytes().splitlines()[0])["version"] == 2
    store.close()


def test_json_export_carries_the_files_and_import_restores_them(tmp_path: Path) -> None:
    source = open_store(tmp_path / "one")
    chat = source.create_chat("с файлами")
    sent = _send(source, chat.id, "смотри", PICTURE, DOCUMENT)
    source.append_message(chat.id, Message.new("assistant", "вижу кота"))
    exported = source.export_json(chat.id)
    doc = json.loads(exported)
    assert doc["version"] == 2
    assert base64.b64decode(doc["chat"]["files"][PICTURE.sha256]["data"]) == PICTURE.data
    source.close()
    target = open_store(tmp_path / "two")
    summary = target.import_json(exported)
    messages = target.load_chat(summary.id).messages
    assert messages[0].attachments == sent.attachments
    assert [target.read_attachment(r) for r in messages[0].attachments] == [PICTURE.data, DOCUMENT.data]
    assert target.search("аренды")  # the document's text is searchable in the imported chat
    # a damaged file in an export is refused, and nothing is imported
    doc["chat"]["files"][PICTURE.sha256]["data"] = base64.b64encode(b"other").decode()
    with pytest.raises(StoreError) as err:
        target.import_json(json.dumps(doc))
    assert err.value.kind == "bad_import" and "кот.png" in str(err.value)
    assert len(target.list_chats()) == 1
    target.close()


def test_a_plain_chat_still_exports_as_version_1(store: ChatStore) -> None:
    chat = store.create_chat()
    add_turns(store, chat.id, 2)
    assert json.loads(store.export_json(chat.id))["version"] == 1


def test_html_embeds_pictures_and_markdown_links_copied_files(store: ChatStore, tmp_path: Path) -> None:
    chat = store.create_chat("экспорт")
    _send(store, chat.id, "вот", PICTURE, DOCUMENT)
    page = store.export_html(chat.id, "ru")
    assert f'src="data:image/png;base64,{base64.b64encode(PICTURE.data).decode()}"' in page
    assert "договор.txt" in page and "Договор аренды № 5" in page
    (tmp_path / "out").mkdir()
    folder = store.export_markdown_file(chat.id, tmp_path / "out" / "chat.md")
    text = (tmp_path / "out" / "chat.md").read_text("utf-8")
    assert "![кот.png](chat_files/кот.png)" in text and "📎 [договор.txt](chat_files/договор.txt)" in text
    assert (folder / "кот.png").read_bytes() == PICTURE.data and (folder / "договор.txt").read_bytes() == DOCUMENT.data
    assert "📎 кот.png" in store.export_markdown(chat.id)


def test_backups_include_the_attachments(store: ChatStore) -> None:
    chat = store.create_chat()
    _send(store, chat.id, "x", PICTURE)
    with zipfile.ZipFile(store.backup_now()) as archive:
        name = f"attachments/{PICTURE.sha256[:2]}/{PICTURE.sha256}.png"
        assert archive.read(name) == PICTURE.data
        assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED


def test_a_deleted_chat_frees_what_only_it_used_after_the_trash_lets_go(data_dir: Path) -> None:
    store = open_store(data_dir)
    kept, deleted = store.create_chat("kept"), store.create_chat("deleted")
    _send(store, kept.id, "a", PICTURE)
    _send(store, deleted.id, "b", PICTURE, OTHER)
    store.delete_chat(deleted.id)
    store.close()
    old = time.time() - 2 * 24 * 3600
    for path in open_store(data_dir, trash_days=30).attachments.all_files():
        os.utime(path, (old, old))
    store = open_store(data_dir, trash_days=30)  # still in the trash: nothing freed, restorable
    assert len(store.attachments.all_files()) == 2
    store.close()
    store = open_store(data_dir, trash_days=0)  # purged: what only it used goes
    assert [p.name for p in store.attachments.all_files()] == [PICTURE.sha256 + ".png"]
    assert store.read_attachment(store.load_chat(kept.id).messages[0].attachments[0]) == PICTURE.data
    store.close()


def test_a_young_unreferenced_file_is_kept_a_day(store: ChatStore) -> None:
    store.put_attachment(OTHER.data, OTHER.mime)  # e.g. a message being sent right now
    assert store.collect_attachments() == 0 and len(store.attachments.all_files()) == 1


def test_bad_attachment_records_are_refused(store: ChatStore) -> None:
    chat = store.create_chat()
    good = PICTURE.to_ref().to_dict()
    for bad in ({**good, "sha256": "xyz"}, {**good, "kind": "video"}, {**good, "size": -1}, {**good, "name": ""},
                "x.png"):
        with pytest.raises(StoreError):
            store.append_message(chat.id, Message.from_dict(
                {"id": "m1", "role": "user", "text": "", "created_at": 1.0, "attachments": [bad]}))
    assert Attachment.from_dict(good) == PICTURE.to_ref()
