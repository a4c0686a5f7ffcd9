"""The OS file locks that let several processes share a data folder (issue 17, finding 1).

test_multiprocess.py runs real processes; these tests force the interleavings that matter with two
stores in one process (flock locks belong to an open file, so two stores exclude each other too).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import desktop_chat.store.catalog as catalog_module
import desktop_chat.store.chatfile as chatfile
from desktop_chat.store import Message, StoreError
from desktop_chat.store.locks import file_lock
from tests.store.helpers import add_turns, chat_path, open_store


def test_an_append_waits_for_the_chats_lock(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    held = threading.Event()

    def hold() -> None:
        with file_lock(data_dir / "locks" / f"{chat.id}.lock", exclusive=True):
            held.set()
            time.sleep(0.4)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    started = time.monotonic()
    store.append_message(chat.id, Message.new("user", "after the lock"))
    assert time.monotonic() - started >= 0.3
    holder.join()
    store.close()


def test_an_append_after_another_process_compacted_keeps_both(data_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 100)
    a = open_store(data_dir)
    chat = a.create_chat()
    add_turns(a, chat.id, 4)
    for i in range(20):
        a.rename_chat(chat.id, f"t{i}")  # dead events
    b = open_store(data_dir)  # its open reads the stale chat and compacts it: a new file
    before = chat_path(data_dir, chat.id).stat().st_size
    b.load_chat(chat.id)
    assert chat_path(data_dir, chat.id).stat().st_size < before
    b.append_message(chat.id, Message.new("user", "from b"))
    a.append_message(chat.id, Message.new("user", "from a"))  # a's memory is stale: re-read, then write
    texts = [m.text for m in open_store(data_dir).load_chat(chat.id).messages]
    assert texts[-2:] == ["from b", "from a"] and len(texts) == 6
    a.close()
    b.close()


def test_compaction_rereads_after_taking_the_exclusive_lock(data_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process appends between the first (shared) read and the compaction: kept."""
    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 100)
    writer = open_store(data_dir)
    chat = writer.create_chat()
    add_turns(writer, chat.id, 3)
    for i in range(20):
        writer.rename_chat(chat.id, f"t{i}")
    compactor = open_store(data_dir)
    real_lock = catalog_module.ChatCatalog.lock
    late = Message.new("user", "appended in between")

    @contextlib.contextmanager
    def lock(self: catalog_module.ChatCatalog, chat_id: str, *, exclusive: bool = True) -> Iterator[None]:
        if exclusive and self is compactor._cat and not late_written:
            late_written.append(True)
            writer.append_message(chat.id, late)  # the other process's write, before we get the lock
        with real_lock(self, chat_id, exclusive=exclusive):
            yield

    late_written: list[bool] = []
    monkeypatch.setattr(catalog_module.ChatCatalog, "lock", lock)
    compactor._cat.logs.clear()
    loaded = compactor.load_chat(chat.id)
    assert late_written and loaded.messages[-1].id == late.id
    monkeypatch.undo()
    assert open_store(data_dir).load_chat(chat.id).messages[-1].id == late.id
    writer.close()
    compactor.close()


def test_a_write_checks_against_what_another_process_did(data_dir: Path) -> None:
    """a's memory says a message is there, but b (another process) cut it: a must re-read under
    the lock and refuse, not write an event that cuts at a message that is gone."""
    a = open_store(data_dir)
    chat = a.create_chat()
    first, second = add_turns(a, chat.id, 2)
    b = open_store(data_dir)
    b.truncate_from(chat.id, second.id)
    with pytest.raises(StoreError) as err:
        a.truncate_from(chat.id, second.id)
    assert err.value.kind == "not_found"
    with pytest.raises(StoreError):
        a.append_message(chat.id, Message.new("assistant", "again"), replaces=second.id)
    a.append_message(chat.id, Message.new("assistant", "fine"), replaces=first.id)
    a.close()
    b.close()
    again = open_store(data_dir)
    assert [m.text for m in again.load_chat(chat.id).messages] == ["fine"]
    assert again.report.quarantined == [] and again.report.repaired == []
    again.close()
