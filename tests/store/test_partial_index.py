"""The index's head: a big store lists its first screen of chats at open and the rest on a thread;
the head is rebuilt when missing, damaged or stale; writes made while only the head is listed are kept."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from desktop_chat.store import ChatSettings, ChatStore, Message
from desktop_chat.store.catalog import ChatCatalog
from desktop_chat.store.chatfile import CHAT_SUFFIX, chat_file_bytes
from desktop_chat.store.index import HEAD_NAME, HEAD_SIZE, INDEX_NAME
from desktop_chat.store.model import new_id
from tests.store.helpers import open_store

MANY = HEAD_SIZE + 50


def write_chats(data_dir: Path, count: int, *, start: float | None = None) -> list[str]:
    """`count` chat files written directly (fast), one hour apart, newest last; their ids."""
    chats = data_dir / "chats"
    chats.mkdir(parents=True, exist_ok=True)
    start = time.time() - count * 3600 if start is None else start
    ids = []
    for i in range(count):
        chat_id = new_id()
        at = start + i * 3600
        message = Message.new("user", f"message {i} word{i}", created_at=at)
        data = chat_file_bytes(chat_id, at, f"Chat {i}", False, ChatSettings(), [message], event_time=at)
        (chats / (chat_id + CHAT_SUFFIX)).write_bytes(data)
        ids.append(chat_id)
    return ids


@pytest.fixture
def big(data_dir: Path) -> list[str]:
    """A store of MANY chats with its index and head written (as after a normal session)."""
    ids = write_chats(data_dir, MANY)
    open_store(data_dir, list_in_background=False).close()
    assert (data_dir / HEAD_NAME).exists()
    return ids


@pytest.fixture
def slow_survey(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the background listing until the returned event is set."""
    release = threading.Event()
    survey = ChatCatalog.survey

    def held(self: ChatCatalog):
        release.wait(10)
        return survey(self)

    monkeypatch.setattr(ChatCatalog, "survey", held)
    return release


def test_a_big_store_lists_its_head_at_open_and_the_rest_in_the_background(
        data_dir: Path, big: list[str], slow_survey: threading.Event) -> None:
    store = open_store(data_dir)
    try:
        assert not store.listing_complete
        first = store.list_chats(limit=20)
        assert [c.id for c in first] == big[::-1][:20]  # newest first, at once
        slow_survey.set()
        assert store.wait_for_listing(10)
        assert [c.id for c in store.list_chats()] == big[::-1]
    finally:
        slow_survey.set()
        store.close()


def test_list_chats_without_a_limit_waits_for_every_chat(data_dir: Path, big: list[str],
                                                         slow_survey: threading.Event) -> None:
    store = open_store(data_dir)
    threading.Timer(0.2, slow_survey.set).start()
    try:
        assert len(store.list_chats()) == MANY
    finally:
        slow_survey.set()
        store.close()


def test_a_chat_beyond_the_head_can_be_opened_and_found_while_the_rest_is_listed(
        data_dir: Path, big: list[str], slow_survey: threading.Event) -> None:
    store = open_store(data_dir)
    oldest = big[0]
    threading.Timer(0.2, slow_survey.set).start()
    try:
        assert store.load_chat(oldest).messages[0].text == "message 0 word0"  # waits for the listing
        assert [h.chat_id for h in store.search("word0")] == [oldest]
    finally:
        slow_survey.set()
        store.close()


def test_writes_while_only_the_head_is_listed_are_kept(data_dir: Path, big: list[str],
                                                       slow_survey: threading.Event) -> None:
    store = open_store(data_dir)
    newest, second = big[-1], big[-2]
    try:
        store.rename_chat(newest, "Renamed meanwhile")
        store.delete_chat(second)
        created = store.create_chat("Created meanwhile")
        store.append_message(big[-3], Message.new("user", "appended meanwhile"))
        assert not store.listing_complete
        slow_survey.set()
        assert store.wait_for_listing(10)
        listed = {c.id: c for c in store.list_chats()}
        assert len(listed) == MANY  # one deleted, one created
        assert listed[newest].title == "Renamed meanwhile"
        assert second not in listed
        assert created.id in listed
        assert listed[big[-3]].message_count == 2
    finally:
        slow_survey.set()
        store.close()
    # The index written at close holds every chat, not just the head.
    index = json.loads((data_dir / INDEX_NAME).read_text(encoding="utf-8"))
    assert len(index["chats"]) == MANY
    again = open_store(data_dir, list_in_background=False)
    assert len(again.list_chats()) == MANY
    again.close()


@pytest.mark.parametrize("damage", ["missing", "corrupt", "foreign", "too_many"])
def test_a_missing_or_damaged_head_means_a_full_listing_and_is_rewritten(data_dir: Path, big: list[str],
                                                                         damage: str) -> None:
    head = data_dir / HEAD_NAME
    if damage == "missing":
        head.unlink()
    elif damage == "corrupt":
        head.write_bytes(b'{"format": "desktop-chat/index-head", "chats": [')
    elif damage == "foreign":
        head.write_text(json.dumps({"format": "something-else", "version": 1, "total": 1, "chats": []}))
    else:  # more chats in the head than it says the index holds
        doc = json.loads(head.read_text(encoding="utf-8"))
        doc["total"] = 1
        head.write_text(json.dumps(doc))
    store = open_store(data_dir)
    try:
        assert store.listing_complete  # no usable head: everything listed inside open()
        assert len(store.list_chats()) == MANY
    finally:
        store.close()
    doc = json.loads(head.read_text(encoding="utf-8"))
    assert doc["format"] == "desktop-chat/index-head" and doc["total"] == MANY
    assert [c["id"] for c in doc["chats"]] == big[::-1][:HEAD_SIZE]


def test_a_stale_head_entry_is_read_again_from_its_chat_file(data_dir: Path, big: list[str]) -> None:
    # Another process (an app without the head, a terminal command) changed the newest chat.
    other = ChatStore(data_dir, auto_backup=False, search_in_background=False, list_in_background=False)
    other.open()
    other.append_message(big[-1], Message.new("user", "from elsewhere"))
    other._cat.save_index = lambda: None  # type: ignore[method-assign]  # it leaves the old index behind
    other._cat.index_dirty = False
    other.close()
    store = open_store(data_dir, list_in_background=True)
    try:
        head = {c.id: c for c in store.list_chats(limit=HEAD_SIZE)}
        assert head[big[-1]].message_count == 2
    finally:
        store.close()


def test_another_process_s_new_chat_appears_after_a_reopen(data_dir: Path, big: list[str]) -> None:
    store = open_store(data_dir)
    store.close()
    # A chat written by another process whose index save was lost (a crash): only its file exists.
    (new,) = write_chats(data_dir, 1, start=time.time() - 7 * 24 * 3600 * 52)
    store = open_store(data_dir)
    try:
        store.wait_for_listing(10)
        assert new in {c.id for c in store.list_chats()}
        assert store.load_chat(new).summary.title == "Chat 0"
    finally:
        store.close()


def test_a_small_store_is_listed_whole_inside_open(data_dir: Path) -> None:
    write_chats(data_dir, 5)
    open_store(data_dir).close()
    store = open_store(data_dir)
    try:
        assert store.listing_complete
        assert len(store.list_chats(limit=3)) == 3
    finally:
        store.close()


def test_the_background_listing_thread_ends_with_close(data_dir: Path, big: list[str],
                                                       slow_survey: threading.Event) -> None:
    store = open_store(data_dir)
    threading.Timer(0.1, slow_survey.set).start()
    store.close()  # waits for the listing thread; nothing is left running
    assert not [t for t in threading.enumerate() if t.name == "chat-list"]


def test_old_format_files_are_upgraded_by_the_listing_not_before_the_first_screen(
        data_dir: Path, big: list[str], slow_survey: threading.Event, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking for old-format files scans the whole chat folder (7 ms at 10,000 chats): with only the
    head listed at open, it runs on the listing thread, and the upgraded chat is listed with the rest."""
    from desktop_chat.store import migrations, recovery
    from tests.store.test_versions import legacy_doc

    old_id = "0123456789abcdef0123456789abcdef"
    (data_dir / "chats" / f"{old_id}.json").write_text(json.dumps(legacy_doc(old_id)), "utf-8")
    scans: list[str] = []
    scan = migrations.legacy_chat_files
    monkeypatch.setattr(recovery, "legacy_chat_files",
                        lambda folder: (scans.append(threading.current_thread().name), scan(folder))[1])
    store = open_store(data_dir)
    assert not store.listing_complete and scans == []  # open() listed the head only, and scanned nothing
    slow_survey.set()
    store.wait_for_listing()
    assert scans == ["chat-list"] and store.report.migrated == [old_id]
    assert len(store.list_chats()) == MANY + 1
    assert [m.text for m in store.load_chat(old_id).messages] == ["Привет", "Здравствуйте!"]
    store.close()
