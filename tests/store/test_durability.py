"""Directory fsyncs after every create and rename (issue 17, finding 8), change notifications after
every change, and linear imports that leave the store answering (finding 5).

The fsync test records which folders were fsynced during each operation: removing any fsync_dir
call (or ensure_dir's) makes it fail.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore, Message, StoreChange
from tests.store.helpers import add_turns


class FsyncRecorder:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.dirs: list[str] = []
        real = os.fsync

        def fsync(fd: int) -> None:
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                self.dirs.append(os.readlink(f"/proc/self/fd/{fd}"))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    def during(self, action: Callable[[], object]) -> set[str]:
        self.dirs = []
        action()
        return set(self.dirs)

    def count(self, folder: str) -> int:
        return self.dirs.count(folder)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name fsynced folders")
def test_every_create_and_rename_fsyncs_its_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = FsyncRecorder(monkeypatch)
    top = tmp_path / "new"
    data = top / "data"
    d = {name: str(data / name) for name in ("chats", "trash", "locks", "quarantine", "backups", "migrations")}
    store = ChatStore(data, auto_backup=False, search_in_background=False)
    # first run: every new folder and the folder holding it
    assert {str(tmp_path), str(top), str(data), d["chats"], d["trash"], d["locks"]} <= rec.during(store.open)
    chat = store.create_chat("t")
    assert d["chats"] in rec.during(lambda: store.create_chat("u"))  # the new chat file's name
    assert {d["chats"], d["trash"]} <= rec.during(lambda: store.delete_chat(chat.id))
    assert {d["chats"], d["trash"]} <= rec.during(lambda: store.restore_chat(chat.id))
    assert {str(data), d["backups"]} <= rec.during(store.backup_now)  # backups/ created, zip renamed in
    assert d["backups"] in rec.during(store.backup_now)
    store.set_draft(chat.id, "x")
    assert str(data) in rec.during(lambda: store.set_draft(chat.id, "y"))  # drafts.json renamed in
    store.close()
    # quarantine: created in the data folder, the file moved out of chats/, its .why.txt written
    (data / "chats" / ("b" * 32 + ".jsonl")).write_bytes(b"garbage\n")
    again = ChatStore(data, auto_backup=False, search_in_background=False)
    assert {str(data), d["quarantine"], d["chats"]} <= rec.during(again.open)
    again.close()
    (data / "chats" / ("d" * 32 + ".jsonl")).write_bytes(b"garbage\n")  # quarantine/ exists now
    again = ChatStore(data, auto_backup=False, search_in_background=False)
    assert {d["quarantine"], d["chats"]} <= rec.during(again.open)
    assert rec.count(d["quarantine"]) >= 1  # the moved file and its .why.txt (the folder exists)
    again.close()
    # migration: migrations/ created, the backup copied in, the new file renamed in, the old removed
    for n, letter in enumerate("ce"):
        (data / "chats" / (letter * 32 + ".json")).write_text(json.dumps({"messages": []}), "utf-8")
        third = ChatStore(data, auto_backup=False, search_in_background=False)
        assert {d["migrations"], d["chats"]} <= rec.during(third.open)
        if n == 0:
            assert str(data) in rec.dirs  # migrations/ was created
        else:
            assert rec.count(d["migrations"]) == 1  # the backup copy renamed in (the folder existed)
        assert rec.count(d["chats"]) >= 2  # the new file renamed in, then the old one removed
        assert third.report.migrated == [letter * 32]
        third.close()


def test_settings_are_written_through_the_one_atomic_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.settings as settings_module
    from desktop_chat.store import fileio

    assert settings_module.atomic_write is fileio.atomic_write
    rec = FsyncRecorder(monkeypatch)
    config = tmp_path / "config"
    store = settings_module.SettingsStore(config)
    assert {str(tmp_path), str(config)} <= rec.during(lambda: store.save(settings_module.Settings()))


def test_every_change_notifies(store: ChatStore, tmp_path: Path) -> None:
    seen: list[StoreChange] = []
    store.subscribe(seen.append)

    def kinds(action: Callable[[], object]) -> list[tuple[str, str]]:
        seen.clear()
        action()
        return [(c.chat_id, c.kind) for c in seen]

    chat = store.create_chat("t")
    assert kinds(lambda: store.create_chat("u"))[0][1] == "created"
    m = Message.new("user", "hi")
    assert kinds(lambda: store.append_message(chat.id, m)) == [(chat.id, "changed")]
    m2 = Message.new("assistant", "hello")
    store.append_message(chat.id, m2)
    assert kinds(lambda: store.append_message(chat.id, Message.new("assistant", "again"), replaces=m2.id)) == [
        (chat.id, "changed")]
    assert kinds(lambda: store.truncate_from(chat.id, m.id)) == [(chat.id, "changed")]
    assert kinds(lambda: store.rename_chat(chat.id, "renamed")) == [(chat.id, "changed")]
    assert kinds(lambda: store.set_pinned(chat.id, True)) == [(chat.id, "changed")]
    from desktop_chat.store import ChatSettings

    assert kinds(lambda: store.set_chat_settings(chat.id, ChatSettings(system_prompt="p"))) == [
        (chat.id, "changed")]
    dup = kinds(lambda: store.duplicate_chat(chat.id))
    assert len(dup) == 1 and dup[0][1] == "created" and dup[0][0] != chat.id
    exported = store.export_json(chat.id)
    imp = kinds(lambda: store.import_json(exported))
    assert len(imp) == 1 and imp[0][1] == "created"
    path = tmp_path / "export.json"
    path.write_text(exported, "utf-8")
    assert kinds(lambda: store.import_file(path))[0][1] == "created"
    assert kinds(lambda: store.delete_chat(chat.id)) == [(chat.id, "deleted")]
    assert kinds(lambda: store.restore_chat(chat.id)) == [(chat.id, "created")]
    assert kinds(lambda: store.list_chats()) == []  # reading tells nobody anything


def _same_time_export(count: int) -> str:
    when = 1_700_000_000.0
    messages = [Message.new("user" if i % 2 == 0 else "assistant", f"сообщение номер {i}", created_at=when)
                for i in range(count)]
    return json.dumps({"format": "desktop-chat/export", "version": 1,
                       "chat": {"title": "imported", "created_at": when, "messages": [m.to_dict() for m in messages]}})


def test_importing_5000_messages_of_one_time_is_fast_and_the_list_answers(store: ChatStore) -> None:
    add_turns(store, store.create_chat("already here").id, 2)
    text = _same_time_export(5000)
    worst = 0.0
    done = threading.Event()

    def lister() -> None:
        nonlocal worst
        while not done.is_set():
            started = time.perf_counter()
            store.list_chats()
            worst = max(worst, time.perf_counter() - started)
            time.sleep(0.005)

    thread = threading.Thread(target=lister)
    thread.start()
    started = time.perf_counter()
    summary = store.import_json(text)
    took = time.perf_counter() - started
    done.set()
    thread.join()
    print(f"import of 5,000 same-time messages: {took:.2f} s; slowest list_chats meanwhile: {worst * 1000:.0f} ms")
    assert summary.message_count == 5000
    assert took < 2.0
    assert worst < 0.25
    assert len(store.search("номер 4999")) == 1  # indexed, each message its own row
    assert len(store.search("сообщение", limit=6000)) == 5000


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to name fsynced files")
def test_writes_are_fsynced_before_they_are_acknowledged(store: ChatStore, data_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An append fsyncs the chat file; a whole-file write fsyncs a temp file, renames it over the
    target, then fsyncs the folder, in that order."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str, dst: str, **kw: object) -> None:
        events.append(("replace", f"{src} -> {dst}"))
        real_replace(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    chat = store.create_chat("t")
    path = str(data_dir / "chats" / f"{chat.id}.jsonl")
    chats = str(data_dir / "chats")
    (fsync_temp, temp), (rename, move), (fsync_dir, folder) = events[:3]
    assert fsync_temp == "fsync" and temp.endswith(".tmp") and temp.startswith(chats)
    assert rename == "replace" and move == f"{temp} -> {path}"
    assert (fsync_dir, folder) == ("fsync", chats)
    events.clear()
    store.append_message(chat.id, Message.new("user", "durable"))
    assert ("fsync", path) in events
