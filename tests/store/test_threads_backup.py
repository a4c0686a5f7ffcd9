"""Thread safety (a worker appends while the GUI thread reads) and rolling backups."""

from __future__ import annotations

import os
import threading
import time
import zipfile
from pathlib import Path

from desktop_chat.store import ChatStore, Message
from tests.store.helpers import add_turns, open_store


def test_a_writer_thread_and_a_reader_thread(store: ChatStore) -> None:
    chat = store.create_chat("shared")
    other = store.create_chat("other")
    written: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(150):
                m = Message.new("assistant" if i % 2 else "user", f"ответ номер {i}")
                store.append_message(chat.id, m)
                written.append(m.id)
                if i % 50 == 49:
                    store.rename_chat(chat.id, f"shared {i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()

    def reader() -> None:
        try:
            while not done.is_set():
                seen = [m.id for m in store.load_chat(chat.id).messages]
                assert seen == written[: len(seen)]  # a prefix of what was acknowledged, in order
                assert {s.id for s in store.list_chats()} == {chat.id, other.id}
                store.search("ответ")
                store.set_draft(other.id, str(len(seen)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert [m.id for m in store.load_chat(chat.id).messages] == written
    assert len(store.search("ответ", limit=500)) == 150


def test_backup_now_zips_every_chat_and_the_drafts(store: ChatStore) -> None:
    ids = [store.create_chat(f"c{i}").id for i in range(3)]
    add_turns(store, ids[0], 2)
    store.set_draft(ids[1], "черновик")
    path = store.backup_now()
    assert path.parent == store.data_dir / "backups" and path.suffix == ".zip"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert names == {f"chats/{i}.jsonl" for i in ids} | {"drafts.json"}
        assert z.read(f"chats/{ids[0]}.jsonl") == (store.chats_dir / f"{ids[0]}.jsonl").read_bytes()


def test_backups_roll_keeping_the_newest(store: ChatStore) -> None:
    store.backup_keep = 3
    store.create_chat("x")
    made = [store.backup_now() for _ in range(5)]
    left = sorted((store.data_dir / "backups").glob("chats-*.zip"))
    assert len(left) == 3 and set(left) == set(made[2:])


def test_automatic_backup_at_most_once_a_day(data_dir: Path) -> None:
    backups = data_dir / "backups"

    def open_with_backup() -> None:
        s = ChatStore(data_dir, search_in_background=False)  # auto_backup on, like the app
        s.open()
        if not s.list_chats():
            s.create_chat("x")
        s.close()  # waits for the backup thread

    open_with_backup()
    assert len(list(backups.glob("*.zip"))) == 1
    open_with_backup()
    assert len(list(backups.glob("*.zip"))) == 1  # the same day: no new one
    old = next(backups.glob("*.zip"))
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    open_with_backup()
    assert len(list(backups.glob("*.zip"))) == 2


def test_a_backup_restores_to_a_working_store(store: ChatStore, tmp_path: Path) -> None:
    chat = store.create_chat("из бэкапа")
    msgs = add_turns(store, chat.id, 3)
    path = store.backup_now()
    restored = tmp_path / "restored"
    with zipfile.ZipFile(path) as z:
        z.extractall(restored)
    s2 = open_store(restored)
    assert s2.load_chat(chat.id).messages == msgs
    s2.close()
